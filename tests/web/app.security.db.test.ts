/**
 * The web surface as a browser or a script meets it: the security headers on every kind of response
 * (the chat page and its assets, the chat API, the console, errors, 404), assets revalidated with an
 * ETag, undecodable bodies refused in Vietnamese without a library's words or codes, and TRUST_PROXY:
 * by default no X-Forwarded-* header is believed.
 */
import { gzipSync } from 'node:zlib';
import { get, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebAdapter } from '../../src/bot/adapters/web/web.adapter.js';
import { createOutboxRepository } from '../../src/bot/outbox/outbox.repository.js';
import { createConversationsRepository } from '../../src/db/conversations.repository.js';
import { createLogger } from '../../src/logger.js';
import { createApp } from '../../src/web/app.js';
import { createWebChatHistory } from '../../src/web/chat.history.js';
import { registerChatRoutes } from '../../src/web/chat.routes.js';
import { registerHealthRoutes } from '../../src/web/health.routes.js';
import { startConsoleServer, startWebChatSession, type ConsoleServer } from '../console/console.harness.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-db.js';

/** What every response must carry, whatever route answered it. */
function expectSecurityHeaders(res: Response, what: string) {
  const csp = res.headers.get('content-security-policy') ?? '';
  expect(csp, what).toContain("default-src 'none'");
  expect(csp, what).toContain("script-src 'self'");
  expect(csp, what).toContain("frame-ancestors 'none'");
  expect(csp, what).toContain("base-uri 'none'");
  expect(csp, what).not.toContain('unsafe-inline');
  expect(res.headers.get('x-content-type-options'), what).toBe('nosniff');
  expect(res.headers.get('x-frame-options'), what).toBe('DENY');
  expect(res.headers.get('referrer-policy'), what).toBe('same-origin');
  expect(res.headers.get('x-powered-by'), what).toBeNull();
}

