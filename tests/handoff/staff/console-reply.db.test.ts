/**
 * Answering from the console's ticket page (Handoff.answerFromConsole) against an answer typed in the
 * staff group, through the real pipeline, outbox and database: the resident receives the same signed
 * text, the ticket records the same reply event and first-response time, the card changes the same
 * way, and the staff thread is told the answer came from the console and by whom. Refusals send nothing.
 * Also: with PUBLIC_URL the cards carry the ticket page's link.
 */
import { and, eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { ticketEventsTable, ticketMessageLinksTable } from '../../../src/handoff/index.js';
import { outboxTable } from '../../../src/bot/outbox/outbox.table.js';
import { createHandoffHarness, STAFF, TG_STAFF, ZALO_STAFF, type HandoffHarness } from '../../helpers/handoff-harness.js';

const A = 'telegram:5001';
const B = 'telegram:5002';
const residentA = { id: '5001', name: 'Phạm Văn Dân' };
const residentB = { id: '5002', name: 'Lò Thị Mai' };
const SIGNATURE = '\n\n— Cán bộ Trung tâm Phục vụ hành chính công phường Mẫu';

let h: HandoffHarness;
afterEach(async () => {
  await h?.close();
});

async function openTicket(ref: string, from: { id: string; name: string }, text: string) {
  await h.say(h.inbound({ conversationRef: ref, from, text }));
  const { conversation } = await h.conversations.findConversationByRef({ conversationRef: ref });
  const { ticket } = await h.handoff.tickets.findActiveTicket({ conversationId: conversation!.id });
  return ticket!;
}

const topicOf = (ticketCode: string) => [...h.telegram.topics.entries()].find(([, t]) => t.title.startsWith(ticketCode))![0];

describe('answering a ticket from the console', { timeout: 90_000 }, () => {
  it('relays exactly like a typed answer: same text to the resident, same event, first response, claim and card; a line in the staff thread', async () => {
    h = await createHandoffHarness();
    const typed = await openTicket(A, residentA, 'Tôi muốn gặp cán bộ về cấp sổ đỏ');
    const fromConsole = await openTicket(B, residentB, 'Cho tôi gặp cán bộ về hộ khẩu');
    h.clock.advance(25 * 60_000);

    await h.say(h.inbound({ conversationRef: topicOf(typed.code), from: { id: STAFF.minh.telegram, name: STAFF.minh.name }, text: 'Anh mang CCCD tới nhé.' }));
    const result = await h.handoff.answerFromConsole({ ticketId: fromConsole.id, staffId: STAFF.minh.id, username: 'minh', text: '  Chị mang sổ hộ khẩu cũ tới nhé.  ' });
    expect(result).toMatchObject({ ok: true, claimed: true });
    await h.flush();

    // The resident: the same signed shape, as the last message of each conversation.
    expect(h.lastIn(A)!.text).toBe(`Anh mang CCCD tới nhé.${SIGNATURE}`);
    expect(h.lastIn(B)!.text).toBe(`Chị mang sổ hộ khẩu cũ tới nhé.${SIGNATURE}`);

    // The tickets: both claimed by Minh, first response at the same instant, one reply event each by Minh.
    const { ticket: t1 } = await h.handoff.tickets.getTicketById({ ticketId: typed.id });
    const { ticket: t2 } = await h.handoff.tickets.getTicketById({ ticketId: fromConsole.id });
    for (const t of [t1, t2]) expect(t).toMatchObject({ status: 'claimed', assigneeStaffId: STAFF.minh.id, firstStaffReplyAt: h.clock.now(), claimedAt: h.clock.now() });
    const replies = await h.db.select().from(ticketEventsTable).where(eq(ticketEventsTable.type, 'reply'));
    expect(replies.map((e) => ({ ticketId: e.ticketId, actorKind: e.actorKind, actorStaffId: e.actorStaffId, text: e.text, data: e.data }))).toEqual([
      { ticketId: typed.id, actorKind: 'staff', actorStaffId: STAFF.minh.id, text: 'Anh mang CCCD tới nhé.', data: {} },
      { ticketId: fromConsole.id, actorKind: 'staff', actorStaffId: STAFF.minh.id, text: 'Chị mang sổ hộ khẩu cũ tới nhé.', data: { via: 'console', consoleUser: 'minh' } },
    ]);

    // The same outbox path: a staff_reply row to the resident, linked to the ticket once sent.
    const rows = await h.db.select().from(outboxTable).where(eq(outboxTable.conversationRef, B));
    expect(rows.filter((r) => (r.meta as { role?: string } | null)?.role === 'staff_reply').map((r) => [r.status, (r.meta as { ticketId?: number }).ticketId])).toEqual([['sent', fromConsole.id]]);
    const links = await h.db.select().from(ticketMessageLinksTable).where(and(eq(ticketMessageLinksTable.ticketId, fromConsole.id), eq(ticketMessageLinksTable.role, 'staff_reply')));
    expect(links).toHaveLength(1);

    // The staff topic: a line naming the console, the staff member and the account, with the text.
    const topicB = topicOf(fromConsole.code);
    expect(h.sentIn(topicB).map((m) => m.text)).toContain(`🖥️ Trần Văn Minh đã trả lời phiếu ${fromConsole.code} từ trang quản trị (tài khoản minh):\nChị mang sổ hộ khẩu cũ tới nhé.`);
    // The card was edited in place to the claimed status (the memory Telegram can edit), as for the typed answer.
    const edits = h.telegram.edits.filter((e) => e.conversationRef === topicB);
    expect(edits.at(-1)!.text).toContain('Trạng thái: Trần Văn Minh đang xử lý');

    // The SLA worker no longer chases either ticket: its first response is recorded.
    expect((await h.handoff.tickets.listSlaCandidates()).tickets.map((t) => t.id)).toEqual([]);
  });

  it('refuses, sending nothing: unknown staff member, empty or too long text, a closed ticket, a resident who erased their data', async () => {
    h = await createHandoffHarness();
    const ticket = await openTicket(A, residentA, 'Tôi muốn gặp cán bộ về cấp sổ đỏ');
    const pending = async () => (await h.outbox.pendingCount()).count;
    const sentBefore = h.sentIn(A).length;

    expect(await h.handoff.answerFromConsole({ ticketId: ticket.id, staffId: 'pm-khong-co', username: 'x', text: 'Chào anh' })).toEqual({ ok: false, reason: 'not_staff' });
    expect(await h.handoff.answerFromConsole({ ticketId: ticket.id, staffId: STAFF.minh.id, username: 'minh', text: ' \n ' })).toEqual({ ok: false, reason: 'empty' });
    expect(await h.handoff.answerFromConsole({ ticketId: ticket.id, staffId: STAFF.minh.id, username: 'minh', text: 'a'.repeat(3001) })).toEqual({ ok: false, reason: 'too_long', max: 3000 });
    expect(await h.handoff.answerFromConsole({ ticketId: 999_999, staffId: STAFF.minh.id, username: 'minh', text: 'Chào anh' })).toEqual({ ok: false, reason: 'not_found' });
    expect(await pending()).toBe(0);

    await h.say(h.inbound({ conversationRef: topicOf(ticket.code), from: { id: STAFF.minh.telegram, name: STAFF.minh.name }, text: '/dong' }));
    const afterClose = h.sentIn(A).length;
    expect(await h.handoff.answerFromConsole({ ticketId: ticket.id, staffId: STAFF.minh.id, username: 'minh', text: 'Bổ sung: mang thêm bản sao.' })).toEqual({ ok: false, reason: 'invalid_state', status: 'closed' });
    await h.flush();
    expect(h.sentIn(A).length).toBe(afterClose);
    expect(afterClose).toBeGreaterThan(sentBefore); // the close itself was sent (rating request)

    const second = await openTicket(B, residentB, 'Cho tôi gặp cán bộ về hộ khẩu');
    await h.say(h.inbound({ conversationRef: B, from: residentB, text: '/xoadulieu' }));
    await h.say(h.inbound({ conversationRef: B, from: residentB, text: 'XÁC NHẬN' }));
    expect(await h.handoff.answerFromConsole({ ticketId: second.id, staffId: STAFF.minh.id, username: 'minh', text: 'Chị mang sổ hộ khẩu cũ tới nhé.' })).toEqual({ ok: false, reason: 'erased' });
    expect(await pending()).toBe(0);
    const replies = await h.db.select().from(ticketEventsTable).where(eq(ticketEventsTable.type, 'reply'));
    expect(replies).toEqual([]);
  });
});

describe('ticket cards link to the console page when PUBLIC_URL is set', { timeout: 90_000 }, () => {
  it('Telegram topic card and Zalo group card carry the link; without PUBLIC_URL they do not', async () => {
    h = await createHandoffHarness({ groups: [{ conversationRef: TG_STAFF, forum: true }, { conversationRef: ZALO_STAFF, forum: false }], publicUrl: 'https://motcua.example.vn' });
    const ticket = await openTicket(A, residentA, 'Tôi muốn gặp cán bộ về cấp sổ đỏ');
    const link = `Xem và trả lời trên trang quản trị: https://motcua.example.vn/admin/tickets/${ticket.code}`;
    const tgCard = h.sentIn(topicOf(ticket.code))[0]!;
    const zaloCard = h.sentIn(ZALO_STAFF)[0]!;
    expect(tgCard.text.split('\n').at(-1)).toBe(link);
    expect(zaloCard.text.split('\n').at(-1)).toBe(link);
    // The edited card (after a claim) keeps it.
    await h.say(h.inbound({ conversationRef: topicOf(ticket.code), from: { id: STAFF.minh.telegram, name: STAFF.minh.name }, text: '/nhan' }));
    expect(h.telegram.edits.at(-1)!.text).toContain(link);
    await h.close();

    h = await createHandoffHarness();
    const plain = await openTicket(A, residentA, 'Tôi muốn gặp cán bộ về cấp sổ đỏ');
    expect(h.sentIn(topicOf(plain.code))[0]!.text).not.toContain('trang quản trị');
  });
});
