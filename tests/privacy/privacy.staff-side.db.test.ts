/**
 * Erasure reaches the staff side: after "delete my data", nothing in the database still holds the
 * resident's name, question or messages — not the card or relays we sent into the staff groups (our
 * outbox copies), not what staff wrote about the ticket there (topic and plain-group transcripts,
 * notes), not the FAQ draft — while ticket times, ratings and counts stay. Through the real pipeline,
 * outbox and handoff; the whole database is scanned, so a table added later cannot be forgotten.
 */
import { eq, sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { outboxTable } from '../../src/bot/outbox/outbox.table.js';
import { conversationsTable } from '../../src/db/conversations.table.js';
import { messagesTable } from '../../src/db/messages.table.js';
import { REDACTED_TEXT } from '../../src/privacy/privacy.models.js';
import { createPrivacyRepository } from '../../src/privacy/privacy.repository.js';
import { createPrivacyUsecases } from '../../src/privacy/privacy.usecases.js';
import { ticketFaqDraftsTable, ticketsTable } from '../../src/handoff/tickets/tickets.table.js';
import { createHandoffHarness, STAFF, TG_PLAIN_STAFF, TG_STAFF, type HandoffHarness } from '../helpers/handoff-harness.js';

const DAY = 86_400_000;
const RESIDENT_TG = 'telegram:5001';
const resident = { id: '5001', name: 'Phạm Văn Dân' };
const OTHER_TG = 'telegram:5002';
const other = { id: '5002', name: 'Lê Thị Khác' };
const tgStaff = (s: (typeof STAFF)[keyof typeof STAFF]) => ({ id: s.telegram, name: s.name });
/** What only this resident said or was called: none of it may survive the erasure anywhere. */
const PERSONAL = ['Phạm Văn Dân', 'Anh Dân', 'anh Dân', 'ngõ 77', '0912 345 678'];

let h: HandoffHarness;
afterEach(async () => {
  await h?.close();
});

/** Every row of every table in the schema, as JSON text (bytea as hex), for a search by content. */
async function databaseDump(harness: HandoffHarness): Promise<string> {
  const tables = rowsOf<{ table_name: string }>(
    await harness.db.execute(sql`select table_name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE' order by table_name`),
  ).map((r) => r.table_name);
  expect(tables).toEqual(expect.arrayContaining(['messages', 'outbox', 'tickets', 'ticket_events', 'ticket_faq_drafts', 'conversations']));
  const parts: string[] = [];
  for (const table of tables) {
    const rows = rowsOf<{ row: string }>(await harness.db.execute(sql.raw(`select row_to_json(t)::text as row from "${table}" t`)));
    parts.push(...rows.map((r) => `${table}: ${r.row}`));
  }
  return parts.join('\n');
}

function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

/** Opens a ticket with history before it, relays, staff replies in a topic and in a plain group, a note, a close and a draft. */
async function ticketWithStaffSide(harness: HandoffHarness) {
  // Before the ticket: a text and a photo (the card carries both along).
  await harness.say(harness.inbound({ conversationRef: RESIDENT_TG, from: resident, text: 'Nhà tôi ở ngõ 77 Kim Mã' }));
  await harness.say(harness.inbound({ conversationRef: RESIDENT_TG, from: resident, kind: 'photo', text: '', attachment: { ref: 'AgACphoto' } }));
  await harness.say(harness.inbound({ conversationRef: RESIDENT_TG, from: resident, text: 'gặp cán bộ về thửa đất ngõ 77' }));
  const { conversation } = await harness.conversations.findConversationByRef({ conversationRef: RESIDENT_TG });
  const { ticket } = await harness.handoff.tickets.findActiveTicket({ conversationId: conversation!.id });
  const [topicRef] = [...harness.telegram.topics.keys()];
  expect(harness.sentIn(topicRef!)[0]!.text).toContain('Phạm Văn Dân');
  expect(harness.sentIn(TG_PLAIN_STAFF)[0]!.text).toContain('ngõ 77');

  await harness.say(harness.inbound({ conversationRef: RESIDENT_TG, from: resident, text: 'Số điện thoại 0912 345 678' }));
  await harness.say(harness.inbound({ conversationRef: topicRef!, from: tgStaff(STAFF.minh), text: 'Anh Dân mang sổ đỏ ngõ 77 tới nhé' }));
  await harness.say(harness.inbound({ conversationRef: TG_PLAIN_STAFF, from: tgStaff(STAFF.hoa), text: '#HS-0001 anh Dân nhớ mang CCCD' }));
  await harness.say(harness.inbound({ conversationRef: TG_PLAIN_STAFF, from: tgStaff(STAFF.hoa), text: '/ghichu HS-0001 anh Dân ở ngõ 77, đã gọi 0912 345 678' }));
  await harness.say(harness.inbound({ conversationRef: TG_PLAIN_STAFF, from: tgStaff(STAFF.hoa), text: 'trưa nay ăn gì?' }));
  await harness.say(harness.inbound({ conversationRef: TG_PLAIN_STAFF, from: tgStaff(STAFF.minh), text: '/dong HS-0001' }));
  await harness.say(harness.inbound({ conversationRef: RESIDENT_TG, from: resident, action: `rate:${ticket!.id}:4` }));
  await harness.say(harness.inbound({ conversationRef: TG_PLAIN_STAFF, from: tgStaff(STAFF.minh), text: '/faq HS-0001' }));
  const [draft] = (await harness.handoff.links.listFaqDrafts()).drafts;
  expect(draft).toMatchObject({ question: 'gặp cán bộ về thửa đất ngõ 77', answer: 'anh Dân nhớ mang CCCD' });
  return { conversationId: conversation!.id, ticketId: ticket!.id, topicRef: topicRef! };
}

const groups = [
  { conversationRef: TG_STAFF, forum: true },
  { conversationRef: TG_PLAIN_STAFF, forum: false },
];

describe('erasure reaches the staff side of the resident tickets (real pipeline and database)', { timeout: 120_000 }, () => {
  it('"delete my data" leaves nothing of the resident in any table; statistics and other residents stay', async () => {
    h = await createHandoffHarness({ groups });
    const { conversationId, ticketId } = await ticketWithStaffSide(h);
    // Another resident with a ticket of their own: untouched.
    await h.say(h.inbound({ conversationRef: OTHER_TG, from: other, text: 'gặp cán bộ về hộ khẩu' }));

    const before = await databaseDump(h);
    for (const personal of PERSONAL) expect(before).toContain(personal); // the scan can see them
    const [ticketBefore] = await h.db.select().from(ticketsTable).where(eq(ticketsTable.id, ticketId));
    const messageCount = (await h.db.select().from(messagesTable)).length;
    const outboxCount = (await h.db.select().from(outboxTable)).length;
    // The flood throttle's arrivals are keyed by the resident's platform id: kept until the erasure.
    const conversationState = () => h.db.select({ floodState: conversationsTable.floodState }).from(conversationsTable).where(eq(conversationsTable.id, conversationId));
    expect((await conversationState())[0]?.floodState).toHaveProperty(resident.id);

    const privacy = createPrivacyUsecases({ privacyRepository: createPrivacyRepository({ db: h.db }), retentionDays: 365, clock: h.clock });
    await privacy.handleMessage({ conversationId, message: { text: '/xoadulieu' } });
    expect(await privacy.handleMessage({ conversationId, message: { text: 'XÁC NHẬN' } })).toMatchObject({ erased: true });

    const after = await databaseDump(h);
    for (const personal of PERSONAL) expect(after, personal).not.toContain(personal);
    expect(after).toContain(REDACTED_TEXT);
    expect((await conversationState())[0]?.floodState).toBeNull();
    // Statistics: the ticket's times and rating, and the number of messages and outbox rows.
    const [ticketAfter] = await h.db.select().from(ticketsTable).where(eq(ticketsTable.id, ticketId));
    expect(ticketAfter).toMatchObject({ status: 'closed', rating: 4, assigneeStaffId: ticketBefore!.assigneeStaffId, closedByStaffId: 'pm-minh' });
    expect(ticketAfter!.claimedAt).toEqual(ticketBefore!.claimedAt);
    expect(ticketAfter!.firstStaffReplyAt).toEqual(ticketBefore!.firstStaffReplyAt);
    expect(ticketAfter!.closedAt).toEqual(ticketBefore!.closedAt);
    expect((await h.db.select().from(messagesTable)).length).toBe(messageCount);
    expect((await h.db.select().from(outboxTable)).length).toBe(outboxCount);
    // The other resident, and staff talk about nothing in particular, stay.
    expect(after).toContain('Lê Thị Khác');
    expect(after).toContain('gặp cán bộ về hộ khẩu');
    expect(after).toContain('trưa nay ăn gì?');
  });

  it('a staff-side message still queued for the erased ticket is dropped, not delivered', async () => {
    h = await createHandoffHarness({ groups });
    await h.say(h.inbound({ conversationRef: RESIDENT_TG, from: resident, text: 'gặp cán bộ về thửa đất ngõ 77' }));
    const { conversation } = await h.conversations.findConversationByRef({ conversationRef: RESIDENT_TG });
    // A follow-up reaches the pipeline but the outbox has not sent it yet.
    await h.pipeline.handle(h.inbound({ conversationRef: RESIDENT_TG, from: resident, text: 'Số điện thoại 0912 345 678' }));
    const sentBefore = h.sentIn(TG_STAFF).length + h.sentIn(TG_PLAIN_STAFF).length;

    await createPrivacyRepository({ db: h.db }).eraseConversation({ conversationId: conversation!.id, at: h.clock.now() });
    await h.flush();
    expect(h.sentIn(TG_STAFF).length + h.sentIn(TG_PLAIN_STAFF).length).toBe(sentBefore);
    expect(await databaseDump(h)).not.toContain('0912 345 678');
  });

  it('a ticket still open is closed by the erasure; staff trying to answer or reopen it are told why', async () => {
    h = await createHandoffHarness({ groups });
    await h.say(h.inbound({ conversationRef: RESIDENT_TG, from: resident, text: 'gặp cán bộ về thửa đất ngõ 77' }));
    const { conversation } = await h.conversations.findConversationByRef({ conversationRef: RESIDENT_TG });
    const { ticket } = await h.handoff.tickets.findActiveTicket({ conversationId: conversation!.id });

    await createPrivacyRepository({ db: h.db }).eraseConversation({ conversationId: conversation!.id, at: h.clock.now() });
    const [closed] = await h.db.select().from(ticketsTable).where(eq(ticketsTable.id, ticket!.id));
    expect(closed).toMatchObject({ status: 'closed', closedByStaffId: null, residentRef: `deleted:${conversation!.id}` });
    expect(closed!.closedAt).toEqual(h.clock.now());
    const { events } = await h.handoff.tickets.listEvents({ ticketId: ticket!.id });
    expect(events.at(-1)).toMatchObject({ type: 'close', actorKind: 'system', data: { reason: 'resident_erased' } });

    const erasedText = 'Người dân của phiếu HS-0001 đã xóa dữ liệu của mình nên phiếu đã đóng; bot không còn gửi tin cho họ được.';
    const toResident = h.sentIn(RESIDENT_TG).length;
    await h.say(h.inbound({ conversationRef: TG_PLAIN_STAFF, from: tgStaff(STAFF.hoa), text: '#HS-0001 anh mang sổ tới nhé' }));
    expect(h.lastIn(TG_PLAIN_STAFF)!.text).toBe(erasedText);
    await h.say(h.inbound({ conversationRef: TG_PLAIN_STAFF, from: tgStaff(STAFF.hoa), text: '/mo HS-0001' }));
    expect(h.lastIn(TG_PLAIN_STAFF)!.text).toBe(erasedText);
    expect((await h.handoff.tickets.getTicketById({ ticketId: ticket!.id })).ticket.status).toBe('closed');
    expect(h.sentIn(RESIDENT_TG).length).toBe(toResident);
    // Writing again, the resident starts afresh (a new conversation), with no ticket of the old one.
    await h.say(h.inbound({ conversationRef: RESIDENT_TG, from: resident, text: 'xin chào' }));
    const { conversation: fresh } = await h.conversations.findConversationByRef({ conversationRef: RESIDENT_TG });
    expect(fresh!.id).not.toBe(conversation!.id);
    expect((await h.handoff.tickets.findActiveTicket({ conversationId: fresh!.id })).ticket).toBeUndefined();
  });

  it('retention erases the staff side of a ticket closed before the cutoff, even while the resident is still active', async () => {
    h = await createHandoffHarness({ groups });
    const { conversationId, ticketId } = await ticketWithStaffSide(h);
    h.clock.advance(400 * DAY);
    // The resident comes back a year later: their conversation is active, their old ticket is not.
    await h.say(h.inbound({ conversationRef: RESIDENT_TG, from: resident, text: 'làm khai sinh cần gì' }));

    const privacy = createPrivacyUsecases({ privacyRepository: createPrivacyRepository({ db: h.db }), retentionDays: 365, clock: h.clock });
    const result = await privacy.purgeExpired();
    expect(result.tickets).toBe(1);

    const [draft] = await h.db.select().from(ticketFaqDraftsTable).where(eq(ticketFaqDraftsTable.ticketId, ticketId));
    expect(draft).toMatchObject({ question: REDACTED_TEXT, answer: REDACTED_TEXT, status: 'pending' });
    // Rows get created_at from the database's own clock (today), so here they are all younger than the
    // cutoff, which the fake clock put 400 days after the ticket: only the ticket's age erases them.
    const dump = await databaseDump(h);
    const residentOwn = (line: string) =>
      line.startsWith(`messages: {"id":`) && line.includes(`"conversation_id":${conversationId},`) ? true : line.startsWith('outbox: ') && line.includes(`"conversation_ref":"${RESIDENT_TG}"`) && !line.includes('"ticketId"');
    const staffSide = dump.split('\n').filter((line) => !residentOwn(line)).join('\n');
    for (const personal of ['ngõ 77', '0912 345 678', 'Anh Dân', 'anh Dân']) expect(staffSide, personal).not.toContain(personal);
    // The resident's own recent transcript is not past the retention period: it stays.
    expect(dump).toContain('Nhà tôi ở ngõ 77 Kim Mã');
    expect(dump).toContain('làm khai sinh cần gì');
    const [ticket] = await h.db.select().from(ticketsTable).where(eq(ticketsTable.id, ticketId));
    expect(ticket).toMatchObject({ conversationId, rating: 4, status: 'closed' });
    expect((await privacy.purgeExpired()).tickets).toBe(0);
  });
});
