/**
 * The Telegram channel: telegraf is imported only in this folder. Receives by long polling (our own
 * getUpdates loop) or by webhook on our express app; maps every update with the pure mapper; sends
 * plain text with inline buttons, quotes and forum-topic threads; translates every failure into
 * ChannelApiError / ChannelNetworkError and never retries (the outbox does).
 *
 * Guarantees:
 * - No error reaches telegraf's default handler (which sets a failing exit code and rethrows):
 *   mapping and onMessage errors are caught and logged per update; a handler slower than
 *   `handlerTimeoutMs` is logged and left to finish while the next updates are handled.
 * - Button taps are answered (answerCallbackQuery) once handled, so the client's spinner stops; the
 *   handler may give the answer a pop-up text first (answerAction).
 * - stop() in polling mode ends the loop and confirms the offset; in webhook mode it only stops
 *   accepting (503, Telegram redelivers): the webhook stays registered so nothing is lost across a
 *   restart or to other replicas.
 */
import { Telegraf } from 'telegraf';
import type { Update, UserFromGetMe } from 'telegraf/types';
import type { Express } from 'express';
import type { ChannelAdapter, ChannelCapabilities, ChannelStatus, InboundHandler } from '../../core/channel.port.js';
import type { MediaLoader } from '../../core/media.port.js';
import type { InboundMessage, MessageKind, OutboundMessage } from '../../core/message.types.js';
import type { Logger } from '../../../logger.js';
import { ChannelApiError, ChannelNetworkError } from '../../core/channel.errors.js';
import { invalidRequestError, toChannelError } from './telegram.errors.js';
import { parseTelegramMessageId, parseTelegramRef, toInboundMessage, toTelegramMessageId, toTelegramRef } from './telegram.mapper.js';
import {
  MAX_TEXT_LENGTH,
  TelegramPayloadError,
  toCopyMessagePayload,
  toCreateTopicPayload,
  toUploadPayload,
  type UploadFile,
  type SendMessagePayload,
  toSendMessagePayload,
  toTopicPayload,
  toTypingPayload,
} from './telegram.payloads.js';
import { sleep, startPolling, type PollingLoop } from './telegram.polling.js';
import { WEBHOOK_SECRET_PATTERN, registerTelegramWebhookRoute, webhookPathFor, webhookUrlFor, type WebhookCallback } from './telegram.routes.js';
import { platformTimeOnClock, systemClock, type Clock } from '../../../shared/clock.js';
import { downloadMedia, MediaDownloadError, type MediaFetcher } from '../../../shared/download.js';
import { describeError } from '../../../shared/errors.js';

export const TELEGRAM_CAPABILITIES: ChannelCapabilities = {
  maxTextLength: MAX_TEXT_LENGTH,
  buttons: true,
  quoting: true,
  mentions: true,
  typing: true,
  // Telegram Bot FAQ: ~1 message/s per chat, ≤20 messages/min per group (all topics share it).
  minSendIntervalMs: 1000,
  groupMinSendIntervalMs: 3000,
  threads: true,
  copiesAcrossChannels: true,
};

/** Only what the mapper and the handoff use; edited messages are ignored by the mapper anyway. */
const ALLOWED_UPDATES = ['message', 'callback_query', 'my_chat_member'] as const;

