/**
 * Test doubles for the Zalo adapter: fixtures built with zca-js's own UserMessage/GroupMessage
 * constructors (so threadId/isSelf follow the real rules), a plain-object fake of the API slice,
 * and an EventEmitter listener that tests drive ('connected', 'closed' 1006/3000, 'error').
 */
import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { GroupMessage, ThreadType, UserMessage, type MessageContent, type TGroupMessage, type TMessage } from 'zca-js';
import type { ZaloApi, ZaloCredentials, ZaloListenerPort, ZaloSession } from '../../../../src/bot/adapters/zalo/zalo.ports.js';

export const OWN_ID = '3105472619830012345';
export const RESIDENT_ID = '8847301925566201734';
export const STAFF_ID = '5520918374620011223';
export const GROUP_ID = '6543210987654321098';

const FIXTURES = fileURLToPath(new URL('../../../fixtures/zalo/', import.meta.url));

export type FixtureName =
  | 'user-text'
  | 'user-self'
  | 'user-photo'
  | 'user-sticker'
  | 'user-voice'
  | 'user-file'
  | 'user-location'
  | 'group-mention'
  | 'group-plain'
  | 'group-quote-bot';

/** A fresh message each call (the zca-js constructors mutate their data, as they do in production). */
export function zaloFixture(name: FixtureName): UserMessage | GroupMessage {
  const fixture = JSON.parse(readFileSync(`${FIXTURES}${name}.json`, 'utf8')) as { threadType: 'user' | 'group'; data: unknown };
  return fixture.threadType === 'group'
    ? new GroupMessage(OWN_ID, fixture.data as TGroupMessage)
    : new UserMessage(OWN_ID, fixture.data as TMessage);
}

export const savedCredentials: ZaloCredentials = {
  cookie: [
    { key: 'zpw_sek', value: 'sek-original', domain: 'chat.zalo.me', path: '/', expires: '2026-12-31T00:00:00.000Z', lastAccessed: '2026-01-01T00:00:00.000Z' },
    { key: 'zpsid', value: 'sid-original', domain: 'zalo.me', path: '/', expires: '2026-12-31T00:00:00.000Z' },
  ],
  imei: 'a1b2c3d4-0000-4000-8000-000000000000-0f343b0931126a20f133d67c2b018a3b',
  userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0',
  language: 'vi',
};

export class FakeListener extends EventEmitter implements ZaloListenerPort {
  startCalls: Array<{ retryOnClose: boolean }> = [];
  stopCalls = 0;
  start(options: { retryOnClose: boolean }): void {
    this.startCalls.push(options);
  }
  stop(): void {
    this.stopCalls += 1;
  }
  /** What zca-js emits when the socket closes with retryOnClose:false. */
  close(code: number, reason = ''): void {
    this.emit('disconnected', code, reason);
    this.emit('closed', code, reason);
  }
}

export type SentCall = { content: MessageContent; threadId: string; type: ThreadType | undefined };

export class FakeApi implements ZaloApi {
  sent: SentCall[] = [];
  typing: Array<{ threadId: string; type: ThreadType | undefined }> = [];
  cookies: Array<Record<string, unknown>>;
  /** Set to make the next sendMessage throw. */
  failNext: unknown;
  private nextMsgId = 7500000000001;

  constructor(credentials: ZaloCredentials) {
    this.cookies = structuredClone(credentials.cookie);
  }
  getOwnId = (): string => OWN_ID;
  getContext = () => ({ imei: savedCredentials.imei, userAgent: savedCredentials.userAgent, language: 'vi' });
  getCookie = () => ({ toJSON: () => ({ cookies: this.cookies }) });
  sendMessage: ZaloApi['sendMessage'] = async (message, threadId, type) => {
    if (this.failNext !== undefined) {
      const error = this.failNext;
      this.failNext = undefined;
      throw error;
    }
    const content = typeof message === 'string' ? { msg: message } : message;
    this.sent.push({ content, threadId, type });
    const id = { msgId: this.nextMsgId++ };
    return content.attachments ? { message: null, attachment: [id] } : { message: id, attachment: [] };
  };
  sendTypingEvent: ZaloApi['sendTypingEvent'] = async (threadId, type) => {
    this.typing.push({ threadId, type });
    return { status: 1 };
  };
}

/**
 * A fake zca-js login: each login creates a new FakeApi + FakeListener (like the real thing).
 * `nextLoginFails` queues errors for the next logins.
 */
export function createFakeZalo() {
  type FakeSession = ZaloSession & { api: FakeApi; listener: FakeListener; credentials: ZaloCredentials };
  const sessions: FakeSession[] = [];
  const nextLoginFails: unknown[] = [];
  let loginAttempts = 0;
  const fake = {
    sessions,
    nextLoginFails,
    /** Runs on each successful login, before the adapter sees the session (e.g. to rotate cookies). */
    onLogin: undefined as ((session: FakeSession) => void) | undefined,
    get loginAttempts() {
      return loginAttempts;
    },
    get current(): FakeSession {
      const session = sessions.at(-1);
      if (!session) throw new Error('no Zalo session was created yet');
      return session;
    },
    createApi: async ({ credentials }: { credentials: ZaloCredentials }): Promise<ZaloSession> => {
      loginAttempts += 1;
      const failure = nextLoginFails.shift();
      if (failure !== undefined) throw failure;
      const session = { api: new FakeApi(credentials), listener: new FakeListener(), credentials: structuredClone(credentials) };
      fake.onLogin?.(session);
      sessions.push(session);
      return session;
    },
  };
  return fake;
}

/** Records each wait and yields briefly, so supervisor loops run without real backoff delays. */
export function createRecordingSleep() {
  const delays: number[] = [];
  const sleep = (ms: number, signal: AbortSignal) =>
    new Promise<void>((resolve) => {
      delays.push(ms);
      if (signal.aborted) return resolve();
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, 2);
      signal.addEventListener('abort', done, { once: true });
    });
  return { delays, sleep };
}
