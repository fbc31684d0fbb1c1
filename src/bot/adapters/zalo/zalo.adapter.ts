/**
 * Zalo channel (personal account via zca-js) behind the core's ChannelAdapter port.
 *
 * A supervisor owns the session, because zca-js 2.2.0 does not (dist/apis/listen.js: no retry on close 1006, zca-js issue #333):
 * - 1006 closes are routine (Zalo drops sockets about every minute): log in again from the
 *   latest cookies and restart the listener, with exponential backoff and jitter;
 * - 3000/3003 mean another session took the account (Zalo Web/PC, a second bot, a new QR login):
 *   state `kicked`, alert, and do not fight; resume only when a new session file appears;
 * - a login Zalo refuses means the cookies are dead: state `needs_qr` until an operator runs
 *   `npm run cli -- zalo login` (the new file is picked up without a restart);
 * - the listener's 'error' event always has a handler (an unhandled one kills the process, #165).
 * Rotated cookies are re-saved (atomic, mode 0600) after login and after successful sends.
 */
import type { MessageContent, SendMessageQuote, UserMessage, GroupMessage } from 'zca-js';
import type { MediaLoader } from '../../core/media.port.js';
import { ChannelApiError, ChannelNetworkError } from '../../core/channel.errors.js';
import type { ChannelAdapter, ChannelCapabilities, ChannelState, ChannelStatus, InboundHandler } from '../../core/channel.port.js';
import type { OutboundMessage } from '../../core/message.types.js';
import type { Logger } from '../../../logger.js';
import { backoffDelayMs, DEFAULT_BACKOFF, type BackoffPolicy } from '../../../shared/backoff.js';
import { createZaloSession } from './zalo.client.js';
import { buildCopyContent, fetchMediaOverHttp, toCopySource, toUploadContent, type MediaFetcher } from './zalo.copy.js';
import { credentialsFingerprint, readZaloCredentials, saveZaloCredentials, snapshotZaloCredentials } from './zalo.credentials.js';
import { classifyLoginFailure, translateZaloError } from './zalo.errors.js';
import { InvalidZaloConversationRefError, parseZaloConversationRef, toInboundMessage, toZaloMentions, toZaloUserRef } from './zalo.mapper.js';
import type { CreateZaloSession, ZaloApi, ZaloCredentials, ZaloSession } from './zalo.ports.js';
import { withTimeout } from '../../../shared/async.js';
import { describeError } from '../../../shared/errors.js';
import { platformTimeOnClock, systemClock, type Clock } from '../../../shared/clock.js';

export const ZALO_MAX_TEXT_LENGTH = 2000;
const KICK_CODES = new Set([3000, 3003]);
const LOGIN_COMMAND = 'npm run cli -- zalo login';

export type ZaloAdapterOptions = {
  credentialsPath: string;
  logger: Logger;
  /** Logs in with saved credentials; defaults to the real zca-js. Tests pass fakes. */
  createApi?: CreateZaloSession;
  /** Waits `ms` or until `signal` aborts (resolves either way). Tests pass an instant one. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  random?: () => number;
  now?: () => number;
  backoff?: BackoffPolicy;
  /** zca-js login can hang on a half-open network; give up after this and retry. */
  loginTimeoutMs?: number;
  /** A listener that has not connected by then is stopped and retried. */
  connectTimeoutMs?: number;
  /** A connection that lived this long resets the backoff (so a drop a minute later retries fast). */
  stableAfterMs?: number;
  /** While needs_qr or kicked: how often to look for a new session file. */
  credentialsPollMs?: number;
  /** After successful sends, check for rotated cookies at most this often. */
  cookieCheckIntervalMs?: number;
  /** Recent inbound messages kept for quoting and copying (zca-js needs the original message's data). */
  quoteCacheSize?: number;
  /** Downloads a Zalo CDN link for copyMessage (re-upload); defaults to global fetch. */
  fetchMedia?: MediaFetcher;
  /** Media other channels keep (web chat uploads), for copying it into staff groups. */
  loadMedia?: MediaLoader;
  /** The bot's one clock (CLOCK_OFFSET moves it): received times are on it. `now` stays real time for the backoff. */
  clock?: Clock;
};

export type ZaloAdapter = ChannelAdapter & {
  /** The bot account's uid as Zalo gives it (per-viewer ids: staff ids must be as this account sees them). */
  ownId(): string | undefined;
};

type ListenOutcome = { kind: 'closed'; code: number; reason: string; connectedForMs: number } | { kind: 'stopped' };