export type TelegramAdapterOptions = {
  token: string;
  /** Bot API root; tests point it at the fake (tests/helpers/fake-telegram-api.ts). */
  apiRoot?: string;
  /** Webhook mode when set; long polling otherwise. */
  webhook?: {
    /** Public base URL of this server, e.g. https://bot.example.vn (the route path is appended). */
    url: string;
    /** 1-256 of A-Z a-z 0-9 _ -; sent by Telegram in X-Telegram-Bot-Api-Secret-Token. */
    secret: string;
  };
  logger: Logger;
  /** Longest time one update may hold its slot (poll batch or webhook response). Default 10 s. */
  handlerTimeoutMs?: number;
  /** Per-call timeout for sends and other API calls. Default 30 s. */
  requestTimeoutMs?: number;
  /** getUpdates long-poll length. Default 50 s (tests: 1). */
  pollingTimeoutSeconds?: number;
  /** Delay between failed getUpdates / start-up attempts. Default 1 s doubling to 60 s. */
  backoff?: { initialMs: number; maxMs: number };
  /** Media other channels keep (web chat uploads), for copying it into staff groups. */
  loadMedia?: MediaLoader;
  /** The bot's one clock (CLOCK_OFFSET moves it): received times are on it. */
  clock?: Clock;
  /** Downloads another platform's media link before uploading it; default: HTTP with the cap and timeout below. */
  fetchMedia?: MediaFetcher;
  /** Largest media we download to upload (default 20 MB; Telegram takes up to 50 MB from bots, photos 10 MB). */
  maxMediaBytes?: number;
  /** Give up a media download after this long (default 30 s). */
  mediaTimeoutMs?: number;
};

const DEFAULT_MAX_MEDIA_BYTES = 20 * 1024 * 1024;
const EXT_BY_MIME: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'image/gif': 'gif',
  'audio/aac': 'aac',
  'audio/mp4': 'm4a',
  'audio/mpeg': 'mp3',
  'audio/ogg': 'ogg',
  'video/mp4': 'mp4',
  'application/pdf': 'pdf',
};
const DEFAULT_EXT: Partial<Record<MessageKind, string>> = { photo: 'jpg', voice: 'aac', video: 'mp4' };

/** The resident's file name when the platform gave one, else the link's, else one from the type ("voice.aac"). Pure. */
export function uploadFileName({ kind, url, fileName, mimeType }: { kind: MessageKind; url: string; fileName?: string; mimeType?: string }): string {
  if (fileName && /\.[A-Za-z0-9]{1,8}$/.test(fileName)) return fileName;
  const base = decodeURIComponent(new URL(url).pathname.split('/').pop() ?? '');
  if (/^[\w.-]{1,80}\.[A-Za-z0-9]{2,5}$/.test(base)) return base;
  const ext = (mimeType ? EXT_BY_MIME[mimeType] : undefined) ?? DEFAULT_EXT[kind] ?? 'bin';
  return `${kind}.${ext}`;
}

export type TelegramAdapter = ChannelAdapter &
  Required<Pick<ChannelAdapter, 'sendTyping' | 'createThread' | 'reopenThread' | 'closeThread' | 'copyMessage'>> & {
    /**
     * Adds the webhook POST route (no-op in polling mode). Call it inside createApp's `routes`, so the
     * route sits before the app's 404 handler.
     */
    registerRoutes(app: Express): void;
    /** The path of the webhook route, for logs and tests; undefined in polling mode. */
    readonly webhookPath: string | undefined;
  };

