/**
 * The console's ticket reads on the real database (PGlite, or Postgres with TEST_DATABASE_URL):
 * every filter of the list, newest first and paginated, with totals that equal the dashboard's own
 * figures for the same period (slaOf, ratingsOf over reports.ticketsOpened); the ticket's transcript
 * window and who said each line.
 */
import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { createConversationsRepository } from '../../../src/db/conversations.repository.js';
import { messagesTable } from '../../../src/db/messages.table.js';
import { createTicketViewsRepository, ticketsTable, type TicketListFilter } from '../../../src/handoff/index.js';
import { createTicketLinksRepository } from '../../../src/handoff/tickets/ticket-links.repository.js';
import { createTicketsRepository } from '../../../src/handoff/tickets/tickets.repository.js';
import { createReportsRepository } from '../../../src/reports/reports.repository.js';
import { ratingsOf, slaOf } from '../../../src/reports/reports.models.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/test-db.js';

const NOW = new Date('2026-03-10T03:00:00Z');
const H = 3_600_000;
const at = (hoursBeforeNow: number) => new Date(NOW.getTime() - hoursBeforeNow * H);

let database: TestDatabase | undefined;
afterEach(async () => {
  await database?.close();
  database = undefined;
});

type Spec = {
  ref: string;
  unitId: string;
  openedHoursAgo: number;
  /** Hours after opening. */
  dueIn: number | null;
  status?: 'open' | 'claimed' | 'closed' | 'undeliverable';
  assignee?: string;
  replyAfter?: number;
  closeAfter?: number;
  rating?: number;
};

async function setup(specs: Spec[]) {
  database = await createTestDatabase();
  const { db } = database;
  const conversations = createConversationsRepository({ db });
  const tickets = createTicketsRepository({ db });
  const codes: Record<string, string> = {};
  for (const s of specs) {
    const openedAt = at(s.openedHoursAgo);
    const { conversation } = await conversations.upsertConversation({ channel: 'telegram', conversationRef: s.ref });
    const { ticket } = await tickets.createTicket({
      unitId: s.unitId,
      conversationId: conversation.id,
      residentChannel: 'telegram',
      residentRef: s.ref,
      residentName: `Dân ${s.ref}`,
      reason: 'explicit_request',
      question: `hỏi ${s.ref}`,
      botGuesses: [],
      openedAt,
      slaDueAt: s.dueIn === null ? null : new Date(openedAt.getTime() + s.dueIn * H),
    });
    const plus = (h: number | undefined) => (h === undefined ? null : new Date(openedAt.getTime() + h * H));
    await db
      .update(ticketsTable)
      .set({ status: s.status ?? 'open', assigneeStaffId: s.assignee ?? null, claimedAt: plus(s.replyAfter), firstStaffReplyAt: plus(s.replyAfter), closedAt: plus(s.closeAfter), rating: s.rating ?? null })
      .where(eq(ticketsTable.id, ticket.id));
    codes[s.ref] = ticket.code;
  }
  return { db, views: createTicketViewsRepository({ db }), codes };
}

const SPECS: Spec[] = [
  { ref: 'telegram:1', unitId: 'u-a', openedHoursAgo: 50, dueIn: 2 }, // open, overdue
  { ref: 'telegram:2', unitId: 'u-a', openedHoursAgo: 40, dueIn: 2, status: 'claimed', assignee: 'lan' }, // claimed, overdue
  { ref: 'telegram:3', unitId: 'u-a', openedHoursAgo: 30, dueIn: 2, status: 'closed', assignee: 'lan', replyAfter: 1, closeAfter: 3, rating: 5 }, // met
  { ref: 'telegram:4', unitId: 'u-b', openedHoursAgo: 20, dueIn: 2, status: 'closed', assignee: 'minh', replyAfter: 5, closeAfter: 6, rating: 2 }, // missed (late)
  { ref: 'telegram:5', unitId: 'u-a', openedHoursAgo: 1, dueIn: 2 }, // pending
  { ref: 'telegram:6', unitId: 'u-b', openedHoursAgo: 10, dueIn: 2, status: 'undeliverable' }, // missed, not "overdue" (nobody can answer it)
  { ref: 'telegram:7', unitId: 'u-b', openedHoursAgo: 200, dueIn: null, status: 'closed', assignee: 'minh', replyAfter: 1, closeAfter: 2, rating: 4 }, // no SLA, older period
];