export function createZaloAdapter(options: ZaloAdapterOptions): ZaloAdapter {
  const {
    credentialsPath,
    createApi = createZaloSession,
    sleep = abortableSleep,
    random = Math.random,
    now = Date.now,
    backoff = DEFAULT_BACKOFF,
    loginTimeoutMs = 20_000,
    connectTimeoutMs = 30_000,
    stableAfterMs = 60_000,
    credentialsPollMs = 30_000,
    cookieCheckIntervalMs = 60_000,
    quoteCacheSize = 500,
    fetchMedia = fetchMediaOverHttp,
    clock = systemClock,
  } = options;
  const logger = options.logger.child({ module: 'bot:zalo' });

  const capabilities: ChannelCapabilities = {
    maxTextLength: ZALO_MAX_TEXT_LENGTH,
    buttons: false,
    quoting: true,
    mentions: true,
    typing: true,
    // Unofficial API on a personal account: stay well under anything that looks like spam (limits are undocumented; error 221 on continuous sends, zca-js issues #114, #325).
    minSendIntervalMs: 1_500,
    groupMinSendIntervalMs: 3_000,
    copiesAcrossChannels: true,
  };

  let status: ChannelStatus = { state: 'stopped', since: new Date(now()) };
  let onMessage: InboundHandler | undefined;
  let current: ZaloSession | undefined;
  let ownId: string | undefined;
  let stopping = false;
  let abort = new AbortController();
  let supervisor: Promise<void> | undefined;
  /** Fingerprint of the session file as we last read or wrote it: a different one was written by someone else. */
  let knownFileFingerprint: string | undefined;
  let lastCookieCheck = 0;
  let persistQueue: Promise<void> = Promise.resolve();
  const quotes = new Map<string, { threadId: string; quote: SendMessageQuote }>();

  function setState(state: ChannelState, detail?: string): void {
    const changed = status.state !== state || status.detail !== detail;
    status = { state, ...(detail ? { detail } : {}), since: status.state === state ? status.since : new Date(now()) };
    if (!changed) return;
    const line = { state, detail };
    if (state === 'needs_qr' || state === 'kicked' || state === 'error') logger.error(line, `Zalo channel: ${state}`);
    else if (state === 'reconnecting') logger.warn(line, 'Zalo channel: reconnecting');
    else logger.info(line, `Zalo channel: ${state}`);
  }

  // ---- session supervisor -------------------------------------------------------------------

  async function supervise(): Promise<void> {
    let attempt = 0;
    let credentials: ZaloCredentials | undefined;
    while (!stopping) {
      if (!credentials) {
        const read = await readZaloCredentials({ path: credentialsPath });
        if (!read.credentials) {
          knownFileFingerprint = undefined;
          setState('needs_qr', `no usable Zalo session (${read.detail}): run \`${LOGIN_COMMAND}\` and scan the QR code with the bot's Zalo account`);
          await waitForNewSessionFile();
          continue;
        }
        credentials = read.credentials;
        knownFileFingerprint = credentialsFingerprint({ credentials });
      }

      let session: ZaloSession;
      try {
        session = await untilAborted(withTimeout(createApi({ credentials }), loginTimeoutMs, () => new ZaloLoginTimeoutError('Zalo login', loginTimeoutMs)));
      } catch (error) {
        if (stopping) break;
        const reason = describeError(error);
        if (classifyLoginFailure({ error }).kind === 'network') {
          attempt += 1;
          const delayMs = backoffDelayMs({ attempt, policy: backoff, random });
          setState('reconnecting', `login failed (${reason}); attempt ${attempt}, next try in ${Math.round(delayMs / 1000)} s`);
          await sleep(delayMs, abort.signal);
          continue;
        }
        current = undefined;
        credentials = undefined;
        setState('needs_qr', `Zalo refused the saved session (${reason}): run \`${LOGIN_COMMAND}\` and scan the QR code`);
        await waitForNewSessionFile();
        continue;
      }
      if (stopping) break;

      current = session;
      ownId = session.api.getOwnId();
      await persistIfChanged({ api: session.api, reason: 'login' });
      const outcome = await listen(session);
      if (stopping || outcome.kind === 'stopped') break;

      if (KICK_CODES.has(outcome.code)) {
        current = undefined;
        credentials = undefined;
        setState(
          'kicked',
          `another Zalo session took over this account (close ${outcome.code}${outcome.reason ? ` "${outcome.reason}"` : ''}). ` +
            `Not reconnecting, so as not to fight it: close Zalo Web/PC or the other bot, then run \`${LOGIN_COMMAND}\` (or restart).`,
        );
        await waitForNewSessionFile();
        continue;
      }

      // 1006 and anything else: routine. Log in again with the freshest cookies we hold.
      credentials = snapshotZaloCredentials({ api: session.api }).credentials;
      if (credentials.cookie.length === 0) credentials = undefined;
      attempt = outcome.connectedForMs >= stableAfterMs ? 1 : attempt + 1;
      const delayMs = backoffDelayMs({ attempt, policy: backoff, random });
      setState(
        'reconnecting',
        `listener closed (code ${outcome.code}${outcome.reason ? ` "${outcome.reason}"` : ''}); attempt ${attempt}, reconnecting in ${Math.round(delayMs / 1000)} s`,
      );
      await sleep(delayMs, abort.signal);
    }
    current = undefined;
  }

  /** Runs one listener until it closes (or stop() is called). Every listener event has a handler. */
  function listen(session: ZaloSession): Promise<ListenOutcome> {
    const { listener } = session;
    return new Promise<ListenOutcome>((resolve) => {
      let connectedAt: number | undefined;
      let settled = false;
      const finish = (outcome: ListenOutcome) => {
        if (settled) return;
        settled = true;
        clearTimeout(connectTimer);
        abort.signal.removeEventListener('abort', onAbort);
        resolve(outcome);
      };
      const onAbort = () => {
        safeStop(listener);
        finish({ kind: 'stopped' });
      };

      // Handlers first: an 'error' emitted with no listener throws ERR_UNHANDLED_ERROR and kills the process.
      listener.on('error', (error) => {
        logger.warn({ err: describeError(error), live: !settled }, 'Zalo listener error (handled; a close usually follows)');
      });
      listener.on('connected', () => {
        if (settled) return;
        connectedAt = now();
        clearTimeout(connectTimer);
        setState('running', ownId ? `logged in as ${ownId}` : undefined);
      });
      listener.on('disconnected', (code, reason) => logger.debug({ code, reason }, 'Zalo socket disconnected'));
      listener.on('closed', (code, reason) =>
        finish({ kind: 'closed', code: Number(code), reason: String(reason ?? ''), connectedForMs: connectedAt ? now() - connectedAt : 0 }),
      );
      listener.on('message', (message) => {
        if (!settled) deliver(message);
      });

      const connectTimer = setTimeout(() => {
        safeStop(listener);
        finish({ kind: 'closed', code: 0, reason: `no connection within ${Math.round(connectTimeoutMs / 1000)} s`, connectedForMs: 0 });
      }, connectTimeoutMs);
      connectTimer.unref?.();
      abort.signal.addEventListener('abort', onAbort, { once: true });
      try {
        listener.start({ retryOnClose: false }); // we own reconnects; zca-js would not retry 1006 anyway
      } catch (error) {
        finish({ kind: 'closed', code: 0, reason: `listener did not start: ${describeError(error)}`, connectedForMs: 0 });
      }
    });
  }

  function safeStop(listener: ZaloSession['listener']): void {
    try {
      listener.stop();
    } catch (error) {
      logger.debug({ err: describeError(error) }, 'Zalo listener stop raised (ignored)');
    }
  }

  /** Polls the session file until it holds a session different from the one we last knew. */
  async function waitForNewSessionFile(): Promise<void> {
    while (!stopping) {
      await sleep(credentialsPollMs, abort.signal);
      if (stopping) return;
      const read = await readZaloCredentials({ path: credentialsPath });
      if (read.credentials && credentialsFingerprint({ credentials: read.credentials }) !== knownFileFingerprint) {
        logger.info({ path: credentialsPath }, 'new Zalo session file found; logging in');
        setState('starting');
        return;
      }
    }
  }

  // ---- inbound ------------------------------------------------------------------------------

  function deliver(message: UserMessage | GroupMessage): void {
    if (!onMessage || !ownId) return;
    let inbound;
    try {
      ({ inbound } = toInboundMessage({ message, ownId, now: clock.now() }));
      if (inbound) inbound.receivedAt = platformTimeOnClock({ clock, at: inbound.receivedAt, realNowMs: now() });
    } catch (error) {
      logger.warn({ err: describeError(error), threadId: message.threadId, msgType: message.data?.msgType }, 'Zalo message skipped: could not map it');
      return;
    }
    if (!inbound) return;
    rememberForQuote({ externalMessageId: inbound.externalMessageId, message });
    const handler = onMessage;
    // Called in arrival order without awaiting: the pipeline serialises per conversation itself.
    handler(inbound).catch((error: unknown) => {
      logger.error({ err: describeError(error), conversationRef: inbound.conversationRef, externalMessageId: inbound.externalMessageId }, 'inbound handler threw');
    });
  }

  function rememberForQuote({ externalMessageId, message }: { externalMessageId: string; message: UserMessage | GroupMessage }): void {
    const { data } = message;
    // zca-js refuses to quote polls and object-content "webchat" messages.
    if (data.msgType === 'group.poll' || (data.msgType === 'webchat' && typeof data.content !== 'string')) return;
    const quote: SendMessageQuote = {
      content: data.content,
      msgType: data.msgType,
      propertyExt: data.propertyExt,
      uidFrom: data.uidFrom,
      msgId: data.msgId,
      cliMsgId: data.cliMsgId,
      ts: data.ts,
      ttl: data.ttl,
    };
    quotes.delete(externalMessageId);
    quotes.set(externalMessageId, { threadId: message.threadId, quote });
    while (quotes.size > quoteCacheSize) quotes.delete(quotes.keys().next().value!);
  }

  // ---- outbound -----------------------------------------------------------------------------

  /** A malformed ref is our bug, not Zalo's: permanent, with the fix in the message. */
  function threadOf(conversationRef: string) {
    try {
      return parseZaloConversationRef({ conversationRef });
    } catch (error) {
      if (error instanceof InvalidZaloConversationRefError) {
        throw new ChannelApiError('zalo', error.message, { retryable: false, reason: 'bad_request' });
      }
      throw error;
    }
  }

  /** Sends need a logged-in API; while reconnecting the last one keeps working (HTTP is independent of the socket). */
  function liveApi(): ZaloApi {
    const api = current?.api;
    if (!api) throw new ChannelNetworkError('zalo', `not connected (state ${status.state}${status.detail ? `: ${status.detail}` : ''})`);
    return api;
  }

  function afterSuccessfulCall(api: ZaloApi): void {
    if (now() - lastCookieCheck < cookieCheckIntervalMs) return;
    lastCookieCheck = now();
    void persistIfChanged({ api, reason: 'after send' });
  }

  async function send(message: OutboundMessage): Promise<{ externalMessageId: string }> {
    const thread = threadOf(message.conversationRef);
    const text = message.text;
    if (text.trim() === '') {
      throw new ChannelApiError('zalo', 'refusing to send an empty message (Zalo rejects it)', { retryable: false, reason: 'bad_request' });
    }
    if (text.length > ZALO_MAX_TEXT_LENGTH) {
      throw new ChannelApiError(
        'zalo',
        `message is ${text.length} characters; Zalo accepts at most ${ZALO_MAX_TEXT_LENGTH}: split it by capabilities.maxTextLength before send()`,
        { retryable: false, reason: 'bad_request' },
      );
    }
    const api = liveApi();
    const remembered = message.replyToExternalId ? quotes.get(message.replyToExternalId) : undefined;
    const quote = remembered && remembered.threadId === thread.threadId ? remembered.quote : undefined;

    const { mentions } = toZaloMentions({ message, threadType: thread.threadType });
    let result;
    try {
      result = await api.sendMessage({ msg: text, ...(quote ? { quote } : {}), ...(mentions.length > 0 ? { mentions } : {}) }, thread.threadId, thread.threadType);
    } catch (error) {
      throw translateZaloError({ error, action: 'sendMessage' });
    }
    const msgId = result?.message?.msgId;
    // zca-js returns message:null when Zalo produced no message (seen under anti-spam, zca-js issue #146).
    if (msgId === undefined || msgId === null) {
      throw new ChannelApiError('zalo', 'sendMessage: Zalo accepted the call but returned no message id (anti-spam filter?)', { retryable: true });
    }
    afterSuccessfulCall(api);
    return { externalMessageId: String(msgId) };
  }

  async function sendTyping({ conversationRef }: { conversationRef: string }): Promise<void> {
    const thread = threadOf(conversationRef);
    const api = liveApi();
    try {
      await api.sendTypingEvent(thread.threadId, thread.threadType);
    } catch (error) {
      throw translateZaloError({ error, action: 'sendTypingEvent' });
    }
  }

  /**
   * Copies a message into a Zalo conversation: text as text, media re-uploaded (or its link when the
   * download fails). A recent Zalo message is copied from its data kept in memory; after a restart,
   * or for another channel's media, from the attachment the mapper gave: its http(s) link, or the
   * media store (web chat uploads). With none of these it is a permanent, explained failure.
   */
  async function copyMessage({
    from,
    to,
    kind,
    attachment,
  }: Parameters<NonNullable<ChannelAdapter['copyMessage']>>[0]): Promise<{ externalMessageId: string }> {
    const target = threadOf(to);
    const source = from.conversationRef.startsWith('zalo:') ? threadOf(from.conversationRef) : undefined;
    const remembered = source ? quotes.get(from.externalMessageId) : undefined;
    let content: MessageContent | undefined;
    if (remembered && remembered.threadId === source?.threadId) {
      ({ content } = await buildCopyContent({ original: remembered.quote, fetchMedia }));
    } else if (kind && attachment && /^https?:\/\//i.test(attachment.ref)) {
      ({ content } = await buildCopyContent({ original: toCopySource({ kind, attachment }).original, fetchMedia }));
    } else if (attachment && options.loadMedia) {
      const stored = await options.loadMedia({ ref: attachment.ref });
      if (stored) content = toUploadContent({ media: stored });
    }
    if (!content) {
      throw new ChannelApiError(
        'zalo',
        `copyMessage: message ${from.externalMessageId} of ${from.conversationRef} is not among the ${quoteCacheSize} recent messages kept in memory and came without an attachment to re-upload; send its attachment.ref as text instead`,
        { retryable: false, reason: 'bad_request' },
      );
    }
    const api = liveApi();
    let result;
    try {
      result = await api.sendMessage(content, target.threadId, target.threadType);
    } catch (error) {
      throw translateZaloError({ error, action: 'copyMessage' });
    }
    const msgId = result?.attachment?.[0]?.msgId ?? result?.message?.msgId;
    if (msgId === undefined || msgId === null) {
      throw new ChannelApiError('zalo', 'copyMessage: Zalo accepted the call but returned no message id', { retryable: true });
    }
    afterSuccessfulCall(api);
    return { externalMessageId: String(msgId) };
  }

  /** Serialised and never throws: a failed save is logged and retried at the next check. */
  function persistIfChanged({ api, reason }: { api: ZaloApi; reason: string }): Promise<void> {
    persistQueue = persistQueue.then(async () => {
      try {
        if (current?.api !== api) return; // a kicked or replaced session must not overwrite a newer file
        const { credentials } = snapshotZaloCredentials({ api });
        if (credentials.cookie.length === 0) return;
        const fingerprint = credentialsFingerprint({ credentials });
        if (fingerprint === knownFileFingerprint) return;
        await saveZaloCredentials({ path: credentialsPath, credentials });
        knownFileFingerprint = fingerprint;
        logger.info({ path: credentialsPath, reason }, 'Zalo session saved (cookies changed)');
      } catch (error) {
        logger.warn({ err: describeError(error), path: credentialsPath }, 'could not save the Zalo session; will try again later');
      }
    });
    return persistQueue;
  }

  // ---- lifecycle ----------------------------------------------------------------------------

  return {
    channel: 'zalo',
    capabilities,
    ownId: () => ownId,
    status: () => status,
    send,
    sendTyping,
    copyMessage,
    /** A group member's uid as this account sees it is also the thread id of a private chat with them. */
    privateRefOf: toZaloUserRef,

    /** Returns at once: login and reconnects run in the background, visible through status(). */
    async start({ onMessage: handler }) {
      if (supervisor) throw new Error('Zalo adapter already started: call stop() first');
      onMessage = handler;
      stopping = false;
      abort = new AbortController();
      setState('starting');
      supervisor = supervise().catch((error: unknown) => {
        current = undefined;
        setState('error', `supervisor crashed: ${describeError(error)} (restart the bot)`);
      });
    },

    async stop() {
      if (!supervisor) return;
      const api = current?.api;
      if (api) await persistIfChanged({ api, reason: 'stop' });
      stopping = true;
      abort.abort();
      await supervisor;
      await persistQueue;
      supervisor = undefined;
      current = undefined;
      setState('stopped');
    },
  };

  function untilAborted<T>(promise: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => reject(new Error('stopped'));
      if (abort.signal.aborted) return onAbort();
      abort.signal.addEventListener('abort', onAbort, { once: true });
      promise.then(
        (value) => (abort.signal.removeEventListener('abort', onAbort), resolve(value)),
        (error: unknown) => (abort.signal.removeEventListener('abort', onAbort), reject(error)),
      );
    });
  }
}

class ZaloLoginTimeoutError extends Error {
  constructor(what: string, ms: number) {
    super(`${what} did not answer within ${Math.round(ms / 1000)} s`);
    this.name = 'ZaloLoginTimeoutError';
  }
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
