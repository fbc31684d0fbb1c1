/**
 * The handoff module as the pipeline sees it (HandoffPort), plus what the assembly wires around it
 * (src/pipeline.assembly.ts): the outbox listeners, the staff side the SLA worker shares, the
 * staff-group health for /healthz, and the dashboard metrics.
 */
import type { HandoffPort } from '../bot/core/handoff.port.js';
import type { Database } from '../db/client.js';
import type { HandoffContext } from './handoff.context.js';
import { channelOf } from '../bot/core/conversation-ref.js';
import type { HandoffDeps, HandoffUnit } from './handoff.deps.js';
import { createOutboxEventHandlers, type SentRow } from './handoff.outbox-events.js';
import type { GroupHealth, OutboxRepository } from '../bot/outbox/outbox.repository.js';
import { interceptResidentMessage, openTicket } from './resident/resident.usecases.js';
import { choosePrivateAnswers, deliverHeldReplies, handleOfficerInGroup } from './resident/resident.groups.js';
import { createStaffThreads } from './staff/staff.threads.js';
import { answerIdRequest, handleStaffMessage, resolveStaffScope } from './staff/staff.usecases.js';
import { answerFromConsole, type ConsoleAnswerResult } from './staff/console-reply.usecases.js';
import { createTicketLinksRepository, type TicketLinksRepository } from './tickets/ticket-links.repository.js';
import { getTicketMetrics, type TicketMetricsRow } from './tickets/tickets.metrics.js';
import { createTicketsRepository, type TicketsRepository } from './tickets/tickets.repository.js';

export type Handoff = HandoffPort & {
  handleOutboxSent(row: SentRow): Promise<void>;
  /** `recovered`: the failure was made up for (a deleted topic re-created…): the outbox logs it as info. */
  handleOutboxFailed(row: SentRow, failure?: { error?: unknown }): Promise<{ recovered?: string }>;
  /** Per configured staff group: did the last message to it get through? Read from the outbox, for /healthz. */
  staffGroupHealth(): Promise<GroupHealth>;
  getTicketMetrics(args: { unitId?: string; from: Date; to: Date }): Promise<{ units: TicketMetricsRow[]; staff: TicketMetricsRow[] }>;
  /** A registered staff member answers from the console's ticket page: relayed exactly as if typed in the staff group. */
  answerFromConsole(args: { ticketId: number; staffId: string; username: string; text: string }): Promise<ConsoleAnswerResult>;
  readonly tickets: TicketsRepository;
  readonly links: TicketLinksRepository;
  /** The collaborators the SLA worker shares: units filtered to reachable staff groups, the staff threads (one lock per ticket). */
  readonly staffSide: Pick<HandoffContext, 'deps' | 'tickets' | 'threads'>;
};

export function createHandoff({
  db,
  conversations,
  outboxHistory,
  ...deps
}: HandoffDeps & {
  db: Database;
  conversations?: HandoffContext['conversations'];
  /** The outbox's delivery record, read for staffGroupHealth (absent: no health to report). */
  outboxHistory?: Pick<OutboxRepository, 'readGroupHealth'>;
}): Handoff {
  const tickets = createTicketsRepository({ db });
  const links = createTicketLinksRepository({ db });
  const log = deps.logger.child({ module: 'handoff' });
  // Staff groups on a channel this process does not run (a Telegram group without TELEGRAM_BOT_TOKEN)
  // cannot receive anything: tickets go to the reachable groups only, and a unit with none left
  // gets the "no staff group" path (an honest message to the resident, a loud log line).
  const unreported = new Set<string>();
  const reachable = (unit: HandoffUnit): HandoffUnit => {
    const staffGroups = unit.staffGroups.filter((g) => deps.channels.has(channelOf(g.conversationRef)));
    for (const g of unit.staffGroups) {
      if (staffGroups.includes(g) || unreported.has(g.conversationRef)) continue;
      unreported.add(g.conversationRef);
      log.warn({ unitId: unit.id, group: g.conversationRef }, `staff group ${g.conversationRef} is on a channel that is not configured: tickets skip it until that channel is enabled`);
    }
    return { ...unit, staffGroups };
  };
  const units: HandoffDeps['units'] = {
    ...deps.units,
    getUnit: async (args) => ({ unit: reachable((await deps.units.getUnit(args)).unit) }),
    getResidentUnit: async (args) => ({ unit: reachable((await deps.units.getResidentUnit(args)).unit) }),
  };
  const ctxDeps = { ...deps, units };
  const threads = createStaffThreads({ deps: ctxDeps, links });
  const ctx: HandoffContext = { deps: ctxDeps, tickets, links, threads, conversations, log };
  const events = createOutboxEventHandlers(ctx);

  return {
    async isStaffConversation({ conversationRef }) {
      // Nearly every message is a resident's: with the (cached) unit list, a ref that is neither a staff
      // group nor a thread inside one is answered without the database. A thread's ref extends its
      // group's ref after ':' (ChannelAdapter.createThread), so no staff thread is missed.
      if (deps.units.listUnits) {
        const { units: all } = await deps.units.listUnits();
        const inStaffGroup = all.some((u) => u.staffGroups.some((g) => conversationRef === g.conversationRef || conversationRef.startsWith(`${g.conversationRef}:`)));
        if (!inStaffGroup) return false;
      }
      return (await resolveStaffScope(ctx, { conversationRef })) !== undefined;
    },
    handleStaffMessage: (args) => handleStaffMessage(ctx, args),
    answerIdRequest: (args) => answerIdRequest(ctx, args),
    interceptResidentMessage: (args) => interceptResidentMessage(ctx, args),
    openTicket: (args) => openTicket(ctx, args),
    async handleOfficerInGroup({ message, unitId }) {
      const id = unitId ?? (deps.units.listUnits ? (await deps.units.listUnits()).units[0]?.id : undefined);
      return id ? handleOfficerInGroup(ctx, { message, unitId: id }) : { officer: false };
    },
    choosePrivateAnswers: (args) => choosePrivateAnswers(ctx, args),
    deliverHeldReplies: (args) => deliverHeldReplies(ctx, args),
    async opensTicketDirectly({ conversationId, unitId }) {
      const known = unitId && deps.units.listUnits ? (await deps.units.listUnits()).units.find((u) => u.id === unitId) : undefined;
      const unit = known ?? (await units.getResidentUnit({ conversationId })).unit;
      return unit.ticketPolicy === 'open_directly';
    },
    handleOutboxSent: (row) => events.handleSent(row),
    handleOutboxFailed: (row, failure) => events.handleFailed(row, failure),
    async staffGroupHealth() {
      const { units: all } = deps.units.listUnits ? await deps.units.listUnits() : { units: [] };
      if (!outboxHistory) return {};
      const { health } = await outboxHistory.readGroupHealth({ groupRefs: all.flatMap((u) => u.staffGroups.map((g) => g.conversationRef)) });
      return health;
    },
    getTicketMetrics: (args) => getTicketMetrics({ db, ...args }),
    answerFromConsole: (args) => answerFromConsole(ctx, args),
    tickets,
    links,
    staffSide: { deps: ctxDeps, tickets, threads },
  };
}
