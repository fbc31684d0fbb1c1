/**
 * An in-repo fake of the Telegram Bot API over real HTTP on 127.0.0.1, for driving the REAL telegraf
 * (`telegram: { apiRoot: fake.apiRoot }`) in tests. telegram-test-api cannot do forum topics,
 * copyMessage or error injection (jehy/telegram-test-api 4.2.1); this can.
 *
 * Usage:
 *   const fake = await startFakeTelegramApi();                  // token fake.token, bot fake.bot (@motcua_test_bot)
 *   const adapter = createTelegramAdapter({ token: fake.token, apiRoot: fake.apiRoot, ... });
 *
 *   // Inbound: build an update (message ids are assigned per chat), then deliver it:
 *   const update = fake.makeMessage({ chat: fake.privateChat(1001), text: 'xin chào' });
 *   fake.enqueueUpdate(update);                 // long polling: served by getUpdates
 *   await fake.deliverWebhook(update);          // webhook: POSTed to the URL given to setWebhook, with its secret
 *   await fake.pushUpdate(update);              // whichever of the two is active
 *
 *   // Outbound: every call is recorded.
 *   const call = await fake.waitForCall('sendMessage', { where: (p) => p.chat_id === 1001 });
 *   fake.callsTo('sendMessage'); fake.messages(1001);
 *
 *   // Failures:
 *   fake.failNext({ method: 'sendMessage', error: 'blocked' });          // 403 once (times: n for more)
 *   fake.failNext({ method: 'sendMessage', error: 'rate_limited', retryAfter: 7 });
 *   fake.failNext({ method: 'sendMessage', error: 'server_error' });     // HTTP 500
 *   fake.failNext({ method: '*', chatId: -100123, error: { error_code: 400, description: 'Bad Request: …' } });
 *   fake.blockChat(1001);                        // every send to 1001 → 403 until unblockChat
 *   fake.deleteTopic({ chatId, threadId });      // sends there → 400 message thread not found
 *   fake.closeTopic({ chatId, threadId });       // sends there → 400 TOPIC_CLOSED
 *   fake.unreachableUrl(url);                    // sendPhoto/sendDocument by that link → 400 failed to get HTTP URL content
 *   (sendPhoto/sendVideo/sendVoice/sendDocument with an uploaded file keep its bytes: calls' params[field].bytes)
 *   fake.handle('getChat', (params) => ({ ... })); // add or override any method
 *
 *   await fake.close();
 *
 * Like Telegram it refuses what would break a real send: empty or >4096-character text, bad HTML or
 * MarkdownV2 when parse_mode is set, callback_data over 64 bytes, getUpdates while a webhook is set.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EventEmitter } from 'node:events';

// Loose shapes: tests read and build these freely.
/* eslint-disable @typescript-eslint/no-explicit-any */
export type Params = Record<string, any>;
export type FakeUpdate = { update_id: number; [kind: string]: any };
export type FakeMessage = Record<string, any> & { message_id: number; chat: FakeChat; date: number };
export type FakeUser = { id: number; is_bot: boolean; first_name: string; last_name?: string; username?: string; language_code?: string };
export type FakeChat = { id: number; type: 'private' | 'group' | 'supergroup' | 'channel'; title?: string; first_name?: string; is_forum?: true };
export type FakeCall = { method: string; params: Params; at: Date; response: { ok: boolean; error_code?: number; description?: string } };
export type FakeApiError = { error_code: number; description: string; parameters?: { retry_after?: number; migrate_to_chat_id?: number } };
export type FakeErrorPreset = 'blocked' | 'rate_limited' | 'server_error' | 'chat_not_found' | 'thread_not_found' | 'topic_closed';
export type FakeTopic = { chatId: number; threadId: number; name: string; state: 'open' | 'closed' | 'deleted' };
export type MethodHandler = (params: Params) => unknown;

