/**
 * The handoff through the real pipeline, outbox, database and units repository, with memory adapters
 * standing in for the platforms (tests/handoff/*.e2e.db.test.ts run the real telegraf/zca-js adapters).
 */
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { ChannelApiError, ChannelNetworkError } from '../../src/bot/core/channel.errors.js';
import { createOutboxRepository } from '../../src/bot/outbox/outbox.repository.js';
import { createOutboxWorker } from '../../src/bot/outbox/outbox.worker.js';
import { createHandoff } from '../../src/handoff/handoff.usecases.js';
import { createHandoffHarness, STAFF, TG_PLAIN_STAFF, TG_STAFF, ZALO_STAFF, type HandoffHarness } from '../helpers/handoff-harness.js';

const RESIDENT_TG = 'telegram:5001';
const resident = { id: '5001', name: 'Phạm Văn Dân' };
const tgStaff = (s: (typeof STAFF)[keyof typeof STAFF]) => ({ id: s.telegram, name: s.name });
const zaloStaff = (s: (typeof STAFF)[keyof typeof STAFF]) => ({ id: s.zalo, name: s.name });

let h: HandoffHarness;
afterEach(async () => {
  await h?.close();
});

async function openTicketFrom(harness: HandoffHarness, ref = RESIDENT_TG, text = 'Tôi muốn gặp cán bộ về việc cấp sổ đỏ') {
  await harness.say(harness.inbound({ conversationRef: ref, from: resident, text }));
  const { conversation } = await harness.conversations.findConversationByRef({ conversationRef: ref });
  const { ticket } = await harness.handoff.tickets.findActiveTicket({ conversationId: conversation!.id });
  expect(ticket).toBeDefined();
  return ticket!;
}

