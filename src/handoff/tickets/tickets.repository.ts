/**
 * Tickets in the database. Every state change goes through `transitionTicket`: read, apply the pure
 * state machine, then write only if nobody changed the row meanwhile (status and assignee unchanged).
 * Under Postgres' READ COMMITTED the second of two simultaneous claims blocks on the row lock, then finds
 * the status no longer 'open', updates nothing, re-reads and is refused — exactly one claim wins.
 */
import { and, asc, desc, eq, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import type { StateProbes } from '../../db/state-probe.js';
import { isUniqueViolation } from '../../db/db.errors.js';
import type { Candidate } from '../../faq/faq.types.js';
import { createHandoffConcurrentUpdateError, createHandoffTicketNotFoundError } from '../handoff.errors.js';
import { ACTIVE_TICKET_STATUSES, applyTicketEvent, type TicketEvent, type TicketStatus } from './tickets.models.js';
import { ticketEventsTable, ticketsTable, type TicketRow } from './tickets.table.js';

export type Ticket = TicketRow;

/** Read with every inbound message (see src/db/state-probe.ts): a ticket is open, claimed or undeliverable. */
export const ticketStateProbes = {
  // Also a group member's ticket whose answers go to this private chat (deliver_to_ref): their replies here belong to it.
  activeTicket: (conversationId) =>
    sql`exists (select 1 from ${ticketsTable} t where (t.conversation_id = ${conversationId} or t.deliver_to_ref = (select c.conversation_ref from conversations c where c.id = ${conversationId})) and t.status in (${sql.join(
      ACTIVE_TICKET_STATUSES.map((s) => sql`${s}`),
      sql`, `,
    )}))`,
} satisfies StateProbes<'activeTicket'>;
export type TicketsRepository = ReturnType<typeof createTicketsRepository>;

/** Who caused an audit event: a staff member (by id from units.yaml), the resident, or the bot itself. */
export type TicketActor = { kind: 'staff'; staffId: string } | { kind: 'resident' } | { kind: 'system' };

const MAX_ATTEMPTS = 3;

export function createTicketsRepository({ db }: { db: Database }) {
  /**
   * Opens a ticket, or returns the resident's active one (`created: false`) — the partial unique
   * index makes this safe against two messages racing to open a ticket for the same conversation.
   */
  async function createTicket(args: {
    unitId: string;
    conversationId: number;
    residentChannel: string;
    residentRef: string;
    residentName: string | null;
    reason: string;
    question: string;
    botGuesses: Candidate[];
    openedAt: Date;
    slaDueAt: Date | null;
    sourceMessageId?: number | null;
    sourceExternalId?: string | null;
    deliverToRef?: string | null;
    privateOnly?: boolean;
  }): Promise<{ ticket: Ticket; created: boolean }> {
    try {
      const ticket = await db.transaction(async (tx) => {
        const [row] = await tx
          .insert(ticketsTable)
          .values({
            ...args,
            // One nextval per row; never truncates (HS-12345 after HS-9999).
            code: sql`(select 'HS-' || lpad(n::text, greatest(4, length(n::text)), '0') from (select nextval('ticket_code_seq') as n) s)`,
            status: 'open',
            updatedAt: args.openedAt,
          })
          .returning();
        if (!row) throw new Error('insert into tickets returned nothing');
        await tx.insert(ticketEventsTable).values({
          ticketId: row.id,
          type: 'open',
          actorKind: 'resident',
          text: args.question,
          createdAt: args.openedAt,
        });
        return row;
      });
      return { ticket, created: true };
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      const { ticket } = await findActiveTicket({ conversationId: args.conversationId });
      if (!ticket) throw error;
      return { ticket, created: false };
    }
  }

  /** `deliveredTo`: also a group member's ticket answered in this private chat (their own comes first). */
  async function findActiveTicket({ conversationId, deliveredTo }: { conversationId: number; deliveredTo?: string }) {
    const active = inArray(ticketsTable.status, [...ACTIVE_TICKET_STATUSES]);
    const [ticket] = await db.select().from(ticketsTable).where(and(eq(ticketsTable.conversationId, conversationId), active));
    if (ticket || !deliveredTo) return { ticket };
    const [delivered] = await db.select().from(ticketsTable).where(and(eq(ticketsTable.deliverToRef, deliveredTo), active)).orderBy(desc(ticketsTable.id)).limit(1);
    return { ticket: delivered };
  }

  /** The most recent ticket of a conversation in any state (the rating step needs the closed one). */
  async function findLatestTicket({ conversationId }: { conversationId: number }) {
    const [ticket] = await db
      .select()
      .from(ticketsTable)
      .where(eq(ticketsTable.conversationId, conversationId))
      .orderBy(desc(ticketsTable.id))
      .limit(1);
    return { ticket };
  }

  async function findTicketById({ ticketId }: { ticketId: number }) {
    const [ticket] = await db.select().from(ticketsTable).where(eq(ticketsTable.id, ticketId));
    return { ticket };
  }

  async function getTicketById({ ticketId }: { ticketId: number }) {
    const { ticket } = await findTicketById({ ticketId });
    if (!ticket) throw createHandoffTicketNotFoundError({ ticket: ticketId });
    return { ticket };
  }

  async function findTicketByCode({ code }: { code: string }) {
    const [ticket] = await db.select().from(ticketsTable).where(eq(ticketsTable.code, code));
    return { ticket };
  }

  /**
   * Applies a state event and records it in the audit trail, atomically. Throws
   * 'handoff.invalid_transition' when the event is not allowed in the state found in the database.
   */
  async function transitionTicket(args: {
    ticketId: number;
    event: TicketEvent;
    at: Date;
    text?: string | null;
    isInternal?: boolean;
    data?: Record<string, unknown>;
  }): Promise<{ ticket: Ticket; previous: Ticket; changed: boolean }> {
    const { ticketId, event, at } = args;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const result = await db.transaction(async (tx) => {
        const [previous] = await tx.select().from(ticketsTable).where(eq(ticketsTable.id, ticketId));
        if (!previous) throw createHandoffTicketNotFoundError({ ticket: ticketId });
        const { state, changed } = applyTicketEvent({
          state: { status: previous.status, assigneeId: previous.assigneeStaffId },
          event,
        });
        const [ticket] = await tx
          .update(ticketsTable)
          .set({ status: state.status, assigneeStaffId: state.assigneeId, updatedAt: at, ...timestampsFor({ event, changed, at }) })
          .where(
            and(
              eq(ticketsTable.id, ticketId),
              eq(ticketsTable.status, previous.status),
              previous.assigneeStaffId === null
                ? isNull(ticketsTable.assigneeStaffId)
                : eq(ticketsTable.assigneeStaffId, previous.assigneeStaffId),
            ),
          )
          .returning();
        if (!ticket) return undefined; // somebody else won the race: read again
        const staffId = 'staffId' in event ? event.staffId : null;
        await tx.insert(ticketEventsTable).values({
          ticketId,
          type: event.type,
          actorKind: staffId ? 'staff' : 'system',
          actorStaffId: staffId,
          text: args.text ?? null,
          isInternal: args.isInternal ?? event.type === 'note',
          data: { ...args.data, ...(event.type === 'transfer' ? { toStaffId: event.toStaffId } : {}) },
          createdAt: at,
        });
        return { ticket, previous, changed };
      });
      if (result) return result;
    }
    throw createHandoffConcurrentUpdateError({ ticketId });
  }

  /** Records a fact that does not change state (a resident follow-up, a relay failure, an SLA reminder…). */
  async function recordEvent(args: {
    ticketId: number;
    type: string;
    actor: TicketActor;
    text?: string | null;
    isInternal?: boolean;
    data?: Record<string, unknown>;
    at: Date;
  }) {
    const [event] = await db
      .insert(ticketEventsTable)
      .values({
        ticketId: args.ticketId,
        type: args.type,
        actorKind: args.actor.kind,
        actorStaffId: args.actor.kind === 'staff' ? args.actor.staffId : null,
        text: args.text ?? null,
        isInternal: args.isInternal ?? false,
        data: args.data ?? null,
        createdAt: args.at,
      })
      .returning();
    return { event };
  }

  async function listEvents({ ticketId }: { ticketId: number }) {
    const events = await db
      .select()
      .from(ticketEventsTable)
      .where(eq(ticketEventsTable.ticketId, ticketId))
      .orderBy(asc(ticketEventsTable.id));
    return { events };
  }

  /** The latest staff reply text of a ticket (the answer an FAQ draft is made from). */
  async function findLastStaffReply({ ticketId }: { ticketId: number }) {
    const [event] = await db
      .select()
      .from(ticketEventsTable)
      .where(and(eq(ticketEventsTable.ticketId, ticketId), eq(ticketEventsTable.type, 'reply')))
      .orderBy(desc(ticketEventsTable.id))
      .limit(1);
    return { event };
  }

  async function listTickets({ unitIds, statuses }: { unitIds?: string[]; statuses: readonly TicketStatus[] }) {
    const conditions: SQL[] = [inArray(ticketsTable.status, [...statuses])];
    if (unitIds) conditions.push(inArray(ticketsTable.unitId, unitIds.length > 0 ? unitIds : ['']));
    const tickets = await db
      .select()
      .from(ticketsTable)
      .where(and(...conditions))
      .orderBy(asc(ticketsTable.openedAt));
    return { tickets };
  }

  /** Answers of this ticket go to the resident's private chat from now on (or to `resident_ref` again: null). */
  async function setDeliverTo({ ticketId, deliverToRef, at }: { ticketId: number; deliverToRef: string | null; at: Date }) {
    const [ticket] = await db.update(ticketsTable).set({ deliverToRef, updatedAt: at }).where(eq(ticketsTable.id, ticketId)).returning();
    return { ticket };
  }

  /**
   * A group member's personal tickets still waiting for a private chat (replies held back from the
   * group), by the requester refs of that member: the ones to deliver when they write to the bot.
   */
  async function listHeldForMember({ residentChannel, memberSuffix }: { residentChannel: string; memberSuffix: string }) {
    const tickets = await db
      .select()
      .from(ticketsTable)
      .where(
        and(
          eq(ticketsTable.residentChannel, residentChannel),
          eq(ticketsTable.privateOnly, true),
          isNull(ticketsTable.deliverToRef),
          sql`right(${ticketsTable.residentRef}, ${memberSuffix.length}) = ${memberSuffix}`,
        ),
      )
      .orderBy(asc(ticketsTable.id));
    return { tickets };
  }

  /** Stores the first rating of a closed ticket; a second rating is ignored (`saved: false`). */
  async function saveRating({ ticketId, rating, at }: { ticketId: number; rating: number; at: Date }) {
    const rows = await db
      .update(ticketsTable)
      .set({ rating, ratedAt: at, updatedAt: at })
      .where(and(eq(ticketsTable.id, ticketId), eq(ticketsTable.status, 'closed'), isNull(ticketsTable.rating)))
      .returning({ id: ticketsTable.id });
    return { saved: rows.length === 1 };
  }

  /**
   * Marks an SLA step done, once: the conditional update makes a second worker (or a second run)
   * lose, so the group is reminded exactly once.
   */
  async function markSlaStep({ ticketId, step, at }: { ticketId: number; step: 'reminded' | 'escalated'; at: Date }) {
    const column = step === 'reminded' ? ticketsTable.slaRemindedAt : ticketsTable.slaEscalatedAt;
    const rows = await db
      .update(ticketsTable)
      .set(step === 'reminded' ? { slaRemindedAt: at } : { slaEscalatedAt: at })
      .where(and(eq(ticketsTable.id, ticketId), isNull(column), isNull(ticketsTable.firstStaffReplyAt)))
      .returning({ id: ticketsTable.id });
    return { marked: rows.length === 1 };
  }

  /** Tickets still waiting for their first staff reply with an SLA step left to do. */
  async function listSlaCandidates() {
    const tickets = await db
      .select()
      .from(ticketsTable)
      .where(
        and(
          inArray(ticketsTable.status, ['open', 'claimed']),
          isNull(ticketsTable.firstStaffReplyAt),
          isNull(ticketsTable.slaEscalatedAt),
        ),
      )
      .orderBy(asc(ticketsTable.openedAt));
    return { tickets };
  }

  return {
    createTicket,
    findActiveTicket,
    findLatestTicket,
    findTicketById,
    getTicketById,
    findTicketByCode,
    transitionTicket,
    recordEvent,
    listEvents,
    findLastStaffReply,
    listTickets,
    saveRating,
    markSlaStep,
    listSlaCandidates,
    setDeliverTo,
    listHeldForMember,
  };
}

/** The time columns an event sets. coalesce keeps the first claim/reply time when two happen at once. */
function timestampsFor({ event, changed, at }: { event: TicketEvent; changed: boolean; at: Date }) {
  const atParam = sql`${at.toISOString()}::timestamptz`;
  switch (event.type) {
    case 'claim':
    case 'transfer':
      return { claimedAt: sql`coalesce(${ticketsTable.claimedAt}, ${atParam})` };
    case 'reply':
      return {
        claimedAt: sql`coalesce(${ticketsTable.claimedAt}, ${atParam})`,
        firstStaffReplyAt: sql`coalesce(${ticketsTable.firstStaffReplyAt}, ${atParam})`,
      };
    case 'close':
      return { closedAt: at, closedByStaffId: event.staffId };
    case 'mark_undeliverable':
      return changed ? { undeliverableAt: at } : {};
    case 'reopen':
      return { closedAt: null, closedByStaffId: null, undeliverableAt: null, rating: null, ratedAt: null };
    default:
      return {};
  }
}