export type FakeTelegramApi = {
  /** Pass as telegraf's `telegram.apiRoot` (ends with '/'). */
  readonly apiRoot: string;
  readonly token: string;
  readonly bot: FakeUser & { username: string };
  /** Every request in arrival order, including getUpdates polls. */
  readonly calls: FakeCall[];
  callsTo(method: string): FakeCall[];
  /** Resolves with the first matching call recorded at index >= `after` (default 0); rejects after `timeoutMs` (2000). */
  waitForCall(method: string, options?: { where?: (params: Params) => boolean; after?: number; timeoutMs?: number }): Promise<FakeCall>;
  /** Messages the fake knows in a chat (built with makeMessage or sent/copied by the bot), oldest first. */
  messages(chatId: number): FakeMessage[];

  privateChat(id: number, firstName?: string): FakeChat;
  group(id: number, title?: string): FakeChat;
  forum(id: number, title?: string): FakeChat;
  user(id: number, firstName?: string, extra?: Partial<FakeUser>): FakeUser;
  /**
   * A message update from a person. `from` defaults to the private chat's user (or user 1 in groups);
   * `threadId` makes it a forum-topic message; `replyTo` quotes a message id of the same chat;
   * `extra` is merged into the message (photo, entities, caption…).
   */
  makeMessage(args: { chat: FakeChat; text?: string; from?: FakeUser; threadId?: number; replyTo?: number; extra?: Params }): FakeUpdate;
  /** A button tap on a message (default: the bot's last message in the chat). */
  makeCallback(args: { chat: FakeChat; data: string; from?: FakeUser; messageId?: number }): FakeUpdate;

  enqueueUpdate(update: FakeUpdate): FakeUpdate;
  /** Updates not yet confirmed by a getUpdates offset. */
  pendingUpdates(): FakeUpdate[];
  /** The webhook set by setWebhook, if any. */
  readonly webhook: { url: string; secretToken?: string } | undefined;
  deliverWebhook(update: FakeUpdate, options?: { secretToken?: string | null }): Promise<{ status: number }>;
  pushUpdate(update: FakeUpdate): Promise<{ status: number | 'queued' }>;

  failNext(args: { method: string; error: FakeErrorPreset | FakeApiError; chatId?: number; times?: number; retryAfter?: number }): void;
  blockChat(chatId: number): void;
  unblockChat(chatId: number): void;
  topics(chatId: number): FakeTopic[];
  deleteTopic(args: { chatId: number; threadId: number }): void;
  closeTopic(args: { chatId: number; threadId: number }): void;
  handle(method: string, handler: MethodHandler): void;
  /** sendPhoto/sendVideo/sendDocument with this URL fail as Telegram does when it cannot download it. */
  unreachableUrl(url: string): void;
  /** Forgets calls, queued updates, injected errors, blocks, topics and messages. */
  reset(): void;
  close(): Promise<void>;
};

/** Thrown inside a method handler to answer ok:false. */
export class FakeApiFailure extends Error {
  constructor(readonly error: FakeApiError) {
    super(error.description);
  }
}

const PRESETS: Record<Exclude<FakeErrorPreset, 'rate_limited'>, FakeApiError> = {
  blocked: { error_code: 403, description: 'Forbidden: bot was blocked by the user' },
  server_error: { error_code: 500, description: 'Internal Server Error' },
  chat_not_found: { error_code: 400, description: 'Bad Request: chat not found' },
  thread_not_found: { error_code: 400, description: 'Bad Request: message thread not found' },
  topic_closed: { error_code: 400, description: 'Bad Request: TOPIC_CLOSED' },
};

