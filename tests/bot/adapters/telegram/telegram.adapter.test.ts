/**
 * The real telegraf against the in-repo fake Bot API over HTTP, and webhook updates through the real
 * express app. No sleeps: waits are on recorded calls or handler invocations.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createOffsetClock } from '../../../../src/shared/clock.js';
import { createTelegramAdapter, type TelegramAdapter, type TelegramAdapterOptions } from '../../../../src/bot/adapters/telegram/telegram.adapter.js';
import { ChannelApiError, ChannelNetworkError, isThreadGoneError } from '../../../../src/bot/core/channel.errors.js';
import type { InboundMessage } from '../../../../src/bot/core/message.types.js';
import { createLogger } from '../../../../src/logger.js';
import { createApp } from '../../../../src/web/app.js';
import { startFakeMediaCdn } from '../../../helpers/fake-media-cdn.js';
import { startFakeTelegramApi, type FakeMessage, type FakeTelegramApi } from '../../../helpers/fake-telegram-api.js';

const logger = createLogger({ level: 'silent' });
const RESIDENT = 5123400001;
const GROUP = -1002000000001;
const FORUM = -1002000000999;
const NASTY = 'Giá <b>1 < 2</b> & a_b *c* [x](y) `z` &amp; _nghiêng_';

let fake: FakeTelegramApi;
const started: TelegramAdapter[] = [];
const servers: Server[] = [];

beforeEach(async () => {
  fake = await startFakeTelegramApi();
});

afterEach(async () => {
  await Promise.all(started.splice(0).map((adapter) => adapter.stop()));
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => (server.closeAllConnections(), server.close(resolve)))));
  await fake.close();
});

function adapterFor(overrides: Partial<TelegramAdapterOptions> = {}): TelegramAdapter {
  return createTelegramAdapter({
    token: fake.token,
    apiRoot: fake.apiRoot,
    logger,
    pollingTimeoutSeconds: 1,
    backoff: { initialMs: 20, maxMs: 100 },
    handlerTimeoutMs: 1000,
    ...overrides,
  });
}

function recorder() {
  const received: InboundMessage[] = [];
  return { received, onMessage: async (message: InboundMessage) => void received.push(message) };
}

async function startPolling(onMessage: (m: InboundMessage) => Promise<void>, overrides: Partial<TelegramAdapterOptions> = {}) {
  const adapter = adapterFor(overrides);
  started.push(adapter);
  await adapter.start({ onMessage });
  return adapter;
}

/** A started adapter with no inbound traffic, for send tests. */
async function sender() {
  return startPolling(async () => {});
}

async function startWebhook(onMessage: (m: InboundMessage) => Promise<void>, secret = 'S3cret_token-for-tests') {
  // The public URL must be known before the adapter exists, so the server listens first and gets the app after.
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const adapter = adapterFor({ webhook: { url: base, secret } });
  server.on('request', createApp({ logger, routes: [(app) => adapter.registerRoutes(app)] }));
  started.push(adapter);
  await adapter.start({ onMessage });
  return { adapter, base };
}