/** Nothing a library said: no zlib code, no charset name, no English error text. */
async function expectVietnameseRefusal(res: Response, status: number, code: string) {
  expect(res.status).toBe(status);
  const text = await res.text();
  expect(text).not.toMatch(/Z_DATA_ERROR|Z_BUF_ERROR|LATIN|unsupported|incorrect header|Unexpected token|stack|at \//i);
  const body = JSON.parse(text) as { error: { code: string; message: string } };
  expect(body.error.code).toBe(code);
  expect(body.error.message).toMatch(/[ạảãàáâầấậẩẫăằắặẳẵđêềếệểễôồốộổỗơờớợởỡưừứựửữ]/);
  return body;
}

describe('the web surface', () => {
  let database: TestDatabase;
  let server: ConsoleServer;
  let health: { server: Server; url: string };
  let cookie: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    server = await startConsoleServer({ database });
    health = await listen(createApp({ logger: createLogger({ level: 'silent' }), routes: [(a) => registerHealthRoutes({ app: a, health: { version: '1.0.0', database } })] }));
    cookie = await startWebChatSession({ url: server.url });
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
    await new Promise<void>((resolve) => health?.server.close(() => resolve()));
    await database?.close();
  });

  it('sets the security headers on every kind of response', async () => {
    const { url } = server;
    const cases: Array<[string, Promise<Response>, number]> = [
      ['chat page', fetch(`${url}/`), 200],
      ['chat script', fetch(`${url}/chat.js`), 200],
      ['chat styles', fetch(`${url}/chat.css`), 200],
      ['privacy notice', fetch(`${url}/rieng-tu.html`), 200],
      ['chat info', fetch(`${url}/api/chat/info`), 200],
      ['chat session', fetch(`${url}/api/chat/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }), 200],
      ['chat poll', fetch(`${url}/api/chat/messages`, { headers: { cookie } }), 200],
      ['chat refusal', fetch(`${url}/api/chat/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }), 400],
      ['console sign-in', fetch(`${url}/admin/login`), 200],
      ['console redirect', fetch(`${url}/admin`, { redirect: 'manual' }), 303],
      ['console asset', fetch(`${url}/admin/assets/console.css`), 200],
      ['console missing asset', fetch(`${url}/admin/assets/nope.css`), 404],
      ['404 page', fetch(`${url}/nope`, { headers: { accept: 'text/html' } }), 404],
      ['404 JSON', fetch(`${url}/api/nope`), 404],
      ['bad body', fetch(`${url}/api/chat/messages`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: 'not gzip' }), 400],
      ['healthz', fetch(`${health.url}/healthz`), 200],
    ];
    for (const [what, pending, status] of cases) {
      const res = await pending;
      expect(res.status, what).toBe(status);
      expectSecurityHeaders(res, what);
      await res.arrayBuffer();
    }
  });

  it('serves its own assets with no-cache and an ETag (a 304 while unchanged), so an upgrade is seen at once', async () => {
    for (const path of ['/', '/chat.js', '/chat.css', '/admin/assets/console.js']) {
      const res = await fetch(`${server.url}${path}`);
      expect(res.headers.get('cache-control'), path).toBe('no-cache');
      const etag = res.headers.get('etag');
      expect(etag, path).toBeTruthy();
      await res.arrayBuffer();
      // node:http, as a browser revalidates (fetch would add its own "Cache-Control: no-cache" to a conditional request).
      expect(await conditionalGet(`${server.url}${path}`, etag!), path).toBe(304);
    }
  });

  it('refuses undecodable chat bodies in Vietnamese: bad gzip, unknown charset or encoding, bad JSON, too large', async () => {
    const post = (body: string | Buffer, headers: Record<string, string>) =>
      fetch(`${server.url}/api/chat/messages`, { method: 'POST', headers: { cookie, 'content-type': 'application/json', ...headers }, body });
    await expectVietnameseRefusal(await post(Buffer.from('this is not gzip at all'), { 'content-encoding': 'gzip' }), 400, 'http.bad_body');
    // A gzip body that is cut short.
    await expectVietnameseRefusal(await post(gzipSync(JSON.stringify({ clientMessageId: randomUUID(), text: 'x'.repeat(500) })).subarray(0, 40), { 'content-encoding': 'gzip' }), 400, 'http.bad_body');
    await expectVietnameseRefusal(await post('{}', { 'content-type': 'application/json; charset=latin-9' }), 415, 'http.bad_encoding');
    await expectVietnameseRefusal(await post('{}', { 'content-encoding': 'compress' }), 415, 'http.bad_encoding');
    await expectVietnameseRefusal(await post('{"clientMessageId": ', {}), 400, 'web.invalid');
    await expectVietnameseRefusal(await post(JSON.stringify({ clientMessageId: randomUUID(), text: 'x'.repeat(20_000) }), {}), 413, 'web.too_large');
    // A well-formed gzip body is read as usual.
    const ok = await post(gzipSync(JSON.stringify({ clientMessageId: randomUUID(), text: 'giờ làm việc' })), { 'content-encoding': 'gzip' });
    expect(ok.status).toBe(202);
  });

  it('answers a browser with a Vietnamese page, not JSON or an English error, for a body it cannot read', async () => {
    const res = await fetch(`${server.url}/admin/login`, {
      method: 'POST',
      headers: { accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded', 'content-encoding': 'gzip' },
      body: 'username=a&password=b',
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const page = await res.text();
    expect(page).toContain('Không đọc được nội dung');
    expect(page).not.toMatch(/Z_DATA_ERROR|incorrect header|Error:/);
    expect(page).not.toMatch(/<script|style=/);
    const big = await fetch(`${server.url}/admin/login`, {
      method: 'POST',
      headers: { accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' },
      body: `username=${'a'.repeat(2 * 1024 * 1024)}`,
    });
    expect(big.status).toBe(413);
    expect(await big.text()).toContain('Nội dung gửi lên quá lớn');
  });

  it('TRUST_PROXY: by default X-Forwarded-For and -Proto are not believed; with one proxy trusted they are', async () => {
    const conversations = createConversationsRepository({ db: database.db });
    // Only the throttle in front of the pipeline is under test: accepted messages are counted, not answered.
    const accepted: string[] = [];
    const webAdapter = createWebAdapter();
    await webAdapter.start({ onMessage: async (m) => void accepted.push(m.text) });
    const routes = (a: Parameters<typeof registerChatRoutes>[0]['app']) =>
      registerChatRoutes({
        app: a,
        webAdapter,
        history: createWebChatHistory({ conversations, outbox: createOutboxRepository({ db: database.db }) }),
        logger: createLogger({ level: 'silent' }),
        unitName: 'Phường Mẫu',
        postsPerMinute: 3,
      });
    const direct = await listen(createApp({ logger: createLogger({ level: 'silent' }), routes: [routes] }));
    const proxied = await listen(createApp({ logger: createLogger({ level: 'silent' }), trustProxy: 1, routes: [routes] }));
    try {
      // Four sessions "from" four addresses: one bucket of 3 when the header is not believed.
      const start = (base: string, n: number) =>
        fetch(`${base}/api/chat/session`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': `203.0.113.${n}`, 'x-forwarded-proto': 'https' }, body: '{}' });
      const directCookie = (await start(direct.url, 1)).headers.get('set-cookie')!;
      expect(directCookie).not.toMatch(/Secure/);
      const proxiedCookie = (await start(proxied.url, 1)).headers.get('set-cookie')!;
      expect(proxiedCookie).toMatch(/; Secure/);
      expect(proxiedCookie).toMatch(/HttpOnly; SameSite=Strict/);
      const send = (base: string, n: number) =>
        fetch(`${base}/api/chat/messages`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': `203.0.113.${n}`, cookie: directCookie.split(';')[0]! }, body: JSON.stringify({ clientMessageId: randomUUID(), text: 'a' }) });
      const directStatuses = [];
      for (let n = 1; n <= 4; n += 1) directStatuses.push((await send(direct.url, n)).status);
      expect(directStatuses).toEqual([202, 202, 202, 429]);
      const proxiedStatuses = [];
      for (let n = 1; n <= 4; n += 1) proxiedStatuses.push((await send(proxied.url, n)).status);
      expect(proxiedStatuses).toEqual([202, 202, 202, 202]);
      expect(accepted).toHaveLength(7);
    } finally {
      for (const s of [direct, proxied]) await new Promise<void>((resolve) => s.server.close(() => resolve()));
    }
  });
});

function conditionalGet(url: string, etag: string): Promise<number> {
  return new Promise((resolve, reject) => {
    get(url, { headers: { 'if-none-match': etag } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    }).on('error', reject);
  });
}

async function listen(app: ReturnType<typeof createApp>): Promise<{ server: Server; url: string }> {
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}