export async function startFakeTelegramApi(options: { token?: string; bot?: Partial<FakeUser>; maxPollMs?: number; now?: () => Date } = {}): Promise<FakeTelegramApi> {
  const token = options.token ?? '123456789:AAFakeTokenForTestsOnly_abcdefghij';
  const bot = { id: Number(token.split(':')[0]), is_bot: true, first_name: 'Một Cửa (test)', username: 'motcua_test_bot', ...options.bot } as FakeUser & { username: string };
  const maxPollMs = options.maxPollMs ?? 250;
  const now = options.now ?? (() => new Date());
  const unix = () => Math.floor(now().getTime() / 1000);
  const events = new EventEmitter();
  events.setMaxListeners(100);

  const calls: FakeCall[] = [];
  let queue: FakeUpdate[] = [];
  let nextUpdateId = 500_000_001;
  let failures: Array<{ method: string; chatId?: number; error: FakeApiError; times: number }> = [];
  let blocked = new Set<number>();
  let topics = new Map<string, FakeTopic>();
  let chats = new Map<number, { nextId: number; messages: FakeMessage[] }>();
  let webhook: { url: string; secretToken?: string } | undefined;
  const custom = new Map<string, MethodHandler>();
  const pollers = new Set<() => void>();

  const fail = (error: FakeApiError): never => {
    throw new FakeApiFailure(error);
  };
  const chatStore = (chatId: number) => {
    let store = chats.get(chatId);
    if (!store) chats.set(chatId, (store = { nextId: 1, messages: [] }));
    return store;
  };
  const chatOf = (chatId: number): FakeChat =>
    chatId > 0 ? { id: chatId, type: 'private', first_name: `User ${chatId}` } : { id: chatId, type: 'supergroup', title: `Group ${chatId}` };
  const store = (message: FakeMessage) => {
    chatStore(message.chat.id).messages.push(message);
    return message;
  };
  const findMessage = (chatId: number, messageId: number) => chats.get(chatId)?.messages.find((m) => m.message_id === messageId);

  function checkChat(p: Params) {
    const chatId = Number(p.chat_id);
    if (!p.chat_id) fail({ error_code: 400, description: 'Bad Request: chat_id is empty' });
    if (blocked.has(chatId)) fail(chatId > 0 ? PRESETS.blocked : { error_code: 403, description: 'Forbidden: bot was kicked from the supergroup chat' });
    if (p.message_thread_id !== undefined) {
      const topic = topics.get(`${chatId}:${p.message_thread_id}`);
      if (topic?.state === 'deleted') fail(PRESETS.thread_not_found);
      if (topic?.state === 'closed') fail(PRESETS.topic_closed);
    }
    return chatId;
  }

  /** Like Telegram: entities must lie inside the text; a text_mention needs its user's id. */
  function checkEntities(text: string, raw: unknown): Params[] | undefined {
    if (raw === undefined) return undefined;
    const entities = (typeof raw === 'string' ? JSON.parse(raw) : raw) as Params[];
    for (const e of entities) {
      if (!Number.isInteger(e.offset) || !Number.isInteger(e.length) || e.offset < 0 || e.length < 1 || e.offset + e.length > text.length) {
        fail({ error_code: 400, description: "Bad Request: can't parse entities: entity is out of the text" });
      }
      if (e.type === 'text_mention' && !Number.isInteger(e.user?.id)) fail({ error_code: 400, description: 'Bad Request: USER_ID_INVALID' });
    }
    return entities;
  }

  function checkReplyMarkup(p: Params) {
    for (const row of p.reply_markup?.inline_keyboard ?? []) {
      for (const button of row) {
        if (!button.text) fail({ error_code: 400, description: 'Bad Request: text buttons are unallowed in the inline keyboard' });
        if (button.callback_data !== undefined && (Buffer.byteLength(button.callback_data) > 64 || button.callback_data === '')) {
          fail({ error_code: 400, description: 'Bad Request: BUTTON_DATA_INVALID' });
        }
      }
    }
  }

  function botMessage(chatId: number, p: Params, content: Params): FakeMessage {
    const message: FakeMessage = { message_id: chatStore(chatId).nextId++, from: bot, chat: chatOf(chatId), date: unix(), ...content };
    if (p.message_thread_id !== undefined) Object.assign(message, { message_thread_id: p.message_thread_id, is_topic_message: true });
    const replyTo = p.reply_parameters?.message_id ?? p.reply_to_message_id;
    if (replyTo !== undefined) {
      const quoted = findMessage(chatId, replyTo);
      if (quoted) message.reply_to_message = { ...quoted, reply_to_message: undefined };
      else if (!p.reply_parameters?.allow_sending_without_reply) fail({ error_code: 400, description: 'Bad Request: message to be replied not found' });
    }
    if (p.reply_markup?.inline_keyboard) message.reply_markup = p.reply_markup;
    return store(message);
  }

  const unreachableUrls = new Set<string>();
  function sendMediaByUrl(p: Params, field: 'photo' | 'video' | 'voice' | 'document') {
    const chatId = checkChat(p);
    if (p[field]?.uploadedFile) {
      // An uploaded file (multipart): accepted as sent.
      const file = { file_id: `fake-upload-${p[field].uploadedFile}`, file_unique_id: p[field].uploadedFile, file_size: p[field].size };
      return botMessage(chatId, p, field === 'photo' ? { photo: [{ ...file, width: 1, height: 1 }] } : { [field]: { ...file, file_name: p[field].uploadedFile } });
    }
    const url = String(p[field] ?? '');
    if (!/^https?:\/\//.test(url)) fail({ error_code: 400, description: `Bad Request: wrong file identifier/HTTP URL specified` });
    if (unreachableUrls.has(url)) fail({ error_code: 400, description: 'Bad Request: failed to get HTTP URL content' });
    if (field === 'document' && !/\.(pdf|zip|gif)$/i.test(new URL(url).pathname)) {
      fail({ error_code: 400, description: 'Bad Request: wrong type of the web page content' });
    }
    const content = field === 'photo' ? { photo: [{ file_id: `fake-${url}`, file_unique_id: url, width: 1, height: 1 }] } : { [field]: { file_id: `fake-${url}`, file_unique_id: url } };
    return botMessage(chatId, p, { ...content, ...(p.caption ? { caption: p.caption } : {}) });
  }

  function topicOf(p: Params): FakeTopic {
    const topic = topics.get(`${p.chat_id}:${p.message_thread_id}`);
    if (!topic || topic.state === 'deleted') fail(PRESETS.thread_not_found);
    return topic as FakeTopic;
  }

  const methods: Record<string, MethodHandler> = {
    getMe: () => bot,
    getUpdates: () => {
      throw new Error('handled by the long-poll path');
    },
    setWebhook: (p) => {
      if (p.secret_token !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(p.secret_token)) {
        fail({ error_code: 400, description: 'Bad Request: secret token contains unallowed characters' });
      }
      if (!/^https?:\/\//.test(p.url ?? '')) fail({ error_code: 400, description: 'Bad Request: bad webhook: An HTTPS URL must be provided for webhook' });
      webhook = { url: p.url, secretToken: p.secret_token };
      if (p.drop_pending_updates) queue = [];
      return true;
    },
    deleteWebhook: (p) => {
      webhook = undefined;
      if (p.drop_pending_updates) queue = [];
      return true;
    },
    getWebhookInfo: () => ({ url: webhook?.url ?? '', has_custom_certificate: false, pending_update_count: queue.length }),
    sendMessage: (p) => {
      const chatId = checkChat(p);
      const text = String(p.text ?? '');
      if (text.trim() === '') fail({ error_code: 400, description: 'Bad Request: message text is empty' });
      if (text.length > 4096) fail({ error_code: 400, description: 'Bad Request: message is too long' });
      const parseError = checkMarkup(text, p.parse_mode);
      if (parseError) fail({ error_code: 400, description: `Bad Request: can't parse entities: ${parseError}` });
      checkReplyMarkup(p);
      const entities = checkEntities(text, p.entities);
      return botMessage(chatId, p, { text, ...(entities ? { entities } : {}) });
    },
    // Media by link (our adapter uploads another platform's media this way). Like Telegram: by URL a
    // document must be PDF, ZIP or GIF; `fake.unreachableUrls` answers "failed to get HTTP URL content".
    sendPhoto: (p) => sendMediaByUrl(p, 'photo'),
    sendVideo: (p) => sendMediaByUrl(p, 'video'),
    sendDocument: (p) => sendMediaByUrl(p, 'document'),
    sendVoice: (p) => sendMediaByUrl(p, 'voice'),
    editMessageText: (p) => {
      const message = findMessage(Number(p.chat_id), Number(p.message_id));
      if (!message) fail({ error_code: 400, description: 'Bad Request: message to edit not found' });
      if (message!.text === p.text) fail({ error_code: 400, description: 'Bad Request: message is not modified' });
      const parseError = checkMarkup(String(p.text ?? ''), p.parse_mode);
      if (parseError) fail({ error_code: 400, description: `Bad Request: can't parse entities: ${parseError}` });
      checkReplyMarkup(p);
      Object.assign(message!, { text: p.text, edit_date: unix() }, p.reply_markup ? { reply_markup: p.reply_markup } : {});
      return message;
    },
    editMessageReplyMarkup: (p) => {
      const message = findMessage(Number(p.chat_id), Number(p.message_id));
      if (!message) fail({ error_code: 400, description: 'Bad Request: message to edit not found' });
      checkReplyMarkup(p);
      if (p.reply_markup) message!.reply_markup = p.reply_markup;
      else delete message!.reply_markup;
      return message;
    },
    deleteMessage: () => true,
    answerCallbackQuery: () => true,
    sendChatAction: (p) => {
      checkChat(p);
      return true;
    },
    copyMessage: (p) => {
      const chatId = checkChat(p);
      const source = findMessage(Number(p.from_chat_id), Number(p.message_id));
      const content: Params = source ? { ...source } : { text: `(copy of ${p.from_chat_id}:${p.message_id})` };
      for (const key of ['message_id', 'chat', 'from', 'date', 'message_thread_id', 'is_topic_message', 'reply_to_message']) delete content[key];
      return { message_id: botMessage(chatId, p, content).message_id };
    },
    createForumTopic: (p) => {
      const chatId = Number(p.chat_id);
      if (chatId > 0) fail({ error_code: 400, description: 'Bad Request: the chat is not a forum' });
      if (blocked.has(chatId)) fail({ error_code: 403, description: 'Forbidden: bot was kicked from the supergroup chat' });
      const name = String(p.name ?? '');
      if (name.length < 1 || Array.from(name).length > 128) fail({ error_code: 400, description: 'Bad Request: TOPIC_NAME_INVALID' });
      // In Telegram a topic's id is the id of its "topic created" service message.
      const created = store({ message_id: chatStore(chatId).nextId++, chat: chatOf(chatId), date: unix(), from: bot, forum_topic_created: { name, icon_color: 7322096 } });
      const topic: FakeTopic = { chatId, threadId: created.message_id, name, state: 'open' };
      topics.set(`${chatId}:${topic.threadId}`, topic);
      return { message_thread_id: topic.threadId, name, icon_color: p.icon_color ?? 7322096 };
    },
    editForumTopic: (p) => {
      const topic = topicOf(p);
      if (p.name) topic.name = p.name;
      return true;
    },
    closeForumTopic: (p) => {
      const topic = topicOf(p);
      if (topic.state === 'closed') fail({ error_code: 400, description: 'Bad Request: TOPIC_NOT_MODIFIED' });
      topic.state = 'closed';
      return true;
    },
    reopenForumTopic: (p) => {
      const topic = topicOf(p);
      if (topic.state === 'open') fail({ error_code: 400, description: 'Bad Request: TOPIC_NOT_MODIFIED' });
      topic.state = 'open';
      return true;
    },
    deleteForumTopic: (p) => {
      topicOf(p).state = 'deleted';
      return true;
    },
    setMyCommands: () => true,
  };

  function takeInjectedFailure(method: string, p: Params): FakeApiError | undefined {
    const index = failures.findIndex((f) => (f.method === method || f.method === '*') && (f.chatId === undefined || Number(p.chat_id) === f.chatId));
    if (index < 0) return undefined;
    const failure = failures[index]!;
    failure.times -= 1;
    if (failure.times <= 0) failures.splice(index, 1);
    return failure.error;
  }

  function serveUpdates(p: Params, respond: (body: unknown) => void, onClose: (fn: () => void) => void) {
    if (webhook) {
      respond({ ok: false, error_code: 409, description: "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first" });
      return;
    }
    const offset = Number(p.offset ?? 0);
    if (offset > 0) queue = queue.filter((u) => u.update_id >= offset);
    const limit = Math.max(1, Math.min(100, Number(p.limit ?? 100)));
    const ready = () => queue.filter((u) => u.update_id >= offset).slice(0, limit);
    if (ready().length > 0 || !p.timeout) return respond({ ok: true, result: ready() });
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      pollers.delete(finish);
      respond({ ok: true, result: ready() });
    };
    const timer = setTimeout(finish, Math.min(Number(p.timeout) * 1000, maxPollMs));
    pollers.add(finish);
    onClose(() => {
      done = true;
      clearTimeout(timer);
      pollers.delete(finish);
    });
  }

  const server = createServer((req, res) => {
    void handleRequest(req, res);
  });

  async function handleRequest(req: IncomingMessage, res: ServerResponse) {
    const send = (status: number, body: unknown) => {
      if (res.writableEnded || res.destroyed) return;
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    const match = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec((req.url ?? '').split('?')[0] ?? '');
    if (!match) return send(404, { ok: false, error_code: 404, description: 'Not Found' });
    const [, requestToken, method] = match as unknown as [string, string, string];
    const params = await readParams(req, new URL(req.url ?? '/', 'http://fake').searchParams);
    const record = (response: FakeCall['response']) => {
      const call: FakeCall = { method, params, at: now(), response };
      calls.push(call);
      events.emit('call', call);
    };
    if (requestToken !== token) {
      const body = { ok: false, error_code: 401, description: 'Unauthorized' };
      record(body);
      return send(401, body);
    }
    const injected = takeInjectedFailure(method, params);
    if (injected) {
      record({ ok: false, error_code: injected.error_code, description: injected.description });
      return send(injected.error_code, { ok: false, ...injected });
    }
    if (method === 'getUpdates') {
      return serveUpdates(
        params,
        (body) => {
          record({ ok: (body as { ok: boolean }).ok });
          send((body as { ok: boolean }).ok ? 200 : 409, body);
        },
        (fn) => res.once('close', fn),
      );
    }
    const handler = custom.get(method) ?? methods[method];
    if (!handler) {
      const body = { ok: false, error_code: 404, description: 'Not Found: method not found' };
      record(body);
      return send(404, body);
    }
    try {
      const result = handler(params);
      record({ ok: true });
      send(200, { ok: true, result });
    } catch (error) {
      if (!(error instanceof FakeApiFailure)) throw error;
      record({ ok: false, error_code: error.error.error_code, description: error.error.description });
      send(error.error.error_code, { ok: false, ...error.error });
    }
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const defaultUser = (chat: FakeChat): FakeUser =>
    chat.type === 'private' ? { id: chat.id, is_bot: false, first_name: chat.first_name ?? `User ${chat.id}`, language_code: 'vi' } : { id: 1, is_bot: false, first_name: 'Người dùng 1', language_code: 'vi' };

  const api: FakeTelegramApi = {
    apiRoot: `http://127.0.0.1:${port}/`,
    token,
    bot,
    calls,
    callsTo: (method) => calls.filter((c) => c.method === method),
    waitForCall(method, { where, after = 0, timeoutMs = 2000 } = {}) {
      const matches = (call: FakeCall) => call.method === method && (!where || where(call.params));
      const existing = calls.slice(after).find(matches);
      if (existing) return Promise.resolve(existing);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          events.off('call', listener);
          reject(new Error(`fake Telegram API: no ${method} call within ${timeoutMs} ms (calls so far: ${calls.map((c) => c.method).join(', ')})`));
        }, timeoutMs);
        const listener = (call: FakeCall) => {
          if (!matches(call)) return;
          clearTimeout(timer);
          events.off('call', listener);
          resolve(call);
        };
        events.on('call', listener);
      });
    },
    messages: (chatId) => [...(chats.get(chatId)?.messages ?? [])],

    privateChat: (id, firstName = `Cư dân ${id}`) => ({ id, type: 'private', first_name: firstName }),
    group: (id, title = `Nhóm ${id}`) => ({ id, type: 'supergroup', title }),
    forum: (id, title = `Cán bộ trực ${id}`) => ({ id, type: 'supergroup', title, is_forum: true }),
    user: (id, firstName = `Người dùng ${id}`, extra = {}) => ({ id, is_bot: false, first_name: firstName, language_code: 'vi', ...extra }),

    makeMessage({ chat, text, from, threadId, replyTo, extra = {} }) {
      const message: FakeMessage = { message_id: chatStore(chat.id).nextId++, from: from ?? defaultUser(chat), chat, date: unix(), ...(text !== undefined ? { text } : {}) };
      if (threadId !== undefined) {
        const root = findMessage(chat.id, threadId);
        Object.assign(message, { message_thread_id: threadId, is_topic_message: true });
        // Telegram quirk (aiogram/aiogram#1511, tdesktop#29446): every topic message replies to the topic's creation message.
        message.reply_to_message = root ?? { message_id: threadId, chat, date: unix(), forum_topic_created: { name: 'topic', icon_color: 7322096 } };
      }
      if (replyTo !== undefined) {
        const quoted = findMessage(chat.id, replyTo);
        message.reply_to_message = quoted ? { ...quoted, reply_to_message: undefined } : { message_id: replyTo, chat, date: unix() };
      }
      Object.assign(message, extra);
      store(message);
      return { update_id: nextUpdateId++, message };
    },
    makeCallback({ chat, data, from, messageId }) {
      const own = (chats.get(chat.id)?.messages ?? []).filter((m) => m.from?.id === bot.id);
      const message = messageId !== undefined ? findMessage(chat.id, messageId) : own[own.length - 1];
      if (!message) throw new Error(`fake Telegram API: no bot message in chat ${chat.id} to tap a button on`);
      const user = from ?? defaultUser(chat);
      return {
        update_id: nextUpdateId++,
        callback_query: { id: String(4_000_000_000_000 + nextUpdateId), from: user, message, chat_instance: `ci${chat.id}`, data },
      };
    },

    enqueueUpdate(update) {
      queue.push(update);
      for (const wake of [...pollers]) wake();
      return update;
    },
    pendingUpdates: () => [...queue],
    get webhook() {
      return webhook;
    },
    async deliverWebhook(update, { secretToken } = {}) {
      if (!webhook) throw new Error('fake Telegram API: no webhook set (setWebhook was not called)');
      const secret = secretToken === undefined ? webhook.secretToken : secretToken;
      const response = await fetch(webhook.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(secret ? { 'x-telegram-bot-api-secret-token': secret } : {}) },
        body: JSON.stringify(update),
      });
      await response.arrayBuffer();
      return { status: response.status };
    },
    async pushUpdate(update) {
      if (webhook) return api.deliverWebhook(update);
      api.enqueueUpdate(update);
      return { status: 'queued' };
    },

    failNext({ method, error, chatId, times = 1, retryAfter = 7 }) {
      const resolved: FakeApiError =
        typeof error !== 'string'
          ? error
          : error === 'rate_limited'
            ? { error_code: 429, description: `Too Many Requests: retry after ${retryAfter}`, parameters: { retry_after: retryAfter } }
            : PRESETS[error];
      failures.push({ method, chatId, error: resolved, times });
    },
    blockChat: (chatId) => void blocked.add(chatId),
    unblockChat: (chatId) => void blocked.delete(chatId),
    topics: (chatId) => [...topics.values()].filter((t) => t.chatId === chatId),
    deleteTopic({ chatId, threadId }) {
      topics.set(`${chatId}:${threadId}`, { ...(topics.get(`${chatId}:${threadId}`) ?? { chatId, threadId, name: '?' }), state: 'deleted' });
    },
    closeTopic({ chatId, threadId }) {
      topics.set(`${chatId}:${threadId}`, { ...(topics.get(`${chatId}:${threadId}`) ?? { chatId, threadId, name: '?' }), state: 'closed' });
    },
    handle: (method, handler) => void custom.set(method, handler),
    unreachableUrl: (url) => void unreachableUrls.add(url),
    reset() {
      calls.length = 0;
      queue = [];
      failures = [];
      blocked = new Set();
      topics = new Map();
      chats = new Map();
      webhook = undefined;
      unreachableUrls.clear();
    },
    async close() {
      for (const wake of [...pollers]) wake();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
  return api;
}

