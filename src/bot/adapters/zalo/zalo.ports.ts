/**
 * The narrow slice of zca-js the adapter uses, so tests inject plain-object fakes.
 *
 * - `ZaloApi` is a `Pick<API, …>`; `getContext`/`getCookie` are narrowed further to the fields we
 *   read, because the real ContextSession/CookieJar are large (a real `API` still satisfies it:
 *   zalo.client.ts returns one where a ZaloApi is expected, so tsc checks the fit).
 * - `API['listener']` cannot be faked structurally (private members in zca-js 2.2.0 dist/apis/listen.d.ts: TS2740),
 *   hence our own `ZaloListenerPort` with the event map copied from zca-js's ListenerEvents.
 */
import type { API, CloseReason, Message } from 'zca-js';

export type ZaloApi = Pick<API, 'sendMessage' | 'sendTypingEvent' | 'getOwnId'> & {
  getContext(): { imei: string; userAgent: string; language?: string };
  /** tough-cookie CookieJar; toJSON() gives the serialised cookies we persist. */
  getCookie(): { toJSON(): { cookies: Array<Record<string, unknown>> } | undefined };
};

/** The events of zca-js's Listener that the supervisor relies on (a subset of ListenerEvents). */
export type ZaloListenerEvents = {
  connected: [];
  disconnected: [code: CloseReason | number, reason: string];
  closed: [code: CloseReason | number, reason: string];
  error: [error: unknown];
  message: [message: Message];
};

export type ZaloListenerPort = {
  on<E extends keyof ZaloListenerEvents>(event: E, listener: (...args: ZaloListenerEvents[E]) => void): unknown;
  /** zca-js throws "Already started" if a socket exists; the supervisor starts each listener once. */
  start(options: { retryOnClose: boolean }): void;
  stop(): void;
};

/** What `zalo login` persists and start-up reads: enough for `new Zalo().login()`. A secret. */
export type ZaloCredentials = {
  cookie: Array<Record<string, unknown>>;
  imei: string;
  userAgent: string;
  language?: string;
};

/** One logged-in session: a fresh API and its (not yet started) listener. */
export type ZaloSession = { api: ZaloApi; listener: ZaloListenerPort };

/** Logs in with saved credentials. Throws the SDK's error on failure (classified by zalo.errors.ts). */
export type CreateZaloSession = (args: { credentials: ZaloCredentials }) => Promise<ZaloSession>;
