/**
 * Ticket views in a real browser (Debian chromium via playwright-core), on the production wiring:
 * residents write to the REAL telegraf adapter through the fake Bot API, tickets go to a Telegram
 * forum staff group (PUBLIC_URL set: the card links to the ticket page). A staff account opens the
 * list, filters "Quá hạn", opens the ticket, answers; the resident receives the answer on Telegram,
 * signed as a group answer, and the ticket's topic gets the "answered from the console" line. The
 * report's ticket numbers lead to the same tickets. Screenshot: DASHBOARD_SCREENSHOTS/ticket.png.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import pino from 'pino';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTelegramAdapter, type TelegramAdapter } from '../../src/bot/adapters/telegram/telegram.adapter.js';
import type { InboundMessage } from '../../src/bot/core/message.types.js';
import { createConsoleDeps } from '../../src/console/console.assembly.js';
import { registerConsoleRoutes } from '../../src/console/console.routes.js';
import { createFaqEngine } from '../../src/faq/faq.engine.js';
import { createLogger } from '../../src/logger.js';
import { createApp } from '../../src/web/app.js';
import { startFakeTelegramApi, type FakeTelegramApi } from '../helpers/fake-telegram-api.js';
import { createHandoffHarness, STAFF, type HandoffHarness } from '../helpers/handoff-harness.js';
import { catalogue, createHttpClient } from './console.harness.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = process.env.DASHBOARD_SCREENSHOTS ?? '/tmp/dashboard-screenshots';
const PASSWORD = 'mat-khau-thu-2026';
const FORUM_ID = -1001000000001;
const SIGNATURE = '\n\n— Cán bộ Trung tâm Phục vụ hành chính công phường Mẫu';
const ANSWER = 'Dạ, bác mang sổ đỏ cũ và CCCD tới quầy số 2, sáng thứ Ba bác tới nhé.';

describe.runIf(existsSync(CHROMIUM))('ticket list and ticket page in a browser', () => {
  let fake: FakeTelegramApi;
  let adapter: TelegramAdapter;
  let h: HandoffHarness;
  let http: Server;
  let url: string;
  let browser: Browser;
  const handled: InboundMessage[] = [];

  /** Delivers an update through getUpdates, waits until the pipeline handled it, then drains the outbox. */
  async function push(update: ReturnType<FakeTelegramApi['makeMessage']>) {
    const before = handled.length;
    fake.enqueueUpdate(update);
    const deadline = Date.now() + 20_000;
    while (handled.length === before) {
      if (Date.now() > deadline) throw new Error('update was not handled within 20 s');
      await new Promise((r) => setTimeout(r, 20));
    }
    await h.flush();
  }

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    // The console's address is needed before the bot is wired (PUBLIC_URL): listen first, mount the app after.
    http = createServer();
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;

    fake = await startFakeTelegramApi();
    adapter = createTelegramAdapter({ token: fake.token, apiRoot: fake.apiRoot, logger: pino({ level: 'silent' }), pollingTimeoutSeconds: 1 });
    h = await createHandoffHarness({ groups: [{ conversationRef: `telegram:${FORUM_ID}`, forum: true }], replace: { telegram: adapter }, publicUrl: url });
    const harness = h;
    await adapter.start({
      onMessage: async (message) => {
        await harness.pipeline.handle(message);
        handled.push(message);
      },
    });

    const logger = createLogger({ level: 'silent' });
    const deps = createConsoleDeps({ db: h.db, engine: createFaqEngine(catalogue), catalogue, logger, now: () => harness.clock.now(), handoff: h.handoff });
    await deps.accounts.addAccount({ username: 'minh', password: PASSWORD, role: 'staff', unitId: 'phuong-mau', staffId: STAFF.minh.id });
    await deps.accounts.addAccount({ username: 'tinh', password: PASSWORD, role: 'province' });
    await deps.accounts.addAccount({ username: 'donvi', password: PASSWORD, role: 'unit', unitId: 'phuong-mau' });
    http.on('request', createApp({ logger, routes: [(a) => registerConsoleRoutes({ app: a, deps })] }));

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await adapter?.stop();
    await h?.close();
    await fake?.close();
    await new Promise<void>((resolve) => (http ? http.close(() => resolve()) : resolve()));
  });

  async function signIn(username: string): Promise<Page> {
    const page = await (await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'vi-VN' })).newPage();
    await page.goto(`${url}/admin/login`);
    await page.locator('#username').fill(username);
    await page.locator('#password').fill(PASSWORD);
    await page.locator('button[type=submit]', { hasText: 'Đăng nhập' }).click();
    await page.waitForURL(username === 'minh' ? /\/admin\/tickets$/ : /\/admin$/); // a staff account's home is the ticket list
    return page;
  }

  it('list → filter overdue → open the ticket → answer; the resident gets it on Telegram; the card links to the page', async () => {
    const forum = fake.forum(FORUM_ID, 'Một cửa – cán bộ');
    const ong = fake.user(1001, 'Ông Sáu');
    const ba = fake.user(1002, 'Bà Tư');
    const minh = fake.user(Number(STAFF.minh.telegram), 'Minh');
    // Monday 9:00: two tickets (SLA 120 working minutes: due 11:00); the second is answered in the group at once.
    await push(fake.makeMessage({ chat: fake.privateChat(1001, 'Ông Sáu'), from: ong, text: 'Cho tôi gặp cán bộ về cấp sổ đỏ lần đầu' }));
    await push(fake.makeMessage({ chat: fake.privateChat(1002, 'Bà Tư'), from: ba, text: 'Cho tôi gặp cán bộ về hộ khẩu' }));
    const topics = fake.topics(FORUM_ID);
    expect(topics.map((t) => t.name)).toEqual(['HS-0001 · Ông Sáu', 'HS-0002 · Bà Tư']);
    await push(fake.makeMessage({ chat: forum, from: minh, threadId: topics[1]!.threadId, text: 'Bà mang sổ hộ khẩu cũ tới nhé.' }));

    // The card in the first ticket's topic links to its page.
    const card = fake.callsTo('sendMessage').find((c) => c.params.chat_id === FORUM_ID && String(c.params.text).startsWith('🆕 Phiếu HS-0001'))!;
    expect(String(card.params.text)).toContain(`Xem và trả lời trên trang quản trị: ${url}/admin/tickets/HS-0001`);

    // Three hours later (12:00): HS-0001 is overdue, HS-0002 was answered in time.
    h.clock.advance(3 * 60 * 60_000);
    const page = await signIn('minh');
    await page.locator('nav a', { hasText: 'Phiếu' }).click();
    await page.waitForURL(/\/admin\/tickets$/);
    expect(await page.locator('#tickets tbody tr').count()).toBe(2);
    await page.locator('#quick a', { hasText: 'Quá hạn' }).click();
    await page.waitForURL(/overdue=1/);
    expect(await page.locator('#tickets tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-code')))).toEqual(['HS-0001']);
    expect(await page.locator('[data-overdue]').count()).toBe(1);

    await page.locator('#tickets a', { hasText: 'HS-0001' }).click();
    await page.waitForURL(/\/admin\/tickets\/HS-0001$/);
    expect(await page.locator('#transcript [data-from="resident"]').first().innerText()).toContain('Cho tôi gặp cán bộ về cấp sổ đỏ lần đầu');
    expect(await page.locator('#transcript [data-from="bot"]', { hasText: 'Mã phiếu: HS-0001' }).count()).toBe(1); // the receipt
    expect(await page.locator('[data-figure="sla"]').innerText()).toBe('trễ hạn');
    expect(await page.locator('[data-figure="first-response"]').innerText()).toContain('chưa có');

    await page.locator('#answer-text').fill(ANSWER);
    await page.locator('#answer button[type=submit]').click();
    await page.waitForURL(/\/admin\/tickets\/HS-0001\?ok=answered$/);
    await expect.poll(() => page.locator('.flash.ok').count()).toBe(1);
    await h.flush();

    // The resident: the answer on Telegram, signed as an answer typed in the group.
    const toResident = fake.callsTo('sendMessage').filter((c) => c.params.chat_id === 1001 && c.response.ok);
    expect(toResident.at(-1)!.params.text).toBe(`${ANSWER}${SIGNATURE}`);
    // The staff topic: who answered, from the console, with the text.
    const inTopic = fake.callsTo('sendMessage').filter((c) => c.params.chat_id === FORUM_ID && c.params.message_thread_id === topics[0]!.threadId).map((c) => String(c.params.text));
    expect(inTopic).toContain(`🖥️ Trần Văn Minh đã trả lời phiếu HS-0001 từ trang quản trị (tài khoản minh):\n${ANSWER}`);
    // The card was edited to "claimed" and still links to the page.
    const edit = fake.callsTo('editMessageText').at(-1)!;
    expect(String(edit.params.text)).toContain('Trạng thái: Trần Văn Minh đang xử lý');
    expect(String(edit.params.text)).toContain(`${url}/admin/tickets/HS-0001`);

    // The page after a reload: the answer in the transcript as staff's, the event marked as from the console, the first response set.
    await page.goto(`${url}/admin/tickets/HS-0001`);
    expect(await page.locator('#transcript [data-from="staff"]').last().innerText()).toContain(ANSWER);
    expect(await page.locator('#events tr[data-type="reply"]').innerText()).toContain('từ trang quản trị (minh)');
    expect(await page.locator('[data-figure="first-response"]').innerText()).toContain('sau 2 giờ 30 phút làm việc'); // 9:00–11:30, lunch not counted
    await page.screenshot({ path: join(SHOTS, 'ticket.png'), fullPage: true });

    // No CSRF token: refused, nothing sent.
    const sends = fake.callsTo('sendMessage').length;
    const refused = await page.request.post(`${url}/admin/tickets/HS-0001/answer`, { form: { text: 'không có mã bảo vệ' } });
    expect(refused.status()).toBe(403);
    await h.flush();
    expect(fake.callsTo('sendMessage').length).toBe(sends);
  }, 240_000);

  it("the report's ticket numbers lead to those tickets; a province admin reads the page but cannot answer", async () => {
    const page = await signIn('tinh');
    await page.goto(`${url}/admin/reports`);
    const missed = Number((await page.locator('a[data-tickets="sla-missed"]').innerText()).replace(/\D/g, ''));
    expect(missed).toBe(1); // HS-0001: answered after its due time
    await page.locator('a[data-tickets="sla-missed"]').click();
    await page.waitForURL(/\/admin\/tickets\?.*sla=missed/);
    expect(await page.locator('#tickets tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-code')))).toEqual(['HS-0001']);
    await page.goto(`${url}/admin/reports`);
    await page.locator('a[data-tickets="sla-met"]').click();
    expect(await page.locator('#tickets tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-code')))).toEqual(['HS-0002']);

    await page.goto(`${url}/admin/tickets/HS-0002`);
    expect(await page.locator('#answer').count()).toBe(0);
    expect(await page.locator('#answer-disabled').innerText()).toContain('chỉ xem được phiếu');
  }, 120_000);

  it("another unit's tickets stay out of reach of a unit's accounts; an account not linked to a staff member cannot answer", async () => {
    const { conversation } = await h.conversations.upsertConversation({ channel: 'web', conversationRef: 'web:xa-khac-1' });
    const { ticket: other } = await h.handoff.tickets.createTicket({
      unitId: 'xa-khac', conversationId: conversation.id, residentChannel: 'web', residentRef: 'web:xa-khac-1', residentName: 'Người xã khác', reason: 'explicit_request', question: 'hỏi ở xã khác', botGuesses: [], openedAt: h.clock.now(), slaDueAt: null,
    });
    const unitAdmin = createHttpClient(url);
    await unitAdmin.login('donvi', PASSWORD);
    const list = await (await unitAdmin.request('/admin/tickets?unit=xa-khac')).text();
    expect(list).toContain('HS-0001');
    expect(list).not.toContain(other.code);
    expect((await unitAdmin.request(`/admin/tickets/${other.code}`)).status).toBe(404);
    const own = await (await unitAdmin.request('/admin/tickets/HS-0001')).text();
    expect(own).toContain('id="answer-disabled"');
    const csrf = /data-csrf="([^"]+)"/.exec(own)?.[1] ?? '';
    const sends = fake.callsTo('sendMessage').length;
    expect((await unitAdmin.form('/admin/tickets/HS-0001/answer', { _csrf: csrf, text: 'trả lời thử' })).status).toBe(403);

    const staff = createHttpClient(url);
    await staff.login('minh', PASSWORD);
    const staffCsrf = /data-csrf="([^"]+)"/.exec(await (await staff.request('/admin/tickets')).text())?.[1] ?? '';
    expect((await staff.form(`/admin/tickets/${other.code}/answer`, { _csrf: staffCsrf, text: 'trả lời thử' })).status).toBe(404);
    // Bad input: an empty answer is refused politely and changes nothing.
    const empty = await staff.form('/admin/tickets/HS-0001/answer', { _csrf: staffCsrf, text: '   ' });
    expect(empty.status).toBe(400);
    expect(await empty.text()).toContain('Câu trả lời đang trống');
    await h.flush();
    expect(fake.callsTo('sendMessage').length).toBe(sends);

    const province = createHttpClient(url);
    await province.login('tinh', PASSWORD);
    expect(await (await province.request('/admin/tickets?unit=xa-khac')).text()).toContain(other.code);
    expect((await province.request(`/admin/tickets/${other.code}`)).status).toBe(200);
  }, 120_000);
});