describe('Telegram resident ↔ Telegram forum staff group', { timeout: 90_000 }, () => {
  it('opens a ticket with a receipt and a topic card, relays both ways, closes and collects the rating', { timeout: 90_000 }, async () => {
    h = await createHandoffHarness();
    const ticket = await openTicketFrom(h);
    expect(ticket.code).toBe('HS-0001');

    // Receipt: the code and an honest time (Monday 09:00, inside hours, SLA 120 working minutes).
    const receipt = h.sentIn(RESIDENT_TG).find((m) => m.text.includes('HS-0001'))!;
    expect(receipt.text).toContain('Mã phiếu: HS-0001');
    expect(receipt.text).toContain('trong khoảng 2 giờ làm việc');

    // One topic for the ticket, the card inside it: resident, channel, question, on-duty staff (Monday → Minh), buttons.
    const [topicRef, topic] = [...h.telegram.topics.entries()][0]!;
    expect(topicRef.startsWith(`${TG_STAFF}:topic:`)).toBe(true);
    expect(topic.title).toBe('HS-0001 · Phạm Văn Dân');
    const card = h.sentIn(topicRef)[0]!;
    expect(card.text).toContain('Phiếu HS-0001 · Phạm Văn Dân (Telegram)');
    expect(card.text).toContain('cấp sổ đỏ');
    expect(card.text).toContain('Cán bộ trực: @Trần Văn Minh');
    // The on-duty mention travels as data; each adapter renders it (tests/bot/adapters/*).
    expect(card.mentions).toEqual([{ text: '@Trần Văn Minh', userIds: { telegram: STAFF.minh.telegram, zalo: STAFF.minh.zalo } }]);
    expect(card.buttons?.map((b) => b.data)).toEqual([`t:claim:${ticket.id}`, `t:close:${ticket.id}`]);

    // Follow-up text and a photo reach the topic; the photo is copied right after its header line.
    await h.say(h.inbound({ conversationRef: RESIDENT_TG, from: resident, text: 'Thửa đất ở tổ 3' }));
    const photo = await h.say(h.inbound({ conversationRef: RESIDENT_TG, from: resident, kind: 'photo', text: 'ảnh giấy tờ', attachment: { ref: 'AgACfile' } }));
    const topicTexts = h.sentIn(topicRef).map((m) => m.text);
    expect(topicTexts).toContain('💬 HS-0001 · Phạm Văn Dân: Thửa đất ở tổ 3');
    expect(topicTexts).toContain('📎 HS-0001 · Phạm Văn Dân gửi một ảnh: ảnh giấy tờ');
    expect(h.telegram.copies).toEqual([
      { from: { conversationRef: RESIDENT_TG, externalMessageId: photo.externalMessageId }, to: topicRef, externalMessageId: 'copy-1' },
    ]);

    // Claim by button.
    await h.say(h.inbound({ conversationRef: topicRef, from: tgStaff(STAFF.minh), action: `t:claim:${ticket.id}` }));
    expect(h.telegram.popups.at(-1)!.text).toBe('✋ Trần Văn Minh đã nhận phiếu HS-0001.');
    expect(h.sentIn(topicRef)[0]!.text).toContain('Trạng thái: Trần Văn Minh đang xử lý');

    // Plain text in the topic is the reply, signed as the unit.
    await h.say(h.inbound({ conversationRef: topicRef, from: tgStaff(STAFF.minh), text: 'Anh mang CCCD và giấy tờ đất tới bộ phận một cửa nhé.' }));
    expect(h.lastIn(RESIDENT_TG)!.text).toBe(
      'Anh mang CCCD và giấy tờ đất tới bộ phận một cửa nhé.\n\n— Cán bộ Trung tâm Phục vụ hành chính công phường Mẫu',
    );

    // An internal note is stored, never relayed.
    const before = h.sentIn(RESIDENT_TG).length;
    await h.say(h.inbound({ conversationRef: topicRef, from: tgStaff(STAFF.minh), text: '/ghichu đã gọi điện xác minh' }));
    expect(h.sentIn(RESIDENT_TG).length).toBe(before);
    const { events } = await h.handoff.tickets.listEvents({ ticketId: ticket.id });
    expect(events.find((e) => e.type === 'note')).toMatchObject({ text: 'đã gọi điện xác minh', isInternal: true, actorStaffId: 'pm-minh' });

    // Close: the resident is asked to rate (buttons on Telegram); the topic is closed after the notice.
    await h.say(h.inbound({ conversationRef: topicRef, from: tgStaff(STAFF.minh), text: '/dong' }));
    const ask = h.lastIn(RESIDENT_TG)!;
    expect(ask.text).toContain('Cán bộ đã trả lời xong câu hỏi của anh/chị (mã phiếu HS-0001)');
    expect(ask.buttons?.map((b) => b.data)).toEqual([1, 2, 3, 4, 5].map((n) => `rate:${ticket.id}:${n}`));
    expect(h.lastIn(topicRef)!.text).toBe('✅ Trần Văn Minh đã đóng phiếu HS-0001. Người dân được mời đánh giá 1–5.');
    expect(h.telegram.topics.get(topicRef)!.state).toBe('closed');

    h.clock.advance(60_000);
    await h.say(h.inbound({ conversationRef: RESIDENT_TG, from: resident, action: `rate:${ticket.id}:5` }));
    expect(h.lastIn(RESIDENT_TG)!.text).toContain('Cảm ơn anh/chị đã đánh giá');
    const { ticket: closed } = await h.handoff.tickets.getTicketById({ ticketId: ticket.id });
    expect(closed).toMatchObject({ status: 'closed', rating: 5, assigneeStaffId: 'pm-minh', closedByStaffId: 'pm-minh' });
    expect(closed.firstStaffReplyAt).not.toBeNull();

    // Every staff-side message is linked to the ticket in the database.
    const { ticketId } = await h.handoff.links.findTicketIdByMessage({ conversationRef: topicRef, externalMessageId: 'copy-1' });
    expect(ticketId).toBe(ticket.id);
  });

  it('a second request while a ticket is open appends to it instead of opening another', async () => {
    h = await createHandoffHarness();
    const first = await openTicketFrom(h);
    await h.say(h.inbound({ conversationRef: RESIDENT_TG, from: resident, text: 'gặp cán bộ lần nữa' }));
    const { tickets } = await h.handoff.tickets.listTickets({ statuses: ['open', 'claimed', 'closed', 'undeliverable'] });
    expect(tickets.map((t) => t.id)).toEqual([first.id]);
    expect(h.sentIn(TG_STAFF).some((m) => m.text.includes('gặp cán bộ lần nữa'))).toBe(true);
  });

  it('a deleted topic is re-created on the next send, with the card again', async () => {
    h = await createHandoffHarness();
    const ticket = await openTicketFrom(h);
    const [oldTopic] = [...h.telegram.topics.keys()];
    h.telegram.topics.get(oldTopic!)!.state = 'deleted';

    await h.say(h.inbound({ conversationRef: RESIDENT_TG, from: resident, text: 'Còn đó không ạ?' }));
    const topics = [...h.telegram.topics.keys()];
    expect(topics).toHaveLength(2);
    const newTopic = topics[1]!;
    const texts = h.sentIn(newTopic).map((m) => m.text);
    expect(texts[0]).toContain('Phiếu HS-0001');
    expect(texts[0]).toContain('bot tạo lại chủ đề này');
    expect(texts[1]).toBe('💬 HS-0001 · Phạm Văn Dân: Còn đó không ạ?');
    const { threads } = await h.handoff.links.listThreads({ ticketId: ticket.id });
    expect(threads).toMatchObject([{ groupRef: TG_STAFF, threadRef: newTopic }]);

    // Staff typing in the new topic reaches the resident.
    await h.say(h.inbound({ conversationRef: newTopic, from: tgStaff(STAFF.hoa), text: 'Có ạ, chị đang xem.' }));
    expect(h.lastIn(RESIDENT_TG)!.text.startsWith('Có ạ, chị đang xem.')).toBe(true);
  });

  it('a closed topic is reopened rather than replaced', async () => {
    h = await createHandoffHarness();
    await openTicketFrom(h);
    const [topic] = [...h.telegram.topics.keys()];
    h.telegram.topics.get(topic!)!.state = 'closed';
    await h.say(h.inbound({ conversationRef: RESIDENT_TG, from: resident, text: 'Cho hỏi thêm' }));
    expect(h.telegram.topics.size).toBe(1);
    expect(h.telegram.topics.get(topic!)!.state).toBe('open');
    expect(h.lastIn(topic!)!.text).toBe('💬 HS-0001 · Phạm Văn Dân: Cho hỏi thêm');
  });

  it('a resident who blocked the bot makes the ticket undeliverable and staff are told; writing again reopens it', async () => {
    h = await createHandoffHarness();
    const ticket = await openTicketFrom(h);
    const [topic] = [...h.telegram.topics.keys()];
    h.telegram.failNext({
      error: new (await import('../../src/bot/core/channel.errors.js')).ChannelApiError('telegram', 'Forbidden: bot was blocked by the user', {
        platformCode: 403,
        retryable: false,
        reason: 'recipient_blocked',
      }),
    });
    await h.say(h.inbound({ conversationRef: topic!, from: tgStaff(STAFF.minh), text: 'Anh cần bổ sung bản sao CCCD.' }));
    const { ticket: after } = await h.handoff.tickets.getTicketById({ ticketId: ticket.id });
    expect(after.status).toBe('undeliverable');
    expect(h.lastIn(topic!)!.text).toContain('người dân đã chặn bot');
    const { events } = await h.handoff.tickets.listEvents({ ticketId: ticket.id });
    expect(events.find((e) => e.type === 'relay_failed')?.text).toContain('Anh cần bổ sung bản sao CCCD.');

    // Staff replying to an undeliverable ticket are told, not silently dropped.
    await h.say(h.inbound({ conversationRef: topic!, from: tgStaff(STAFF.minh), text: 'Thử lại' }));
    expect(h.lastIn(topic!)!.text).toContain('không liên lạc được');

    await h.say(h.inbound({ conversationRef: RESIDENT_TG, from: resident, text: 'Tôi đây, xin lỗi' }));
    expect((await h.handoff.tickets.getTicketById({ ticketId: ticket.id })).ticket.status).toBe('claimed');
    // The notice offers the reply that bounced again (tests/handoff/handoff.resident-flow.db.test.ts resends it).
    expect(h.sentIn(topic!).map((m) => m.text).find((t) => t.startsWith('↩️ Người dân của phiếu HS-0001 đã nhắn lại; phiếu mở lại.'))).toContain('/guilai HS-0001');
  });
});

