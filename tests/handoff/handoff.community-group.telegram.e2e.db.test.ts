/**
 * The bot as a member of a ward's residents' Telegram supergroup, through the REAL Telegram adapter
 * (telegraf, long polling) against the in-repo fake Bot API, the real pipeline, outbox, handoff and
 * database. Three residents: two ask for staff (two tickets at once, each answered in its own topic
 * and relayed as a reply with a text_mention to the right person), the third only chats (never
 * forwarded), then asks a personal question (only a pointer in the group; the answer waits for the
 * private chat). One resident erases their data; the others' stay.
 */
import { eq } from 'drizzle-orm';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createTelegramAdapter, type TelegramAdapter } from '../../src/bot/adapters/telegram/telegram.adapter.js';
import type { InboundMessage } from '../../src/bot/core/message.types.js';
import { conversationsTable } from '../../src/db/conversations.table.js';
import { messagesTable } from '../../src/db/messages.table.js';
import { startFakeTelegramApi, type FakeMessage, type FakeTelegramApi, type FakeUpdate, type FakeUser } from '../helpers/fake-telegram-api.js';
import { createHandoffHarness, STAFF, type HandoffHarness } from '../helpers/handoff-harness.js';

const FORUM_ID = -1001000000001;
const COMMUNITY_ID = -1002000000009;
const BOT_NAME = '@motcua_test_bot';

let fake: FakeTelegramApi | undefined;
let adapter: TelegramAdapter | undefined;
let h: HandoffHarness | undefined;
afterEach(async () => {
  await adapter?.stop();
  await h?.close();
  await fake?.close();
  adapter = h = fake = undefined;
});

async function setup({ staffInGroup = false, staffGroups = true }: { staffInGroup?: boolean; staffGroups?: boolean } = {}) {
  fake = await startFakeTelegramApi();
  fake.handle('pinChatMessage', () => true);
  adapter = createTelegramAdapter({ token: fake.token, apiRoot: fake.apiRoot, logger: pino({ level: 'silent' }), pollingTimeoutSeconds: 1 });
  h = await createHandoffHarness({
    groups: staffGroups ? [{ conversationRef: `telegram:${FORUM_ID}`, forum: true }] : [],
    replace: { telegram: adapter },
    communityGroups: new Map([[`telegram:${COMMUNITY_ID}`, { answer: 'addressed' as const, community: true, unitId: 'phuong-mau', staffInGroup }]]),
  });
  const handled: InboundMessage[] = [];
  const harness = h;
  await adapter.start({
    onMessage: async (message) => {
      await harness.pipeline.handle(message);
      handled.push(message);
    },
  });
  const f = fake;
  async function push(update: ReturnType<FakeTelegramApi['makeMessage']>) {
    const before = handled.length;
    const sentBefore = f.callsTo('sendMessage').length;
    transcript.push(describeUpdate(update));
    f.enqueueUpdate(update);
    const deadline = Date.now() + 10_000;
    while (handled.length === before) {
      if (Date.now() > deadline) throw new Error('update was not handled within 10 s');
      await new Promise((r) => setTimeout(r, 20));
    }
    await harness.flush();
    for (const call of f.callsTo('sendMessage').slice(sentBefore).filter((c) => c.response.ok)) transcript.push(describeSend(call));
    return update.message as { message_id: number } | undefined;
  }
  const group = fake.group(COMMUNITY_ID, 'Hỏi đáp phường Mẫu');
  /** A member addressing the bot: "@motcua_test_bot …" with the mention entity Telegram sends. */
  const ask = (from: FakeUser, text: string) =>
    push(f.makeMessage({ chat: group, from, text: `${BOT_NAME} ${text}`, extra: { entities: [{ type: 'mention', offset: 0, length: BOT_NAME.length }] } }));
  const chat = (from: FakeUser, text: string, replyTo?: number) => push(f.makeMessage({ chat: group, from, text, ...(replyTo ? { replyTo } : {}) }));
  return { f, h, push, ask, chat, group, forum: fake.forum(FORUM_ID, 'Một cửa – cán bộ') };
}

