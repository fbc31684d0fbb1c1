/**
 * Cross-channel handoff through the REAL adapters: a resident on the web chat (the real web adapter)
 * or on Zalo (the real Zalo adapter over a fake zca-js API) is served by staff in a Telegram forum
 * group (real telegraf over the in-repo fake Bot API), with the real pipeline, outbox and database.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { UserMessage, type TMessage } from 'zca-js';
import { createTelegramAdapter, type TelegramAdapter } from '../../src/bot/adapters/telegram/telegram.adapter.js';
import { createWebAdapter, type WebAdapter } from '../../src/bot/adapters/web/web.adapter.js';
import { toInboundMessage as fromWebPost, toInboundUpload } from '../../src/bot/adapters/web/web.mapper.js';
import { createZaloAdapter, type ZaloAdapter } from '../../src/bot/adapters/zalo/zalo.adapter.js';
import { saveZaloCredentials } from '../../src/bot/adapters/zalo/zalo.credentials.js';
import type { InboundMessage } from '../../src/bot/core/message.types.js';
import { createOutboxRepository } from '../../src/bot/outbox/outbox.repository.js';
import { createWebChatHistory } from '../../src/web/chat.history.js';
import { createUploadFiles } from '../../src/web/uploads.files.js';
import { createWebUploadsRepository, type WebUploadsRepository } from '../../src/web/uploads.repository.js';
import { createFakeZalo, createRecordingSleep, OWN_ID, savedCredentials, zaloFixture } from '../bot/adapters/zalo/zalo.fakes.js';
import { startFakeMediaCdn, type FakeMediaCdn } from '../helpers/fake-media-cdn.js';
import { startFakeTelegramApi, type FakeTelegramApi } from '../helpers/fake-telegram-api.js';
import { createHandoffHarness, STAFF, type HandoffHarness } from '../helpers/handoff-harness.js';

const FORUM_ID = -1001000000001;
const silent = pino({ level: 'silent' });

let fake: FakeTelegramApi | undefined;
let telegram: TelegramAdapter | undefined;
let web: WebAdapter | undefined;
let zalo: ZaloAdapter | undefined;
let h: HandoffHarness | undefined;
let dir: string | undefined;
let cdn: FakeMediaCdn | undefined;
/** Telegram downloads at most this much of another platform's media in these tests. */
const MAX_MEDIA_BYTES = 64 * 1024;
let uploadsDir: string | undefined;
afterEach(async () => {
  await cdn?.close();
  cdn = undefined;
  await telegram?.stop();
  await web?.stop();
  await zalo?.stop();
  await h?.close();
  await fake?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  if (uploadsDir) rmSync(uploadsDir, { recursive: true, force: true });
  uploadsDir = undefined;
  fake = telegram = web = zalo = h = dir = undefined;
});

