/**
 * The console's reads of tickets: the filtered, paginated list and one ticket's resident transcript.
 * Read-only; every state change stays with the staff actions (tickets.repository.ts transitions).
 *
 * Filters use the dashboard's definitions (src/reports/reports.models.ts), so a number on the
 * report and the list behind it always agree:
 * - overdue: open or claimed, no staff reply yet, due time passed (what needs doing now);
 * - sla met: first staff reply by the due time; missed: after it, or none and the time passed;
 *   pending: none yet and not due; tickets without a due time have no SLA outcome;
 * - period: opened in [openedFrom, openedTo).
 */
import { and, asc, count, desc, eq, gte, inArray, isNotNull, isNull, lt, lte, or, sql, type SQL } from 'drizzle-orm';
import { rowsOf, type Database } from '../../db/client.js';
import type { TicketStatus } from './tickets.models.js';
import { ticketEventsTable, ticketsTable, type TicketRow } from './tickets.table.js';

export const TICKET_SLA_OUTCOMES = ['met', 'missed', 'pending'] as const;
export type TicketSlaOutcome = (typeof TICKET_SLA_OUTCOMES)[number];

export type TicketListFilter = {
  /** null or absent: every unit (province). */
  unitId?: string | null;
  statuses?: readonly TicketStatus[];
  overdue?: boolean;
  /** The assignee (staff id), or 'none' for tickets nobody holds. */
  assigneeStaffId?: string;
  openedFrom?: Date;
  openedTo?: Date;
  sla?: TicketSlaOutcome;
  rating?: number;
  /** true: rated at all (the tickets behind the ratings total). */
  rated?: boolean;
  /** true: has a first staff reply (the tickets behind the first-response figure). */
  replied?: boolean;
};

export type TicketListRow = Pick<
  TicketRow,
  'id' | 'code' | 'unitId' | 'status' | 'residentName' | 'residentChannel' | 'question' | 'assigneeStaffId' | 'openedAt' | 'slaDueAt' | 'firstStaffReplyAt' | 'closedAt' | 'rating'
>;

/** One line of the resident's conversation: what they sent, what the bot answered, what staff sent them. */
export type TranscriptLine = { id: number; at: Date; from: 'resident' | 'bot' | 'staff'; kind: string; text: string };

export type TicketViewsRepository = ReturnType<typeof createTicketViewsRepository>;

const TRANSCRIPT_LIMIT = 400;
/** How far before the ticket the transcript starts (unless an earlier ticket of the conversation ended later). */
const TRANSCRIPT_LEAD_MS = 24 * 60 * 60_000;