describe('staff commands in a plain Telegram group', { timeout: 90_000 }, () => {
  it('claim, reply by quoting the card, transfer, list, faq draft; strangers are refused', async () => {
    h = await createHandoffHarness({ groups: [{ conversationRef: TG_PLAIN_STAFF, forum: false }] });
    const ticket = await openTicketFrom(h);
    expect(h.telegram.topics.size).toBe(0);
    const card = h.sentIn(TG_PLAIN_STAFF)[0]!;
    expect(card.text).toContain('trả lời (reply/trích dẫn) tin này hoặc gõ #HS-0001 nội dung');

    // A stranger in the group is refused politely; /id works for anyone.
    await h.say(h.inbound({ conversationRef: TG_PLAIN_STAFF, from: { id: '999', name: 'Khách' }, text: '/nhan HS-0001' }));
    expect(h.lastIn(TG_PLAIN_STAFF)!.text).toContain('chưa có trong danh sách cán bộ');
    await h.say(h.inbound({ conversationRef: TG_PLAIN_STAFF, from: { id: '999', name: 'Khách' }, text: '/id' }));
    expect(h.lastIn(TG_PLAIN_STAFF)!.text).toBe(`Mã nhóm/cuộc trò chuyện: ${TG_PLAIN_STAFF}\nMã người dùng của Khách: 999`);
    // Staff chatting among themselves is ignored.
    const count = h.sentIn(TG_PLAIN_STAFF).length;
    await h.say(h.inbound({ conversationRef: TG_PLAIN_STAFF, from: tgStaff(STAFF.hoa), text: 'trưa nay ăn gì?' }));
    expect(h.sentIn(TG_PLAIN_STAFF).length).toBe(count);

    await h.say(h.inbound({ conversationRef: TG_PLAIN_STAFF, from: tgStaff(STAFF.hoa), text: '/nhận HS-0001' }));
    expect(h.lastIn(TG_PLAIN_STAFF)!.text).toBe('✋ Lê Thị Hoa đã nhận phiếu HS-0001.');
    await h.say(h.inbound({ conversationRef: TG_PLAIN_STAFF, from: tgStaff(STAFF.minh), text: '/claim HS-0001' }));
    expect(h.lastIn(TG_PLAIN_STAFF)!.text).toContain('đã có Lê Thị Hoa nhận'); // typed: a reply, there is no pop-up to give

    // Quoting the card (its id comes from the outbox's onSent link, not from its text).
    await h.say(h.inbound({ conversationRef: TG_PLAIN_STAFF, from: tgStaff(STAFF.hoa), text: 'Chị mang sổ hộ khẩu cũ nhé', replyTo: card.externalMessageId }));
    expect(h.lastIn(RESIDENT_TG)!.text.startsWith('Chị mang sổ hộ khẩu cũ nhé')).toBe(true);

    await h.say(h.inbound({ conversationRef: TG_PLAIN_STAFF, from: tgStaff(STAFF.hoa), text: '/chuyen HS-0001 Minh' }));
    const transferred = h.lastIn(TG_PLAIN_STAFF)!;
    expect(transferred.text).toBe('🔁 Lê Thị Hoa đã chuyển phiếu HS-0001 cho @Trần Văn Minh.');
    expect(transferred.mentions).toEqual([{ text: '@Trần Văn Minh', userIds: { telegram: STAFF.minh.telegram, zalo: STAFF.minh.zalo } }]);
    expect((await h.handoff.tickets.getTicketById({ ticketId: ticket.id })).ticket.assigneeStaffId).toBe('pm-minh');

    await h.say(h.inbound({ conversationRef: TG_PLAIN_STAFF, from: tgStaff(STAFF.minh), text: '/ds' }));
    expect(h.lastIn(TG_PLAIN_STAFF)!.text).toMatch(/^Phiếu đang mở \(1\):\nHS-0001 · Phạm Văn Dân \(Telegram\) · Trần Văn Minh · 0 phút$/);

    await h.say(h.inbound({ conversationRef: TG_PLAIN_STAFF, from: tgStaff(STAFF.minh), text: '/faq HS-0001' }));
    const { drafts } = await h.handoff.links.listFaqDrafts();
    expect(drafts).toMatchObject([{ ticketId: ticket.id, question: 'Tôi muốn gặp cán bộ về việc cấp sổ đỏ', answer: 'Chị mang sổ hộ khẩu cũ nhé', status: 'pending' }]);

    // Unknown code.
    await h.say(h.inbound({ conversationRef: TG_PLAIN_STAFF, from: tgStaff(STAFF.minh), text: '/dong HS-0999' }));
    expect(h.lastIn(TG_PLAIN_STAFF)!.text).toContain('Không tìm thấy phiếu HS-0999');
  });
});