describe('long polling', () => {
  it('receives an update, maps it, and sends a reply with the text exactly as given', async () => {
    const { received, onMessage } = recorder();
    const adapter = await startPolling(onMessage);
    expect(fake.callsTo('deleteWebhook')).toHaveLength(1);

    fake.enqueueUpdate(fake.makeMessage({ chat: fake.privateChat(RESIDENT), text: 'đk ks cho con cần gì' }));
    await vi.waitFor(() => expect(received).toHaveLength(1), { timeout: 2000, interval: 10 });
    expect(received[0]).toMatchObject({ channel: 'telegram', conversationRef: `telegram:${RESIDENT}`, text: 'đk ks cho con cần gì', addressedToBot: true });
    expect(adapter.status()).toMatchObject({ state: 'running' });

    const { externalMessageId } = await adapter.send({ conversationRef: `telegram:${RESIDENT}`, text: NASTY });
    const call = fake.callsTo('sendMessage')[0]!;
    expect(call.response.ok).toBe(true);
    expect(call.params).toMatchObject({ chat_id: RESIDENT, text: NASTY });
    expect(call.params.parse_mode).toBeUndefined();
    const sent = fake.messages(RESIDENT).at(-1)!;
    expect(sent.text).toBe(NASTY);
    expect(externalMessageId).toBe(`${RESIDENT}:${sent.message_id}`);
  });

  it('puts received times on the bot clock (CLOCK_OFFSET): the platform date moved by the offset, its age kept', async () => {
    const { received, onMessage } = recorder();
    const offsetMs = 9 * 60 * 60_000; // 9 hours ahead: the evening, out of office hours
    await startPolling(onMessage, { clock: createOffsetClock({ offsetMs }) });
    const update = fake.makeMessage({ chat: fake.privateChat(RESIDENT), text: 'còn ai trực không' });
    fake.enqueueUpdate(update);
    await vi.waitFor(() => expect(received).toHaveLength(1), { timeout: 2000, interval: 10 });
    const platformMs = (update.message as FakeMessage).date * 1000;
    const shifted = received[0]!.receivedAt.getTime() - platformMs;
    expect(shifted).toBeGreaterThanOrEqual(offsetMs - 50);
    expect(shifted).toBeLessThanOrEqual(offsetMs + 50);
  });

  it('answers in a group only what mentions it, and ignores service updates', async () => {
    const { received, onMessage } = recorder();
    await startPolling(onMessage);
    const group = fake.group(GROUP);
    fake.enqueueUpdate(fake.makeMessage({ chat: group, text: 'chào cả nhà' }));
    fake.enqueueUpdate({ update_id: 900, my_chat_member: { chat: group, from: fake.user(1), date: 1773018000, old_chat_member: { user: fake.bot, status: 'left' }, new_chat_member: { user: fake.bot, status: 'member' } } });
    const mention = `@${fake.bot.username} thủ tục tạm trú`;
    fake.enqueueUpdate(fake.makeMessage({ chat: group, text: mention, extra: { entities: [{ type: 'mention', offset: 0, length: fake.bot.username.length + 1 }] } }));
    await vi.waitFor(() => expect(received).toHaveLength(2), { timeout: 2000, interval: 10 });
    expect(received.map((m) => [m.addressedToBot, m.text])).toEqual([
      [false, 'chào cả nhà'],
      [true, 'thủ tục tạm trú'],
    ]);
  });

  it('keeps polling after a handler throws, without telegraf’s exit-code handler', async () => {
    const received: string[] = [];
    await startPolling(async (message) => {
      received.push(message.text);
      if (message.text === 'boom') throw new Error('pipeline exploded');
    });
    fake.enqueueUpdate(fake.makeMessage({ chat: fake.privateChat(RESIDENT), text: 'boom' }));
    await vi.waitFor(() => expect(received).toEqual(['boom']), { timeout: 2000, interval: 10 });
    fake.enqueueUpdate(fake.makeMessage({ chat: fake.privateChat(RESIDENT), text: 'still here?' }));
    await vi.waitFor(() => expect(received).toEqual(['boom', 'still here?']), { timeout: 2000, interval: 10 });
    expect(process.exitCode).toBeUndefined();
  });

  it('does not let one slow update hold back the next batch beyond handlerTimeoutMs', async () => {
    const finished: string[] = [];
    let releaseSlow!: () => void;
    const slowGate = new Promise<void>((resolve) => (releaseSlow = resolve));
    await startPolling(
      async (message) => {
        if (message.text === 'slow') await slowGate;
        finished.push(message.text);
      },
      { handlerTimeoutMs: 150 },
    );
    fake.enqueueUpdate(fake.makeMessage({ chat: fake.privateChat(RESIDENT), text: 'slow' }));
    await fake.waitForCall('getUpdates', { where: () => true, after: fake.calls.length });
    fake.enqueueUpdate(fake.makeMessage({ chat: fake.privateChat(RESIDENT + 1), text: 'fast' }));
    await vi.waitFor(() => expect(finished).toEqual(['fast']), { timeout: 1500, interval: 10 });
    releaseSlow();
    await vi.waitFor(() => expect(finished).toEqual(['fast', 'slow']), { timeout: 1000, interval: 10 });
  });

  it('confirms handled updates on stop so a restart does not receive them again', async () => {
    const { received, onMessage } = recorder();
    const adapter = await startPolling(onMessage);
    fake.enqueueUpdate(fake.makeMessage({ chat: fake.privateChat(RESIDENT), text: 'một' }));
    await vi.waitFor(() => expect(received).toHaveLength(1), { timeout: 2000, interval: 10 });
    const startedAt = Date.now();
    await adapter.stop();
    expect(Date.now() - startedAt).toBeLessThan(1000);
    expect(fake.pendingUpdates()).toHaveLength(0);
    expect(adapter.status().state).toBe('stopped');
  });

  it('reports a 409 conflict as an error state and recovers when it clears', async () => {
    fake.failNext({ method: 'getUpdates', error: { error_code: 409, description: 'Conflict: terminated by other getUpdates request' }, times: 2 });
    const adapter = await startPolling(async () => {});
    await vi.waitFor(() => expect(adapter.status()).toMatchObject({ state: 'error', detail: expect.stringMatching(/409/) }), { timeout: 1000, interval: 5 });
    await vi.waitFor(() => expect(adapter.status().state).toBe('running'), { timeout: 2000, interval: 10 });
  });

  it('starts in the background when Telegram is briefly unavailable', async () => {
    fake.failNext({ method: 'getMe', error: 'server_error' });
    const adapter = await startPolling(async () => {});
    expect(adapter.status().state).toBe('reconnecting');
    await vi.waitFor(() => expect(adapter.status().state).toBe('running'), { timeout: 2000, interval: 10 });
    expect(fake.callsTo('getMe')).toHaveLength(2);
  });

  it('refuses to start with a token Telegram rejects, saying how to fix it', async () => {
    const adapter = createTelegramAdapter({ token: '999:WrongTokenWrongTokenWrongToken', apiRoot: fake.apiRoot, logger });
    await expect(adapter.start({ onMessage: async () => {} })).rejects.toThrow(/refused the bot token \(401\).*@BotFather/);
    expect(adapter.status()).toMatchObject({ state: 'error' });
  });
});