/** The harness with real adapters; `handled` counts messages the pipeline finished. */
async function setup({ withZalo = false } = {}) {
  fake = await startFakeTelegramApi();
  cdn = await startFakeMediaCdn();
  // The web uploads store and the harness's fake clock are created below: bound late.
  let uploads: WebUploadsRepository | undefined;
  const clock = { now: () => h?.clock.now() ?? new Date() };
  telegram = createTelegramAdapter({
    token: fake.token,
    apiRoot: fake.apiRoot,
    logger: silent,
    pollingTimeoutSeconds: 1,
    loadMedia: (args) => uploads!.loadMedia(args),
    fetchMedia: cdn.fetcher({ maxBytes: MAX_MEDIA_BYTES, timeoutMs: 500 }),
    clock,
  });
  web = createWebAdapter();
  const zaloFake = createFakeZalo();
  if (withZalo) {
    dir = mkdtempSync(join(tmpdir(), 'mcb-cross-'));
    await saveZaloCredentials({ path: join(dir, 'zalo.json'), credentials: savedCredentials });
    zalo = createZaloAdapter({
      credentialsPath: join(dir, 'zalo.json'),
      logger: silent,
      createApi: zaloFake.createApi,
      sleep: createRecordingSleep().sleep,
      fetchMedia: async () => {
        throw new Error('tests never download');
      },
      clock,
    });
  }
  h = await createHandoffHarness({
    groups: [{ conversationRef: `telegram:${FORUM_ID}`, forum: true }],
    replace: { telegram, web, ...(zalo ? { zalo } : {}) },
  });
  const harness = h;
  uploadsDir = mkdtempSync(join(tmpdir(), 'mcb-uploads-'));
  const files = createUploadFiles({ dir: uploadsDir });
  const store = (uploads = createWebUploadsRepository({ db: h.db, files }));
  const handled: InboundMessage[] = [];
  const onMessage = async (message: InboundMessage) => {
    await harness.pipeline.handle(message);
    handled.push(message);
  };
  await telegram.start({ onMessage });
  await web.start({ onMessage });
  if (zalo) {
    await zalo.start({ onMessage });
    await vi.waitFor(() => expect(zaloFake.current.listener.startCalls).toHaveLength(1));
    zaloFake.current.listener.emit('connected');
  }
  async function until(count: number) {
    await vi.waitFor(() => expect(handled.length).toBeGreaterThanOrEqual(count), { timeout: 10_000, interval: 20 });
    await harness.flush();
  }
  const f = fake;
  const w = web;
  const c = cdn;
  return {
    f,
    cdn: c,
    h: harness,
    zaloFake,
    /** A Telegram update through getUpdates. */
    async push(update: ReturnType<FakeTelegramApi['makeMessage']>) {
      const before = handled.length;
      f.enqueueUpdate(update);
      await until(before + 1);
    },
    /** A web chat POST as chat.routes.ts hands it to the adapter. */
    async post(post: { text: string; action?: string }) {
      const before = handled.length;
      await w.receive(fromWebPost({ post: { sessionId: 'sess-1', clientMessageId: `c${before}`, ...post }, receivedAt: harness.clock.now() }));
      await until(before + 1);
    },
    /** A web chat upload as chat.routes.ts handles it: stored, then handed to the adapter. */
    async upload(file: { data: Buffer; fileName: string; mimeType: string }) {
      const before = handled.length;
      const at = harness.clock.now();
      const { key } = await files.writeAll(file.data);
      const { ref } = await store.saveUpload({ conversationRef: 'web:sess-1', fileName: file.fileName, mimeType: file.mimeType, size: file.data.length, storageKey: key, at });
      await w.receive(toInboundUpload({ upload: { sessionId: 'sess-1', clientMessageId: `u${before}`, ref, fileName: file.fileName, mimeType: file.mimeType }, receivedAt: at }));
      await until(before + 1);
    },
    async zaloMessage(message: UserMessage) {
      const before = handled.length;
      zaloFake.current.listener.emit('message', message);
      await until(before + 1);
    },
    forum: f.forum(FORUM_ID, 'Một cửa – cán bộ'),
    minh: f.user(Number(STAFF.minh.telegram), 'Minh'),
  };
}

const inForum = (f: FakeTelegramApi) => f.callsTo('sendMessage').filter((c) => c.params.chat_id === FORUM_ID && c.response.ok);