describe('Zalo resident ↔ Zalo staff group', { timeout: 90_000 }, () => {
  it('card with typed instructions (no buttons), reply by #code, close and a digit rating', async () => {
    h = await createHandoffHarness({ groups: [{ conversationRef: ZALO_STAFF, forum: false }] });
    const residentRef = 'zalo:user:3000000000000000001';
    const ticket = await openTicketFrom(h, residentRef, 'gặp cán bộ hỏi về trợ cấp');
    const card = h.sentIn(ZALO_STAFF)[0]!;
    expect(card.text).toContain('gõ /nhan HS-0001 để nhận');
    expect(card.text).toContain('(Zalo)');

    // Quote of the card = reply (auto-claims).
    await h.say(h.inbound({ conversationRef: ZALO_STAFF, from: zaloStaff(STAFF.hoa), text: 'Bác mang giấy xác nhận khuyết tật ạ', replyTo: card.externalMessageId }));
    expect(h.lastIn(residentRef)!.text.startsWith('Bác mang giấy xác nhận khuyết tật ạ')).toBe(true);
    expect(h.lastIn(ZALO_STAFF)!.text).toBe('✋ Lê Thị Hoa đã nhận phiếu HS-0001 (tự động khi trả lời).');

    await h.say(h.inbound({ conversationRef: ZALO_STAFF, from: zaloStaff(STAFF.hoa), text: '#HS-0001 Bác đến trong giờ hành chính nhé' }));
    expect(h.lastIn(residentRef)!.text.startsWith('Bác đến trong giờ hành chính nhé')).toBe(true);

    // A resident photo on Zalo reaches the Zalo group as a header (memory zalo adapter cannot copy).
    await h.say(h.inbound({ conversationRef: residentRef, from: resident, kind: 'photo', text: '', attachment: { ref: 'https://zalo.example/p.jpg' } }));
    expect(h.lastIn(ZALO_STAFF)!.text).toBe('📎 HS-0001 · Phạm Văn Dân gửi một ảnh\nXem tại: https://zalo.example/p.jpg');

    await h.say(h.inbound({ conversationRef: ZALO_STAFF, from: zaloStaff(STAFF.hoa), text: '/dong HS-0001' }));
    const ask = h.lastIn(residentRef)!;
    expect(ask.text).toContain('Xin gõ một số từ 1 đến 5');
    expect(ask.buttons).toBeUndefined();

    await h.say(h.inbound({ conversationRef: residentRef, from: resident, text: '4' }));
    expect((await h.handoff.tickets.getTicketById({ ticketId: ticket.id })).ticket.rating).toBe(4);
    // A later digit is an ordinary message again (the ticket is rated).
    await h.say(h.inbound({ conversationRef: residentRef, from: resident, text: '2' }));
    expect((await h.handoff.tickets.getTicketById({ ticketId: ticket.id })).ticket.rating).toBe(4);
  });
});

