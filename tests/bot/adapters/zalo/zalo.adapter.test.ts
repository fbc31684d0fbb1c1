import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ThreadType, ZaloApiError } from 'zca-js';
import { ChannelApiError, ChannelNetworkError } from '../../../../src/bot/core/channel.errors.js';
import type { InboundMessage } from '../../../../src/bot/core/message.types.js';
import { createZaloAdapter, type ZaloAdapter } from '../../../../src/bot/adapters/zalo/zalo.adapter.js';
import { saveZaloCredentials } from '../../../../src/bot/adapters/zalo/zalo.credentials.js';
import { createLogger } from '../../../../src/logger.js';
import {
  createFakeZalo,
  createRecordingSleep,
  GROUP_ID,
  OWN_ID,
  RESIDENT_ID,
  savedCredentials,
  zaloFixture,
} from './zalo.fakes.js';

let dir: string;
let credentialsPath: string;
let adapter: ZaloAdapter | undefined;
let logLines: Array<Record<string, unknown>>;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'zalo-adapter-'));
  credentialsPath = join(dir, 'secrets', 'zalo-credentials.json');
  logLines = [];
});

afterEach(async () => {
  await adapter?.stop();
  adapter = undefined;
  await rm(dir, { recursive: true, force: true });
});

function setup(overrides: Partial<Parameters<typeof createZaloAdapter>[0]> = {}) {
  const zalo = createFakeZalo();
  const { delays, sleep } = createRecordingSleep();
  const logger = createLogger({ level: 'debug', sink: { write: (line) => logLines.push(JSON.parse(line) as Record<string, unknown>) } });
  adapter = createZaloAdapter({
    credentialsPath,
    logger,
    createApi: zalo.createApi,
    sleep,
    random: () => 0.5,
    credentialsPollMs: 10,
    ...overrides,
  });
  const received: InboundMessage[] = [];
  const start = () => adapter!.start({ onMessage: async (m) => void received.push(m) });
  return { zalo, delays, received, adapter, start };
}

async function startRunning(overrides: Partial<Parameters<typeof createZaloAdapter>[0]> = {}) {
  await saveZaloCredentials({ path: credentialsPath, credentials: savedCredentials });
  const ctx = setup(overrides);
  await ctx.start();
  await vi.waitFor(() => expect(ctx.zalo.sessions).toHaveLength(1));
  await vi.waitFor(() => expect(ctx.zalo.current.listener.startCalls).toHaveLength(1));
  ctx.zalo.current.listener.emit('connected');
  expect(ctx.adapter.status().state).toBe('running');
  return ctx;
}