type Sent = { params: Record<string, unknown> };

// The play-through (PLAYTHROUGH=1 prints it; the closing note quotes it).
const transcript: string[] = [];
const where = (chatId: unknown) => (chatId === COMMUNITY_ID ? 'nhóm cư dân' : chatId === FORUM_ID ? 'nhóm cán bộ' : `riêng ${String(chatId)}`);
const indent = (text: string) => text.replace(/\n/g, '\n      ');
function describeUpdate(update: FakeUpdate): string {
  const tap = update.callback_query as { message?: FakeMessage; from: FakeUser; data: string } | undefined;
  if (tap) return `[${where(tap.message?.chat.id)}] ${tap.from.first_name} bấm nút ${tap.data}`;
  const m = update.message as FakeMessage;
  const quoted = m.reply_to_message && !m.is_topic_message ? ` (trả lời tin #${m.reply_to_message.message_id})` : '';
  const topic = m.message_thread_id ? ` (chủ đề ${m.message_thread_id})` : '';
  return `[${where(m.chat.id)}] #${m.message_id} ${m.from.first_name}${quoted}${topic}: ${indent(String(m.text ?? (m.sticker ? '(nhãn dán)' : '')))}`;
}
function describeSend(call: Sent & { response: unknown }): string {
  const p = call.params;
  const reply = (p.reply_parameters as { message_id: number } | undefined)?.message_id;
  const tags = mentionsIn(call).map((m) => `${m.name}→${m.id}`);
  const extra = [reply ? `trả lời #${reply}` : '', tags.length > 0 ? `tag ${tags.join(', ')}` : '', p.message_thread_id ? `chủ đề ${String(p.message_thread_id)}` : ''].filter(Boolean).join('; ');
  return `[${where(p.chat_id)}] Bot${extra ? ` (${extra})` : ''}: ${indent(String(p.text))}`;
}
const print = (title: string) => {
  if (process.env.PLAYTHROUGH) console.info(`\n===== ${title} =====\n${transcript.join('\n')}\n`);
  transcript.length = 0;
};
const sentTo = (f: FakeTelegramApi, chatId: number) => f.callsTo('sendMessage').filter((c) => c.params.chat_id === chatId && c.response.ok);
const mentionsIn = (call: Sent) => ((call.params.entities ?? []) as Array<{ type: string; offset: number; length: number; user: { id: number } }>).map((e) => ({ name: String(call.params.text).slice(e.offset, e.offset + e.length), id: e.user.id }));
const repliesTo = (call: Sent) => (call.params.reply_parameters as { message_id: number } | undefined)?.message_id;