describe('web resident ↔ Telegram staff group (cross-channel)', { timeout: 90_000 }, () => {
  it('relays text both ways and tells staff what a photo was when it cannot be copied', async () => {
    h = await createHandoffHarness();
    const residentRef = 'web:session-abc';
    await openTicketFrom(h, residentRef, 'gặp cán bộ giúp tôi');
    const [topic] = [...h.telegram.topics.keys()];
    expect(h.sentIn(topic!)[0]!.text).toContain('(Web)');
    await h.say(h.inbound({ conversationRef: residentRef, from: resident, kind: 'file', text: 'đơn.pdf', attachment: { ref: 'upload-17' } }));
    expect(h.lastIn(topic!)!.text).toContain('📎 HS-0001 · Phạm Văn Dân gửi một tệp: đơn.pdf\nBot không chuyển được tệp này');
    expect(h.telegram.copies).toHaveLength(0);

    await h.say(h.inbound({ conversationRef: topic!, from: tgStaff(STAFF.minh), text: 'Đã nhận, chị xem giúp.' }));
    expect(h.lastIn(residentRef)!.text.startsWith('Đã nhận, chị xem giúp.')).toBe(true);
    // A staff photo cannot cross to the web chat: staff are told.
    await h.say(h.inbound({ conversationRef: topic!, from: tgStaff(STAFF.minh), kind: 'photo', text: '', attachment: { ref: 'AgAC' } }));
    expect(h.lastIn(topic!)!.text).toContain('Bot chưa chuyển được ảnh/tệp này');
  });
});

