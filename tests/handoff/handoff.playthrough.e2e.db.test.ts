/**
 * The story played through end to end, as a resident and two officers see it: an own case
 * under ask_first, "vâng", the receipt and card, a photo (acknowledged once), a claim by button with a
 * colleague's late tap, staff-internal chat in the topic, the answer, close, rating.
 *
 * Telegram: the REAL telegraf adapter against the fake Bot API (resident private chat, forum staff
 * group). Zalo: the memory adapter with Zalo's capabilities (no buttons, 2000 characters) for both
 * the resident and the staff group. With PLAYTHROUGH=1 the transcript is printed (README and the
 * closing note quote it).
 */
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createTelegramAdapter, type TelegramAdapter } from '../../src/bot/adapters/telegram/telegram.adapter.js';
import type { InboundMessage } from '../../src/bot/core/message.types.js';
import { startFakeTelegramApi, type FakeCall, type FakeTelegramApi } from '../helpers/fake-telegram-api.js';
import { createHandoffHarness, STAFF, ZALO_STAFF, type HandoffHarness } from '../helpers/handoff-harness.js';

const FORUM_ID = -1001000000001;
const RESIDENT_ID = 1001;
const print = (title: string, lines: string[]) => {
  if (process.env.PLAYTHROUGH) console.info(`\n===== ${title} =====\n${lines.join('\n')}\n`);
};

let fake: FakeTelegramApi | undefined;
let adapter: TelegramAdapter | undefined;
let h: HandoffHarness | undefined;
afterEach(async () => {
  await adapter?.stop();
  await h?.close();
  await fake?.close();
  adapter = h = fake = undefined;
});

