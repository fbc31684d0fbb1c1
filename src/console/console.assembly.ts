/** Builds the console's dependencies from what main.ts already has (one call, one place). */
import { createAuditLog } from '../admin/admin.audit.js';
import { createAdminRepository } from '../admin/admin.repository.js';
import { createAdminSessions } from '../admin/admin.sessions.js';
import { createLoginThrottle } from '../admin/admin.throttle.js';
import type { Database } from '../db/client.js';
import type { CatalogueFiles } from '../faq/catalogue.loader.js';
import { createFaqEditing } from '../faq/faq.editing.js';
import { createFaqEngine, type LocalFaqEngine } from '../faq/faq.engine.js';
import { createFaqRepository } from '../faq/faq.repository.js';
import { createTicketViewsRepository, type Handoff } from '../handoff/index.js';
import type { Logger } from '../logger.js';
import { createQueryLogRepository, createRegressionGuard } from '../querylog/index.js';
import { createReportsRepository } from '../reports/reports.repository.js';
import { createUnitsRepository } from '../units/index.js';
import type { ConsoleDeps, EntryLint } from './console.deps.js';
import { createEntryLint } from './console.lint.js';

export function createConsoleDeps({
  db,
  engine,
  catalogue,
  logger,
  now = () => new Date(),
  lint = createEntryLint({ now }),
  handoff,
}: {
  db: Database;
  engine: LocalFaqEngine;
  catalogue: Pick<CatalogueFiles, 'lexicon' | 'smalltalk' | 'unit' | 'officeHours'>;
  logger: Logger;
  lint?: EntryLint;
  now?: () => Date;
  /** The pipeline assembly's handoff: answers written on a ticket page are relayed through it. */
  handoff?: Pick<Handoff, 'answerFromConsole'>;
}): ConsoleDeps {
  const buildEngine: ConsoleDeps['buildEngine'] = ({ entries, overrides }) =>
    createFaqEngine({ entries, ...(overrides ? { overrides } : {}), lexicon: catalogue.lexicon, smalltalk: catalogue.smalltalk, unit: catalogue.unit, ...(catalogue.officeHours ? { officeHours: catalogue.officeHours } : {}) });
  // Regression cases saved from the inbox: the editor warns when a draft would break one.
  const queryLog = createQueryLogRepository({ db });
  const regressions = createRegressionGuard({ list: queryLog.listRegressionCases, buildEngine });
  void regressions.refresh().catch((error: unknown) => logger.warn({ err: error }, 'regression cases could not be read'));
  const combined: EntryLint = (args) => {
    const own = lint(args);
    const broken = regressions.lint(args);
    return { errors: own.errors, warnings: [...own.warnings, ...broken.warnings] };
  };
  return {
    db,
    faq: createFaqRepository({ db }),
    editing: createFaqEditing({ db }),
    accounts: createAdminRepository({ db }),
    sessions: createAdminSessions({ db }),
    throttle: createLoginThrottle({ db }),
    audit: createAuditLog({ db }),
    engine,
    buildEngine,
    unit: catalogue.unit,
    lint: combined,
    queryLog,
    regressions,
    reports: createReportsRepository({ db }),
    tickets: createTicketViewsRepository({ db }),
    ...(handoff ? { handoff } : {}),
    calendarOf: createUnitsRepository({ db, clock: { now } }).getCalendar,
    now,
    logger: logger.child({ module: 'console' }),
  };
}