describe('Zalo adapter: conversations', () => {
  it('declares its capabilities as data', () => {
    const { adapter } = setup();
    expect(adapter.capabilities).toMatchObject({ maxTextLength: 2000, buttons: false, quoting: true, mentions: true, typing: true });
    expect(adapter.capabilities.minSendIntervalMs).toBeGreaterThanOrEqual(1000);
  });

  it('DM: logs in with the saved session, starts the listener without zca-js retries, passes messages on and replies with a quote', async () => {
    const { zalo, received, adapter } = await startRunning();
    expect(zalo.current.credentials).toEqual(savedCredentials);
    expect(zalo.current.listener.startCalls).toEqual([{ retryOnClose: false }]);
    expect(adapter.ownId()).toBe(OWN_ID);

    zalo.current.listener.emit('message', zaloFixture('user-text'));
    zalo.current.listener.emit('message', zaloFixture('user-self'));
    await vi.waitFor(() => expect(received).toHaveLength(1));
    const [inbound] = received;
    expect(inbound).toMatchObject({ conversationRef: `zalo:user:${RESIDENT_ID}`, chatType: 'private', addressedToBot: true });

    const result = await adapter.send({ conversationRef: inbound!.conversationRef, text: 'Dạ, anh/chị cần tờ khai…', replyToExternalId: inbound!.externalMessageId });
    expect(result.externalMessageId).toMatch(/^\d+$/);
    expect(zalo.current.api.sent).toHaveLength(1);
    const [call] = zalo.current.api.sent;
    expect(call).toMatchObject({ threadId: RESIDENT_ID, type: ThreadType.User, content: { msg: 'Dạ, anh/chị cần tờ khai…' } });
    expect(call!.content.quote).toMatchObject({ msgId: '7412345678901', cliMsgId: '1767326400123', uidFrom: RESIDENT_ID, msgType: 'webchat' });
  });

  it('puts received times on the bot clock: a fake clock moves them, the message keeps its age', async () => {
    const realNow = Date.parse('2026-03-02T02:00:00Z');
    const botNow = Date.parse('2026-03-02T13:30:00Z'); // evening on the bot's clock
    const { zalo, received } = await startRunning({ now: () => realNow, clock: { now: () => new Date(botNow) } });
    const message = zaloFixture('user-text');
    message.data.ts = String(realNow - 5_000); // sent five seconds before it reached us
    zalo.current.listener.emit('message', message);
    await vi.waitFor(() => expect(received).toHaveLength(1));
    expect(received[0]!.receivedAt.toISOString()).toBe(new Date(botNow - 5_000).toISOString());
  });

  it('group: mentions are addressed, others are not; replies go to the group thread', async () => {
    const { zalo, received, adapter } = await startRunning();
    zalo.current.listener.emit('message', zaloFixture('group-mention'));
    zalo.current.listener.emit('message', zaloFixture('group-plain'));
    await vi.waitFor(() => expect(received).toHaveLength(2));
    expect(received.map((m) => m.addressedToBot)).toEqual([true, false]);

    await adapter.send({ conversationRef: `zalo:group:${GROUP_ID}`, text: 'Dạ, làm tạm trú tại công an phường ạ.' });
    expect(zalo.current.api.sent[0]).toMatchObject({ threadId: GROUP_ID, type: ThreadType.Group, content: { msg: 'Dạ, làm tạm trú tại công an phường ạ.' } });
    expect(zalo.current.api.sent[0]!.content.quote).toBeUndefined();
  });

  it('sends without a quote when the quoted message is unknown or belongs to another thread', async () => {
    const { zalo, received, adapter } = await startRunning();
    zalo.current.listener.emit('message', zaloFixture('group-mention'));
    await vi.waitFor(() => expect(received).toHaveLength(1));
    await adapter.send({ conversationRef: `zalo:user:${RESIDENT_ID}`, text: 'a', replyToExternalId: received[0]!.externalMessageId });
    await adapter.send({ conversationRef: `zalo:user:${RESIDENT_ID}`, text: 'b', replyToExternalId: '999' });
    expect(zalo.current.api.sent.map((s) => s.content.quote)).toEqual([undefined, undefined]);
  });

  it('tags staff in a group with zca-js mentions { pos, uid, len }; a private chat gets the plain names', async () => {
    const { zalo, adapter } = await startRunning();
    const mentions = [
      { text: '@Lê Thị Hoa', userIds: { zalo: '2000000000000000003', telegram: '100000003' } },
      { text: '@Trần Văn Minh', userIds: { telegram: '100000002' } }, // no Zalo id: plain name
    ];
    const text = '⏰ @Lê Thị Hoa, @Trần Văn Minh: phiếu HS-0001 chưa có trả lời.';
    await adapter.send({ conversationRef: `zalo:group:${GROUP_ID}`, text, mentions });
    await adapter.send({ conversationRef: `zalo:user:${RESIDENT_ID}`, text, mentions });
    const [group, direct] = zalo.current.api.sent;
    expect(group!.content).toEqual({ msg: text, mentions: [{ pos: 2, uid: '2000000000000000003', len: 11 }] });
    expect(text.slice(2, 13)).toBe('@Lê Thị Hoa');
    expect(direct!.content).toEqual({ msg: text });
  });

  it('shows typing in the right thread', async () => {
    const { zalo, adapter } = await startRunning();
    await adapter.sendTyping!({ conversationRef: `zalo:group:${GROUP_ID}` });
    expect(zalo.current.api.typing).toEqual([{ threadId: GROUP_ID, type: ThreadType.Group }]);
  });

  it('guards send: over 2000 characters, empty text and malformed refs are permanent errors and reach no API', async () => {
    const { zalo, adapter } = await startRunning();
    const tooLong = adapter.send({ conversationRef: `zalo:user:${RESIDENT_ID}`, text: 'a'.repeat(2001) });
    await expect(tooLong).rejects.toThrow(/2001 characters; Zalo accepts at most 2000/);
    await expect(tooLong).rejects.toMatchObject({ details: { retryable: false } });
    await expect(adapter.send({ conversationRef: `zalo:user:${RESIDENT_ID}`, text: '  ' })).rejects.toBeInstanceOf(ChannelApiError);
    await expect(adapter.send({ conversationRef: 'zalo:room:1', text: 'x' })).rejects.toMatchObject({ details: { retryable: false, reason: 'bad_request' } });
    await adapter.send({ conversationRef: `zalo:user:${RESIDENT_ID}`, text: 'a'.repeat(2000) });
    expect(zalo.current.api.sent).toHaveLength(1);
  });

  it('a throwing inbound handler is logged and the listener keeps delivering', async () => {
    await saveZaloCredentials({ path: credentialsPath, credentials: savedCredentials });
    const { zalo, adapter } = setup();
    const seen: string[] = [];
    await adapter.start({
      onMessage: async (m) => {
        seen.push(m.externalMessageId);
        if (seen.length === 1) throw new Error('boom');
      },
    });
    await vi.waitFor(() => expect(zalo.sessions).toHaveLength(1));
    zalo.current.listener.emit('connected');
    zalo.current.listener.emit('message', zaloFixture('user-text'));
    zalo.current.listener.emit('message', zaloFixture('user-photo'));
    await vi.waitFor(() => expect(seen).toEqual(['7412345678901', '7412345678902']));
    await vi.waitFor(() => expect(logLines.some((l) => l.msg === 'inbound handler threw' && l.err === 'boom')).toBe(true));
  });
});