describe('play-through', { timeout: 120_000 }, () => {
  it('on Telegram (real telegraf, fake Bot API)', async () => {
    fake = await startFakeTelegramApi();
    adapter = createTelegramAdapter({ token: fake.token, apiRoot: fake.apiRoot, logger: pino({ level: 'silent' }), pollingTimeoutSeconds: 1 });
    h = await createHandoffHarness({ groups: [{ conversationRef: `telegram:${FORUM_ID}`, forum: true }], replace: { telegram: adapter } });
    const harness = h;
    const f = fake;
    let handled = 0;
    await adapter.start({ onMessage: async (message: InboundMessage) => void (await harness.pipeline.handle(message), (handled += 1)) });

    const transcript: string[] = [];
    let seen = 0;
    const who = (c: FakeCall) => (c.params.chat_id === RESIDENT_ID ? 'Bot → Dân' : `Bot → nhóm trực${c.params.message_thread_id ? ' (chủ đề)' : ''}`);
    const buttonsOf = (c: FakeCall) => {
      const rows = (c.params.reply_markup?.inline_keyboard ?? []) as Array<Array<{ text: string }>>;
      return rows.length > 0 ? `\n    [${rows.map((r) => r[0]!.text).join('] [')}]` : '';
    };
    const collect = () => {
      for (const c of f.calls.slice(seen)) {
        if (!c.response.ok) continue;
        if (c.method === 'sendMessage') transcript.push(`${who(c)}: ${String(c.params.text).replace(/\n/g, '\n    ')}${buttonsOf(c)}`);
        if (c.method === 'copyMessage') transcript.push(`${who(c)}: (bản sao ảnh của người dân)`);
        if (['sendPhoto', 'sendVoice', 'sendDocument', 'sendVideo'].includes(c.method)) transcript.push(`${who(c)}: (${c.method}: tệp của người dân được tải lên)`);
        if (c.method === 'editMessageText') transcript.push(`Bot sửa thẻ phiếu: ${String(c.params.text).replace(/\n/g, '\n    ')}${buttonsOf(c)}`);
        if (c.method === 'answerCallbackQuery' && c.params.text) transcript.push(`(Pop-up riêng cho người bấm): ${c.params.text}`);
        if (c.method === 'createForumTopic') transcript.push(`Bot tạo chủ đề: ${c.params.name}`);
      }
      seen = f.calls.length;
    };
    const push = async (label: string, update: ReturnType<FakeTelegramApi['makeMessage']>) => {
      transcript.push(label);
      const before = handled;
      f.enqueueUpdate(update);
      const deadline = Date.now() + 15_000;
      while (handled === before) {
        if (Date.now() > deadline) throw new Error('update was not handled within 15 s');
        await new Promise((r) => setTimeout(r, 20));
      }
      await harness.flush();
      collect();
    };
    const resident = f.user(RESIDENT_ID, 'Dân');
    const chat = f.privateChat(RESIDENT_ID, 'Dân');
    const forum = f.forum(FORUM_ID, 'Một cửa – cán bộ');
    const minh = f.user(Number(STAFF.minh.telegram), 'Minh');
    const hoa = f.user(Number(STAFF.hoa.telegram), 'Hoa');

    await push('Dân: /start', f.makeMessage({ chat, from: resident, text: '/start' }));
    await push('Dân: hồ sơ của tôi nộp 3 tuần rồi sao chưa có', f.makeMessage({ chat, from: resident, text: 'hồ sơ của tôi nộp 3 tuần rồi sao chưa có' }));
    await push('Dân: vâng', f.makeMessage({ chat, from: resident, text: 'vâng' }));
    const [topic] = f.topics(FORUM_ID);
    const card = f.callsTo('sendMessage').find((c) => String(c.params.text).includes('Phiếu HS-0001'))!;
    const claimData = String(card.params.reply_markup.inline_keyboard[0][0].callback_data);
    await push('Dân: (gửi một ảnh)', f.makeMessage({ chat, from: resident, extra: { photo: [{ file_id: 'AgACphoto', file_unique_id: 'u1', width: 90, height: 90 }] } }));
    await push('Dân: đây là giấy hẹn ạ', f.makeMessage({ chat, from: resident, text: 'đây là giấy hẹn ạ' }));
    await push('Minh bấm «✋ Nhận» trên thẻ', f.makeCallback({ chat: forum, from: minh, data: claimData, messageId: Number(String(card.params.text).length > 0 ? f.messages(FORUM_ID).find((m) => String(m.text).includes("Phiếu HS-0001"))!.message_id : 0) }));
    await push('Hoa bấm «✋ Nhận» (muộn)', f.makeCallback({ chat: forum, from: hoa, data: claimData }));
    await push('Minh (trong chủ đề): ! chị Hoa ơi, hồ sơ này bên địa chính phải không?', f.makeMessage({ chat: forum, from: minh, threadId: topic!.threadId, text: '! chị Hoa ơi, hồ sơ này bên địa chính phải không?' }));
    await push('Minh (trong chủ đề): Hồ sơ của bác đang chờ ký, thứ Sáu bác tới nhận nhé.', f.makeMessage({ chat: forum, from: minh, threadId: topic!.threadId, text: 'Hồ sơ của bác đang chờ ký, thứ Sáu bác tới nhận nhé.' }));
    await push('Minh gõ: /dong', f.makeMessage({ chat: forum, from: minh, threadId: topic!.threadId, text: '/dong' }));
    await push('Dân bấm «⭐⭐⭐⭐»', f.makeCallback({ chat, from: resident, data: 'rate:1:4' }));
    print('Telegram', transcript);

    const text = transcript.join('\n');
    expect(text).toContain('nhắn «vâng»');
    expect(text).toContain('Câu hỏi: hồ sơ của tôi nộp 3 tuần rồi sao chưa có');
    expect(text).toContain('Bot đã tìm: Cấp sổ đỏ lần đầu; Đăng ký biến động đất đai');
    expect(text).not.toContain('chị Hoa ơi, hồ sơ này bên địa chính phải không?\n\n—'); // never reached the resident
    expect(text.match(/Anh\/chị không cần gửi lại/g)).toHaveLength(1);
    expect(text).toContain('(Pop-up riêng cho người bấm): Phiếu HS-0001 đã có Trần Văn Minh nhận.');
    expect(text).toContain('Người dân đánh giá 4/5.');
  });

  it('on Zalo (staff group and resident without buttons)', async () => {
    h = await createHandoffHarness({ groups: [{ conversationRef: ZALO_STAFF, forum: false }] });
    const harness = h;
    const RESIDENT = 'zalo:user:3000000000000000777';
    const dan = { id: '3000000000000000777', name: 'Phạm Văn Dân' };
    const minh = { id: STAFF.minh.zalo, name: STAFF.minh.name };
    const hoa = { id: STAFF.hoa.zalo, name: STAFF.hoa.name };
    const transcript: string[] = [];
    let seen = 0;
    const say = async (label: string, message: InboundMessage) => {
      transcript.push(label);
      await harness.say(message);
      for (const m of harness.zalo.sent.slice(seen)) transcript.push(`${m.conversationRef === RESIDENT ? 'Bot → Dân' : 'Bot → nhóm trực'}: ${m.text.replace(/\n/g, '\n    ')}`);
      seen = harness.zalo.sent.length;
    };
    await say('Dân: cho hỏi vụ nuôi ong lấy mật', harness.inbound({ conversationRef: RESIDENT, from: dan, text: 'cho hỏi vụ nuôi ong lấy mật' }));
    await say('Dân: hồ sơ của tôi nộp 3 tuần rồi sao chưa có', harness.inbound({ conversationRef: RESIDENT, from: dan, text: 'hồ sơ của tôi nộp 3 tuần rồi sao chưa có' }));
    await say('Dân: ok', harness.inbound({ conversationRef: RESIDENT, from: dan, text: 'ok' }));
    const card = harness.zalo.sent.find((m) => m.conversationRef === ZALO_STAFF && m.text.includes('Phiếu HS-0001'))!;
    await say('Dân: (gửi một ảnh)', harness.inbound({ conversationRef: RESIDENT, from: dan, kind: 'photo', attachment: { ref: 'https://photo-stal-01.zdn.vn/jpg/giay-hen.jpg' } }));
    await say('Minh: /nhan HS-0001', harness.inbound({ conversationRef: ZALO_STAFF, from: minh, text: '/nhan HS-0001' }));
    await say('Hoa: /nhan HS-0001', harness.inbound({ conversationRef: ZALO_STAFF, from: hoa, text: '/nhan HS-0001' }));
    await say('Minh (trích dẫn thẻ): Thứ Sáu bác tới nhận kết quả nhé.', harness.inbound({ conversationRef: ZALO_STAFF, from: minh, text: 'Thứ Sáu bác tới nhận kết quả nhé.', replyTo: card.externalMessageId }));
    await say('Minh: /dong HS-0001', harness.inbound({ conversationRef: ZALO_STAFF, from: minh, text: '/dong HS-0001' }));
    await say('Dân: 5', harness.inbound({ conversationRef: RESIDENT, from: dan, text: '5' }));
    await say('Hoa: /ds', harness.inbound({ conversationRef: ZALO_STAFF, from: hoa, text: '/ds' }));
    print('Zalo', transcript);

    const text = transcript.join('\n');
    expect(text).toContain('gõ /nhan HS-0001 để nhận');
    // Zalo shows no buttons: nothing tells the resident to tap one.
    expect(transcript.filter((l) => l.startsWith('Bot → Dân')).join('\n')).not.toMatch(/bấm/i);
    expect(text).toContain('Bot → nhóm trực: ✋ Trần Văn Minh đã nhận phiếu HS-0001.');
    expect(text).toContain('Bot → Dân: Thứ Sáu bác tới nhận kết quả nhé.');
    expect(text).toContain('Bot → nhóm trực: ⭐ Người dân đánh giá phiếu HS-0001: 5/5.');
    expect(text).toContain('Không có phiếu nào đang mở.');
  });
});