describe('a residents’ Telegram supergroup with three members (real telegraf, fake Bot API)', { timeout: 120_000 }, () => {
  it('two tickets at once, each answer a reply with a mention to its resident; chatter never forwarded; personal case only a pointer; one erasure', async () => {
    const { f, h: harness, ask, chat, push, forum } = await setup();
    const hung = f.user(2001, 'Hùng');
    const mai = f.user(2002, 'Mai');
    const tu = f.user(2003, 'Tư');

    // Chatter first: the bot posts its one notice (pinned) and says nothing else.
    await chat(tu, 'Hôm nay chợ có mở không mọi người?');
    const notices = sentTo(f, COMMUNITY_ID);
    expect(notices).toHaveLength(1);
    expect(String(notices[0]!.params.text)).toContain('Trợ lý tự động của bộ phận một cửa');
    expect(String(notices[0]!.params.text)).toContain('/xoadulieu');
    expect(f.callsTo('pinChatMessage')).toHaveLength(1);

    // Two members ask for staff one after the other: two tickets open at once, each with its receipt.
    const hungAsks = (await ask(hung, 'cho tôi gặp cán bộ về cấp sổ đỏ'))!;
    const maiAsks = (await ask(mai, 'gặp cán bộ về trợ cấp của mẹ tôi'))!;
    const { tickets } = await harness.handoff.tickets.listTickets({ statuses: ['open'] });
    expect(tickets.map((t) => [t.code, t.residentName])).toEqual([
      ['HS-0001', 'Hùng'],
      ['HS-0002', 'Mai'],
    ]);
    const receipts = sentTo(f, COMMUNITY_ID).slice(1);
    expect(receipts.map((r) => [repliesTo(r), mentionsIn(r)])).toEqual([
      [hungAsks.message_id, [{ name: '@Hùng', id: 2001 }]],
      [maiAsks.message_id, [{ name: '@Mai', id: 2002 }]],
    ]);
    expect(String(receipts[0]!.params.text)).toContain('Mã phiếu: HS-0001');
    expect(String(receipts[1]!.params.text)).toContain('Mã phiếu: HS-0002');
    // The group never sees the question repeated back.
    expect(String(receipts[1]!.params.text)).not.toContain('trợ cấp');

    // More chatter, and Hùng chatting without addressing the bot: none of it reaches staff.
    await chat(tu, 'Chợ mở từ 6 giờ sáng nhé');
    await chat(hung, 'Cảm ơn bác Tư');
    const staffTexts = () => sentTo(f, FORUM_ID).map((c) => String(c.params.text));
    expect(staffTexts().some((t) => t.includes('Chợ') || t.includes('bác Tư'))).toBe(false);

    // Staff answer each in its own topic; each answer is a reply to that resident's message, mentioning them.
    const minh = f.user(Number(STAFF.minh.telegram), 'Minh');
    const topicOf = (code: string) => f.topics(FORUM_ID).find((t) => t.name.startsWith(code))!.threadId;
    await push(f.makeMessage({ chat: forum, from: minh, threadId: topicOf('HS-0002'), text: 'Chị Mai mang sổ hộ khẩu của mẹ tới nhé.' }));
    await push(f.makeMessage({ chat: forum, from: minh, threadId: topicOf('HS-0001'), text: 'Anh Hùng mang sổ cũ tới bộ phận một cửa.' }));
    const [toMai, toHung] = sentTo(f, COMMUNITY_ID).slice(-2);
    expect(toMai!.params.text).toBe('@Mai\nChị Mai mang sổ hộ khẩu của mẹ tới nhé.\n\n— Cán bộ Trung tâm Phục vụ hành chính công phường Mẫu');
    expect([repliesTo(toMai!), mentionsIn(toMai!)]).toEqual([maiAsks.message_id, [{ name: '@Mai', id: 2002 }]]);
    expect([repliesTo(toHung!), mentionsIn(toHung!)]).toEqual([hungAsks.message_id, [{ name: '@Hùng', id: 2001 }]]);

    // The third member's personal question: only the code and "nhắn riêng" in the group.
    const before = sentTo(f, COMMUNITY_ID).length;
    await ask(tu, 'hồ sơ của tôi số CCCD 001203004567 đến đâu rồi');
    const pointer = sentTo(f, COMMUNITY_ID).slice(before);
    expect(pointer).toHaveLength(1);
    expect(String(pointer[0]!.params.text)).toContain('phiếu HS-0003');
    expect(String(pointer[0]!.params.text)).toContain('nhắn riêng cho bot');
    await push(f.makeMessage({ chat: forum, from: minh, threadId: topicOf('HS-0003'), text: 'Hồ sơ của bác (CCCD 001203004567) đã xong, mời bác tới nhận.' }));
    const groupTexts = () => sentTo(f, COMMUNITY_ID).map((c) => String(c.params.text));
    expect(groupTexts().at(-1)).toContain('Cán bộ đã trả lời phiếu HS-0003');
    expect(groupTexts().some((t) => t.includes('001203004567') || t.includes('hồ sơ của tôi') || t.includes('đã xong'))).toBe(false);
    // He writes to the bot privately: the answer that waited is delivered there.
    await push(f.makeMessage({ chat: f.privateChat(2003, 'Tư'), from: tu, text: 'xin chào' }));
    const privately = sentTo(f, 2003).map((c) => String(c.params.text));
    expect(privately.some((t) => t.includes('phiếu HS-0003 anh/chị hỏi trong nhóm'))).toBe(true);
    expect(privately.some((t) => t.includes('đã xong, mời bác tới nhận'))).toBe(true);

    // Mai erases her data from the group: her messages go, Hùng's and Tư's stay.
    await ask(mai, '/xoadulieu');
    await push(f.makeCallback({ chat: f.group(COMMUNITY_ID), from: mai, data: 'privacy:confirm_delete' }));
    expect(groupTexts().at(-1)).toContain('Đã xóa tin nhắn');
    const textsOf = async (ref: string) => {
      const [conversation] = await harness.db.select().from(conversationsTable).where(eq(conversationsTable.conversationRef, ref));
      if (!conversation) return [];
      return (await harness.db.select().from(messagesTable).where(eq(messagesTable.conversationId, conversation.id))).map((m) => m.text);
    };
    expect(await textsOf(`telegram:${COMMUNITY_ID}#member:2002`)).toEqual([]);
    expect(await textsOf(`telegram:${COMMUNITY_ID}#member:2001`)).toEqual(['cho tôi gặp cán bộ về cấp sổ đỏ', 'Cảm ơn bác Tư']);
    expect((await textsOf(`telegram:${COMMUNITY_ID}#member:2003`)).length).toBeGreaterThan(1);
    expect((await harness.handoff.tickets.getTicketById({ ticketId: 2 })).ticket.residentRef).toMatch(/^deleted:/);
    expect((await harness.handoff.tickets.getTicketById({ ticketId: 1 })).ticket.residentRef).toBe(`telegram:${COMMUNITY_ID}#member:2001`);

    // Hùng wants his answers privately: first he has to open a private chat; then /rieng moves them there.
    await ask(hung, '/rieng');
    expect(groupTexts().at(-1)).toContain('bot chưa nhắn riêng được cho anh/chị');
    await push(f.makeMessage({ chat: f.privateChat(2001, 'Hùng'), from: hung, text: '/start' }));
    await ask(hung, '/rieng');
    expect(groupTexts().at(-1)).toContain('câu trả lời cho phiếu HS-0001 sẽ được gửi vào tin nhắn riêng');
    const inGroup = sentTo(f, COMMUNITY_ID).length;
    await push(f.makeMessage({ chat: forum, from: minh, threadId: topicOf('HS-0001'), text: 'Sổ của anh đã ký, chiều nay anh lấy nhé.' }));
    expect(sentTo(f, COMMUNITY_ID)).toHaveLength(inGroup);
    expect(String(sentTo(f, 2001).at(-1)!.params.text)).toContain('Sổ của anh đã ký, chiều nay anh lấy nhé.');
    // Nothing any member said to the group itself ever reached staff, not even as a card's "earlier messages".
    expect(staffTexts().some((t) => t.includes('Chợ') || t.includes('chợ') || t.includes('bác Tư'))).toBe(false);
    print('Telegram: nhóm cư dân, ba thành viên');
  });
});