export function createTicketViewsRepository({ db }: { db: Database }) {
  function conditions(filter: TicketListFilter, now: Date): SQL[] {
    const t = ticketsTable;
    const where: SQL[] = [];
    if (filter.unitId) where.push(eq(t.unitId, filter.unitId));
    if (filter.statuses && filter.statuses.length > 0) where.push(inArray(t.status, [...filter.statuses]));
    if (filter.assigneeStaffId === 'none') where.push(isNull(t.assigneeStaffId));
    else if (filter.assigneeStaffId) where.push(eq(t.assigneeStaffId, filter.assigneeStaffId));
    if (filter.openedFrom) where.push(gte(t.openedAt, filter.openedFrom));
    if (filter.openedTo) where.push(lt(t.openedAt, filter.openedTo));
    if (filter.rating) where.push(eq(t.rating, filter.rating));
    if (filter.rated) where.push(isNotNull(t.rating));
    if (filter.replied) where.push(isNotNull(t.firstStaffReplyAt));
    if (filter.overdue) {
      // Matches the partial index tickets_awaiting_reply_due_idx.
      where.push(sql`${t.firstStaffReplyAt} is null and ${t.status} in ('open', 'claimed')`);
      where.push(lte(t.slaDueAt, now));
    }
    if (filter.sla === 'met') where.push(sql`${t.firstStaffReplyAt} <= ${t.slaDueAt}`);
    if (filter.sla === 'missed') where.push(or(sql`${t.firstStaffReplyAt} > ${t.slaDueAt}`, and(isNull(t.firstStaffReplyAt), lte(t.slaDueAt, now)))!);
    if (filter.sla === 'pending') where.push(isNull(t.firstStaffReplyAt), sql`${t.slaDueAt} > ${now.toISOString()}::timestamptz`);
    return where;
  }

  /** Newest first; `total` counts every ticket the filter matches. */
  async function listTickets({ filter, now, limit, offset }: { filter: TicketListFilter; now: Date; limit: number; offset: number }): Promise<{ tickets: TicketListRow[]; total: number }> {
    const t = ticketsTable;
    const where = and(...conditions(filter, now));
    const [tickets, [counted]] = await Promise.all([
      db
        .select({
          id: t.id,
          code: t.code,
          unitId: t.unitId,
          status: t.status,
          residentName: t.residentName,
          residentChannel: t.residentChannel,
          question: t.question,
          assigneeStaffId: t.assigneeStaffId,
          openedAt: t.openedAt,
          slaDueAt: t.slaDueAt,
          firstStaffReplyAt: t.firstStaffReplyAt,
          closedAt: t.closedAt,
          rating: t.rating,
        })
        .from(t)
        .where(where)
        .orderBy(desc(t.openedAt), desc(t.id))
        .limit(limit)
        .offset(offset),
      db.select({ n: count() }).from(t).where(where),
    ]);
    return { tickets, total: Number(counted?.n ?? 0) };
  }

  async function findTicketByCode({ code }: { code: string }) {
    const [ticket] = await db.select().from(ticketsTable).where(eq(ticketsTable.code, code));
    return { ticket };
  }

  /**
   * The window of the resident's conversation that belongs to the ticket: from a day before it opened
   * (or from the end of the conversation's previous ticket, if later) to the next ticket's opening.
   */
  async function transcriptWindow({ ticket }: { ticket: Pick<TicketRow, 'id' | 'conversationId' | 'openedAt'> }): Promise<{ from: Date; to: Date | null }> {
    const lead = new Date(ticket.openedAt.getTime() - TRANSCRIPT_LEAD_MS);
    if (ticket.conversationId === null) return { from: lead, to: null };
    const t = ticketsTable;
    const [previous] = await db
      .select({ end: sql<string | Date | null>`coalesce(${t.closedAt}, ${t.openedAt})` })
      .from(t)
      .where(and(eq(t.conversationId, ticket.conversationId), lt(t.openedAt, ticket.openedAt)))
      .orderBy(desc(t.openedAt))
      .limit(1);
    const [next] = await db
      .select({ openedAt: t.openedAt })
      .from(t)
      .where(and(eq(t.conversationId, ticket.conversationId), sql`${t.openedAt} > ${ticket.openedAt.toISOString()}::timestamptz`))
      .orderBy(t.openedAt)
      .limit(1);
    const previousEnd = previous?.end ? new Date(previous.end) : null;
    return { from: previousEnd && previousEnd > lead ? previousEnd : lead, to: next?.openedAt ?? null };
  }

  /**
   * The resident's side of the conversation in the ticket's window, oldest first. A message the
   * outbox delivered as a staff answer (linked to a ticket with role staff_reply) is staff's; other
   * outgoing messages are the bot's. The messages table belongs to src/db; this read joins it with the
   * handoff's own links, never parses text.
   */
  async function transcript({ ticket }: { ticket: Pick<TicketRow, 'id' | 'conversationId' | 'openedAt' | 'residentRef'> }): Promise<{ lines: TranscriptLine[]; from: Date; to: Date | null }> {
    const { from, to } = await transcriptWindow({ ticket });
    if (ticket.conversationId === null) return { lines: [], from, to };
    const result = await db.execute(sql`
      select m.id, m.created_at, m.direction, m.kind, m.text,
        exists (select 1 from ticket_message_links l where l.conversation_ref = ${ticket.residentRef} and l.external_message_id = m.external_id and l.role = 'staff_reply') as staff
      from messages m
      where m.conversation_id = ${ticket.conversationId} and m.created_at >= ${from.toISOString()}::timestamptz
        ${to ? sql`and m.created_at < ${to.toISOString()}::timestamptz` : sql``}
      order by m.id limit ${TRANSCRIPT_LIMIT}`);
    const lines = rowsOf<{ id: number | string; created_at: string | Date; direction: string; kind: string; text: string; staff: boolean }>(result).map(
      (r): TranscriptLine => ({ id: Number(r.id), at: new Date(r.created_at), from: r.direction === 'in' ? 'resident' : r.staff ? 'staff' : 'bot', kind: r.kind, text: r.text }),
    );
    return { lines, from, to };
  }

  /** The audit trail, notes included (the console shows staff what the group saw). */
  async function listEvents({ ticketId }: { ticketId: number }) {
    const events = await db.select().from(ticketEventsTable).where(eq(ticketEventsTable.ticketId, ticketId)).orderBy(asc(ticketEventsTable.id));
    return { events };
  }

  return { listTickets, findTicketByCode, transcriptWindow, transcript, listEvents };
}
