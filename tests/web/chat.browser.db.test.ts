/**
 * The web chat in a real browser (Debian chromium driven by playwright-core): a resident types a
 * question and sees the answer; buttons work; text is never interpreted as HTML; the transcript
 * survives a page reload and a server restart; the session is an HttpOnly cookie no URL carries, and
 * "Cuộc trò chuyện mới" leaves the next person on the device nothing of the previous transcript;
 * the page runs under the app's strict CSP without a violation.
 *
 * Everything is real: the FAQ engine and the shipped catalogue and units in data/, the production
 * wiring (assemblePipeline: pipeline, privacy, unit choice, handoff, outbox) and the database.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebAdapter, type WebAdapter } from '../../src/bot/adapters/web/web.adapter.js';
import type { ChannelAdapter } from '../../src/bot/core/channel.port.js';
import type { ChannelName } from '../../src/bot/core/message.types.js';
import type { FaqEngine } from '../../src/faq/faq.engine.port.js';
import { createLogger } from '../../src/logger.js';
import { assemblePipeline, type PipelineAssembly } from '../../src/pipeline.assembly.js';
import { syncUnitsFromData } from '../../src/units/units.sync.js';
import { createApp } from '../../src/web/app.js';
import { createWebChatHistory } from '../../src/web/chat.history.js';
import { registerChatRoutes } from '../../src/web/chat.routes.js';
import { sessionIdOfToken } from '../../src/web/chat.session.js';
import { createUploadFiles } from '../../src/web/uploads.files.js';
import { createWebUploadsRepository } from '../../src/web/uploads.repository.js';
import { webUploadsTable } from '../../src/web/uploads.table.js';
import { loadCatalogueFiles } from '../../src/faq/catalogue.loader.js';
import { createFaqEngine } from '../../src/faq/faq.engine.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-db.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SCREENSHOT = process.env.CHAT_SCREENSHOT ?? '/tmp/web-chat-phone.png';

const dataDir = new URL('../../data', import.meta.url).pathname;
const catalogue = loadCatalogueFiles({ dataDir });
function createEngine(): FaqEngine {
  return createFaqEngine(catalogue);
}
/** A phrase of the birth-registration answer (the documents section comes first). */
const EXPECTED_ANSWER = 'Giấy tờ cần chuẩn bị';

const logger = createLogger({ level: 'silent' });

type Running = { server: Server; webAdapter: WebAdapter; assembly: PipelineAssembly };

/** Everything main.ts builds for the web chat, on the given database and port. */
const uploadsDir = mkdtempSync(join(tmpdir(), 'mcb-browser-uploads-'));