describe('officers answering in the residents’ group itself (unit option staff=in_group, no staff group)', { timeout: 120_000 }, () => {
  it('the card mentions the officer on duty there; the officer’s reply is the first response (SLA stops) and the bot stays silent; /bot; a repeat quotes the earlier answer', async () => {
    const { f, h: harness, ask, chat, push } = await setup({ staffInGroup: true, staffGroups: false });
    const hung = f.user(2001, 'Hùng');
    const mai = f.user(2002, 'Mai');
    const tu = f.user(2003, 'Tư');
    const minh = f.user(Number(STAFF.minh.telegram), 'Minh');
    const hoa = f.user(Number(STAFF.hoa.telegram), 'Hoa');

    const hungAsks = (await ask(hung, 'cho tôi gặp cán bộ về cấp sổ đỏ'))!;
    const [, receipt, card] = sentTo(f, COMMUNITY_ID);
    expect(String(receipt!.params.text)).toContain('Mã phiếu: HS-0001');
    // Monday: Minh is on duty and is tagged under Hùng's message, with nothing of its content.
    expect(card!.params.text).toBe('📋 Phiếu HS-0001 · @Trần Văn Minh: mời cán bộ trả lời tin nhắn trên (trả lời thẳng vào tin nhắn của người dân).');
    expect([repliesTo(card!), mentionsIn(card!)]).toEqual([hungAsks.message_id, [{ name: '@Trần Văn Minh', id: Number(STAFF.minh.telegram) }]]);

    // Minh answers Hùng right there: no relay, no bot message; the ticket has its first reply.
    const count = sentTo(f, COMMUNITY_ID).length;
    await chat(minh, 'Anh Hùng mang sổ cũ tới bộ phận một cửa sáng mai nhé.', hungAsks.message_id);
    expect(sentTo(f, COMMUNITY_ID)).toHaveLength(count);
    const { ticket } = await harness.handoff.tickets.getTicketById({ ticketId: 1 });
    expect(ticket).toMatchObject({ status: 'claimed', assigneeStaffId: STAFF.minh.id });
    expect(ticket.firstStaffReplyAt).not.toBeNull();
    const { events } = await harness.handoff.tickets.listEvents({ ticketId: 1 });
    expect(events.find((e) => e.type === 'reply')).toMatchObject({ actorStaffId: STAFF.minh.id, text: 'Anh Hùng mang sổ cũ tới bộ phận một cửa sáng mai nhé.' });
    // The SLA stops: hours later there is nothing to remind anyone of.
    harness.clock.advance(4 * 60 * 60_000);
    expect(await harness.sla.runOnce()).toEqual({ reminded: [], escalated: [] });

    // Tư asks without addressing the bot; Hoa answers him; a later "/bot" on it is not answered twice.
    const tuAsks = (await chat(tu, 'làm khai sinh cho cháu cần gì vậy?'))!;
    await chat(hoa, 'Bác mang giấy chứng sinh và căn cước của bố mẹ cháu nhé.', tuAsks.message_id);
    await chat(minh, '/bot', tuAsks.message_id);
    expect(sentTo(f, COMMUNITY_ID)).toHaveLength(count);

    // Mai's unaddressed question: an officer asks the bot to answer it with "/bot" as a reply.
    const maiAsks = (await chat(mai, 'Đăng ký khai sinh cần những gì ạ'))!;
    await chat(minh, '/bot', maiAsks.message_id);
    const answer = sentTo(f, COMMUNITY_ID).at(-1)!;
    expect(String(answer.params.text)).toContain('Đăng ký khai sinh cần: tờ khai');
    expect(repliesTo(answer)).toBe(maiAsks.message_id);
    const answerId = f.messages(COMMUNITY_ID).find((m) => m.from?.is_bot && String(m.text).startsWith('Đăng ký khai sinh cần'))!.message_id;

    // Tư asks the same a few minutes later: the bot quotes its earlier answer instead of repeating it.
    harness.clock.advance(3 * 60_000);
    await ask(tu, 'khai sinh cần gì');
    const repeat = sentTo(f, COMMUNITY_ID).at(-1)!;
    expect(repeat.params.text).toBe('Dạ, câu này bot vừa trả lời ở tin nhắn được trích dẫn, anh/chị xem giúp ạ.');
    expect(repliesTo(repeat)).toBe(answerId);
    // Stickers from members are chatter.
    await push(f.makeMessage({ chat: f.group(COMMUNITY_ID), from: mai, extra: { sticker: { file_id: 'CAAC', file_unique_id: 's1', type: 'regular', width: 512, height: 512, is_animated: false, is_video: false } } }));
    expect(sentTo(f, COMMUNITY_ID).at(-1)).toBe(repeat);
    print('Telegram: cán bộ trả lời ngay trong nhóm cư dân');
  });
});