describe('two staff groups for one unit', { timeout: 90_000 }, () => {
  it('posts the card in both and lets either act', async () => {
    h = await createHandoffHarness({
      groups: [
        { conversationRef: TG_STAFF, forum: true },
        { conversationRef: ZALO_STAFF, forum: false },
      ],
    });
    await openTicketFrom(h);
    const [topic] = [...h.telegram.topics.keys()];
    expect(h.sentIn(topic!)[0]!.text).toContain('Phiếu HS-0001');
    expect(h.sentIn(ZALO_STAFF)[0]!.text).toContain('Phiếu HS-0001');
    await h.say(h.inbound({ conversationRef: ZALO_STAFF, from: zaloStaff(STAFF.lan), text: '/nhan HS-0001' }));
    expect(h.lastIn(topic!)!.text).toBe('✋ Nguyễn Thị Lan đã nhận phiếu HS-0001.');
    expect(h.lastIn(ZALO_STAFF)!.text).toBe('✋ Nguyễn Thị Lan đã nhận phiếu HS-0001.');
  });
});

describe('photos and files are never lost between resident and staff', { timeout: 90_000 }, () => {
  const refused = () =>
    new ChannelApiError('telegram', 'copyMessage refused: 400 Bad Request: message to copy not found [bad_request]', {
      platformCode: 400,
      retryable: false,
      reason: 'bad_request',
    });

  it('a copy Telegram is briefly unable to make is retried; one it refuses becomes a notice in the topic', async () => {
    h = await createHandoffHarness();
    await openTicketFrom(h);
    const [topic] = [...h.telegram.topics.keys()];

    h.telegram.failNextCopies([new ChannelNetworkError('telegram', 'ECONNRESET'), new ChannelApiError('telegram', '502', { platformCode: 502, retryable: true, reason: 'server_error' })]);
    const first = await h.say(h.inbound({ conversationRef: RESIDENT_TG, from: resident, kind: 'photo', attachment: { ref: 'AgAC1' } }));
    expect(h.telegram.copies.map((c) => c.from.externalMessageId)).toEqual([first.externalMessageId]);
    expect(h.sentIn(topic!).at(-1)!.text).toBe('📎 HS-0001 · Phạm Văn Dân gửi một ảnh');

    h.telegram.failNextCopies([refused()]);
    await h.say(h.inbound({ conversationRef: RESIDENT_TG, from: resident, kind: 'voice', attachment: { ref: 'AwAC2' } }));
    expect(h.telegram.copies).toHaveLength(1);
    expect(h.sentIn(topic!).map((m) => m.text).slice(-2)).toEqual([
      '📎 HS-0001 · Phạm Văn Dân gửi một tin nhắn thoại',
      '📎 HS-0001 · Phạm Văn Dân gửi một tin nhắn thoại\nBot không chuyển được tệp này sang nhóm; xin hỏi người dân mô tả bằng chữ hoặc mang giấy tờ tới trụ sở.',
    ]);
    // The copy and its notice are linked to the ticket like any staff-side message.
    const { ticketId } = await h.handoff.links.findTicketIdByMessage({ conversationRef: topic!, externalMessageId: h.telegram.copies[0]!.externalMessageId });
    expect(ticketId).toBe(1);
  });

  it('a photo sent after the topic was deleted follows the ticket into the re-created topic, as a copy', async () => {
    h = await createHandoffHarness();
    await openTicketFrom(h);
    const [oldTopic] = [...h.telegram.topics.keys()];
    h.telegram.topics.get(oldTopic!)!.state = 'deleted';
    const photo = await h.say(h.inbound({ conversationRef: RESIDENT_TG, from: resident, kind: 'photo', attachment: { ref: 'AgAC9' } }));
    const newTopic = [...h.telegram.topics.keys()][1]!;
    expect(h.sentIn(newTopic).map((m) => m.text)).toEqual([expect.stringContaining('bot tạo lại chủ đề này'), '📎 HS-0001 · Phạm Văn Dân gửi một ảnh']);
    expect(h.telegram.copies).toEqual([{ from: { conversationRef: RESIDENT_TG, externalMessageId: photo.externalMessageId }, to: newTopic, externalMessageId: 'copy-1' }]);
  });

  it('a copy queued before a restart is sent by the next process', async () => {
    h = await createHandoffHarness();
    await openTicketFrom(h);
    h.telegram.failNextCopies([new ChannelNetworkError('telegram', 'ECONNRESET')]);
    const photo = h.inbound({ conversationRef: RESIDENT_TG, from: resident, kind: 'photo', attachment: { ref: 'AgAC3' } });
    await h.pipeline.handle(photo);
    await h.worker.runOnce(); // the header
    await h.worker.runOnce(); // the copy fails, stays pending
    expect(h.telegram.copies).toHaveLength(0);
    // "Restart": a new worker over the same database sends what is still queued.
    const restarted = createOutboxWorker({ repository: createOutboxRepository({ db: h.db }), adapters: new Map([['telegram', h.telegram]]), logger: pino({ level: 'silent' }), clock: h.clock });
    restarted.onSent((row) => h.handoff.handleOutboxSent(row));
    h.clock.advance(5_000);
    expect(await restarted.runOnce()).toMatchObject({ sent: 1 });
    expect(h.telegram.copies.map((c) => c.from.externalMessageId)).toEqual([photo.externalMessageId]);
  });

  it('a staff photo reaches a same-channel resident after the signed line; a refused one is explained to the resident', async () => {
    h = await createHandoffHarness();
    await openTicketFrom(h);
    const [topic] = [...h.telegram.topics.keys()];
    const shot = await h.say(h.inbound({ conversationRef: topic!, from: tgStaff(STAFF.minh), kind: 'photo', text: 'Mẫu tờ khai đây ạ', attachment: { ref: 'AgACform' } }));
    expect(h.lastIn(RESIDENT_TG)!.text).toBe('Mẫu tờ khai đây ạ\n\n— Cán bộ Trung tâm Phục vụ hành chính công phường Mẫu');
    expect(h.telegram.copies.at(-1)).toMatchObject({ from: { conversationRef: topic, externalMessageId: shot.externalMessageId }, to: RESIDENT_TG });

    h.telegram.failNextCopies([refused()]);
    await h.say(h.inbound({ conversationRef: topic!, from: tgStaff(STAFF.minh), kind: 'file', attachment: { ref: 'BQACfile' } }));
    expect(h.sentIn(RESIDENT_TG).map((m) => m.text).slice(-2)).toEqual([
      'Cán bộ gửi anh/chị một tệp:\n\n— Cán bộ Trung tâm Phục vụ hành chính công phường Mẫu',
      'Cán bộ có gửi kèm một tệp nhưng bot chưa chuyển được. Anh/chị vui lòng chờ cán bộ nhắn lại.',
    ]);
    expect((await h.handoff.tickets.getTicketById({ ticketId: 1 })).ticket.status).toBe('claimed');
  });
});