async function readParams(req: IncomingMessage, query: URLSearchParams): Promise<Params> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks);
  const body = raw.toString('utf8');
  const params: Params = Object.fromEntries(query.entries());
  const type = req.headers['content-type'] ?? '';
  if (raw.length > 0 && type.includes('multipart/form-data')) {
    // telegraf posts files this way; fields arrive as strings (JSON for objects), files as uploads.
    const form = await new Response(raw, { headers: { 'content-type': type } }).formData();
    for (const [key, value] of form.entries()) {
      if (typeof value === 'string') params[key] = /^[[{]/.test(value) ? JSON.parse(value) : value;
      else params[key] = { uploadedFile: value.name, size: value.size, bytes: Buffer.from(await value.arrayBuffer()) };
    }
    return params;
  }
  if (body && type.includes('application/json')) Object.assign(params, JSON.parse(body));
  else if (body && type.includes('application/x-www-form-urlencoded')) Object.assign(params, Object.fromEntries(new URLSearchParams(body).entries()));
  return params;
}

/**
 * Returns why Telegram would refuse `text` under `parseMode`, or undefined. Approximates Telegram's
 * parser: enough to catch unescaped user text, which is what tests need.
 */
export function checkMarkup(text: string, parseMode: string | undefined): string | undefined {
  if (!parseMode) return undefined;
  if (parseMode === 'HTML') {
    const allowed = /^(b|strong|i|em|u|ins|s|strike|del|span|tg-spoiler|a|code|pre|blockquote|tg-emoji)$/;
    const stack: string[] = [];
    for (const match of text.matchAll(/<(\/?)([^\s>/]*)[^>]*>|<|&(#\d+|#x[0-9a-f]+|[a-z]+;?)?/gi)) {
      const token = match[0];
      if (token === '<') return `Unsupported start tag at byte offset ${match.index}`;
      if (token.startsWith('&')) {
        if (!/^&(lt|gt|amp|quot|#\d+|#x[0-9a-f]+);$/i.test(token)) return `Can't find end of the entity starting at byte offset ${match.index}`;
        continue;
      }
      const [, closing, name = ''] = match;
      if (!allowed.test(name)) return `Unsupported start tag "${name}" at byte offset ${match.index}`;
      if (closing) {
        if (stack.pop() !== name.toLowerCase()) return `Can't find end tag corresponding to start tag "${name}"`;
      } else stack.push(name.toLowerCase());
    }
    return stack.length ? `Can't find end tag corresponding to start tag "${stack[stack.length - 1]}"` : undefined;
  }
  if (parseMode === 'MarkdownV2') {
    const unescaped = /(?<!\\)[_*[\]()~`>#+\-=|{}.!]/.exec(text.replace(/\\\\/g, ''));
    if (unescaped) return `Character '${unescaped[0]}' is reserved and must be escaped with the preceding '\\'`;
    return undefined;
  }
  if (parseMode === 'Markdown') {
    for (const marker of ['_', '*', '`']) {
      if ((text.split(marker).length - 1) % 2 === 1) return `Can't find end of the entity starting at byte offset ${text.indexOf(marker)}`;
    }
    return undefined;
  }
  return `Unsupported parse_mode "${parseMode}"`;
}
