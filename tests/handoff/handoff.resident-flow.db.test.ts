/**
 * The resident side of the handoff (offered → accepted → open → waiting for rating) through the real
 * pipeline, outbox, database and handoff: every way to a person carries the question and the
 * engine's findings of the message that caused it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { HANDOFF_REQUEST_ACTION } from '../../src/bot/core/bot.texts.js';
import { ChannelApiError } from '../../src/bot/core/channel.errors.js';
import { createHandoffHarness, STAFF, TG_STAFF, ZALO_STAFF, type HandoffHarness } from '../helpers/handoff-harness.js';

const RESIDENT = 'telegram:7001';
const resident = { id: '7001', name: 'Bà Tư' };
const minh = { id: STAFF.minh.telegram, name: STAFF.minh.name };

let h: HandoffHarness;
afterEach(async () => {
  await h?.close();
});

async function activeTicket(harness: HandoffHarness) {
  const { conversation } = await harness.conversations.findConversationByRef({ conversationRef: RESIDENT });
  return (await harness.handoff.tickets.findActiveTicket({ conversationId: conversation!.id })).ticket;
}
const say = (text: string, extra: { action?: string; replyTo?: string } = {}) => h.say(h.inbound({ conversationRef: RESIDENT, from: resident, text, ...extra }));
const cardIn = (harness: HandoffHarness, code: string) => harness.sentIn(TG_STAFF).find((m) => m.text.includes(`Phiếu ${code}`))!;

describe('resident handoff flow', { timeout: 90_000 }, () => {
  it('own case under ask_first: the reply says what to do, and a plain "vâng" opens the ticket with that question', async () => {
    h = await createHandoffHarness();
    await say('hồ sơ của tôi nộp 3 tuần rồi sao chưa có');
    const offer = h.lastIn(RESIDENT)!;
    expect(offer.text).toContain('nhắn «vâng»');
    expect(await activeTicket(h)).toBeUndefined(); // ask_first: nothing transferred yet

    await say('vâng ạ');
    const ticket = await activeTicket(h);
    expect(ticket).toMatchObject({ question: 'hồ sơ của tôi nộp 3 tuần rồi sao chưa có', reason: 'personal_case' });
    expect(ticket!.botGuesses.map((g) => g.title)).toEqual(['Cấp sổ đỏ lần đầu', 'Đăng ký biến động đất đai']);
    expect(h.lastIn(RESIDENT)!.text).toContain('Mã phiếu: HS-0001');
    const card = cardIn(h, 'HS-0001').text;
    expect(card).toContain('Câu hỏi: hồ sơ của tôi nộp 3 tuần rồi sao chưa có');
    expect(card).toContain('Cấp sổ đỏ lần đầu; Đăng ký biến động đất đai');
    expect(card).not.toContain('vâng');
  });

  it('"ok" after "I did not understand" is not taken as a yes; an unrelated "vâng" without an offer is ordinary text', async () => {
    h = await createHandoffHarness();
    await say('abc xyz');
    await say('ok');
    expect(await activeTicket(h)).toBeUndefined();
  });

  it('the button keeps the findings of the question it was offered under', async () => {
    h = await createHandoffHarness();
    await say('thừa kế đất của bố mẹ thì làm sao');
    await say('', { action: HANDOFF_REQUEST_ACTION });
    const ticket = await activeTicket(h);
    expect(ticket).toMatchObject({ question: 'thừa kế đất của bố mẹ thì làm sao', reason: 'out_of_scope' });
    expect(ticket!.botGuesses.map((g) => g.id)).toEqual(['cap-so-do', 'bien-dong-dat']);
    expect(cardIn(h, 'HS-0001').text).not.toContain('không tìm thấy');
  });

  it('typed "gặp cán bộ" keeps the earlier question', async () => {
    h = await createHandoffHarness();
    await say('thừa kế đất của bố mẹ thì làm sao');
    await say('cho tôi gặp cán bộ');
    const ticket = await activeTicket(h);
    expect(ticket).toMatchObject({ question: 'thừa kế đất của bố mẹ thì làm sao' });
    expect(ticket!.botGuesses).toHaveLength(2);
    const card = cardIn(h, 'HS-0001').text;
    expect(card).toContain('Câu hỏi: thừa kế đất của bố mẹ thì làm sao');
    expect(card).not.toContain('Tin trước đó');
  });

  it("a previous ticket's messages and its rating never appear on a new card", async () => {
    h = await createHandoffHarness();
    await say('gặp cán bộ về giấy phép xây dựng');
    expect((await activeTicket(h))!.question).toBe('gặp cán bộ về giấy phép xây dựng'); // its own words are the question
    await say('nhà tôi ở tổ 5'); // appended to HS-0001
    await h.say(h.inbound({ conversationRef: [...h.telegram.topics.keys()][0]!, from: minh, text: '/dong' }));
    await say('4'); // the rating
    h.clock.advance(60_000);
    await say('thừa kế đất của bố mẹ thì làm sao');
    await say('gặp cán bộ');
    const second = (await activeTicket(h))!;
    expect(second.code).toBe('HS-0002');
    expect(second.question).toBe('thừa kế đất của bố mẹ thì làm sao');
    const card = cardIn(h, 'HS-0002').text;
    expect(card).not.toContain('tổ 5');
    expect(card).not.toContain('giấy phép');
    expect(card).not.toMatch(/·\s*4$/m);
  });

  it('follow-ups and photos are acknowledged once per burst, not per message', async () => {
    h = await createHandoffHarness();
    await say('gặp cán bộ về cấp sổ đỏ');
    const acks = () => h.sentIn(RESIDENT).filter((m) => m.text.startsWith('Đã chuyển') && m.text.includes('không cần gửi lại'));
    await say('thửa đất ở tổ 3');
    expect(acks().map((m) => m.text)).toEqual(['Đã chuyển tin nhắn của anh/chị tới cán bộ (phiếu HS-0001). Anh/chị không cần gửi lại; cán bộ sẽ trả lời tại đây.']);
    h.clock.advance(60_000);
    await h.say(h.inbound({ conversationRef: RESIDENT, from: resident, kind: 'photo', text: '', attachment: { ref: 'AgACphoto' } }));
    await say('ảnh sổ cũ đây ạ');
    expect(acks()).toHaveLength(1); // the same burst
    h.clock.advance(11 * 60_000);
    await h.say(h.inbound({ conversationRef: RESIDENT, from: resident, kind: 'photo', text: '', attachment: { ref: 'AgACphoto2' } }));
    expect(acks().at(-1)!.text).toContain('Đã chuyển ảnh của anh/chị');
    expect(acks()).toHaveLength(2);
    // A staff reply ends the burst: the next follow-up is acknowledged again.
    const topic = [...h.telegram.topics.keys()][0]!;
    await h.say(h.inbound({ conversationRef: topic, from: minh, text: 'Bác chờ chút nhé.' }));
    await say('vâng tôi chờ');
    expect(acks()).toHaveLength(3);
  });

  it('the rating reaches staff: on the Telegram card, as a line on Zalo', async () => {
    h = await createHandoffHarness({ groups: [{ conversationRef: TG_STAFF, forum: true }, { conversationRef: ZALO_STAFF, forum: false }] });
    await say('gặp cán bộ về cấp sổ đỏ');
    const topic = [...h.telegram.topics.keys()][0]!;
    await h.say(h.inbound({ conversationRef: topic, from: minh, text: '/dong' }));
    await say('4');
    const card = h.sentIn(topic).find((m) => m.text.includes('Phiếu HS-0001'))!;
    expect(card.text).toContain('Người dân đánh giá 4/5.');
    expect(h.lastIn(ZALO_STAFF)!.text).toBe('⭐ Người dân đánh giá phiếu HS-0001: 4/5.');
    expect(h.telegram.topics.get(topic)!.state).toBe('closed'); // nothing was posted into the closed topic
  });

  it('a reply that bounced on a block is offered again when the resident is back, and resent on a tap', async () => {
    h = await createHandoffHarness();
    await say('gặp cán bộ về cấp sổ đỏ');
    const topic = [...h.telegram.topics.keys()][0]!;
    h.telegram.failNext({ error: new ChannelApiError('telegram', 'Forbidden: bot was blocked by the user', { platformCode: 403, retryable: false, reason: 'recipient_blocked' }) });
    await h.say(h.inbound({ conversationRef: topic, from: minh, text: 'Bác mang bản sao CCCD nhé.' }));
    expect(h.sentIn(RESIDENT).some((m) => m.text.includes('bản sao CCCD'))).toBe(false);

    await say('tôi bỏ chặn rồi');
    const offer = h.sentIn(topic).find((m) => m.text.includes('chưa tới được người dân'))!;
    expect(offer.text).toBe(
      '↩️ Người dân của phiếu HS-0001 đã nhắn lại; phiếu mở lại.\n1 tin trả lời trước đó chưa tới được người dân:\n' +
        '  · Bác mang bản sao CCCD nhé.\n\n— Cán bộ Trung tâm Phục vụ hành chính công phường Mẫu\nBấm «Gửi lại» hoặc gõ /guilai HS-0001 để gửi lại.',
    );
    const ticket = (await activeTicket(h))!;
    expect(offer.buttons?.map((b) => b.data)).toEqual([`t:resend:${ticket.id}`]);
    await h.say(h.inbound({ conversationRef: topic, from: minh, action: `t:resend:${ticket.id}` }));
    expect(h.sentIn(RESIDENT).filter((m) => m.text.startsWith('Bác mang bản sao CCCD nhé.'))).toHaveLength(1);
    expect(h.lastIn(topic)!.text).toBe('📨 Đã gửi lại 1 tin trả lời cho người dân của phiếu HS-0001.');
    await h.say(h.inbound({ conversationRef: topic, from: minh, text: '/guilai' }));
    expect(h.lastIn(topic)!.text).toBe('Phiếu HS-0001 không có tin nào cần gửi lại.');
  });
});