describe('/id in any group', { timeout: 90_000 }, () => {
  it('answers in a group that is not registered yet, with the group ref and the sender id; other chatter there is ignored', async () => {
    h = await createHandoffHarness();
    const newGroup = 'telegram:-1009999999999';
    const asker = { id: '123456780', name: 'Trần Văn Minh' };
    const ask = await h.say(h.inbound({ conversationRef: newGroup, from: asker, text: '/id', chatType: 'group' }));
    const answer = h.lastIn(newGroup)!;
    expect(answer.text).toBe(`Mã nhóm/cuộc trò chuyện: ${newGroup}\nMã người dùng của Trần Văn Minh: 123456780`);
    expect(answer.replyToExternalId).toBe(ask.externalMessageId);
    // Mentioning the bot with /id (adapters strip the mention) and the Zalo form work the same.
    await h.say(h.inbound({ conversationRef: 'zalo:group:555', from: { id: '777', name: 'Hoa' }, text: '/ID', chatType: 'group' }));
    expect(h.lastIn('zalo:group:555')!.text).toBe('Mã nhóm/cuộc trò chuyện: zalo:group:555\nMã người dùng của Hoa: 777');

    const count = h.sentIn(newGroup).length;
    const chatter = h.inbound({ conversationRef: newGroup, from: asker, text: 'trưa nay ăn gì', chatType: 'group' });
    await h.say({ ...chatter, addressedToBot: false });
    expect(h.sentIn(newGroup)).toHaveLength(count);
  });
});

