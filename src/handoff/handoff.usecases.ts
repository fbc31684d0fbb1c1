/**
 * The handoff module as the pipeline sees it (HandoffPort), plus what main.ts wires around it:
 * the outbox listeners, the staff-group health for /healthz, and the dashboard metrics.
 *
 * Wiring (main.ts):
 *   const handoff = createHandoff({ db, units, outbox, channels: adapters, clock: systemClock, logger, conversations });
 *   outboxWorker.onSent((row) => handoff.handleOutboxSent(row));
 *   outboxWorker.onFailed((row, failure) => handoff.handleOutboxFailed(row, failure));
 *   const sla = createSlaWorker({ ... }); sla.start();
 */
import type { HandoffPort } from '../bot/core/handoff.port.js';
import type { Database } from '../db/client.js';
import type { HandoffContext } from './handoff.context.js';
import type { HandoffDeps } from './handoff.deps.js';
import { createOutboxEventHandlers, type SentRow, type StaffGroupHealth } from './outbox-events.js';
import { interceptResidentMessage, openTicket } from './resident.usecases.js';
import { createStaffThreads } from './staff-threads.js';
import { handleStaffMessage, resolveStaffScope } from './staff.usecases.js';
import { createTicketLinksRepository, type TicketLinksRepository } from './ticket-links.repository.js';
import { getTicketMetrics, type TicketMetricsRow } from './tickets.metrics.js';
import { createTicketsRepository, type TicketsRepository } from './tickets.repository.js';

export type Handoff = HandoffPort & {
  handleOutboxSent(row: SentRow): Promise<void>;
  handleOutboxFailed(row: SentRow, failure?: { error?: unknown }): Promise<void>;
  /** Per staff group: did the last message to it go through? For /healthz. */
  staffGroupHealth(): StaffGroupHealth;
  getTicketMetrics(args: { unitId?: string; from: Date; to: Date }): Promise<{ units: TicketMetricsRow[]; staff: TicketMetricsRow[] }>;
  readonly tickets: TicketsRepository;
  readonly links: TicketLinksRepository;
};

export function createHandoff({
  db,
  conversations,
  ...deps
}: HandoffDeps & { db: Database; conversations?: HandoffContext['conversations'] }): Handoff {
  const tickets = createTicketsRepository({ db });
  const links = createTicketLinksRepository({ db });
  const threads = createStaffThreads({ deps, links });
  const ctx: HandoffContext = { deps, tickets, links, threads, conversations, log: deps.logger.child({ module: 'handoff' }) };
  const events = createOutboxEventHandlers(ctx);

  return {
    async isStaffConversation({ conversationRef }) {
      return (await resolveStaffScope(ctx, { conversationRef })) !== undefined;
    },
    handleStaffMessage: (args) => handleStaffMessage(ctx, args),
    interceptResidentMessage: (args) => interceptResidentMessage(ctx, args),
    openTicket: (args) => openTicket(ctx, args),
    handleOutboxSent: (row) => events.handleSent(row),
    handleOutboxFailed: (row, failure) => events.handleFailed(row, failure),
    staffGroupHealth: () => events.staffGroupHealth(),
    getTicketMetrics: (args) => getTicketMetrics({ db, ...args }),
    tickets,
    links,
  };
}