describe('ticket views repository', () => {
  it('filters by status, overdue, unit, staff, SLA outcome, rating and period; newest first; totals and pages', async () => {
    const { views, codes } = await setup(SPECS);
    const list = async (filter: TicketListFilter, page = { limit: 50, offset: 0 }) => {
      const { tickets, total } = await views.listTickets({ filter, now: NOW, ...page });
      return { codes: tickets.map((t) => t.code), total };
    };
    const c = (...refs: number[]) => refs.map((n) => codes[`telegram:${n}`]);

    expect((await list({})).codes).toEqual(c(5, 6, 4, 3, 2, 1, 7));
    expect(await list({ overdue: true })).toEqual({ codes: c(2, 1), total: 2 });
    expect((await list({ overdue: true, unitId: 'u-b' })).codes).toEqual([]);
    expect((await list({ statuses: ['open'] })).codes).toEqual(c(5, 1));
    expect((await list({ statuses: ['closed'], unitId: 'u-b' })).codes).toEqual(c(4, 7));
    expect((await list({ unitId: 'u-a' })).total).toBe(4);
    expect((await list({ assigneeStaffId: 'lan' })).codes).toEqual(c(3, 2));
    expect((await list({ assigneeStaffId: 'none' })).codes).toEqual(c(5, 6, 1));
    expect((await list({ sla: 'met' })).codes).toEqual(c(3));
    expect((await list({ sla: 'missed' })).codes).toEqual(c(6, 4, 2, 1));
    expect((await list({ sla: 'pending' })).codes).toEqual(c(5));
    expect((await list({ rating: 2 })).codes).toEqual(c(4));
    expect((await list({ rated: true })).codes).toEqual(c(4, 3, 7));
    expect((await list({ replied: true })).codes).toEqual(c(4, 3, 7));
    expect((await list({ openedFrom: at(45), openedTo: at(5) })).codes).toEqual(c(6, 4, 3, 2));
    // Pages: the total stays, the rows move on.
    expect(await list({}, { limit: 3, offset: 3 })).toEqual({ codes: c(3, 2, 1), total: 7 });
    expect(await list({}, { limit: 3, offset: 6 })).toEqual({ codes: c(7), total: 7 });
    // Moving time on turns the pending ticket overdue.
    expect((await views.listTickets({ filter: { overdue: true }, now: new Date(NOW.getTime() + 2 * H), limit: 50, offset: 0 })).total).toBe(3);
  });

  it("the list behind each of the dashboard's ticket figures has exactly that many tickets", async () => {
    const { db, views } = await setup(SPECS);
    const scope = { from: at(100), to: NOW, unitId: null };
    const { tickets } = await createReportsRepository({ db }).ticketsOpened({ scope });
    const sla = slaOf(tickets, NOW);
    const ratings = ratingsOf(tickets.map((t) => t.rating));
    const total = async (filter: TicketListFilter) => (await views.listTickets({ filter: { openedFrom: scope.from, openedTo: scope.to, ...filter }, now: NOW, limit: 1, offset: 0 })).total;
    expect(await total({})).toBe(tickets.length);
    expect(await total({ sla: 'met' })).toBe(sla.met);
    expect(await total({ sla: 'missed' })).toBe(sla.missed);
    expect(await total({ sla: 'pending' })).toBe(sla.pending);
    expect(await total({ rated: true })).toBe(ratings.total);
    for (const stars of [1, 2, 3, 4, 5]) expect(await total({ rating: stars })).toBe(ratings.counts[stars - 1]);
    expect(await total({ replied: true })).toBe(tickets.filter((t) => t.firstStaffReplyAt).length);
    expect(await total({ statuses: ['closed'] })).toBe(tickets.filter((t) => t.closedAt).length);
  });

  it("a ticket's transcript: its window of the conversation, resident / bot / staff lines", async () => {
    const { db, views, codes } = await setup([{ ref: 'telegram:9', unitId: 'u-a', openedHoursAgo: 2, dueIn: 2 }]);
    const { ticket } = await views.findTicketByCode({ code: codes['telegram:9']! });
    const conversationId = ticket!.conversationId!;
    const line = (direction: 'in' | 'out', text: string, hoursAgo: number, externalId: string) =>
      db.insert(messagesTable).values({ conversationId, direction, channel: 'telegram', externalId, text, createdAt: at(hoursAgo) });
    await line('in', 'câu hỏi tuần trước', 24 * 7, 'in-old');
    await line('in', 'cấp sổ đỏ hết bao nhiêu', 2.5, 'in-1');
    await line('out', 'Anh/chị muốn hỏi về…', 2.4, 'out-1');
    await line('in', 'gặp cán bộ', 2, 'in-2');
    await line('out', 'Anh mang CCCD tới nhé.\n\n— Cán bộ …', 1, 'out-2');
    await createTicketLinksRepository({ db }).addMessageLink({ ticketId: ticket!.id, conversationRef: 'telegram:9', externalMessageId: 'out-2', role: 'staff_reply' });

    const { lines, to } = await views.transcript({ ticket: ticket! });
    expect(to).toBeNull();
    expect(lines.map((l) => [l.from, l.text.split('\n')[0]])).toEqual([
      ['resident', 'cấp sổ đỏ hết bao nhiêu'],
      ['bot', 'Anh/chị muốn hỏi về…'],
      ['resident', 'gặp cán bộ'],
      ['staff', 'Anh mang CCCD tới nhé.'],
    ]);

    // A later ticket of the same conversation ends this one's window.
    await db.update(ticketsTable).set({ status: 'closed', closedAt: at(0.5) }).where(eq(ticketsTable.id, ticket!.id));
    await createTicketsRepository({ db }).createTicket({
      unitId: 'u-a', conversationId, residentChannel: 'telegram', residentRef: 'telegram:9', residentName: null, reason: 'explicit_request', question: 'lại', botGuesses: [], openedAt: at(0.1), slaDueAt: null,
    });
    await line('in', 'lại gặp cán bộ', 0.05, 'in-3');
    const again = await views.transcript({ ticket: ticket! });
    expect(again.to).not.toBeNull();
    expect(again.lines.map((l) => l.text)).not.toContain('lại gặp cán bộ');
  });
});