describe('Zalo adapter: error translation', () => {
  it.each([
    [new ZaloApiError('Người này chặn không nhận tin nhắn từ người lạ', 122), false, 'recipient_blocked'],
    [new ZaloApiError('Không thể nhận tin nhắn từ bạn', 123), false, 'recipient_blocked'],
    [new ZaloApiError('Vượt quá số request cho phép', 221), true, 'rate_limited'],
    [new ZaloApiError('Request failed with status code 502'), true, 'server_error'],
    [new ZaloApiError('Something new', 999), true, undefined],
  ])('%s → ChannelApiError retryable=%s', async (error, retryable, reason) => {
    const { zalo, adapter } = await startRunning();
    zalo.current.api.failNext = error;
    const sending = adapter.send({ conversationRef: `zalo:user:${RESIDENT_ID}`, text: 'x' });
    await expect(sending).rejects.toBeInstanceOf(ChannelApiError);
    const error_ = (await sending.catch((e: unknown) => e)) as ChannelApiError;
    expect(error_.details.retryable).toBe(retryable);
    expect(error_.details.reason).toBe(reason);
    expect(error_.details.platformCode).toBe(error.code ?? undefined);
  });

  it('network failures → ChannelNetworkError (retryable)', async () => {
    const { zalo, adapter } = await startRunning();
    const cause = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    zalo.current.api.failNext = new TypeError('fetch failed', { cause });
    const sending = adapter.send({ conversationRef: `zalo:user:${RESIDENT_ID}`, text: 'x' });
    await expect(sending).rejects.toBeInstanceOf(ChannelNetworkError);
    await expect(sending).rejects.toMatchObject({ retryable: true });
  });

  it('a send while not logged in is a retryable network error that names the state', async () => {
    const { adapter, start } = setup();
    await start();
    await vi.waitFor(() => expect(adapter.status().state).toBe('needs_qr'));
    await expect(adapter.send({ conversationRef: `zalo:user:${RESIDENT_ID}`, text: 'x' })).rejects.toThrow(/not connected \(state needs_qr/);
  });
});

describe('Zalo adapter: supervisor', () => {
  it('1006 closes are routine: log in again and restart the listener with exponential backoff and jitter', async () => {
    const { zalo, delays, adapter, received } = await startRunning();
    zalo.current.listener.close(1006, '');
    await vi.waitFor(() => expect(zalo.sessions).toHaveLength(2));
    expect(['reconnecting', 'starting']).toContain(adapter.status().state);
    await vi.waitFor(() => expect(zalo.current.listener.startCalls).toHaveLength(1));
    // The second socket dies before connecting: the next delay doubles.
    zalo.current.listener.close(1006, '');
    await vi.waitFor(() => expect(zalo.sessions).toHaveLength(3));
    expect(delays).toEqual([750, 1500]); // base 1 s, random 0.5 → ½·c + ¼·c
    zalo.current.listener.emit('connected');
    expect(adapter.status().state).toBe('running');
    zalo.current.listener.emit('message', zaloFixture('user-text'));
    await vi.waitFor(() => expect(received).toHaveLength(1));
    expect(logLines.some((l) => l.state === 'reconnecting' && String(l.detail).includes('code 1006'))).toBe(true);
  });

  it('re-logs in with the freshest cookies after a drop', async () => {
    const { zalo } = await startRunning();
    zalo.current.api.cookies[0]!.value = 'sek-rotated';
    zalo.current.listener.close(1006);
    await vi.waitFor(() => expect(zalo.sessions).toHaveLength(2));
    expect(zalo.current.credentials.cookie[0]).toMatchObject({ value: 'sek-rotated' });
  });

  it('messages from a closed listener are ignored (no duplicates from a dead session)', async () => {
    const { zalo, received } = await startRunning();
    const old = zalo.current.listener;
    old.close(1006);
    await vi.waitFor(() => expect(zalo.sessions).toHaveLength(2));
    old.emit('message', zaloFixture('user-text'));
    await new Promise((r) => setTimeout(r, 20));
    expect(received).toHaveLength(0);
  });

  it.each([3000, 3003])('close %i means another session took over: kicked, alert, no reconnect until a new session file appears', async (code) => {
    const { zalo, adapter } = await startRunning();
    zalo.current.listener.close(code, 'Another connection is opened');
    await vi.waitFor(() => expect(adapter.status().state).toBe('kicked'));
    await new Promise((r) => setTimeout(r, 60)); // several poll periods
    expect(zalo.loginAttempts).toBe(1);
    expect(adapter.status().detail).toMatch(/npm run cli -- zalo login/);
    expect(logLines.some((l) => l.level === 50 && l.state === 'kicked')).toBe(true);
    await expect(adapter.send({ conversationRef: `zalo:user:${RESIDENT_ID}`, text: 'x' })).rejects.toBeInstanceOf(ChannelNetworkError);

    // The operator scans a new QR (zalo login rewrites the file): the bot comes back by itself.
    await saveZaloCredentials({ path: credentialsPath, credentials: { ...savedCredentials, imei: 'new-imei' } });
    await vi.waitFor(() => expect(zalo.sessions).toHaveLength(2));
    expect(zalo.current.credentials.imei).toBe('new-imei');
  });

  it('a listener error event is always handled: no throw, no crash, logged', async () => {
    const { zalo, adapter } = await startRunning();
    const error = Object.assign(new Error('connect ETIMEDOUT 1.2.3.4:443'), { code: 'ETIMEDOUT' });
    expect(() => zalo.current.listener.emit('error', error)).not.toThrow();
    expect(() => zalo.current.listener.emit('error', { type: 'error', message: 'WebSocket was closed before the connection was established' })).not.toThrow();
    expect(adapter.status().state).toBe('running');
    expect(logLines.filter((l) => String(l.msg).startsWith('Zalo listener error'))).toHaveLength(2);
    // Even a listener that already closed keeps its handler (late errors after a close are common).
    const old = zalo.current.listener;
    old.close(1006);
    await vi.waitFor(() => expect(zalo.sessions).toHaveLength(2));
    expect(() => old.emit('error', new Error('late'))).not.toThrow();
  });

  it('missing session file → needs_qr with the command to run, no crash; a new file is picked up', async () => {
    const { zalo, adapter, start } = setup();
    await start();
    await vi.waitFor(() => expect(adapter.status().state).toBe('needs_qr'));
    expect(adapter.status().detail).toMatch(/npm run cli -- zalo login/);
    expect(logLines.some((l) => l.state === 'needs_qr' && String(l.detail).includes('npm run cli -- zalo login'))).toBe(true);
    expect(zalo.loginAttempts).toBe(0);

    await saveZaloCredentials({ path: credentialsPath, credentials: savedCredentials });
    await vi.waitFor(() => expect(zalo.sessions).toHaveLength(1));
    zalo.current.listener.emit('connected');
    expect(adapter.status().state).toBe('running');
  });

  it('unreadable session file → needs_qr', async () => {
    await saveZaloCredentials({ path: credentialsPath, credentials: savedCredentials });
    await writeFile(credentialsPath, '{ not json');
    const { adapter, start } = setup();
    await start();
    await vi.waitFor(() => expect(adapter.status().state).toBe('needs_qr'));
    expect(adapter.status().detail).toMatch(/not valid JSON/);
  });

  it('a login Zalo refuses → needs_qr, and the same dead session is not retried', async () => {
    await saveZaloCredentials({ path: credentialsPath, credentials: savedCredentials });
    const { zalo, adapter, start } = setup();
    zalo.nextLoginFails.push(new ZaloApiError('Đăng nhập thất bại'));
    await start();
    await vi.waitFor(() => expect(adapter.status().state).toBe('needs_qr'));
    expect(adapter.status().detail).toMatch(/Đăng nhập thất bại.*npm run cli -- zalo login/);
    await new Promise((r) => setTimeout(r, 60));
    expect(zalo.loginAttempts).toBe(1);
  });

  it('a login that fails on the network is retried with backoff (not needs_qr)', async () => {
    await saveZaloCredentials({ path: credentialsPath, credentials: savedCredentials });
    const { zalo, adapter, start, delays } = setup();
    zalo.nextLoginFails.push(new TypeError('fetch failed', { cause: Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' }) }));
    zalo.nextLoginFails.push(new TypeError('fetch failed'));
    await start();
    await vi.waitFor(() => expect(zalo.sessions).toHaveLength(1));
    expect(zalo.loginAttempts).toBe(3);
    expect(delays).toEqual([750, 1500]);
    zalo.current.listener.emit('connected');
    expect(adapter.status().state).toBe('running');
  });

  it('a listener that never connects is stopped and retried', async () => {
    await saveZaloCredentials({ path: credentialsPath, credentials: savedCredentials });
    const { zalo, start } = setup({ connectTimeoutMs: 20 });
    await start();
    await vi.waitFor(() => expect(zalo.sessions.length).toBeGreaterThanOrEqual(2));
    expect(zalo.sessions[0]!.listener.stopCalls).toBe(1);
  });

  it('stop() stops the listener and ends in state stopped', async () => {
    const { zalo, adapter } = await startRunning();
    const listener = zalo.current.listener;
    await adapter.stop();
    expect(listener.stopCalls).toBe(1);
    expect(adapter.status().state).toBe('stopped');
    // zca-js emits closed(1000) after a manual stop: it must not trigger a reconnect.
    listener.close(1000);
    await new Promise((r) => setTimeout(r, 20));
    expect(zalo.sessions).toHaveLength(1);
  });
});

describe('Zalo adapter: session persistence', () => {
  it('re-saves the session atomically with mode 0600 when cookies change, not when only lastAccessed does', async () => {
    const { zalo, adapter } = await startRunning({ cookieCheckIntervalMs: 0 });
    const before = await stat(credentialsPath);
    expect(before.mode & 0o777).toBe(0o600);

    zalo.current.api.cookies[0]!.lastAccessed = '2026-02-01T00:00:00.000Z';
    await adapter.send({ conversationRef: `zalo:user:${RESIDENT_ID}`, text: 'x' });
    await new Promise((r) => setTimeout(r, 20));
    expect(JSON.parse(await readFile(credentialsPath, 'utf8')).cookie[0].lastAccessed).toBe('2026-01-01T00:00:00.000Z');

    zalo.current.api.cookies[0]!.value = 'sek-rotated';
    await adapter.send({ conversationRef: `zalo:user:${RESIDENT_ID}`, text: 'y' });
    await vi.waitFor(async () => expect(JSON.parse(await readFile(credentialsPath, 'utf8')).cookie[0].value).toBe('sek-rotated'));
    const after = await stat(credentialsPath);
    expect(after.mode & 0o777).toBe(0o600);
    expect(after.ino).not.toBe(before.ino); // replaced by rename, never rewritten in place
    expect(logLines.some((l) => l.msg === 'Zalo session saved (cookies changed)')).toBe(true);
  });

  it('saves rotated cookies right after login', async () => {
    await saveZaloCredentials({ path: credentialsPath, credentials: savedCredentials });
    const { zalo, start } = setup();
    zalo.onLogin = (session) => {
      session.api.cookies[1]!.value = 'sid-after-login';
    };
    await start();
    await vi.waitFor(async () => expect(JSON.parse(await readFile(credentialsPath, 'utf8')).cookie[1].value).toBe('sid-after-login'));
    expect((await stat(credentialsPath)).mode & 0o777).toBe(0o600);
  });
});

describe('Zalo adapter: copyMessage', () => {
  it('re-uploads a resident photo into the staff group', async () => {
    const fetched: string[] = [];
    const { zalo, adapter, received } = await startRunning({
      fetchMedia: async ({ url }) => (fetched.push(url), { data: Buffer.from('jpeg-bytes') }),
    });
    zalo.current.listener.emit('message', zaloFixture('user-photo'));
    await vi.waitFor(() => expect(received).toHaveLength(1));
    const { externalMessageId } = await adapter.copyMessage!({
      from: { conversationRef: received[0]!.conversationRef, externalMessageId: received[0]!.externalMessageId },
      to: `zalo:group:${GROUP_ID}`,
    });
    expect(externalMessageId).toMatch(/^\d+$/);
    expect(fetched).toEqual(['https://photo-stal-01.zdn.vn/jpg/anon/photo-0001.jpg']);
    const [call] = zalo.current.api.sent;
    expect(call).toMatchObject({ threadId: GROUP_ID, type: ThreadType.Group, content: { msg: 'Giấy tờ của em đây ạ' } });
    expect(call!.content.attachments).toEqual([
      { data: Buffer.from('jpeg-bytes'), filename: expect.stringMatching(/\.jpg$/), metadata: { totalSize: 10, width: 1280, height: 960 } },
    ]);
  });

  it('falls back to the link as text when the download fails, and copies text as text', async () => {
    const { zalo, adapter, received } = await startRunning({
      fetchMedia: async () => {
        throw new Error('offline');
      },
    });
    zalo.current.listener.emit('message', zaloFixture('user-file'));
    zalo.current.listener.emit('message', zaloFixture('user-text'));
    await vi.waitFor(() => expect(received).toHaveLength(2));
    for (const m of received) {
      await adapter.copyMessage!({ from: { conversationRef: m.conversationRef, externalMessageId: m.externalMessageId }, to: `zalo:group:${GROUP_ID}` });
    }
    expect(zalo.current.api.sent.map((s) => s.content.msg)).toEqual([
      '[Tệp]\nto-khai-khai-sinh.pdf\nhttps://f21-zpc.zdn.vn/anon/to-khai-khai-sinh.pdf',
      'cho em hỏi đăng ký khai sinh cho con cần giấy tờ gì ạ',
    ]);
  });

  it('after a restart (original no longer in memory) re-uploads from the attachment the mapper kept', async () => {
    const fetched: string[] = [];
    const { zalo, adapter } = await startRunning({ fetchMedia: async ({ url }) => (fetched.push(url), { data: Buffer.from('voice-bytes') }) });
    await adapter.copyMessage!({
      from: { conversationRef: `zalo:user:${RESIDENT_ID}`, externalMessageId: '7400000000099' },
      to: `zalo:group:${GROUP_ID}`,
      kind: 'voice',
      attachment: { ref: 'https://voice-aac-dl.zdn.vn/anon/voice-0099.aac' },
    });
    expect(fetched).toEqual(['https://voice-aac-dl.zdn.vn/anon/voice-0099.aac']);
    expect(zalo.current.api.sent[0]).toMatchObject({ threadId: GROUP_ID, type: ThreadType.Group });
    expect(zalo.current.api.sent[0]!.content.attachments).toEqual([{ data: Buffer.from('voice-bytes'), filename: expect.stringMatching(/\.aac$/), metadata: { totalSize: 11 } }]);
  });

  it('uploads a web chat photo into the group from the media store, naming the file so zca-js accepts it', async () => {
    const { zalo, adapter } = await startRunning({
      loadMedia: async ({ ref }) => (ref === 'web-upload:3' ? { data: Buffer.from('png-bytes'), fileName: 'giay to', mimeType: 'image/png' } : undefined),
    });
    await adapter.copyMessage!({
      from: { conversationRef: 'web:7d3f0c1e-0000-4000-8000-000000000001', externalMessageId: 'a:b' },
      to: `zalo:group:${GROUP_ID}`,
      kind: 'photo',
      attachment: { ref: 'web-upload:3', mimeType: 'image/png', fileName: 'giay to' },
    });
    expect(zalo.current.api.sent[0]).toMatchObject({ threadId: GROUP_ID, type: ThreadType.Group, content: { msg: '' } });
    expect(zalo.current.api.sent[0]!.content.attachments).toEqual([{ data: Buffer.from('png-bytes'), filename: 'giay to.png', metadata: { totalSize: 9 } }]);
    // A Telegram file id is neither a link nor in the store: refused for good, before any call.
    await expect(
      adapter.copyMessage!({ from: { conversationRef: 'telegram:5001', externalMessageId: '5001:9' }, to: `zalo:group:${GROUP_ID}`, kind: 'photo', attachment: { ref: 'AgACfile' } }),
    ).rejects.toMatchObject({ details: { retryable: false } });
    expect(zalo.current.api.sent).toHaveLength(1);
  });

  it('a message not kept in memory is a permanent, explained failure', async () => {
    const { adapter } = await startRunning();
    const copying = adapter.copyMessage!({ from: { conversationRef: `zalo:user:${RESIDENT_ID}`, externalMessageId: '1' }, to: `zalo:group:${GROUP_ID}` });
    await expect(copying).rejects.toMatchObject({ details: { retryable: false } });
    await expect(copying).rejects.toThrow(/attachment\.ref/);
  });
});