async function startServer({ database, port }: { database: TestDatabase; port: number }): Promise<Running> {
  const webAdapter = createWebAdapter();
  const adapters = new Map<ChannelName, ChannelAdapter>([['web', webAdapter]]);
  await syncUnitsFromData({ db: database.db, dataDir });
  const assembly = await assemblePipeline({ database, adapters, faq: createEngine(), logger, retentionDays: 365 });
  const { conversations, outboxRepository: repository, outboxWorker: worker, pipeline } = assembly;
  worker.onSent((row) => webAdapter.notify({ conversationRef: row.conversationRef }));
  const app = createApp({
    logger,
    routes: [
      (a) =>
        registerChatRoutes({
          app: a,
          webAdapter,
          history: createWebChatHistory({ conversations, outbox: repository }),
          logger,
          unitName: 'Trung tâm Phục vụ hành chính công phường Mẫu',
          uploads: createWebUploadsRepository({ db: database.db, files: createUploadFiles({ dir: uploadsDir }) }),
        }),
    ],
  });
  const server = app.listen(port, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  worker.start();
  await webAdapter.start({ onMessage: pipeline.handle });
  return { server, webAdapter, assembly };
}

async function stopServer(running: Running) {
  await running.webAdapter.stop();
  await running.assembly.pipeline.drain();
  await running.assembly.outboxWorker.stop();
  await running.assembly.unitsListener.stop();
  await new Promise<void>((resolve) => {
    running.server.close(() => resolve());
    running.server.closeAllConnections();
  });
}

const bubbles = (page: Page, who: 'bot' | 'me') => page.locator(`.msg.${who}`).allTextContents();
/** A bubble's text without the time line the page adds under it. */
const withoutTime = (text: string) => text.replace(/\d\d:\d\d$/, '');

describe.runIf(existsSync(CHROMIUM))('web chat in a browser', () => {
  let database: TestDatabase;
  let running: Running;
  let browser: Browser;
  let page: Page;
  let url: string;
  /** Every request the page made, and every CSP violation or script error it reported. */
  const requests: Array<{ method: string; url: string }> = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    running = await startServer({ database, port: 0 });
    url = `http://127.0.0.1:${(running.server.address() as AddressInfo).port}/`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    // A mid-range phone.
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'vi-VN' });
    page = await context.newPage();
    page.on('request', (r) => requests.push({ method: r.method(), url: r.url() }));
    page.on('console', (m) => {
      if (m.type() === 'error') pageErrors.push(m.text());
    });
    page.on('pageerror', (e) => pageErrors.push(e.message));
    // "Cuộc trò chuyện mới" asks first; the resident agrees.
    page.on('dialog', (d) => void d.accept());
  });
  afterAll(async () => {
    await browser?.close();
    if (running) await stopServer(running);
    await database?.close();
    rmSync(uploadsDir, { recursive: true, force: true });
  });

  /** This device's session cookie, and the session id the server derives from it. */
  async function currentSession() {
    const cookies = await page.context().cookies();
    const cookie = cookies.find((c) => c.name === 'motcua_chat');
    expect(cookie).toBeDefined();
    return { cookie: cookie!, sessionId: sessionIdOfToken(cookie!.value.slice(2)) };
  }

  it('a resident types a question and sees the answer', async () => {
    await page.goto(url);
    await expect(page.locator('#unit-name').textContent()).resolves.toBe('Trung tâm Phục vụ hành chính công phường Mẫu');
    await page.locator('#input').fill('đk ks cho con cần gì');
    await page.locator('#input').press('Enter');
    await page.getByText(EXPECTED_ANSWER).waitFor({ timeout: 10_000 });
    expect((await bubbles(page, 'me')).map(withoutTime)).toEqual(['đk ks cho con cần gì']);
    const bot = await bubbles(page, 'bot');
    expect(bot[0]).toMatch(/^Xin chào anh\/chị!/); // first contact: greeting and privacy notice first
    // The answer is laid out: the title and section names are headings, the documents a list.
    const answer = page.locator('.msg.bot').last();
    expect(await answer.locator('h2').textContent()).toBe('Đăng ký khai sinh');
    expect(await answer.locator('h3').first().textContent()).toBe('Giấy tờ cần chuẩn bị');
    expect(await answer.locator('ul li').count()).toBeGreaterThan(1);
    expect(await answer.locator('a[href^="https://"]').count()).toBeGreaterThan(0);
    expect(await answer.locator('time').textContent()).toMatch(/^\d\d:\d\d$/);
    await page.screenshot({ path: SCREENSHOT });
  });

  it('keeps the session in an HttpOnly, SameSite=Strict cookie that no URL carries, under a strict CSP', async () => {
    const { cookie, sessionId } = await currentSession();
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/api/chat' });
    expect(cookie.value).toMatch(/^t\.[A-Za-z0-9_-]{43}$/);
    expect(await page.evaluate(() => (globalThis as unknown as { document: { cookie: string } }).document.cookie)).toBe('');
    // The conversation is the derived id's, not the cookie's.
    const { conversation } = await running.assembly.conversations.findConversationByRef({ conversationRef: `web:${sessionId}` });
    expect(conversation).toBeDefined();
    const polls = requests.filter((r) => r.method === 'GET' && r.url.includes('/api/chat/messages'));
    expect(polls.length).toBeGreaterThan(0);
    for (const r of requests) {
      expect(r.url).not.toContain(sessionId);
      expect(r.url).not.toContain(cookie.value.slice(2));
      expect(new URL(r.url).search).not.toMatch(/session/i);
    }
    const res = await page.request.get(url);
    expect(res.headers()['content-security-policy']).toContain("default-src 'none'");
    expect(res.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(res.headers()['cache-control']).toBe('no-cache');
    expect(res.headers()['etag']).toBeTruthy();
    expect(pageErrors).toEqual([]);
  });

  it('on a phone, the newest answer is scrolled to its start, the notice is one line with a link, quick replies are collapsed', async () => {
    const log = await page.locator('#log').boundingBox();
    // The greeting and notice came with it, but the answer's first line is what the resident sees.
    await expect
      .poll(async () => {
        const title = await page.locator('.msg.bot').last().locator('h2').boundingBox();
        return title !== null && log !== null && title.y >= log.y - 1 && title.y < log.y + 80;
      }, { timeout: 5_000 })
      .toBe(true);
    const notice = page.locator('.msg.bot', { hasText: 'Dữ liệu: tôi lưu tin nhắn' });
    const line = await notice.locator('p').first().boundingBox();
    expect(line!.height).toBeLessThan(5 * 30); // one sentence (wrapped on a phone), not three paragraphs
    expect(await notice.locator('p').count()).toBe(1);
    expect(await notice.locator('a[href="/rieng-tu.html"]').textContent()).toBe('Xem chi tiết');
    expect(await notice.textContent()).not.toMatch(/tên hiển thị|mã tài khoản/);
    // Seven buttons arrive; three are shown and one "more", so the answer keeps most of the screen.
    expect(await page.locator('#buttons button').count()).toBeLessThanOrEqual(4);
    const quick = await page.locator('#buttons').boundingBox();
    expect(quick!.height).toBeLessThan(844 * 0.25);
    await page.locator('#buttons .more').click();
    expect(await page.locator('#buttons button').count()).toBeGreaterThan(4);
  });

  it('shows the reply buttons and sends a tap as an action', async () => {
    const button = page.locator('#buttons button', { hasText: 'Lệ phí' });
    await button.waitFor();
    await button.click();
    await page.getByText('Miễn lệ phí nếu đăng ký đúng hạn').waitFor({ timeout: 10_000 });
    expect(withoutTime((await bubbles(page, 'me')).at(-1)!)).toBe('💰 Lệ phí');
  });

  it('shows markup typed by a resident as text, never as HTML', async () => {
    const attack = '<img src=x onerror="window.__pwned=1"><b>đậm</b> giấy tờ';
    const botBubbles = (await bubbles(page, 'bot')).length;
    await page.locator('#input').fill(attack);
    await page.locator('#send').click();
    await expect.poll(async () => (await bubbles(page, 'bot')).length, { timeout: 10_000 }).toBeGreaterThan(botBubbles);
    expect(withoutTime((await bubbles(page, 'me')).at(-1)!)).toBe(attack);
    expect(await page.locator('.msg img, .msg b').count()).toBe(0);
    expect(await page.evaluate(() => (globalThis as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  });

  it('keeps the conversation across a page reload and a server restart', async () => {
    const before = await page.locator('.msg').allTextContents();
    await page.reload();
    await page.getByText(EXPECTED_ANSWER).waitFor({ timeout: 10_000 });
    expect(await page.locator('.msg').allTextContents()).toEqual(before);

    const port = (running.server.address() as AddressInfo).port;
    await stopServer(running);
    running = await startServer({ database, port });
    await page.reload();
    await page.getByText(EXPECTED_ANSWER).waitFor({ timeout: 10_000 });
    expect(await page.locator('.msg').allTextContents()).toEqual(before);

    // And the conversation goes on: no second greeting for a known resident.
    await page.locator('#input').fill('khai sinh cần gì');
    await page.locator('#input').press('Enter');
    await page.getByText(EXPECTED_ANSWER).nth(1).waitFor({ timeout: 10_000 });
    expect((await bubbles(page, 'bot')).filter((t) => t.startsWith('Xin chào anh/chị!'))).toHaveLength(1);
  });

  it('lists clarify options once (as buttons), not again in the text', async () => {
    const botBubbles = (await bubbles(page, 'bot')).length;
    await page.locator('#input').fill('đăng ký');
    await page.locator('#input').press('Enter');
    await expect.poll(async () => (await bubbles(page, 'bot')).length, { timeout: 10_000 }).toBeGreaterThan(botBubbles);
    const options = (await page.locator('#buttons button').allTextContents()).filter((l) => /^\d\. /.test(l));
    expect(options.length).toBeGreaterThan(1); // the engine asked back
    const last = (await bubbles(page, 'bot')).at(-1)!;
    for (const label of options) expect(last).not.toContain(label);
  });

  it('sends a photo of a paper with the 📎 button; it is stored and the bot answers', async () => {
    const botBubbles = (await bubbles(page, 'bot')).length;
    await page.locator('#attach').waitFor({ state: 'visible' });
    const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 74, 70, 73, 70]);
    await page.locator('#file').setInputFiles({ name: 'giay-chung-sinh.jpg', mimeType: 'image/jpeg', buffer: jpeg });
    await expect.poll(async () => (await bubbles(page, 'bot')).length, { timeout: 10_000 }).toBeGreaterThan(botBubbles);
    expect(withoutTime((await bubbles(page, 'me')).at(-1)!)).toBe('📷 Đã gửi một ảnh');
    const [stored] = await database.db.select().from(webUploadsTable);
    expect(stored).toMatchObject({ fileName: 'giay-chung-sinh.jpg', mimeType: 'image/jpeg', data: null, size: jpeg.length });
    expect(readFileSync(join(uploadsDir, stored!.storageKey!))).toEqual(jpeg);
    // After a reload the transcript shows the same bubble.
    await page.reload();
    await page.getByText('📷 Đã gửi một ảnh').waitFor({ timeout: 10_000 });
  });

  it('refuses an oversized message politely', async () => {
    const status = await page.evaluate(async () => {
      const res = await fetch('/api/chat/messages', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ clientMessageId: crypto.randomUUID(), text: 'x'.repeat(9000) }),
      });
      return { status: res.status, body: await res.json() };
    });
    expect(status).toMatchObject({ status: 413, body: { error: { code: 'web.too_large', message: expect.stringMatching(/quá dài/) } } });
  });

  it('"Cuộc trò chuyện mới": the next person on this device sees nothing of the previous transcript; it stays on the server', async () => {
    const before = await currentSession();
    const previous = await page.locator('.msg').allTextContents();
    const previousMine = (await bubbles(page, 'me')).map(withoutTime);
    expect(previousMine.length).toBeGreaterThan(2);
    await page.getByRole('button', { name: 'Cuộc trò chuyện mới' }).click();
    await expect.poll(() => page.locator('.msg').count()).toBe(0);
    expect(await page.locator('#intro').isVisible()).toBe(true);
    const after = await currentSession();
    expect(after.sessionId).not.toBe(before.sessionId);

    // A reload (the next person arrives) still shows nothing of it.
    await page.reload();
    await page.locator('#intro').waitFor();
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await page.locator('.msg').count()).toBe(0);
    await page.locator('#input').fill('giờ làm việc');
    await page.locator('#input').press('Enter');
    await expect.poll(async () => (await bubbles(page, 'bot')).length, { timeout: 10_000 }).toBeGreaterThan(0);
    // Only the new question is the resident's; none of the previous person's messages or answers came back.
    await expect.poll(async () => (await bubbles(page, 'bot')).some((t) => t.includes('Giờ') || t.includes('giờ'))).toBe(true);
    expect((await bubbles(page, 'me')).map(withoutTime)).toEqual(['giờ làm việc']);
    expect(await page.getByText(EXPECTED_ANSWER).count()).toBe(0);
    expect(await page.getByText('📷 Đã gửi một ảnh').count()).toBe(0);
    expect((await bubbles(page, 'bot'))[0]).toMatch(/^Xin chào anh\/chị!/); // a first contact again

    // The old transcript is still the old session's, on the server (its erasure and retention rules apply).
    const { conversation } = await running.assembly.conversations.findConversationByRef({ conversationRef: `web:${before.sessionId}` });
    expect(conversation).toBeDefined();
    const { messages } = await running.assembly.conversations.listMessages({ conversationId: conversation!.id, limit: 100 });
    expect(messages.length).toBeGreaterThanOrEqual(previous.length);
    for (const r of requests) expect(r.url).not.toContain(after.sessionId);
  });
});
