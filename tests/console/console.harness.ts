/**
 * What main.ts builds for the web chat and the console, on a test database: the real pipeline
 * (assemblePipeline), the FAQ engine on the database's published catalogue kept in step by
 * startFaqSync, and the console routes. Plus a cookie-keeping HTTP client and a web chat asker.
 */
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createWebAdapter } from '../../src/bot/adapters/web/web.adapter.js';
import type { ChannelAdapter } from '../../src/bot/core/channel.port.js';
import type { ChannelName } from '../../src/bot/core/message.types.js';
import { createConsoleDeps } from '../../src/console/console.assembly.js';
import { registerConsoleRoutes } from '../../src/console/console.routes.js';
import type { ConsoleDeps } from '../../src/console/console.deps.js';
import { loadCatalogueFiles } from '../../src/faq/catalogue.loader.js';
import { createFaqEngine } from '../../src/faq/faq.engine.js';
import { createFaqRepository } from '../../src/faq/faq.repository.js';
import { startFaqSync } from '../../src/faq/faq.sync.js';
import { syncUnitsFromData } from '../../src/units/index.js';
import { createLogger } from '../../src/logger.js';
import { assemblePipeline } from '../../src/pipeline.assembly.js';
import { createApp } from '../../src/web/app.js';
import { createWebChatHistory } from '../../src/web/chat.history.js';
import { registerChatRoutes } from '../../src/web/chat.routes.js';
import type { TestDatabase } from '../helpers/test-db.js';

export const DATA_DIR = new URL('../../data', import.meta.url).pathname;
export const catalogue = loadCatalogueFiles({ dataDir: DATA_DIR });

export type ConsoleServer = { url: string; deps: ConsoleDeps; stop(): Promise<void> };

export async function startConsoleServer({ database, now }: { database: TestDatabase; now?: () => Date }): Promise<ConsoleServer> {
  const logger = createLogger({ level: 'silent' });
  await syncUnitsFromData({ db: database.db, dataDir: DATA_DIR });
  const faqRepository = createFaqRepository({ db: database.db });
  await faqRepository.seed({ entries: catalogue.entries });
  const faq = createFaqEngine({ ...catalogue, entries: (await faqRepository.listPublished()).entries });
  const sync = await startFaqSync({ database, repository: faqRepository, engine: faq, logger });
  const webAdapter = createWebAdapter();
  const adapters = new Map<ChannelName, ChannelAdapter>([['web', webAdapter]]);
  const assembled = await assemblePipeline({ database, adapters, faq, logger, retentionDays: 365 });
  assembled.outboxWorker.onSent((row) => webAdapter.notify({ conversationRef: row.conversationRef }));
  const deps = createConsoleDeps({ db: database.db, engine: faq, catalogue, logger, ...(now ? { now } : {}) });
  const app = createApp({
    logger,
    routes: [
      (a) => registerConsoleRoutes({ app: a, deps }),
      (a) =>
        registerChatRoutes({
          app: a,
          webAdapter,
          history: createWebChatHistory({ conversations: assembled.conversations, outbox: assembled.outboxRepository }),
          logger,
          unitName: catalogue.unit.name,
          postsPerMinute: 10_000,
        }),
    ],
  });
  const server: Server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  assembled.outboxWorker.start();
  await webAdapter.start({ onMessage: assembled.pipeline.handle });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    deps,
    async stop() {
      await webAdapter.stop();
      await assembled.pipeline.drain();
      await assembled.outboxWorker.stop();
      await assembled.unitsListener.stop();
      await sync.stop();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

/** A new web chat session, as the page starts it: the cookie to send with each chat request. */
export async function startWebChatSession({ url }: { url: string }): Promise<string> {
  const res = await fetch(`${url}/api/chat/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  const cookie = res.headers.get('set-cookie')?.split(';')[0];
  if (res.status !== 200 || !cookie) throw new Error(`web chat gave no session: ${res.status}`);
  return cookie;
}

/** Asks the web chat one question in a fresh session and returns the bot's replies once an FAQ answer (📋 …) is among them. */
export async function askWebChat({ url, text, timeoutMs = 10_000 }: { url: string; text: string; timeoutMs?: number }): Promise<string> {
  const cookie = await startWebChatSession({ url });
  const posted = await fetch(`${url}/api/chat/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie },
    body: JSON.stringify({ clientMessageId: randomUUID(), text }),
  });
  if (posted.status !== 202) throw new Error(`web chat refused the message: ${posted.status} ${await posted.text()}`);
  const deadline = Date.now() + timeoutMs;
  let replies: string[] = [];
  while (Date.now() < deadline) {
    const res = await fetch(`${url}/api/chat/messages?after=0&wait=2`, { headers: { cookie } });
    const { items } = (await res.json()) as { items: Array<{ from: string; text: string }> };
    replies = items.filter((i) => i.from === 'bot').map((i) => i.text);
    if (replies.some((r) => r.startsWith('📋'))) return replies.join('\n\n');
  }
  return replies.join('\n\n');
}

/** fetch with a cookie jar, for console requests outside the browser. */
export function createHttpClient(base: string) {
  const jar = new Map<string, string>();
  const request = async (path: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    if (jar.size > 0) headers.set('cookie', [...jar].map(([k, v]) => `${k}=${v}`).join('; '));
    const res = await fetch(`${base}${path}`, { ...init, headers, redirect: 'manual' });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const [name, ...value] = pair!.split('=');
      if (/Max-Age=0/.test(line)) jar.delete(name!);
      else jar.set(name!, value.join('='));
    }
    return res;
  };
  const form = (path: string, fields: Record<string, string>) =>
    request(path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });
  async function login(username: string, password: string) {
    const page = await (await request('/admin/login')).text();
    const token = /name="_login" value="([^"]+)"/.exec(page)?.[1] ?? '';
    return form('/admin/login', { _login: token, username, password, next: '/admin' });
  }
  async function csrf(): Promise<string> {
    const page = await (await request('/admin')).text();
    return /data-csrf="([^"]+)"/.exec(page)?.[1] ?? '';
  }
  return { request, form, login, csrf, jar };
}