describe('webhook', () => {
  it('registers the webhook with a secret and a path that does not contain the token', async () => {
    const { adapter, base } = await startWebhook(async () => {});
    expect(fake.webhook).toEqual({ url: `${base}${adapter.webhookPath}`, secretToken: 'S3cret_token-for-tests' });
    expect(adapter.webhookPath).toMatch(/^\/telegram\/webhook\/[0-9a-f]{32}$/);
    expect(fake.webhook!.url).not.toContain(fake.token.split(':')[1]!);
    expect(fake.callsTo('deleteWebhook')).toHaveLength(0);
    expect(adapter.status()).toMatchObject({ state: 'running', detail: 'webhook' });
  });

  it('accepts an update with the secret header and refuses one without it (403)', async () => {
    const { received, onMessage } = recorder();
    const { adapter, base } = await startWebhook(onMessage);
    const update = fake.makeMessage({ chat: fake.privateChat(RESIDENT), text: 'thủ tục sổ đỏ' });

    expect(await fake.deliverWebhook(update, { secretToken: null })).toEqual({ status: 403 });
    expect(await fake.deliverWebhook(update, { secretToken: 'wrong-secret' })).toEqual({ status: 403 });
    expect(received).toHaveLength(0);

    // The response comes after the handler finished: no waiting needed.
    expect(await fake.deliverWebhook(update)).toEqual({ status: 200 });
    expect(received.map((m) => m.text)).toEqual(['thủ tục sổ đỏ']);

    const get = await fetch(`${base}${adapter.webhookPath}`);
    expect(get.status).toBe(404);
  });

  it('answers button taps so the spinner stops, and passes the action on', async () => {
    const { received, onMessage } = recorder();
    const { adapter } = await startWebhook(onMessage);
    await adapter.send({ conversationRef: `telegram:${RESIDENT}`, text: 'Chọn thủ tục', buttons: [{ label: 'Gặp cán bộ', data: 'handoff' }] });
    const tap = fake.makeCallback({ chat: fake.privateChat(RESIDENT), data: 'handoff' });
    expect(await fake.deliverWebhook(tap)).toEqual({ status: 200 });
    expect(received[0]).toMatchObject({ action: 'handoff', externalMessageId: `cb:${tap.callback_query.id}` });
    expect(fake.callsTo('answerCallbackQuery').map((c) => c.params.callback_query_id)).toEqual([tap.callback_query.id]);
  });

  it('stops accepting on stop (503, Telegram redelivers) and leaves the webhook registered', async () => {
    const { received, onMessage } = recorder();
    const { adapter } = await startWebhook(onMessage);
    await adapter.stop();
    expect(await fake.deliverWebhook(fake.makeMessage({ chat: fake.privateChat(RESIDENT), text: 'x' }))).toEqual({ status: 503 });
    expect(received).toHaveLength(0);
    expect(fake.webhook).toBeDefined();
    expect(fake.callsTo('deleteWebhook')).toHaveLength(0);
  });

  it('refuses a secret Telegram would not accept', () => {
    expect(() => adapterFor({ webhook: { url: 'https://bot.example.vn', secret: 'has spaces!' } })).toThrow(/TELEGRAM_WEBHOOK_SECRET/);
  });
});

