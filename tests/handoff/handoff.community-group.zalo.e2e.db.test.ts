/**
 * The bot as a member of a ward's residents' Zalo group, through the REAL Zalo adapter (mapper,
 * supervisor, send path) with zca-js's own GroupMessage class and a fake zca-js API, the real
 * pipeline, outbox, handoff and database. Three members: two ask for staff (two tickets at once,
 * each staff answer a quote of that member's message with a Zalo tag), the third only chats (never
 * forwarded) and asks a personal question (only a pointer in the group). One member's erasure leaves
 * the others' messages.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { GroupMessage, type TGroupMessage } from 'zca-js';
import { createZaloAdapter, type ZaloAdapter } from '../../src/bot/adapters/zalo/zalo.adapter.js';
import { saveZaloCredentials } from '../../src/bot/adapters/zalo/zalo.credentials.js';
import type { InboundMessage } from '../../src/bot/core/message.types.js';
import { conversationsTable } from '../../src/db/conversations.table.js';
import { messagesTable } from '../../src/db/messages.table.js';
import { outboxTable } from '../../src/bot/outbox/outbox.table.js';
import { createLogger } from '../../src/logger.js';
import { createFakeZalo, createRecordingSleep, OWN_ID, savedCredentials } from '../bot/adapters/zalo/zalo.fakes.js';
import { createHandoffHarness, STAFF, ZALO_STAFF, type HandoffHarness } from '../helpers/handoff-harness.js';

const STAFF_GROUP_ID = ZALO_STAFF.slice('zalo:group:'.length);
const COMMUNITY_ID = '6100000000000000001';
const BOT_TAG = '@Một Cửa Bot';
const MEMBERS = {
  hung: { uid: '3000000000000000001', name: 'Nguyễn Văn Hùng' },
  mai: { uid: '3000000000000000002', name: 'Trần Thị Mai' },
  tu: { uid: '3000000000000000003', name: 'Lê Văn Tư' },
};

let h: HandoffHarness | undefined;
let adapter: ZaloAdapter | undefined;
let dir: string | undefined;
afterEach(async () => {
  await adapter?.stop();
  await h?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  h = adapter = dir = undefined;
});

// The play-through (PLAYTHROUGH=1 prints it; the closing note quotes it).
const transcript: string[] = [];
const where = (threadId: string) => (threadId === COMMUNITY_ID ? 'nhóm cư dân' : threadId === STAFF_GROUP_ID ? 'nhóm cán bộ' : `riêng ${threadId}`);

let seq = 0;
function groupMessage({ group, from, content, addressed = false, quote }: { group: string; from: { uid: string; name: string }; content: string; addressed?: boolean; quote?: { globalMsgId: number; msg: string; ownerId: string } }) {
  seq += 1;
  const text = addressed ? `${BOT_TAG} ${content}` : content;
  return new GroupMessage(OWN_ID, {
    actionId: `88${seq}`,
    msgId: `76000000000${seq}`,
    cliMsgId: `18673264${seq}`,
    msgType: 'webchat',
    ts: `${1772416800000 + seq * 1000}`,
    status: 1,
    notify: '1',
    ttl: 0,
    userId: '0',
    uin: '0',
    topOut: '0',
    topOutTimeOut: '0',
    topOutImprTimeOut: '0',
    cmd: 521,
    st: 3,
    at: 5,
    realMsgId: '0',
    uidFrom: from.uid,
    idTo: group,
    dName: from.name,
    content: text,
    ...(addressed ? { mentions: [{ uid: OWN_ID, pos: 0, len: BOT_TAG.length, type: 0 }] } : {}),
    ...(quote ? { quote: { ownerId: quote.ownerId, cliMsgId: 1, globalMsgId: quote.globalMsgId, cliMsgType: 1, ts: 1, msg: quote.msg, attach: '', fromD: '', ttl: 0 } } : {}),
  } as unknown as TGroupMessage);
}

async function setup() {
  dir = mkdtempSync(join(tmpdir(), 'mcb-zalo-community-'));
  const credentialsPath = join(dir, 'zalo.json');
  await saveZaloCredentials({ path: credentialsPath, credentials: savedCredentials });
  const zalo = createFakeZalo();
  adapter = createZaloAdapter({ credentialsPath, logger: createLogger({ level: 'silent' }), createApi: zalo.createApi, sleep: createRecordingSleep().sleep });
  h = await createHandoffHarness({
    groups: [{ conversationRef: ZALO_STAFF, forum: false }],
    replace: { zalo: adapter },
    communityGroups: new Map([[`zalo:group:${COMMUNITY_ID}`, { answer: 'addressed' as const, community: true, unitId: 'phuong-mau' }]]),
  });
  const harness = h;
  const handled: InboundMessage[] = [];
  await adapter.start({ onMessage: async (m) => void (await harness.pipeline.handle(m), handled.push(m)) });
  await vi.waitFor(() => expect(zalo.current.listener.startCalls).toHaveLength(1));
  zalo.current.listener.emit('connected');
  const api = () => zalo.current.api;
  const receive = async (message: GroupMessage) => {
    const before = handled.length;
    const sentBefore = api().sent.length;
    const quoted = message.data.quote ? ` (trích dẫn ${message.data.quote.globalMsgId})` : '';
    transcript.push(`[${where(message.threadId)}] ${message.data.msgId} ${message.data.dName}${quoted}: ${String(message.data.content)}`);
    zalo.current.listener.emit('message', message);
    await vi.waitFor(() => expect(handled.length).toBe(before + 1));
    await harness.flush();
    api().sent.slice(sentBefore).forEach((s, i) => {
      const tags = (s.content.mentions ?? []).map((m) => `${s.content.msg.slice(m.pos, m.pos + m.len)}→${m.uid}`);
      const extra = [s.content.quote ? `trích dẫn ${String(s.content.quote.msgId)}` : '', tags.length > 0 ? `tag ${tags.join(', ')}` : ''].filter(Boolean).join('; ');
      transcript.push(`[${where(s.threadId)}] ${7500000000001 + sentBefore + i} Bot${extra ? ` (${extra})` : ''}: ${s.content.msg.replace(/\n/g, '\n      ')}`);
    });
    return message;
  };
  const sends = (threadId: string) => api().sent.map((s, index) => ({ ...s, msgId: 7500000000001 + index })).filter((s) => s.threadId === threadId);
  return { harness, api, receive, sends };
}

describe('a residents’ Zalo group with three members (real Zalo adapter, fake zca-js API)', { timeout: 120_000 }, () => {
  it('two tickets at once; each answer quotes its member and tags them; chatter never forwarded; personal case only a pointer; one erasure', async () => {
    const { harness, receive, sends } = await setup();
    const say = (from: { uid: string; name: string }, content: string, addressed = false) => receive(groupMessage({ group: COMMUNITY_ID, from, content, addressed }));

    await say(MEMBERS.tu, 'Sáng nay ai đi họp tổ dân phố không?');
    expect(sends(COMMUNITY_ID).map((s) => s.content.msg)).toEqual([expect.stringContaining('Trợ lý tự động của bộ phận một cửa')]);

    const hungAsks = await say(MEMBERS.hung, 'cho tôi gặp cán bộ về tách thửa đất', true);
    const maiAsks = await say(MEMBERS.mai, 'gặp cán bộ về chế độ người cao tuổi cho bố tôi', true);
    const receipts = sends(COMMUNITY_ID).slice(1);
    const tagOf = (content: { msg: string; mentions?: Array<{ pos: number; uid: string; len: number }> }) => (content.mentions ?? []).map((m) => ({ name: content.msg.slice(m.pos, m.pos + m.len), uid: m.uid }));
    expect(receipts.map((r) => [r.content.quote?.msgId, tagOf(r.content)])).toEqual([
      [hungAsks.data.msgId, [{ name: `@${MEMBERS.hung.name}`, uid: MEMBERS.hung.uid }]],
      [maiAsks.data.msgId, [{ name: `@${MEMBERS.mai.name}`, uid: MEMBERS.mai.uid }]],
    ]);
    expect(receipts.map((r) => r.content.msg.match(/HS-\d{4}/)?.[0])).toEqual(['HS-0001', 'HS-0002']);

    await say(MEMBERS.tu, 'Họp lúc 8 giờ ở nhà văn hóa');
    expect(sends(STAFF_GROUP_ID).some((s) => s.content.msg.includes('nhà văn hóa') || s.content.msg.includes('họp tổ'))).toBe(false);

    // Staff answer each by quoting its card in the staff group.
    const cardOf = (code: string) => sends(STAFF_GROUP_ID).find((s) => s.content.msg.includes(`Phiếu ${code}`))!;
    const hoa = { uid: STAFF.hoa.zalo, name: STAFF.hoa.name };
    const answer = async (code: string, text: string) => {
      const card = cardOf(code);
      await receive(groupMessage({ group: STAFF_GROUP_ID, from: hoa, content: text, quote: { globalMsgId: card.msgId, msg: card.content.msg, ownerId: OWN_ID } }));
    };
    await answer('HS-0002', 'Chị Mai mang căn cước của bố tới nhé.');
    await answer('HS-0001', 'Anh Hùng nộp đơn tách thửa tại bộ phận một cửa.');
    const [toMai, toHung] = sends(COMMUNITY_ID).slice(-2);
    expect(toMai!.content.msg).toBe(`@${MEMBERS.mai.name}\nChị Mai mang căn cước của bố tới nhé.\n\n— Cán bộ Trung tâm Phục vụ hành chính công phường Mẫu`);
    expect([toMai!.content.quote?.msgId, tagOf(toMai!.content)]).toEqual([maiAsks.data.msgId, [{ name: `@${MEMBERS.mai.name}`, uid: MEMBERS.mai.uid }]]);
    expect([toHung!.content.quote?.msgId, tagOf(toHung!.content)]).toEqual([hungAsks.data.msgId, [{ name: `@${MEMBERS.hung.name}`, uid: MEMBERS.hung.uid }]]);

    // A personal question with a phone number: the group sees the code and "nhắn riêng", nothing else.
    await say(MEMBERS.tu, 'hồ sơ của tôi đứng tên số 0912 345 678 xong chưa', true);
    const pointer = sends(COMMUNITY_ID).at(-1)!.content.msg;
    expect(pointer).toContain('phiếu HS-0003');
    expect(pointer).toContain('nhắn riêng cho bot');
    await answer('HS-0003', 'Hồ sơ của bác (SĐT 0912 345 678) đã có kết quả.');
    const groupTexts = sends(COMMUNITY_ID).map((s) => s.content.msg);
    expect(groupTexts.at(-1)).toContain('Cán bộ đã trả lời phiếu HS-0003');
    expect(groupTexts.some((t) => t.includes('345 678') || t.includes('hồ sơ của tôi') || t.includes('kết quả'))).toBe(false);

    // Hùng erases his data in the group: his messages go; Mai's and Tư's stay.
    await say(MEMBERS.hung, '/xoadulieu', true);
    await say(MEMBERS.hung, 'xác nhận', true);
    expect(sends(COMMUNITY_ID).at(-1)!.content.msg).toContain('Đã xóa tin nhắn');
    const textsOf = async (uid: string) => {
      const [conversation] = await harness.db.select().from(conversationsTable).where(eq(conversationsTable.conversationRef, `zalo:group:${COMMUNITY_ID}#member:${uid}`));
      return conversation ? (await harness.db.select().from(messagesTable).where(eq(messagesTable.conversationId, conversation.id))).map((m) => m.text) : [];
    };
    // His conversation's ref is gone (erased refs are "deleted:<id>"), and so is every text in it.
    expect(await textsOf(MEMBERS.hung.uid)).toEqual([]);
    const hungTicket = (await harness.handoff.tickets.findTicketByCode({ code: 'HS-0001' })).ticket!;
    expect(hungTicket.residentRef).toMatch(/^deleted:/);
    const erased = await harness.db.select().from(messagesTable).where(eq(messagesTable.conversationId, hungTicket.conversationId!));
    expect(erased.length).toBeGreaterThan(0);
    expect(erased.every((m) => m.text === '[đã xóa]' || m.text === '')).toBe(true);
    // The bot's copies of what it posted in the group for him are redacted too; Mai's answer stays.
    const groupRows = (await harness.db.select().from(outboxTable).where(eq(outboxTable.conversationRef, `zalo:group:${COMMUNITY_ID}`))).map((r) => (r.payload as { text: string }).text);
    expect(groupRows.some((t) => t.includes('Anh Hùng nộp đơn'))).toBe(false);
    expect(groupRows.some((t) => t.includes('Chị Mai mang căn cước'))).toBe(true);
    expect(await textsOf(MEMBERS.mai.uid)).toEqual(['gặp cán bộ về chế độ người cao tuổi cho bố tôi']);
    expect(await textsOf(MEMBERS.tu.uid)).toHaveLength(3);
    if (process.env.PLAYTHROUGH) console.info(`\n===== Zalo: nhóm cư dân, ba thành viên =====\n${transcript.join('\n')}\n`);
  });
});
