/**
 * Ticket cards that serve staff: the facts at a glance, updated in place on claim/transfer/close
 * (edit where the channel can, a short line where it cannot), private pop-ups for a tap that changes
 * nothing, /ds with due times, staff-internal lines in a topic, and an out-of-hours card (fake clock).
 */
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createHandoffHarness, STAFF, ZALO_STAFF, type HandoffHarness } from '../helpers/handoff-harness.js';

const RESIDENT = 'telegram:8001';
const resident = { id: '8001', name: 'Ông Sáu' };
const tg = (s: (typeof STAFF)[keyof typeof STAFF]) => ({ id: s.telegram, name: s.name });
const zl = (s: (typeof STAFF)[keyof typeof STAFF]) => ({ id: s.zalo, name: s.name });

let h: HandoffHarness;
afterEach(async () => {
  await h?.close();
});

async function open(harness: HandoffHarness, text = 'gặp cán bộ về cấp sổ đỏ cho thửa đất ở tổ 3') {
  await harness.say(harness.inbound({ conversationRef: RESIDENT, from: resident, text }));
  const { conversation } = await harness.conversations.findConversationByRef({ conversationRef: RESIDENT });
  const { ticket } = await harness.handoff.tickets.findActiveTicket({ conversationId: conversation!.id });
  const topic = [...harness.telegram.topics.keys()][0]!;
  return { ticket: ticket!, topic, card: () => harness.sentIn(topic).find((m) => m.text.includes(`Phiếu ${ticket!.code}`))! };
}

