/**
 * End to end with the REAL Telegram adapter (telegraf, long polling) against the in-repo fake Bot API:
 * resident private chat ↔ forum staff group, through the real pipeline, outbox and handoff.
 */
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createTelegramAdapter, type TelegramAdapter } from '../../src/bot/adapters/telegram/telegram.adapter.js';
import type { InboundMessage } from '../../src/bot/core/message.types.js';
import { startFakeTelegramApi, type FakeTelegramApi } from '../helpers/fake-telegram-api.js';
import { createHandoffHarness, STAFF, type HandoffHarness } from '../helpers/handoff-harness.js';

const FORUM_ID = -1001000000001;
const RESIDENT_ID = 1001;

let fake: FakeTelegramApi | undefined;
let adapter: TelegramAdapter | undefined;
let h: HandoffHarness | undefined;
afterEach(async () => {
  await adapter?.stop();
  await h?.close();
  await fake?.close();
  adapter = undefined;
  h = undefined;
  fake = undefined;
});

async function setup({ start }: { start?: Date } = {}) {
  fake = await startFakeTelegramApi();
  adapter = createTelegramAdapter({ token: fake.token, apiRoot: fake.apiRoot, logger: pino({ level: 'silent' }), pollingTimeoutSeconds: 1 });
  h = await createHandoffHarness({ groups: [{ conversationRef: `telegram:${FORUM_ID}`, forum: true }], replace: { telegram: adapter }, ...(start ? { start } : {}) });
  const handled: InboundMessage[] = [];
  const harness = h;
  await adapter.start({
    onMessage: async (message) => {
      await harness.pipeline.handle(message);
      handled.push(message);
    },
  });
  const f = fake;
  /** Delivers an update through getUpdates, waits until the pipeline handled it, then drains the outbox. */
  async function push(update: ReturnType<FakeTelegramApi['makeMessage']>) {
    const before = handled.length;
    f.enqueueUpdate(update);
    const deadline = Date.now() + 10_000;
    while (handled.length === before) {
      if (Date.now() > deadline) throw new Error('update was not handled within 10 s');
      await new Promise((r) => setTimeout(r, 20));
    }
    await harness.flush();
  }
  const resident = fake.user(RESIDENT_ID, 'Dân');
  const residentChat = fake.privateChat(RESIDENT_ID, 'Dân');
  const forum = fake.forum(FORUM_ID, 'Một cửa – cán bộ');
  const minh = fake.user(Number(STAFF.minh.telegram), 'Minh');
  return { fake, h, push, resident, residentChat, forum, minh };
}

const sentTo = (f: FakeTelegramApi, chatId: number) => f.callsTo('sendMessage').filter((c) => c.params.chat_id === chatId && c.response.ok);

