/** What the console needs, built once in main.ts (or a test) and passed in. */
import type { AuditLog } from '../admin/admin.audit.js';
import type { ChannelStatus } from '../bot/core/channel.port.js';
import type { AdminRepository } from '../admin/admin.repository.js';
import type { AdminSessions } from '../admin/admin.sessions.js';
import type { LoginThrottle } from '../admin/admin.throttle.js';
import type { Database } from '../db/client.js';
import type { FaqEditing } from '../faq/faq.editing.js';
import type { LocalFaqEngine } from '../faq/faq.engine.js';
import type { FaqRepository } from '../faq/faq.repository.js';
import type { UnitFacts } from '../faq/faq.render.js';
import type { FaqEntry, UnitOverride } from '../faq/faq.types.js';
import type { Handoff, TicketViewsRepository } from '../handoff/index.js';
import type { Logger } from '../logger.js';
import type { QueryLogRepository } from '../querylog/index.js';
import type { ReportsRepository } from '../reports/reports.repository.js';
import type { WorkingCalendar } from '../units/index.js';

/** Findings of the catalogue lint on one entry: errors block publishing, warnings need a note. */
export type EntryLint = (args: { entry: FaqEntry; catalogue: FaqEntry[] }) => { errors: string[]; warnings: string[] };

export type ConsoleDeps = {
  db: Database;
  faq: FaqRepository;
  editing: FaqEditing;
  accounts: AdminRepository;
  sessions: AdminSessions;
  throttle: LoginThrottle;
  audit: AuditLog;
  /** The engine the bot serves (published catalogue). */
  engine: LocalFaqEngine;
  /** Builds an engine over another list of entries (drafts laid over the published ones). */
  buildEngine: (args: { entries: FaqEntry[]; overrides?: UnitOverride[] }) => LocalFaqEngine;
  /** Unit facts templated into previews ({{unit.name}}…). */
  unit: UnitFacts;
  lint?: EntryLint;
  /** The query log: unanswered inbox, regression cases, reports. */
  queryLog: QueryLogRepository;
  /** Re-reads the regression cases the editor's lint checks drafts against. */
  regressions?: { refresh(): Promise<void> };
  reports: ReportsRepository;
  /** The ticket list and ticket pages. */
  tickets: TicketViewsRepository;
  /**
   * The bot's own handoff (same outbox, staff threads and clock as the pipeline): a staff member's
   * answer from a ticket page goes through it. Absent (a console without the bot): pages are read-only.
   */
  handoff?: Pick<Handoff, 'answerFromConsole'>;
  /** A unit's working calendar (durations on the dashboard are in working time). */
  calendarOf: (args: { unitId: string }) => Promise<WorkingCalendar>;
  now: () => Date;
  logger: Logger;
  /** The running channels' states (main.ts: the adapters'); the Zalo page and banner read it. */
  channels?: () => Record<string, ChannelStatus>;
};