describe('ticket cards', { timeout: 90_000 }, () => {
  it('shows received and due time in working time and the status; a tap edits it in place with a pop-up, a second claim is private', async () => {
    h = await createHandoffHarness(); // Monday 09:00 in Hanoi, SLA 120 working minutes
    const { ticket, topic, card } = await open(h);
    expect(card().text).toContain('🆕 Phiếu HS-0001 · Ông Sáu (Telegram)');
    expect(card().text).toContain('Gửi lúc 9:00 thứ Hai 2/3 · hạn trả lời 11:00 thứ Hai 2/3');
    expect(card().text).toContain('Trạng thái: chưa ai nhận.');
    expect(card().text).not.toContain('ngoài giờ');
    expect(card().text).toContain('Tin bắt đầu bằng ! là trao đổi nội bộ');
    const linesBefore = h.sentIn(topic).length;

    await h.say(h.inbound({ conversationRef: topic, from: tg(STAFF.minh), action: `t:claim:${ticket.id}` }));
    expect(card().text).toContain('✋ Phiếu HS-0001');
    expect(card().text).toContain('Trạng thái: Trần Văn Minh đang xử lý (nhận lúc 9:00 thứ Hai 2/3).');
    expect(card().buttons?.map((b) => b.data)).toEqual([`t:close:${ticket.id}`]);
    expect(h.telegram.popups.at(-1)?.text).toBe('✋ Trần Văn Minh đã nhận phiếu HS-0001.');
    expect(h.sentIn(topic)).toHaveLength(linesBefore); // nothing new in the topic: the card says it

    // A colleague taps Nhận too: only they see why, nobody else is bothered.
    const tap = await h.say(h.inbound({ conversationRef: topic, from: tg(STAFF.hoa), action: `t:claim:${ticket.id}` }));
    expect(h.telegram.popups.at(-1)).toEqual({ externalMessageId: tap.externalMessageId, text: 'Phiếu HS-0001 đã có Trần Văn Minh nhận. Muốn làm thay, nhờ Trần Văn Minh gõ /chuyen HS-0001 kèm tên anh/chị.' });
    expect(h.sentIn(topic)).toHaveLength(linesBefore);

    // Typed commands still get a line (the card may be far up), and the card follows.
    await h.say(h.inbound({ conversationRef: topic, from: tg(STAFF.minh), text: '/chuyen Hoa' }));
    expect(h.lastIn(topic)!.text).toBe('🔁 Trần Văn Minh đã chuyển phiếu HS-0001 cho @Lê Thị Hoa.');
    expect(card().text).toContain('Trạng thái: Lê Thị Hoa đang xử lý');

    h.clock.advance(30 * 60_000);
    await h.say(h.inbound({ conversationRef: topic, from: tg(STAFF.hoa), action: `t:close:${ticket.id}` }));
    expect(card().text).toContain('✅ Phiếu HS-0001');
    expect(card().text).toContain('Trạng thái: đã đóng lúc 9:30 thứ Hai 2/3 (Lê Thị Hoa).');
    expect(card().text).not.toContain('Cách làm');
    expect(card().buttons?.map((b) => b.data)).toEqual([`t:reopen:${ticket.id}`]);
  });

  it('on Zalo, which cannot edit, each change is a short follow-up line; /ds shows the due time', async () => {
    h = await createHandoffHarness({ groups: [{ conversationRef: ZALO_STAFF, forum: false }] });
    const { ticket } = await open(h);
    const zaloCard = h.sentIn(ZALO_STAFF).find((m) => m.text.includes('Phiếu HS-0001'))!;
    expect(zaloCard.text).toContain('hạn trả lời 11:00 thứ Hai 2/3');
    expect(zaloCard.text).toContain('gõ /nhan HS-0001');
    await h.say(h.inbound({ conversationRef: ZALO_STAFF, from: zl(STAFF.minh), text: '/nhan HS-0001' }));
    expect(h.lastIn(ZALO_STAFF)!.text).toBe('✋ Trần Văn Minh đã nhận phiếu HS-0001.');
    await h.say(h.inbound({ conversationRef: ZALO_STAFF, from: zl(STAFF.hoa), text: '/nhan HS-0001' }));
    expect(h.lastIn(ZALO_STAFF)!.text).toContain('đã có Trần Văn Minh nhận');
    await h.say(h.inbound({ conversationRef: ZALO_STAFF, from: zl(STAFF.hoa), text: '/ds' }));
    expect(h.lastIn(ZALO_STAFF)!.text).toBe('Phiếu đang mở (1):\nHS-0001 · Ông Sáu (Telegram) · Trần Văn Minh · 0 phút · hạn 11:00 thứ Hai 2/3');
    expect(ticket.slaDueAt).not.toBeNull();
  });

  it('lines starting with "!" in a ticket topic stay among staff', async () => {
    h = await createHandoffHarness();
    const { topic } = await open(h);
    const before = h.sentIn(RESIDENT).length;
    await h.say(h.inbound({ conversationRef: topic, from: tg(STAFF.minh), text: '! chị Hoa ơi hồ sơ này của tổ 3 phải không?' }));
    await h.say(h.inbound({ conversationRef: topic, from: tg(STAFF.hoa), text: '!đúng rồi, để em trả lời' }));
    expect(h.sentIn(RESIDENT)).toHaveLength(before);
    await h.say(h.inbound({ conversationRef: topic, from: tg(STAFF.hoa), text: 'Bác mang sổ hộ khẩu cũ tới nhé.' }));
    expect(h.sentIn(RESIDENT)).toHaveLength(before + 1);
  });

  it('a ticket sent on Saturday evening is flagged out of hours, with the next working start', async () => {
    h = await createHandoffHarness({ start: new Date('2026-03-07T13:00:00Z') }); // Saturday 20:00 in Hanoi
    const { card } = await open(h);
    expect(card().text).toContain('Gửi lúc 20:00 thứ Bảy 7/3 · hạn trả lời 9:30 thứ Hai 9/3');
    expect(card().text).toContain('🌙 Gửi ngoài giờ làm việc; người dân được báo cán bộ trả lời từ 7:30 sáng thứ Hai.');
    expect(h.lastIn(RESIDENT)!.text).toContain('ngoài giờ làm việc');
  });

  it('a deleted topic is logged as recovered (info), never as a permanent send failure', async () => {
    const lines: Array<{ level: number; msg: string }> = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
    h = await createHandoffHarness({ logger });
    const { topic } = await open(h);
    h.telegram.topics.get(topic)!.state = 'deleted';
    await h.say(h.inbound({ conversationRef: RESIDENT, from: resident, text: 'Còn đó không ạ?' }));
    expect(h.telegram.topics.size).toBe(2);
    expect(lines.filter((l) => l.level >= 50)).toEqual([]);
    expect(lines.find((l) => l.msg.startsWith('send refused; recovered: the ticket topic was deleted'))?.level).toBe(30);
  });
});