describe('send', () => {
  it('sends buttons as an inline keyboard, one per row, quoting and threading as asked', async () => {
    const adapter = await sender();
    const resident = fake.makeMessage({ chat: fake.privateChat(RESIDENT), text: 'cần gì?' });
    await adapter.send({
      conversationRef: `telegram:${RESIDENT}`,
      text: 'Bạn hỏi thủ tục nào?',
      buttons: [
        { label: '1. Đăng ký khai sinh', data: 'faq:dang-ky-khai-sinh' },
        { label: 'Gặp cán bộ', data: 'handoff' },
      ],
      replyToExternalId: `${RESIDENT}:${resident.message.message_id}`,
    });
    expect(fake.callsTo('sendMessage')[0]!.params).toMatchObject({
      reply_markup: {
        inline_keyboard: [[{ text: '1. Đăng ký khai sinh', callback_data: 'faq:dang-ky-khai-sinh' }], [{ text: 'Gặp cán bộ', callback_data: 'handoff' }]],
      },
      reply_parameters: { message_id: resident.message.message_id, allow_sending_without_reply: true },
    });
    expect(fake.messages(RESIDENT).at(-1)!.reply_to_message.message_id).toBe(resident.message.message_id);
  });

  it('fails loudly, without calling Telegram, on button data over 64 bytes, empty or too long text, or a bad ref', async () => {
    const adapter = await sender();
    const before = fake.callsTo('sendMessage').length;
    const longData = 'faq:' + 'đăng-ký-khai-sinh-'.repeat(3);
    await expect(adapter.send({ conversationRef: `telegram:${RESIDENT}`, text: 'x', buttons: [{ label: 'A', data: longData }] })).rejects.toMatchObject({
      name: 'ChannelApiError',
      details: { retryable: false, reason: 'bad_request' },
      message: expect.stringMatching(/Telegram allows 1-64/),
    });
    await expect(adapter.send({ conversationRef: `telegram:${RESIDENT}`, text: '   ' })).rejects.toThrow(/empty/);
    await expect(adapter.send({ conversationRef: `telegram:${RESIDENT}`, text: 'a'.repeat(4097) })).rejects.toThrow(/4097 characters/);
    await expect(adapter.send({ conversationRef: 'telegram:abc', text: 'x' })).rejects.toMatchObject({ details: { retryable: false } });
    expect(fake.callsTo('sendMessage').length).toBe(before);
  });

  it('renders mentions as text_mention entities (no parse_mode), so staff are notified by a tap-able name', async () => {
    const adapter = await sender();
    const text = '⏰ @Trần Văn Minh: phiếu HS-0001 chưa có trả lời.';
    await adapter.send({ conversationRef: `telegram:${GROUP}`, text, mentions: [{ text: '@Trần Văn Minh', userIds: { telegram: '100000002', zalo: '9' } }] });
    const { params } = fake.callsTo('sendMessage')[0]!;
    expect(params.parse_mode).toBeUndefined();
    expect(params.entities).toEqual([{ type: 'text_mention', offset: 2, length: 14, user: { id: 100000002 } }]);
    expect(fake.messages(GROUP).at(-1)).toMatchObject({ text, entities: [{ type: 'text_mention', offset: 2, length: 14 }] });
  });

  it('when Telegram refuses the mentions, sends the same text without them rather than losing the message', async () => {
    const adapter = await sender();
    fake.failNext({ method: 'sendMessage', error: { error_code: 400, description: 'Bad Request: USER_ID_INVALID' } });
    const text = '🚨 @Nguyễn Thị Lan (trưởng bộ phận): phiếu HS-0001 đã quá hạn.';
    const { externalMessageId } = await adapter.send({ conversationRef: `telegram:${GROUP}`, text, mentions: [{ text: '@Nguyễn Thị Lan', userIds: { telegram: '100000001' } }] });
    const calls = fake.callsTo('sendMessage');
    expect(calls).toHaveLength(2);
    expect(calls[0]!.params.entities).toBeDefined();
    expect(calls[1]!.params).toMatchObject({ text });
    expect(calls[1]!.params.entities).toBeUndefined();
    expect(externalMessageId).toBe(`${GROUP}:${fake.messages(GROUP).at(-1)!.message_id}`);
    // Any other 400 without mentions is not retried.
    fake.failNext({ method: 'sendMessage', error: { error_code: 400, description: 'Bad Request: USER_ID_INVALID' } });
    await expect(adapter.send({ conversationRef: `telegram:${GROUP}`, text })).rejects.toMatchObject({ details: { retryable: false } });
    expect(fake.callsTo('sendMessage')).toHaveLength(3);
  });

  it('drops a quote that points into another chat instead of failing the reply', async () => {
    const adapter = await sender();
    await adapter.send({ conversationRef: `telegram:${RESIDENT}`, text: 'ok', replyToExternalId: `${GROUP}:5` });
    expect(fake.callsTo('sendMessage')[0]!.params.reply_parameters).toBeUndefined();
  });

  it('translates 403 (blocked) into a permanent ChannelApiError', async () => {
    const adapter = await sender();
    fake.failNext({ method: 'sendMessage', error: 'blocked' });
    const error = await adapter.send({ conversationRef: `telegram:${RESIDENT}`, text: 'xin chào' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChannelApiError);
    expect((error as ChannelApiError).details).toEqual({ platformCode: 403, retryable: false, reason: 'recipient_blocked' });
    expect((error as Error).message).toMatch(/blocked by the user/);
  });

  it('translates 400 chat not found into a permanent error', async () => {
    const adapter = await sender();
    fake.failNext({ method: 'sendMessage', error: 'chat_not_found' });
    await expect(adapter.send({ conversationRef: `telegram:${RESIDENT}`, text: 'x' })).rejects.toMatchObject({
      details: { platformCode: 400, retryable: false, reason: 'chat_not_found' },
    });
  });

  it('translates 429 into a retryable error carrying retry_after in ms, and does not retry itself', async () => {
    const adapter = await sender();
    fake.failNext({ method: 'sendMessage', error: 'rate_limited', retryAfter: 7 });
    await expect(adapter.send({ conversationRef: `telegram:${RESIDENT}`, text: 'x' })).rejects.toMatchObject({
      details: { platformCode: 429, retryable: true, retryAfterMs: 7000, reason: 'rate_limited' },
    });
    expect(fake.callsTo('sendMessage')).toHaveLength(1);
  });

  it('translates 5xx into a retryable error', async () => {
    const adapter = await sender();
    fake.failNext({ method: 'sendMessage', error: 'server_error' });
    await expect(adapter.send({ conversationRef: `telegram:${RESIDENT}`, text: 'x' })).rejects.toMatchObject({
      details: { platformCode: 500, retryable: true, reason: 'server_error' },
    });
  });

  it('translates an unreachable API into ChannelNetworkError', async () => {
    const adapter = await sender();
    await adapter.stop();
    await fake.close();
    const error = await adapter.send({ conversationRef: `telegram:${RESIDENT}`, text: 'x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChannelNetworkError);
    expect((error as ChannelNetworkError).retryable).toBe(true);
    expect((error as Error).message).toMatch(/sendMessage could not reach the Telegram Bot API/);
    expect((error as Error).message).not.toContain(fake.token.split(':')[1]!);
    fake = await startFakeTelegramApi(); // for afterEach
  });

  it('times out a call that hangs', async () => {
    const hanging = createServer(() => {}); // accepts the request, never answers
    await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
    servers.push(hanging);
    const adapter = createTelegramAdapter({ token: fake.token, apiRoot: `http://127.0.0.1:${(hanging.address() as AddressInfo).port}/`, logger, requestTimeoutMs: 150 });
    const startedAt = Date.now();
    const error = await adapter.send({ conversationRef: `telegram:${RESIDENT}`, text: 'x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChannelNetworkError);
    expect(Date.now() - startedAt).toBeLessThan(1000);
  });

  it('shows typing in the right chat and topic', async () => {
    const adapter = await sender();
    await adapter.sendTyping({ conversationRef: `telegram:${FORUM}:topic:12` });
    expect(fake.callsTo('sendChatAction')[0]!.params).toEqual({ chat_id: FORUM, action: 'typing', message_thread_id: 12 });
  });
});

describe('forum topics for staff groups', () => {
  it('creates a topic, sends into it, and copies a resident’s photo there', async () => {
    const adapter = await sender();
    const { conversationRef: topicRef } = await adapter.createThread({ conversationRef: `telegram:${FORUM}`, title: '  HS-0042 · Nguyễn T. L. · Hộ tịch  ' });
    const topic = fake.topics(FORUM)[0]!;
    expect(topic).toMatchObject({ name: 'HS-0042 · Nguyễn T. L. · Hộ tịch', state: 'open' });
    expect(topicRef).toBe(`telegram:${FORUM}:topic:${topic.threadId}`);

    const card = await adapter.send({ conversationRef: topicRef, text: 'Phiếu HS-0042' });
    expect(fake.callsTo('sendMessage')[0]!.params).toMatchObject({ chat_id: FORUM, message_thread_id: topic.threadId });
    expect(card.externalMessageId).toMatch(new RegExp(`^${FORUM}:\\d+$`));

    const photo = fake.makeMessage({ chat: fake.privateChat(RESIDENT), extra: { photo: [{ file_id: 'AgAC-photo', file_unique_id: 'u', width: 1, height: 1 }], caption: 'giấy chứng sinh' } });
    const copy = await adapter.copyMessage({
      from: { conversationRef: `telegram:${RESIDENT}`, externalMessageId: `${RESIDENT}:${photo.message.message_id}` },
      to: topicRef,
    });
    expect(fake.callsTo('copyMessage')[0]!.params).toEqual({ chat_id: FORUM, from_chat_id: RESIDENT, message_id: photo.message.message_id, message_thread_id: topic.threadId });
    const copied = fake.messages(FORUM).at(-1)!;
    expect(copied).toMatchObject({ caption: 'giấy chứng sinh', message_thread_id: topic.threadId });
    expect(copy.externalMessageId).toBe(`${FORUM}:${copied.message_id}`);
  });

  it('downloads a Zalo photo (capped, with a timeout) and uploads its bytes into a topic; a dead link or an oversized file is a permanent refusal, a stalled one a retryable one', async () => {
    const cdn = await startFakeMediaCdn();
    try {
      const adapter = await startPolling(async () => {}, { fetchMedia: cdn.fetcher({ maxBytes: 4096, timeoutMs: 300 }) });
      expect(adapter.capabilities.copiesAcrossChannels).toBe(true);
      const { conversationRef: topicRef } = await adapter.createThread({ conversationRef: `telegram:${FORUM}`, title: 'HS-0043' });
      const url = 'https://photo-stal-01.zdn.vn/jpg/anon/p.jpg';
      const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), Buffer.alloc(1000, 3)]);
      cdn.serve(url, { data: jpeg, contentType: 'image/jpeg' });
      const from = { conversationRef: 'zalo:user:3000000000000000001', externalMessageId: '7412345678902' };
      const { externalMessageId } = await adapter.copyMessage({ from, to: topicRef, kind: 'photo', attachment: { ref: url } });
      expect(fake.callsTo('copyMessage')).toHaveLength(0);
      const upload = fake.callsTo('sendPhoto')[0]!;
      expect(upload.params.photo).toMatchObject({ uploadedFile: 'p.jpg', bytes: jpeg });
      expect(Number(upload.params.message_thread_id)).toBe(fake.topics(FORUM)[0]!.threadId);
      expect(externalMessageId).toBe(`${FORUM}:${fake.messages(FORUM).at(-1)!.message_id}`);

      const copy = (ref: string) => adapter.copyMessage({ from, to: topicRef, kind: 'photo', attachment: { ref } });
      await expect(copy('https://photo-stal-01.zdn.vn/jpg/anon/gone.jpg')).rejects.toMatchObject({ details: { retryable: false, reason: 'bad_request' } });
      const big = 'https://photo-stal-01.zdn.vn/jpg/anon/big.jpg';
      cdn.serve(big, { data: Buffer.alloc(4097), contentType: 'image/jpeg' });
      await expect(copy(big)).rejects.toMatchObject({ details: { retryable: false, reason: 'bad_request' } });
      const slow = 'https://photo-stal-01.zdn.vn/jpg/anon/slow.jpg';
      cdn.stall(slow);
      await expect(copy(slow)).rejects.toMatchObject({ code: 'channel.network_error', retryable: true });
      await expect(adapter.copyMessage({ from, to: topicRef, kind: 'sticker', attachment: { ref: '{"id":7}' } })).rejects.toMatchObject({ details: { retryable: false } });
      expect(fake.callsTo('sendPhoto')).toHaveLength(1); // nothing else reached Telegram
    } finally {
      await cdn.close();
    }
  });

  it('posts a web chat upload into a topic as a file, loaded from the media store', async () => {
    const stored = { data: Buffer.from('%PDF-1.4 tờ khai'), fileName: 'to-khai.pdf', mimeType: 'application/pdf' };
    const loaded: string[] = [];
    const adapter = await startPolling(async () => {}, { loadMedia: async ({ ref }) => (loaded.push(ref), ref === 'web-upload:5' ? stored : undefined) });
    const { conversationRef: topicRef } = await adapter.createThread({ conversationRef: `telegram:${FORUM}`, title: 'HS-0044' });
    const from = { conversationRef: 'web:7d3f0c1e-0000-4000-8000-000000000001', externalMessageId: 'x:y' };
    await adapter.copyMessage({ from, to: topicRef, kind: 'file', attachment: { ref: 'web-upload:5', fileName: 'to-khai.pdf', mimeType: 'application/pdf' } });
    const upload = fake.callsTo('sendDocument')[0]!;
    expect(upload.response.ok).toBe(true);
    expect(upload.params.document).toMatchObject({ uploadedFile: 'to-khai.pdf', bytes: stored.data });
    expect(Number(upload.params.chat_id)).toBe(FORUM);
    expect(Number(upload.params.message_thread_id)).toBe(fake.topics(FORUM)[0]!.threadId);
    // An erased upload is a permanent refusal (the caller sends the notice instead).
    await expect(adapter.copyMessage({ from, to: topicRef, kind: 'photo', attachment: { ref: 'web-upload:6' } })).rejects.toMatchObject({ details: { retryable: false } });
    expect(loaded).toEqual(['web-upload:5', 'web-upload:6']);
  });

  it('reports a deleted topic as thread-gone (deleted) and a closed one as thread-gone (closed), then reopens it', async () => {
    const adapter = await sender();
    const { conversationRef: deletedRef } = await adapter.createThread({ conversationRef: `telegram:${FORUM}`, title: 'HS-0001' });
    const { conversationRef: closedRef } = await adapter.createThread({ conversationRef: `telegram:${FORUM}`, title: 'HS-0002' });
    const [first, second] = fake.topics(FORUM);
    fake.deleteTopic({ chatId: FORUM, threadId: first!.threadId });
    fake.closeTopic({ chatId: FORUM, threadId: second!.threadId });

    const deleted = await adapter.send({ conversationRef: deletedRef, text: 'x' }).catch((e: unknown) => e);
    expect(isThreadGoneError(deleted)).toBe(true);
    expect((deleted as ChannelApiError).details).toMatchObject({ reason: 'thread_deleted', retryable: false, platformCode: 400 });
    expect((deleted as Error).message).toMatch(/message thread not found.*\[thread_deleted\]/);

    const closed = await adapter.send({ conversationRef: closedRef, text: 'x' }).catch((e: unknown) => e);
    expect(isThreadGoneError(closed)).toBe(true);
    expect((closed as ChannelApiError).details.reason).toBe('thread_closed');

    await adapter.reopenThread({ conversationRef: closedRef });
    await adapter.reopenThread({ conversationRef: closedRef }); // already open: still fine
    await expect(adapter.send({ conversationRef: closedRef, text: 'x' })).resolves.toMatchObject({ externalMessageId: expect.any(String) });
    await adapter.closeThread({ conversationRef: closedRef });
    expect(fake.topics(FORUM)[1]!.state).toBe('closed');

    await expect(adapter.reopenThread({ conversationRef: deletedRef })).rejects.toSatisfy(isThreadGoneError);
    expect(isThreadGoneError(new Error('message thread not found'))).toBe(false);
  });

  it('refuses thread operations on the wrong kind of ref', async () => {
    const adapter = await sender();
    await expect(adapter.createThread({ conversationRef: `telegram:${FORUM}:topic:3`, title: 'x' })).rejects.toThrow(/inside topic/);
    await expect(adapter.reopenThread({ conversationRef: `telegram:${FORUM}` })).rejects.toThrow(/not a topic/);
    await expect(
      adapter.copyMessage({ from: { conversationRef: `telegram:${RESIDENT}`, externalMessageId: 'cb:1' }, to: `telegram:${FORUM}` }),
    ).rejects.toMatchObject({ details: { retryable: false } });
    await expect(
      adapter.copyMessage({ from: { conversationRef: `telegram:${RESIDENT}`, externalMessageId: `${GROUP}:3` }, to: `telegram:${FORUM}` }),
    ).rejects.toThrow(/does not belong/);
  });
});