describe('Telegram resident ↔ Telegram forum staff group (real telegraf, fake Bot API)', { timeout: 90_000 }, () => {
  it('ticket topic, card with buttons, photo copy, claim button, reply, deleted topic, close and rating, blocked resident', async () => {
    const { fake: f, h: harness, push, resident, residentChat, forum, minh } = await setup();

    await push(f.makeMessage({ chat: residentChat, from: resident, text: 'Cho tôi gặp cán bộ về cấp sổ đỏ' }));
    expect(sentTo(f, RESIDENT_ID).some((c) => String(c.params.text).includes('Mã phiếu: HS-0001'))).toBe(true);
    const [topic] = f.topics(FORUM_ID);
    expect(topic).toMatchObject({ name: 'HS-0001 · Dân', state: 'open' });
    const card = sentTo(f, FORUM_ID).find((c) => String(c.params.text).includes('Phiếu HS-0001'))!;
    expect(card.params.message_thread_id).toBe(topic!.threadId);
    // The on-duty staff member (Monday: Minh) is tagged with a text_mention, never via parse_mode.
    expect(card.params.entities).toEqual([
      { type: 'text_mention', offset: String(card.params.text).indexOf('@Trần Văn Minh'), length: 14, user: { id: Number(STAFF.minh.telegram) } },
    ]);
    expect(card.params.parse_mode).toBeUndefined();
    expect(JSON.stringify(card.params.reply_markup)).toContain('t:claim:');

    // A photo is copied into the topic after its header.
    await push(f.makeMessage({ chat: residentChat, from: resident, extra: { photo: [{ file_id: 'AgACphoto', file_unique_id: 'u1', width: 90, height: 90 }], caption: 'sổ cũ' } }));
    const copy = f.callsTo('copyMessage').at(-1)!;
    expect(copy.params).toMatchObject({ chat_id: FORUM_ID, from_chat_id: RESIDENT_ID, message_thread_id: topic!.threadId });

    // Claim by button (tap on the card), then a plain reply inside the topic.
    await push(f.makeCallback({ chat: forum, from: minh, data: String((card.params.reply_markup as { inline_keyboard: Array<Array<{ callback_data: string }>> }).inline_keyboard[0]![0]!.callback_data) }));
    // The tap is answered with a pop-up and the card is edited in place (status line, only "Đóng" left); no public line.
    expect(f.callsTo('answerCallbackQuery').at(-1)!.params).toMatchObject({ text: '✋ Trần Văn Minh đã nhận phiếu HS-0001.' });
    expect(sentTo(f, FORUM_ID).some((c) => c.params.text === '✋ Trần Văn Minh đã nhận phiếu HS-0001.')).toBe(false);
    const edit = f.callsTo('editMessageText').at(-1)!;
    expect(edit.response.ok).toBe(true);
    expect(String(edit.params.text)).toContain('Trạng thái: Trần Văn Minh đang xử lý');
    expect(JSON.stringify(edit.params.reply_markup)).not.toContain('t:claim:');
    expect(JSON.stringify(edit.params.reply_markup)).toContain('t:close:');
    // A colleague's late tap: a pop-up only they see, nothing in the topic.
    const hoa = f.user(Number(STAFF.hoa.telegram), 'Hoa');
    const inTopic = sentTo(f, FORUM_ID).length;
    await push(f.makeCallback({ chat: forum, from: hoa, data: String((card.params.reply_markup as { inline_keyboard: Array<Array<{ callback_data: string }>> }).inline_keyboard[0]![0]!.callback_data) }));
    expect(String(f.callsTo('answerCallbackQuery').at(-1)!.params.text)).toContain('đã có Trần Văn Minh nhận');
    expect(sentTo(f, FORUM_ID)).toHaveLength(inTopic);
    await push(f.makeMessage({ chat: forum, from: minh, threadId: topic!.threadId, text: 'Anh mang CCCD tới nhé.' }));
    expect(sentTo(f, RESIDENT_ID).at(-1)!.params.text).toBe('Anh mang CCCD tới nhé.\n\n— Cán bộ Trung tâm Phục vụ hành chính công phường Mẫu');

    // An admin deletes the topic: the next resident message re-creates it.
    f.deleteTopic({ chatId: FORUM_ID, threadId: topic!.threadId });
    await push(f.makeMessage({ chat: residentChat, from: resident, text: 'Cảm ơn, mai tôi tới' }));
    const topics = f.topics(FORUM_ID).filter((t) => t.state === 'open');
    expect(topics).toHaveLength(1);
    const fresh = topics[0]!;
    expect(fresh.threadId).not.toBe(topic!.threadId);
    const inFresh = sentTo(f, FORUM_ID).filter((c) => c.params.message_thread_id === fresh.threadId).map((c) => String(c.params.text));
    expect(inFresh[0]).toContain('bot tạo lại chủ đề này');
    expect(inFresh).toContain('💬 HS-0001 · Dân: Cảm ơn, mai tôi tới');

    // Close from the new topic: rating buttons to the resident, topic closed.
    await push(f.makeMessage({ chat: forum, from: minh, threadId: fresh.threadId, text: '/dong' }));
    const ask = sentTo(f, RESIDENT_ID).at(-1)!;
    expect(String(ask.params.text)).toContain('Cán bộ đã trả lời xong câu hỏi của anh/chị (mã phiếu HS-0001)');
    expect(JSON.stringify(ask.params.reply_markup)).toContain('rate:');
    expect(f.topics(FORUM_ID).find((t) => t.threadId === fresh.threadId)!.state).toBe('closed');
    await push(f.makeCallback({ chat: residentChat, from: resident, data: 'rate:1:5' }));
    const { ticket } = await harness.handoff.tickets.getTicketById({ ticketId: 1 });
    expect(ticket).toMatchObject({ status: 'closed', rating: 5 });

    // A second ticket; the resident then blocks the bot: staff are told in the topic.
    await push(f.makeMessage({ chat: residentChat, from: resident, text: 'gặp cán bộ lần nữa' }));
    const second = f.topics(FORUM_ID).find((t) => t.name.startsWith('HS-0002'))!;
    f.blockChat(RESIDENT_ID);
    await push(f.makeMessage({ chat: forum, from: minh, threadId: second.threadId, text: 'Anh cần gì thêm ạ?' }));
    expect((await harness.handoff.tickets.getTicketById({ ticketId: 2 })).ticket.status).toBe('undeliverable');
    const notice = sentTo(f, FORUM_ID).filter((c) => c.params.message_thread_id === second.threadId).at(-1)!;
    expect(String(notice.params.text)).toContain('người dân đã chặn bot');
  });
});