export function createTelegramAdapter(options: TelegramAdapterOptions): TelegramAdapter {
  const { token, apiRoot, webhook } = options;
  if (!token) throw new Error('Telegram bot token is empty: set TELEGRAM_BOT_TOKEN, or do not create the Telegram adapter.');
  if (webhook && !WEBHOOK_SECRET_PATTERN.test(webhook.secret)) {
    throw new Error('Telegram webhook secret must be 1-256 characters of A-Z a-z 0-9 _ -: fix TELEGRAM_WEBHOOK_SECRET or leave it empty to generate one.');
  }
  const logger = options.logger.child({ module: 'bot:telegram' });
  const handlerTimeoutMs = options.handlerTimeoutMs ?? 10_000;
  const requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
  const backoff = options.backoff ?? { initialMs: 1000, maxMs: 60_000 };
  const clock = options.clock ?? systemClock;
  const fetchMedia: MediaFetcher =
    options.fetchMedia ?? (({ url }) => downloadMedia({ url, maxBytes: options.maxMediaBytes ?? DEFAULT_MAX_MEDIA_BYTES, timeoutMs: options.mediaTimeoutMs ?? 30_000 }));

  // webhookReply:false: every call is a real request whose result and errors we can see (telegraf 4.16.3 src/core/network/webhook.ts).
  const bot = new Telegraf(token, { handlerTimeout: handlerTimeoutMs, telegram: { webhookReply: false, ...(apiRoot ? { apiRoot } : {}) } });
  const webhookPath = webhook ? webhookPathFor({ secret: webhook.secret }) : undefined;

  let status: ChannelStatus = { state: 'stopped', detail: 'not started', since: new Date() };
  let onMessage: InboundHandler | undefined;
  let accepting = false;
  let stopping = false;
  let polling: PollingLoop | undefined;
  let connecting: Promise<void> | undefined;
  const stopSignal = new AbortController();

  function setStatus(state: ChannelStatus['state'], detail?: string) {
    if (status.state === state && status.detail === detail) return;
    if (state !== status.state) logger.info({ state, detail }, 'telegram channel state');
    status = detail === undefined ? { state, since: state === status.state ? status.since : new Date() } : { state, detail, since: state === status.state ? status.since : new Date() };
  }

  /** Every API call goes through here: one timeout, one error translation. */
  async function call<T>(method: string, payload: Record<string, unknown>, signal?: AbortSignal): Promise<T> {
    try {
      // telegraf types its payloads per method; ours are built and validated in telegram.payloads.ts.
      const callApi = bot.telegram.callApi.bind(bot.telegram) as unknown as (m: string, p: unknown, o: { signal?: unknown }) => Promise<T>;
      return await callApi(method, payload, { signal: signal ?? AbortSignal.timeout(requestTimeoutMs) });
    } catch (error) {
      throw toChannelError({ error, method });
    }
  }

  function validated<T>(method: string, build: () => T): T {
    try {
      return build();
    } catch (error) {
      if (error instanceof TelegramPayloadError) throw invalidRequestError({ method, problem: error.message });
      throw error;
    }
  }

  bot.use(async (ctx) => {
    await handleUpdate(ctx.update, ctx.botInfo);
  });
  // Replaces telegraf's default handler, which would set process.exitCode = 1 and rethrow.
  bot.catch((error, ctx) => {
    const timedOut = (error as Error | undefined)?.name === 'TimeoutError';
    logger.error(
      { err: timedOut ? undefined : error, updateId: ctx.update.update_id },
      timedOut ? `telegram update still running after ${handlerTimeoutMs} ms; moving on (it keeps running)` : 'telegram update handler failed',
    );
  });

  /** Taps being handled and not answered yet (a tap can be answered once). */
  const unansweredTaps = new Set<string>();

  async function handleUpdate(update: Update, me: UserFromGetMe) {
    const tapId = 'callback_query' in update ? update.callback_query.id : undefined;
    if (tapId) unansweredTaps.add(tapId);
    try {
      if ('my_chat_member' in update) logMembership(update);
      const { message, skipReason } = toInboundMessage({ update, bot: { id: me.id, username: me.username }, now: clock.now() });
      if (message) message.receivedAt = platformTimeOnClock({ clock, at: message.receivedAt });
      if (!message) {
        logger.debug({ updateId: update.update_id, skipReason }, 'telegram update ignored');
        return;
      }
      if (!onMessage) throw new Error('telegram update received before start(): no handler');
      await onMessage(message);
    } catch (error) {
      logger.error({ err: error, updateId: update.update_id }, 'telegram update could not be handled');
    } finally {
      // Answered after handling, so the handler can give the tap a pop-up text (answerAction).
      if (tapId && unansweredTaps.delete(tapId)) await answerButton(tapId);
    }
  }

  async function answerButton(callbackQueryId: string, text?: string) {
    try {
      await call('answerCallbackQuery', { callback_query_id: callbackQueryId, ...(text ? { text: text.slice(0, 200) } : {}) });
    } catch (error) {
      // "query is too old" after a restart is harmless: the tap itself is still handled.
      logger.debug({ err: error }, 'answerCallbackQuery failed');
    }
  }

  /** Tells whoever sets the bot up which chat id a staff group has. */
  function logMembership(update: Extract<Update, { my_chat_member: unknown }>) {
    const { chat, new_chat_member: member } = update.my_chat_member;
    const title = 'title' in chat ? chat.title : undefined;
    logger.info({ chatId: chat.id, chatType: chat.type, title, status: member.status }, `bot membership changed in chat ${chat.id}`);
  }

  /** getMe, then deleteWebhook (polling) or setWebhook (webhook). Throws the first failure. */
  async function connectOnce() {
    const me = await call<UserFromGetMe>('getMe', {});
    bot.botInfo = me;
    if (webhook && webhookPath) {
      const url = webhookUrlFor({ baseUrl: webhook.url, path: webhookPath });
      await call('setWebhook', { url, secret_token: webhook.secret, allowed_updates: ALLOWED_UPDATES });
      logger.info({ bot: `@${me.username}`, url }, 'telegram webhook registered');
    } else {
      // Keep pending updates: they are residents' messages.
      await call('deleteWebhook', { drop_pending_updates: false });
      logger.info({ bot: `@${me.username}` }, 'telegram long polling');
    }
  }

  /** Retries connectOnce with backoff until it works or stop() is called. */
  async function connectInBackground(failures: number) {
    for (let attempt = failures; !stopping; attempt += 1) {
      const delayMs = Math.min(backoff.maxMs, backoff.initialMs * 2 ** Math.min(attempt - 1, 16));
      await sleep(delayMs, stopSignal.signal);
      if (stopping) return;
      try {
        await connectOnce();
        afterConnect();
        return;
      } catch (error) {
        setStatus('reconnecting', (error as Error).message);
        logger.warn({ err: error, retryInMs: delayMs }, 'telegram start-up failed; retrying');
      }
    }
  }

  function afterConnect() {
    if (stopping) return;
    if (webhook) {
      accepting = true;
      setStatus('running', 'webhook');
      return;
    }
    polling = startPolling({
      getUpdates: ({ offset, timeoutSeconds, limit, signal }) =>
        call<Update[]>('getUpdates', { offset, timeout: timeoutSeconds, allowed_updates: ALLOWED_UPDATES, ...(limit ? { limit } : {}) }, signal),
      handleUpdate: (update) => bot.handleUpdate(update).catch((error: unknown) => logger.error({ err: error }, 'telegram update failed')),
      onState: ({ state, detail }) => setStatus(state, detail ?? 'long polling'),
      onFailure: ({ error, delayMs }) => logger.warn({ err: error, retryInMs: delayMs }, 'telegram getUpdates failed'),
      timeoutSeconds: options.pollingTimeoutSeconds ?? 50,
      backoff,
    });
  }

  const webhookCallback: WebhookCallback | undefined = webhookPath && webhook ? bot.webhookCallback(webhookPath, { secretToken: webhook.secret }) : undefined;

  return {
    channel: 'telegram',
    capabilities: TELEGRAM_CAPABILITIES,
    webhookPath,

    registerRoutes(app) {
      if (!webhook || !webhookPath || !webhookCallback) return;
      registerTelegramWebhookRoute({ app, path: webhookPath, secret: webhook.secret, isAccepting: () => accepting, callback: webhookCallback, logger });
    },

    /**
     * Resolves once Telegram accepted the token and the webhook/polling is set up, or after the
     * first attempt failed for a transient reason (it then keeps retrying; see status()).
     * Rejects when the token is refused (401/404): that needs a person.
     */
    async start({ onMessage: handler }) {
      if (onMessage) throw new Error('Telegram adapter already started: create a new adapter instead of starting it twice.');
      onMessage = handler;
      setStatus('starting');
      try {
        await connectOnce();
      } catch (error) {
        const platformCode = (error as { details?: { platformCode?: number } }).details?.platformCode;
        if (platformCode === 401 || platformCode === 404) {
          setStatus('error', 'Telegram refused the bot token: check TELEGRAM_BOT_TOKEN');
          throw new Error(`Telegram refused the bot token (${platformCode}): copy it again from @BotFather into TELEGRAM_BOT_TOKEN, or leave it empty to keep Telegram off.`, {
            cause: error,
          });
        }
        setStatus('reconnecting', (error as Error).message);
        logger.warn({ err: error }, 'telegram start-up failed; retrying in the background');
        connecting = connectInBackground(1);
        return;
      }
      afterConnect();
    },

    async stop() {
      stopping = true;
      accepting = false;
      stopSignal.abort();
      await connecting;
      await polling?.stop();
      setStatus('stopped', webhook ? 'webhook left registered; Telegram keeps updates until the next start' : undefined);
    },

    status: () => status,

    async send(message: OutboundMessage) {
      const { payload, droppedQuote } = validated('sendMessage', () => toSendMessagePayload({ message }));
      if (droppedQuote) logger.warn({ conversationRef: message.conversationRef, droppedQuote }, 'quote is not in this chat; sent without it');
      const sent = await sendMessageCall(payload);
      return { externalMessageId: toTelegramMessageId({ chatId: payload.chat_id, messageId: sent.message_id }) };
    },

    /** A user's private chat with a bot has the user's id as its chat id (Bot API: Chat.id of a private chat). */
    privateRefOf: ({ userId }) => toTelegramRef({ chatId: Number(userId) }),

    /** pinChatMessage needs the bot to be an administrator with "Pin messages"; quiet, so members get no extra ping. */
    async pinMessage({ conversationRef, externalMessageId }) {
      const target = validated('pinChatMessage', () => parseTelegramRef(conversationRef));
      const { messageId } = validated('pinChatMessage', () => parseTelegramMessageId(externalMessageId));
      await call('pinChatMessage', { chat_id: target.chatId, message_id: messageId, disable_notification: true });
    },

    async sendTyping({ conversationRef }) {
      await call('sendChatAction', validated('sendChatAction', () => toTypingPayload({ conversationRef })));
    },

    async editMessage({ conversationRef, externalMessageId, text, buttons, mentions }) {
      const { payload: sent } = validated('editMessageText', () => toSendMessagePayload({ message: { conversationRef, text, buttons, ...(mentions ? { mentions } : {}) } }));
      const { chatId, messageId } = validated('editMessageText', () => parseTelegramMessageId(externalMessageId));
      // Without reply_markup Telegram keeps no keyboard: an empty one says so explicitly.
      const payload = { chat_id: chatId, message_id: messageId, text: sent.text, reply_markup: sent.reply_markup ?? { inline_keyboard: [] }, ...(sent.entities ? { entities: sent.entities } : {}) };
      try {
        await call('editMessageText', payload);
      } catch (error) {
        if (/message is not modified/i.test((error as Error).message)) return;
        throw error;
      }
    },

    async answerAction({ externalMessageId, text }) {
      const tapId = externalMessageId.startsWith('cb:') ? externalMessageId.slice(3) : undefined;
      if (!tapId || !unansweredTaps.delete(tapId)) {
        logger.debug({ externalMessageId }, 'button tap already answered; pop-up dropped');
        return;
      }
      await answerButton(tapId, text);
    },

    async createThread({ conversationRef, title }) {
      const payload = validated('createForumTopic', () => toCreateTopicPayload({ conversationRef, title }));
      const topic = await call<{ message_thread_id: number }>('createForumTopic', payload);
      return { conversationRef: toTelegramRef({ chatId: payload.chat_id, threadId: topic.message_thread_id }) };
    },

    async reopenThread({ conversationRef }) {
      await topicCall('reopenForumTopic', conversationRef);
    },

    async closeThread({ conversationRef }) {
      await topicCall('closeForumTopic', conversationRef);
    },

    async copyMessage({ from, to, kind, attachment }) {
      if (!isTelegramRef(from.conversationRef)) {
        // Another platform's media: we download a link (a Zalo photo or voice note) ourselves, with a
        // cap and a timeout, or load stored bytes (a web chat upload), and upload them.
        const file = await mediaToUpload({ kind: kind ?? 'file', attachment });
        const upload = async (asDocument: boolean) => {
          const { method, payload } = validated('copyMessage', () => toUploadPayload({ to, kind: kind ?? 'file', file, asDocument }));
          const sent = await call<{ message_id: number }>(method, payload);
          return { externalMessageId: toTelegramMessageId({ chatId: payload.chat_id, messageId: sent.message_id }) };
        };
        try {
          return await upload(false);
        } catch (error) {
          // sendVoice plays OGG/Opus, MP3 and M4A; a voice note in another format (Zalo's AAC) still
          // reaches staff, as a file they can play.
          if (kind !== 'voice' || !(error instanceof ChannelApiError) || error.details.reason !== 'bad_request') throw error;
          logger.info({ to, err: describeError(error) }, 'Telegram refused the voice note as voice; uploading it as a file');
          return upload(true);
        }
      }
      const payload = validated('copyMessage', () => toCopyMessagePayload({ from, to }));
      const copied = await call<{ message_id: number }>('copyMessage', payload);
      return { externalMessageId: toTelegramMessageId({ chatId: payload.chat_id, messageId: copied.message_id }) };
    },
  };

  /** The bytes of another platform's media, named so Telegram shows a sensible file name. */
  async function mediaToUpload({ kind, attachment }: { kind: MessageKind; attachment: InboundMessage['attachment'] }): Promise<UploadFile> {
    const ref = attachment?.ref ?? '';
    if (/^https?:\/\//i.test(ref)) {
      let downloaded;
      try {
        downloaded = await fetchMedia({ url: ref });
      } catch (error) {
        const message = `copyMessage: ${describeError(error)}`;
        // A dead link or a file over the cap: the copy is refused for good (staff get the notice with the link).
        if (error instanceof MediaDownloadError && error.permanent) throw new ChannelApiError('telegram', message, { retryable: false, reason: 'bad_request' });
        throw new ChannelNetworkError('telegram', message, { cause: error });
      }
      return { source: downloaded.data, filename: uploadFileName({ kind, url: ref, fileName: attachment?.fileName, mimeType: downloaded.mimeType ?? attachment?.mimeType }) };
    }
    const stored = await options.loadMedia?.({ ref });
    if (!stored) throw new ChannelApiError('telegram', `copyMessage: media "${ref.slice(0, 40)}" is neither a link nor in the media store`, { retryable: false, reason: 'bad_request' });
    return { source: stored.data, filename: stored.fileName };
  }

  /**
   * A mention Telegram will not render (a user the bot cannot see) must not cost the message: a 400
   * with entities present is retried once as plain text, the names still in it.
   */
  async function sendMessageCall(payload: SendMessagePayload): Promise<{ message_id: number }> {
    try {
      return await call<{ message_id: number }>('sendMessage', payload);
    } catch (error) {
      const refused = error instanceof ChannelApiError && error.details.platformCode === 400 && error.details.reason === 'bad_request';
      if (!payload.entities || !refused) throw error;
      logger.warn({ err: error, chatId: payload.chat_id }, 'Telegram refused the mentions; sending the names as plain text');
      const { entities: _dropped, ...plain } = payload;
      return call<{ message_id: number }>('sendMessage', plain);
    }
  }

  /** Reopening an open topic (or closing a closed one) answers TOPIC_NOT_MODIFIED: the goal is met. */
  async function topicCall(method: 'reopenForumTopic' | 'closeForumTopic', conversationRef: string) {
    const payload = validated(method, () => toTopicPayload({ conversationRef }));
    try {
      await call(method, payload);
    } catch (error) {
      if (/TOPIC_NOT_MODIFIED/.test((error as Error).message)) return;
      throw error;
    }
  }
}


function isTelegramRef(conversationRef: string): boolean {
  try {
    parseTelegramRef(conversationRef);
    return true;
  } catch {
    return false;
  }
}
