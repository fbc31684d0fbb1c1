/**
 * Zalo resident ↔ Zalo staff group through the REAL Zalo adapter (its mapper, supervisor and send
 * path) with zca-js's own UserMessage/GroupMessage classes and a fake zca-js API: the ticket card
 * reaches the group, a staff member answers by quoting the card, the answer reaches the resident's
 * private chat, and the ticket closes with a typed rating.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { GroupMessage, ThreadType, UserMessage, type TGroupMessage, type TMessage } from 'zca-js';
import { createZaloAdapter, type ZaloAdapter } from '../../src/bot/adapters/zalo/zalo.adapter.js';
import { saveZaloCredentials } from '../../src/bot/adapters/zalo/zalo.credentials.js';
import type { InboundMessage } from '../../src/bot/core/message.types.js';
import { createLogger } from '../../src/logger.js';
import { createFakeZalo, createRecordingSleep, OWN_ID, savedCredentials } from '../bot/adapters/zalo/zalo.fakes.js';
import { createHandoffHarness, STAFF, ZALO_STAFF, type HandoffHarness } from '../helpers/handoff-harness.js';

const GROUP_ID = ZALO_STAFF.slice('zalo:group:'.length);
const RESIDENT_UID = '3000000000000000777';

let h: HandoffHarness | undefined;
let adapter: ZaloAdapter | undefined;
let dir: string | undefined;
afterEach(async () => {
  await adapter?.stop();
  await h?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  h = adapter = dir = undefined;
});

let seq = 0;
const base = () => {
  seq += 1;
  return { actionId: `99${seq}`, msgId: `74000000000${seq}`, cliMsgId: `17673264${seq}`, msgType: 'webchat', ts: `${1767326400000 + seq * 1000}`, status: 1, notify: '1', ttl: 0, userId: '0', uin: '0', topOut: '0', topOutTimeOut: '0', topOutImprTimeOut: '0', cmd: 501, st: 3, at: 5, realMsgId: '0' };
};
const fromResident = (content: string) =>
  new UserMessage(OWN_ID, { ...base(), uidFrom: RESIDENT_UID, idTo: '0', dName: 'Phạm Văn Dân', content } as unknown as TMessage);
const PHOTO_URL = 'https://photo-stal-01.zdn.vn/jpg/anon/so-do-cu.jpg';
const photoFromResident = () =>
  new UserMessage(OWN_ID, {
    ...base(),
    msgType: 'chat.photo',
    uidFrom: RESIDENT_UID,
    idTo: '0',
    dName: 'Phạm Văn Dân',
    content: { title: 'sổ đỏ cũ', description: '', href: PHOTO_URL, thumb: '', childnumber: 0, action: '', params: '{"width":800,"height":600}', type: '' },
  } as unknown as TMessage);
const fromStaff = (content: string, quote?: { globalMsgId: number; msg: string }) =>
  new GroupMessage(OWN_ID, {
    ...base(),
    cmd: 521,
    uidFrom: STAFF.hoa.zalo,
    idTo: GROUP_ID,
    dName: STAFF.hoa.name,
    content,
    ...(quote ? { quote: { ownerId: OWN_ID, cliMsgId: 1, globalMsgId: quote.globalMsgId, cliMsgType: 1, ts: 1, msg: quote.msg, attach: '', fromD: 'Một Cửa Bot', ttl: 0 } } : {}),
  } as unknown as TGroupMessage);

async function setup({ start }: { start?: Date } = {}) {
  dir = mkdtempSync(join(tmpdir(), 'mcb-zalo-e2e-'));
  const credentialsPath = join(dir, 'zalo.json');
  await saveZaloCredentials({ path: credentialsPath, credentials: savedCredentials });
  const zalo = createFakeZalo();
  const fetched: string[] = [];
  adapter = createZaloAdapter({
    credentialsPath,
    logger: createLogger({ level: 'silent' }),
    createApi: zalo.createApi,
    sleep: createRecordingSleep().sleep,
    fetchMedia: async ({ url }) => (fetched.push(url), { data: Buffer.from('jpeg') }),
  });
  h = await createHandoffHarness({ groups: [{ conversationRef: ZALO_STAFF, forum: false }], replace: { zalo: adapter }, ...(start ? { start } : {}) });
  const harness = h;
  const handled: InboundMessage[] = [];
  await adapter.start({ onMessage: async (m) => void (await harness.pipeline.handle(m), handled.push(m)) });
  await vi.waitFor(() => expect(zalo.current.listener.startCalls).toHaveLength(1));
  zalo.current.listener.emit('connected');
  const api = () => zalo.current.api;
  const receive = async (message: UserMessage | GroupMessage) => {
    const before = handled.length;
    zalo.current.listener.emit('message', message);
    await vi.waitFor(() => expect(handled.length).toBe(before + 1));
    await harness.flush();
  };
  const sentTo = (threadId: string) => api().sent.filter((s) => s.threadId === threadId).map((s) => s.content.msg);
  return { harness, api, receive, sentTo, fetched };
}

describe('Zalo resident ↔ Zalo staff group (real Zalo adapter, fake zca-js API)', { timeout: 90_000 }, () => {
  it('card with a real mention, follow-up and photo, reply by quoting the card, relayed to the resident, close and rating', async () => {
    const { harness, api, receive, sentTo, fetched } = await setup();

    await receive(fromResident('cho tôi gặp cán bộ'));
    expect(sentTo(RESIDENT_UID).at(-1)).toMatch(/Mã phiếu: HS-0001/);
    const cardIndex = api().sent.findIndex((s) => s.threadId === GROUP_ID && s.type === ThreadType.Group);
    expect(cardIndex).toBeGreaterThanOrEqual(0);
    const card = api().sent[cardIndex]!;
    expect(card.content.msg).toContain('HS-0001');
    const cardMsgId = 7500000000001 + cardIndex; // FakeApi numbers its sends in order
    // The on-duty staff member (Monday: Minh) is tagged with a real Zalo mention, as zca-js wants it.
    const tag = '@Trần Văn Minh';
    expect(card.content.mentions).toEqual([{ pos: card.content.msg.indexOf(tag), uid: STAFF.minh.zalo, len: tag.length }]);

    // A follow-up and a photo reach the group: the photo is re-uploaded right after its header line.
    await receive(fromResident('Thửa đất ở tổ 3'));
    expect(sentTo(GROUP_ID).at(-1)).toBe('💬 HS-0001 · Phạm Văn Dân: Thửa đất ở tổ 3');
    await receive(photoFromResident());
    const groupSends = api().sent.filter((s) => s.threadId === GROUP_ID);
    expect(groupSends.at(-2)!.content.msg).toBe('📎 HS-0001 · Phạm Văn Dân gửi một ảnh: sổ đỏ cũ');
    expect(groupSends.at(-1)!.content).toMatchObject({ msg: 'sổ đỏ cũ', attachments: [{ data: Buffer.from('jpeg'), metadata: { width: 800, height: 600 } }] });
    expect(fetched).toEqual([PHOTO_URL]);

    await receive(fromStaff('Dạ, anh mang CCCD và sổ đỏ bản chính lên nhé', { globalMsgId: cardMsgId, msg: card.content.msg }));
    expect(sentTo(RESIDENT_UID).at(-1)).toMatch(/^Dạ, anh mang CCCD và sổ đỏ bản chính lên nhé/);

    await receive(fromStaff('/dong HS-0001'));
    expect(sentTo(RESIDENT_UID).at(-1)).toContain('Xin gõ một số từ 1 đến 5');
    await receive(fromResident('5'));
    const { ticket } = await harness.handoff.tickets.findTicketByCode({ code: 'HS-0001' });
    expect(ticket).toMatchObject({ status: 'closed', rating: 5, assigneeStaffId: STAFF.hoa.id });
  });
});

describe('SLA through the real Zalo adapter (fake clock)', { timeout: 90_000 }, () => {
  it('over a weekend and Tết: reminder tags the on-duty staff, the deadline tags the lead, as zca-js mentions', async () => {
    const vn = (local: string) => new Date(`${local}+07:00`);
    // Friday 13/2/2026 16:00, the last working afternoon before the Tết break (Sat 14/2 – Sun 22/2).
    const { harness, api, receive } = await setup({ start: vn('2026-02-13T16:00:00') });
    await receive(fromResident('cho tôi gặp cán bộ'));
    const check = async (local: string) => {
      harness.clock.set(vn(local));
      const result = await harness.sla.runOnce();
      await harness.flush();
      return result;
    };
    const lastInGroup = () => api().sent.filter((s) => s.threadId === GROUP_ID).at(-1)!.content;
    const tagged = (content: { msg: string; mentions?: Array<{ pos: number; uid: string; len: number }> }) =>
      (content.mentions ?? []).map((m) => ({ name: content.msg.slice(m.pos, m.pos + m.len), uid: m.uid }));

    expect(await check('2026-02-13T16:59:00')).toEqual({ reminded: [], escalated: [] });
    expect(await check('2026-02-13T17:00:00')).toEqual({ reminded: ['HS-0001'], escalated: [] });
    // Friday's roster: Minh and Hoa.
    expect(lastInGroup().msg).toBe('⏰ @Trần Văn Minh, @Lê Thị Hoa: phiếu HS-0001 chưa có trả lời; còn khoảng 60 phút làm việc trước hạn.');
    expect(tagged(lastInGroup())).toEqual([
      { name: '@Trần Văn Minh', uid: STAFF.minh.zalo },
      { name: '@Lê Thị Hoa', uid: STAFF.hoa.zalo },
    ]);
    // Weekend, then nine days of Tết: no working time passes.
    expect(await check('2026-02-14T10:00:00')).toEqual({ reminded: [], escalated: [] });
    expect(await check('2026-02-17T10:00:00')).toEqual({ reminded: [], escalated: [] });
    expect(await check('2026-02-23T08:29:00')).toEqual({ reminded: [], escalated: [] });
    expect(await check('2026-02-23T08:30:00')).toEqual({ reminded: [], escalated: ['HS-0001'] });
    expect(lastInGroup().msg).toBe('🚨 @Nguyễn Thị Lan (trưởng bộ phận): phiếu HS-0001 đã quá hạn trả lời. Xin phân công cán bộ xử lý ngay.');
    expect(tagged(lastInGroup())).toEqual([{ name: '@Nguyễn Thị Lan', uid: STAFF.lan.zalo }]);
  });
});