describe('/healthz staffGroups comes from the outbox', { timeout: 90_000 }, () => {
  it('shows the last outcome per staff group, the same from another process and after a restart', async () => {
    h = await createHandoffHarness({ groups: [{ conversationRef: TG_PLAIN_STAFF, forum: false }, { conversationRef: ZALO_STAFF, forum: false }] });
    expect(await h.handoff.staffGroupHealth()).toEqual({});
    h.zalo.failNext({ error: new ChannelApiError('zalo', 'sendMessage refused: không phải thành viên nhóm', { retryable: false }) });
    await openTicketFrom(h);
    const health = await h.handoff.staffGroupHealth();
    expect(health[TG_PLAIN_STAFF]).toMatchObject({ ok: true });
    expect(health[ZALO_STAFF]).toMatchObject({ ok: false, lastError: expect.stringContaining('không phải thành viên nhóm') });

    // Another process (or this one after a restart) reads the same answer from the database.
    const other = createHandoff({ db: h.db, units: h.units, outbox: h.outbox, outboxHistory: h.assembly.outboxRepository, channels: new Map(), clock: h.clock, logger: pino({ level: 'silent' }) });
    expect(await other.staffGroupHealth()).toEqual(health);

    // The next message that gets through clears it.
    await h.say(h.inbound({ conversationRef: ZALO_STAFF, from: zaloStaff(STAFF.hoa), text: '/ds' }));
    expect(await other.staffGroupHealth()).toMatchObject({ [ZALO_STAFF]: { ok: true }, [TG_PLAIN_STAFF]: { ok: true } });
  });
});

describe('a topic staff opened themselves in the forum group', { timeout: 90_000 }, () => {
  it('is still the staff group (recognised from the cached groups, no ticket thread needed): /id answers, chatter is not a resident question', async () => {
    h = await createHandoffHarness({ groups: [{ conversationRef: TG_STAFF, forum: true }] });
    const topic = `${TG_STAFF}:topic:777`;
    await h.say(h.inbound({ conversationRef: topic, from: { id: '999', name: 'Khách' }, text: '/id' }));
    expect(h.lastIn(topic)!.text).toBe(`Mã nhóm/cuộc trò chuyện: ${topic}\nMã người dùng của Khách: 999`);
    const count = h.sentIn(TG_STAFF).length;
    await h.say(h.inbound({ conversationRef: topic, from: tgStaff(STAFF.hoa), text: 'làm khai sinh cần gì' }));
    expect(h.sentIn(TG_STAFF).length).toBe(count);
  });
});