describe('web resident ↔ Telegram forum staff group (real web adapter, real telegraf)', { timeout: 90_000 }, () => {
  it('ticket topic with a real mention, follow-up, an uploaded photo, staff answer into the web transcript, close and rating', async () => {
    const { f, h: harness, push, post, upload, forum, minh } = await setup();

    await post({ text: 'cho tôi gặp cán bộ về hộ khẩu' });
    const [topic] = f.topics(FORUM_ID);
    expect(topic).toMatchObject({ name: 'HS-0001 · Người dân', state: 'open' });
    const card = inForum(f).find((c) => String(c.params.text).includes('Phiếu HS-0001'))!;
    expect(String(card.params.text)).toContain('(Web)');
    const tag = '@Trần Văn Minh';
    expect(card.params.entities).toEqual([{ type: 'text_mention', offset: String(card.params.text).indexOf(tag), length: tag.length, user: { id: Number(STAFF.minh.telegram) } }]);
    expect(card.params.parse_mode).toBeUndefined();

    await post({ text: 'Nhà tôi ở tổ 5' });
    expect(inForum(f).at(-1)!.params).toMatchObject({ message_thread_id: topic!.threadId, text: '💬 HS-0001 · Người dân: Nhà tôi ở tổ 5' });

    // A photo from the web chat is posted into the topic as a file, right after its header line.
    const photo = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 9, 9]);
    await upload({ data: photo, fileName: 'so-ho-khau.jpg', mimeType: 'image/jpeg' });
    expect(inForum(f).at(-1)!.params).toMatchObject({ message_thread_id: topic!.threadId, text: '📎 HS-0001 · Người dân gửi một ảnh' });
    const sentPhoto = f.callsTo('sendPhoto').at(-1)!;
    expect(sentPhoto.response.ok).toBe(true);
    expect(sentPhoto.params.photo).toMatchObject({ uploadedFile: 'so-ho-khau.jpg', bytes: photo });
    expect(Number(sentPhoto.params.message_thread_id)).toBe(topic!.threadId);
    // The resident's own transcript shows what they sent.
    const history = createWebChatHistory({ conversations: harness.conversations, outbox: createOutboxRepository({ db: harness.db }) });
    expect((await history.list({ conversationRef: 'web:sess-1' })).items.filter((i) => i.from === 'resident').at(-1)!.text).toBe('📷 Đã gửi một ảnh');

    await push(f.makeMessage({ chat: forum, from: minh, threadId: topic!.threadId, text: 'Chị mang sổ hộ khẩu cũ tới nhé.' }));
    const { conversation } = await harness.conversations.findConversationByRef({ conversationRef: 'web:sess-1' });
    const transcript = async () => (await harness.conversations.listMessages({ conversationId: conversation!.id, limit: 50 })).messages;
    expect((await transcript()).filter((m) => m.direction === 'out').at(-1)!.text).toBe(
      'Chị mang sổ hộ khẩu cũ tới nhé.\n\n— Cán bộ Trung tâm Phục vụ hành chính công phường Mẫu',
    );

    await push(f.makeMessage({ chat: forum, from: minh, threadId: topic!.threadId, text: '/dong' }));
    expect((await transcript()).filter((m) => m.direction === 'out').at(-1)!.text).toContain('Cán bộ đã trả lời xong câu hỏi của anh/chị (mã phiếu HS-0001)');
    expect(f.topics(FORUM_ID)[0]!.state).toBe('closed');
    await post({ text: '⭐⭐⭐⭐', action: 'rate:1:4' });
    expect((await harness.handoff.tickets.getTicketById({ ticketId: 1 })).ticket).toMatchObject({ status: 'closed', rating: 4 });
  });
});

