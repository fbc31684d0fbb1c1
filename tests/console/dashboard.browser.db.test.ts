/**
 * The learning loop in a real browser (Debian chromium via playwright-core): 30 questions reach the
 * web chat (its HTTP API, fresh sessions), some unanswerable; the inbox shows them as clusters; the
 * admin adds one as an alternate question and publishes; the same question is then answered; the
 * dashboard's figures equal what this test computes from the raw rows itself; the exports open; a
 * unit admin sees only their unit. Screenshots go to DASHBOARD_SCREENSHOTS (default /tmp).
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../../src/db/client.js';
import { createConversationsRepository } from '../../src/db/conversations.repository.js';
import { toQueryLogRow } from '../../src/querylog/querylog.models.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-db.js';
import { askWebChat, startConsoleServer, startWebChatSession, type ConsoleServer } from './console.harness.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = process.env.DASHBOARD_SCREENSHOTS ?? '/tmp/dashboard-screenshots';
const PASSWORD = 'mat-khau-thu-2026';
const MISSED = 'bé nhà em mới đẻ thì đi làm giấy gì';

const ANSWERABLE = [
  'đăng ký khai sinh cho con cần giấy tờ gì',
  'nhà có người mất phải báo ở đâu',
  'bố mới qua đời cần làm thủ tục gì',
  'mất sổ hộ nghèo xin lại thế nào',
  'đăng ký kết hôn cần mang gì',
  'làm căn cước cho con 14 tuổi',
  'đăng ký tạm trú cho người thuê trọ',
  'xin xác nhận tình trạng hôn nhân',
  'chứng thực bản sao giấy tờ mất bao nhiêu tiền',
  'trung tâm mở cửa mấy giờ vậy',
  'tách thửa đất cần những gì',
  'xin giấy phép xây dựng nhà ở',
  'đăng ký hộ kinh doanh cá thể',
  'xin trích lục khai sinh bản sao',
  'làm lý lịch tư pháp ở đâu',
  'đăng ký thường trú cho con',
  'khai báo tạm vắng đi làm xa',
  'cấp sổ đỏ lần đầu hết bao nhiêu tiền',
  'trợ cấp xã hội cho người già',
  'đăng ký xe máy mới mua',
];
const UNANSWERABLE = [
  MISSED,
  MISSED,
  MISSED,
  'nhà em mới đẻ bé thì đi làm giấy gì ạ',
  'bé mới đẻ đi làm giấy gì',
  'đi làm giấy gì cho bé mới đẻ nhà em',
  'xin cấp giấy phép nuôi chim yến',
  'nuôi chim yến có cần giấy phép không',
  'giấy phép nuôi yến làm ở đâu',
  'làm giấy phép karaoke',
];

async function post(url: string, text: string): Promise<void> {
  const cookie = await startWebChatSession({ url });
  const res = await fetch(`${url}/api/chat/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie },
    body: JSON.stringify({ clientMessageId: randomUUID(), text }),
  });
  if (res.status !== 202) throw new Error(`web chat refused: ${res.status}`);
}

describe.runIf(existsSync(CHROMIUM))('learning loop and dashboard in a browser', () => {
  let database: TestDatabase;
  let server: ConsoleServer;
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    database = await createTestDatabase();
    server = await startConsoleServer({ database });
    await server.deps.accounts.addAccount({ username: 'tinh', password: PASSWORD, role: 'province' });
    await server.deps.accounts.addAccount({ username: 'donvi', password: PASSWORD, role: 'unit', unitId: 'phuong-mau' });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await database?.close();
  });

  const count = async (query: ReturnType<typeof sql>) => Number(rowsOf<{ n: number | string }>(await database.db.execute(query))[0]?.n ?? 0);

  async function signIn(username: string): Promise<Page> {
    const page = await (await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'vi-VN', acceptDownloads: true })).newPage();
    await page.goto(`${server.url}/admin/login`);
    await page.locator('#username').fill(username);
    await page.locator('#password').fill(PASSWORD);
    await page.locator('button[type=submit]', { hasText: 'Đăng nhập' }).click();
    await page.waitForURL(/\/admin$/);
    return page;
  }

  it('30 questions → inbox clusters → alternate → publish → answered → dashboard figures equal independent SQL', async () => {
    for (const text of [...ANSWERABLE, ...UNANSWERABLE]) await post(server.url, text);
    const deadline = Date.now() + 60_000;
    while ((await count(sql`select count(*) as n from query_log`)) < 30 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 300));
    expect(await count(sql`select count(*) as n from query_log`)).toBe(30);

    // Another unit's questions: the province sees them, the unit admin never does.
    const { conversation } = await createConversationsRepository({ db: database.db }).upsertConversation({ channel: 'web', conversationRef: 'web:khac-1' });
    await server.deps.queryLog.insertMany({
      rows: [toQueryLogRow({ conversationId: conversation.id, messageId: null, unitId: 'xa-khac', channel: 'web', text: 'hỏi về chăn nuôi bò sữa ở xã khác', decision: { kind: 'handoff', reason: 'low_confidence', confidence: 0.1, candidates: [] }, via: 'typed', at: new Date() })],
    });

    const page = await signIn('tinh');
    await page.goto(`${server.url}/admin/inbox`);
    const card = page.locator('section.inbox-item', { hasText: 'mới đẻ' });
    expect(await card.count(), await page.locator('main').innerText()).toBe(1);
    const residents = Number(await card.locator('[data-residents]').getAttribute('data-residents'));
    expect(residents).toBe(6); // the six sessions asking about the newborn, word order aside
    expect(await page.locator('section.inbox-item', { hasText: 'chim yến' }).count()).toBeGreaterThan(0);
    expect(await page.locator('section.inbox-item', { hasText: 'bò sữa' }).count()).toBe(1);
    await page.screenshot({ path: join(SHOTS, 'inbox.png'), fullPage: true });

    const alternate = card.locator('form', { has: page.locator('input[name=action][value=alternate]') });
    await alternate.locator('input[name=question]').fill(MISSED);
    await alternate.locator('select[name=entryId]').selectOption('khai-sinh');
    await alternate.locator('button').click();
    await page.waitForURL(/\/admin\/entries\/khai-sinh\?ok=question/);
    await page.locator('button', { hasText: /^Xuất bản bản nháp/ }).click();
    await page.waitForURL(/\/admin\/entries\/khai-sinh/);

    await expect.poll(async () => (await askWebChat({ url: server.url, text: MISSED })).includes('khai sinh'), { timeout: 20_000 }).toBe(true);
    await page.goto(`${server.url}/admin/inbox`);
    expect(await page.locator('section.inbox-item', { hasText: 'mới đẻ' }).count()).toBe(0);
    const [resolved] = rowsOf<{ resolved_by: string; resolution: string; n: number | string }>(
      await database.db.execute(sql`select resolved_by, resolution, count(*) as n from query_log where resolution is not null group by 1, 2`),
    );
    expect(resolved).toMatchObject({ resolved_by: 'tinh', resolution: 'alternate' });

    // Wait for the last question's row, then compute the figures from the raw rows here.
    await expect.poll(() => count(sql`select count(*) as n from query_log`), { timeout: 10_000 }).toBe(32);
    const raw = rowsOf<{ conversation_id: number | string; decision: string; unit_id: string | null }>(await database.db.execute(sql`select conversation_id, decision, unit_id from query_log`));
    const ticketConversations = new Set(rowsOf<{ c: number | string }>(await database.db.execute(sql`select conversation_id as c from tickets`)).map((r) => String(r.c)));
    const byConversation = new Map<string, string[]>();
    for (const r of raw) byConversation.set(String(r.conversation_id), [...(byConversation.get(String(r.conversation_id)) ?? []), r.decision]);
    const expected = { conversations: byConversation.size, handed_off: 0, answered: 0, clarified: 0, smalltalk: 0, unanswered: 0 };
    for (const [id, decisions] of byConversation) {
      if (ticketConversations.has(id)) expected.handed_off += 1;
      else if (decisions.includes('answer')) expected.answered += 1;
      else if (decisions.includes('clarify')) expected.clarified += 1;
      else if (decisions.every((d) => d === 'smalltalk')) expected.smalltalk += 1;
      else expected.unanswered += 1;
    }
    await page.goto(`${server.url}/admin/reports`);
    const figure = async (name: string) => Number((await page.locator(`[data-figure="${name}"]`).first().innerText()).replace(/\D/g, ''));
    expect(await figure('conversations')).toBe(expected.conversations);
    for (const outcome of ['handed_off', 'answered', 'clarified', 'smalltalk', 'unanswered'] as const) expect(await figure(outcome)).toBe(expected[outcome]);
    expect(expected.answered).toBeGreaterThanOrEqual(20);
    expect(expected.unanswered).toBeGreaterThanOrEqual(5);
    const perDay = (await page.locator('#per-day tbody td.num').first().textContent()) ?? '';
    expect(Number(perDay.replace(/\D/g, ''))).toBe(raw.length);
    expect(await page.locator('svg.chart').count()).toBeGreaterThanOrEqual(3);
    await expect.poll(() => page.locator('#units tbody tr').count()).toBe(2); // phuong-mau and xa-khac
    await page.screenshot({ path: join(SHOTS, 'dashboard.png'), fullPage: true });

    // The number links to the conversations behind it.
    await page.locator('a[data-figure="unanswered"]').click();
    expect(await page.locator('#behind tbody tr').count()).toBe(expected.unanswered);

    // Exports open: the CSV has the header and the same total; the XLSX is a real workbook.
    const csv = await (await page.request.get(`${server.url}/admin/reports.csv`)).text();
    expect(csv.split('\r\n')[0]).toBe('\uFEFFmục,đơn vị,chỉ tiêu,giá trị');
    expect(csv).toContain(`kết quả,tổng,Bot trả lời,${expected.answered}`);
    const xlsx = await (await page.request.get(`${server.url}/admin/reports.xlsx`)).body();
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx as unknown as ArrayBuffer);
    const sheet = workbook.getWorksheet('Báo cáo')!;
    const rows: unknown[][] = [];
    sheet.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
    expect(rows).toContainEqual(['kết quả', 'tổng', 'Chưa trả lời được, không mở phiếu', expected.unanswered]);
  }, 240_000);

  it('a unit admin sees only their unit, whatever the query string asks', async () => {
    const page = await signIn('donvi');
    await page.goto(`${server.url}/admin/inbox?unit=xa-khac`);
    expect(await page.locator('section.inbox-item', { hasText: 'bò sữa' }).count()).toBe(0);
    await page.goto(`${server.url}/admin/reports?unit=xa-khac`);
    const own = await count(sql`select count(distinct conversation_id) as n from query_log where unit_id = 'phuong-mau'`);
    expect(Number((await page.locator('[data-figure="conversations"]').innerText()).replace(/\D/g, ''))).toBe(own);
    expect(await page.locator('#units').count()).toBe(0);
    const csv = await (await page.request.get(`${server.url}/admin/reports.csv?unit=xa-khac`)).text();
    expect(csv).not.toContain('xa-khac');
  }, 120_000);
});