describe('SLA through the real Telegram adapter (fake clock)', { timeout: 90_000 }, () => {
  it('over a lunch break: reminder at half the working time tags the on-duty staff, the deadline tags the lead', async () => {
    const vn = (local: string) => new Date(`${local}+07:00`);
    const { fake: f, h: harness, push, resident, residentChat } = await setup({ start: vn('2026-03-02T10:30:00') }); // Monday
    await push(f.makeMessage({ chat: residentChat, from: resident, text: 'Cho tôi gặp cán bộ' }));
    const [topic] = f.topics(FORUM_ID);
    const check = async (local: string) => {
      harness.clock.set(vn(local));
      const result = await harness.sla.runOnce();
      await harness.flush();
      return result;
    };
    const mentionsIn = (call: { params: Record<string, unknown> }) =>
      ((call.params.entities ?? []) as Array<{ offset: number; length: number; user: { id: number } }>).map((e) => ({
        name: String(call.params.text).slice(e.offset, e.offset + e.length),
        id: e.user.id,
      }));

    expect(await check('2026-03-02T11:29:00')).toEqual({ reminded: [], escalated: [] });
    expect(await check('2026-03-02T11:30:00')).toEqual({ reminded: ['HS-0001'], escalated: [] });
    const reminder = sentTo(f, FORUM_ID).at(-1)!;
    expect(reminder.params).toMatchObject({ message_thread_id: topic!.threadId, text: '⏰ @Trần Văn Minh: phiếu HS-0001 chưa có trả lời; còn khoảng 60 phút làm việc trước hạn.' });
    expect(mentionsIn(reminder)).toEqual([{ name: '@Trần Văn Minh', id: Number(STAFF.minh.telegram) }]);

    // 11:30–13:30 is lunch: wall-clock time passes, working time does not.
    expect(await check('2026-03-02T13:29:00')).toEqual({ reminded: [], escalated: [] });
    expect(await check('2026-03-02T14:29:00')).toEqual({ reminded: [], escalated: [] });
    expect(await check('2026-03-02T14:30:00')).toEqual({ reminded: [], escalated: ['HS-0001'] });
    const breach = sentTo(f, FORUM_ID).at(-1)!;
    expect(String(breach.params.text)).toBe('🚨 @Nguyễn Thị Lan (trưởng bộ phận): phiếu HS-0001 đã quá hạn trả lời. Xin phân công cán bộ xử lý ngay.');
    expect(mentionsIn(breach)).toEqual([{ name: '@Nguyễn Thị Lan', id: Number(STAFF.lan.telegram) }]);
  });
});