describe('Zalo resident ↔ Telegram forum staff group (real Zalo adapter, real telegraf)', { timeout: 90_000 }, () => {
  it('a Zalo photo and file are downloaded (capped) and uploaded into the topic; a dead link or an oversized file becomes a notice with the link; the answer reaches Zalo', async () => {
    const { f, cdn, push, zaloMessage, zaloFake, forum, minh } = await setup({ withZalo: true });
    const RESIDENT_UID = '3000000000000000888';
    let seq = 0;
    const from = (extra: Record<string, unknown>) => {
      seq += 1;
      return new UserMessage(OWN_ID, {
        actionId: `88${seq}`,
        msgId: `741000000000${seq}`,
        cliMsgId: `1767${seq}`,
        msgType: 'webchat',
        uidFrom: RESIDENT_UID,
        idTo: '0',
        dName: 'Phạm Văn Dân',
        ts: `${1767326400000 + seq * 1000}`,
        status: 1,
        notify: '1',
        ttl: 0,
        userId: '0',
        uin: '0',
        topOut: '0',
        topOutTimeOut: '0',
        topOutImprTimeOut: '0',
        cmd: 501,
        st: 3,
        at: 5,
        realMsgId: '0',
        ...extra,
      } as unknown as TMessage);
    };

    await zaloMessage(from({ content: 'gặp cán bộ giúp tôi' }));
    const [topic] = f.topics(FORUM_ID);
    expect(String(inForum(f).find((c) => String(c.params.text).includes('Phiếu HS-0001'))!.params.text)).toContain('(Zalo)');

    const href = 'https://photo-stal-01.zdn.vn/jpg/anon/giay-to.jpg';
    const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(2048, 7)]);
    cdn.serve(href, { data: jpeg, contentType: 'image/jpeg' });
    await zaloMessage(from({ msgType: 'chat.photo', content: { title: 'giấy tờ', description: '', href, thumb: '', childnumber: 0, action: '', params: '', type: '' } }));
    expect(inForum(f).at(-1)!.params).toMatchObject({ message_thread_id: topic!.threadId, text: '📎 HS-0001 · Phạm Văn Dân gửi một ảnh: giấy tờ' });
    const [photo] = f.callsTo('sendPhoto');
    expect([Number(photo!.params.message_thread_id), photo!.params.photo.uploadedFile, photo!.response.ok]).toEqual([topic!.threadId, 'giay-to.jpg', true]);
    expect(Buffer.compare(photo!.params.photo.bytes, jpeg)).toBe(0); // the bytes themselves, not a link Telegram must fetch
    expect(f.callsTo('copyMessage')).toHaveLength(0); // copyMessage cannot reach another platform's message

    // A Word file: Telegram fetches only PDF/ZIP/GIF documents by link; uploaded as bytes it arrives.
    const doc = 'https://f21-zpc.zdn.vn/anon/don-de-nghi.docx';
    cdn.serve(doc, { data: Buffer.from('PK\u0003\u0004 word'), contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' });
    await zaloMessage(from({ msgType: 'share.file', content: { title: 'don-de-nghi.docx', description: '', href: doc, thumb: '', childnumber: 0, action: '', params: '', type: '' } }));
    expect(f.callsTo('sendDocument').map((c) => [c.params.document.uploadedFile, c.response.ok])).toEqual([['don-de-nghi.docx', true]]);

    // An expired link (404) and a file over the cap: staff get the notice with the link, never silence.
    const gone = 'https://f21-zpc.zdn.vn/anon/het-han.pdf';
    await zaloMessage(from({ msgType: 'share.file', content: { title: 'het-han.pdf', description: '', href: gone, thumb: '', childnumber: 0, action: '', params: '', type: '' } }));
    const big = 'https://f21-zpc.zdn.vn/anon/ban-scan.pdf';
    cdn.serve(big, { data: Buffer.alloc(MAX_MEDIA_BYTES + 1), contentType: 'application/pdf' });
    await zaloMessage(from({ msgType: 'share.file', content: { title: 'ban-scan.pdf', description: '', href: big, thumb: '', childnumber: 0, action: '', params: '', type: '' } }));
    expect(f.callsTo('sendDocument')).toHaveLength(1); // neither reached Telegram
    expect(inForum(f).slice(-4).map((c) => c.params.text)).toEqual([
      '📎 HS-0001 · Phạm Văn Dân gửi một tệp',
      `📎 HS-0001 · Phạm Văn Dân gửi một tệp\nXem tại: ${gone}`,
      '📎 HS-0001 · Phạm Văn Dân gửi một tệp',
      `📎 HS-0001 · Phạm Văn Dân gửi một tệp\nXem tại: ${big}`,
    ]);

    await push(f.makeMessage({ chat: forum, from: minh, threadId: topic!.threadId, text: 'Ảnh rõ rồi, anh mang bản gốc tới nhé.' }));
    const toResident = zaloFake.current.api.sent.filter((s) => s.threadId === RESIDENT_UID).map((s) => s.content.msg);
    expect(toResident.at(-1)).toBe('Ảnh rõ rồi, anh mang bản gốc tới nhé.\n\n— Cán bộ Trung tâm Phục vụ hành chính công phường Mẫu');
  });

  it('recorded Zalo media: a photo and a voice note sent before "gặp cán bộ" follow the card as uploads; a later voice note Telegram will not take as voice arrives as a file', async () => {
    const { f, cdn, zaloMessage, h: harness } = await setup({ withZalo: true });
    const recorded = (name: 'user-photo' | 'user-voice' | 'user-text', patch: { msgId: string; content?: string }) => {
      const message = zaloFixture(name);
      // Sent just now (the fixture's own date is months old): inside the 10 minutes before the ticket.
      Object.assign(message.data, { ts: String(Date.now()), msgId: patch.msgId, ...(patch.content ? { content: patch.content } : {}) });
      return message as UserMessage;
    };
    const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(1024, 1)]);
    const aac = Buffer.concat([Buffer.from([0xff, 0xf1, 0x50, 0x80]), Buffer.alloc(4096, 2)]); // ADTS AAC, as Zalo records
    cdn.serve('https://photo-stal-01.zdn.vn/jpg/anon/photo-0001.jpg', { data: jpeg, contentType: 'image/jpeg' });
    cdn.serve('https://voice-aac-dl.zdn.vn/anon/voice-0001.aac', { data: aac, contentType: 'audio/aac' });

    await zaloMessage(recorded('user-photo', { msgId: '7412345678902' }));
    await zaloMessage(recorded('user-voice', { msgId: '7412345678904' }));
    expect(f.callsTo('sendPhoto')).toHaveLength(0); // no ticket yet: nothing reaches staff
    await zaloMessage(recorded('user-text', { msgId: '7412345678905', content: 'gặp cán bộ giúp em' }));

    const [topic] = f.topics(FORUM_ID);
    const texts = inForum(f).map((c) => String(c.params.text));
    expect(texts[0]).toContain('Phiếu HS-0001');
    expect(texts.slice(1)).toEqual(['📎 HS-0001 · Nguyễn Thị Lan gửi một ảnh: Giấy tờ của em đây ạ', '📎 HS-0001 · Nguyễn Thị Lan gửi một tin nhắn thoại']);
    const [photo] = f.callsTo('sendPhoto');
    expect([Number(photo!.params.message_thread_id), photo!.params.photo.uploadedFile, Buffer.compare(photo!.params.photo.bytes, jpeg)]).toEqual([topic!.threadId, 'photo-0001.jpg', 0]);
    const [voice] = f.callsTo('sendVoice');
    expect([Number(voice!.params.message_thread_id), voice!.params.voice.uploadedFile, Buffer.compare(voice!.params.voice.bytes, aac), voice!.response.ok]).toEqual([topic!.threadId, 'voice-0001.aac', 0, true]);

    // Telegram refuses a voice upload (as it may for a format it does not play as voice): staff still get the file.
    cdn.serve('https://voice-aac-dl.zdn.vn/anon/voice-0002.aac', { data: aac, contentType: 'audio/aac' });
    f.failNext({ method: 'sendVoice', error: { error_code: 400, description: 'Bad Request: wrong file type' } });
    const later = recorded('user-voice', { msgId: '7412345678906' });
    (later.data.content as { href: string }).href = 'https://voice-aac-dl.zdn.vn/anon/voice-0002.aac';
    await zaloMessage(later);
    await harness.flush();
    expect(f.callsTo('sendVoice').map((c) => c.response.ok)).toEqual([true, false]);
    expect(f.callsTo('sendDocument').map((c) => [c.params.document.uploadedFile, c.response.ok])).toEqual([['voice-0002.aac', true]]);
  });
});
