/**
 * The console in a real browser (Debian chromium via playwright-core): an admin signs in, finds
 * "Giờ làm việc", changes its summary, publishes; the web chat answers with the new text without a
 * restart, and (on Postgres) a second bot process started with `src/main.ts` answers with it within
 * 2 s; then the admin rolls back. Screenshots of the pages go to CONSOLE_SCREENSHOTS (default /tmp).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, testDatabaseUrl, type TestDatabase } from '../helpers/test-db.js';
import { askWebChat, startConsoleServer, type ConsoleServer } from './console.harness.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = process.env.CONSOLE_SCREENSHOTS ?? '/tmp/console-screenshots';
const PASSWORD = 'mat-khau-thu-2026';
const NEW_SUMMARY = 'Bộ phận một cửa làm việc từ thứ Hai đến thứ Sáu và sáng thứ Bảy (bản sửa thử nghiệm).';
const QUESTION = 'trung tâm mở cửa mấy giờ vậy';

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** A second bot process, exactly as `npm start` runs it, on the same Postgres database. */
async function startSecondProcess(databaseUrl: string): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  // One node process (no npx/tsx wrapper in between), so stopping it stops the bot.
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: { ...process.env, DATABASE_URL: databaseUrl, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', TELEGRAM_BOT_TOKEN: '', ZALO_ENABLED: 'false' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 150_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`second bot process exited: ${stderr}`);
    const ok = await fetch(`${url}/healthz`).then((r) => r.ok, () => false);
    if (ok) return { url, child };
    await new Promise((r) => setTimeout(r, 500));
  }
  child.kill('SIGTERM');
  throw new Error(`second bot process did not start: ${stderr}`);
}

describe.runIf(existsSync(CHROMIUM))('admin console in a browser', () => {
  let database: TestDatabase;
  let server: ConsoleServer;
  let browser: Browser;
  let page: Page;
  let second: { url: string; child: ChildProcess } | undefined;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    database = await createTestDatabase();
    server = await startConsoleServer({ database });
    await server.deps.accounts.addAccount({ username: 'admin', password: PASSWORD, role: 'province' });
    if (testDatabaseUrl && database.url) second = await startSecondProcess(database.url);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    page = await (await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'vi-VN' })).newPage();
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    if (second) {
      const exited = new Promise((r) => second!.child.once('exit', r));
      second.child.kill('SIGTERM');
      await exited;
    }
    await server?.stop();
    await database?.close();
  });

  it('signs in, finds "Giờ làm việc" without diacritics, and opens it', async () => {
    await page.goto(`${server.url}/admin`);
    await expect(page.locator('h1').textContent()).resolves.toBe('Đăng nhập quản trị');
    await page.locator('#username').fill('admin');
    await page.locator('#password').fill(PASSWORD);
    await page.locator('button[type=submit]', { hasText: 'Đăng nhập' }).click();
    await page.locator('h1', { hasText: 'Danh mục hỏi đáp' }).waitFor();
    await page.screenshot({ path: join(SHOTS, 'console-list.png') });
    await page.locator('input[name=q]').fill('gio lam viec');
    await page.locator('input[name=q]').press('Enter');
    await page.waitForURL(/q=gio\+lam\+viec/);
    const titles = await page.locator('table.list tbody tr td:first-child a').allTextContents();
    expect(titles[0]).toMatch(/^Giờ làm việc/);
    await page.locator('table.list tbody a', { hasText: 'Giờ làm việc' }).first().click();
    await page.locator('textarea[name=summary]').waitFor();
  }, 60_000);

  it('changes the summary with a live check and preview, saves a draft the bot does not serve yet', async () => {
    const summary = page.locator('textarea[name=summary]');
    await summary.fill('');
    await page.locator('.err[data-for=summary]', { hasText: 'Không được để trống' }).waitFor({ timeout: 10_000 });
    await summary.fill(NEW_SUMMARY);
    await page.locator('#preview .bubble', { hasText: NEW_SUMMARY }).first().waitFor({ timeout: 10_000 });
    expect(await page.locator('.err[data-for=summary]').textContent()).toBe('');
    expect(await page.locator('#preview [data-channel=Zalo] .bubble').count()).toBeGreaterThan(0);
    expect(await page.locator('.chips .chip').count()).toBeGreaterThanOrEqual(8);
    await page.screenshot({ path: join(SHOTS, 'console-editor.png') });
    await page.locator('button', { hasText: 'Lưu bản nháp' }).click();
    await page.locator('.flash.ok', { hasText: 'Đã lưu bản nháp' }).waitFor();
    expect(await askWebChat({ url: server.url, text: QUESTION })).not.toContain(NEW_SUMMARY);
  }, 60_000);

  it('publishes: the web chat answers with the new text at once, a second process within 2 s', async () => {
    await page.locator('button', { hasText: /^Xuất bản bản nháp/ }).click();
    await page.locator('.flash.ok', { hasText: 'Đã xuất bản' }).waitFor();
    const publishedAt = Date.now();
    // Each process reloads on the NOTIFY; the time includes the chat's pipeline and outbox round trip.
    const answersWithin = async (url: string) => {
      let reply = '';
      while (!reply.includes(NEW_SUMMARY) && Date.now() - publishedAt < 5_000) {
        reply = await askWebChat({ url, text: QUESTION });
        if (!reply.includes(NEW_SUMMARY)) await new Promise((r) => setTimeout(r, 100));
      }
      expect(reply).toContain(NEW_SUMMARY);
      return Date.now() - publishedAt;
    };
    const here = await answersWithin(server.url);
    const there = second ? await answersWithin(second.url) : null;
    console.info(`new text answered ${here} ms after publishing here${there === null ? '' : `, ${there} ms in the second process`}`);
    expect(here).toBeLessThan(2_000);
    if (there !== null) expect(there).toBeLessThan(2_000);
  }, 60_000);

  it('shows the diff in the history and rolls back as a new revision', async () => {
    await page.locator('a', { hasText: 'Lịch sử' }).click();
    await page.locator('.diff .add', { hasText: NEW_SUMMARY }).waitFor();
    expect(await page.locator('.diff .del').first().textContent()).toContain('Thông tin giờ làm việc');
    await page.screenshot({ path: join(SHOTS, 'console-history.png'), fullPage: false });
    await page.locator('form[action$="/rollback"] button').first().click();
    await page.locator('.flash.ok', { hasText: 'Đã khôi phục' }).waitFor();
    const revisions = await page.locator('table.list tbody tr td:first-child').allTextContents();
    expect(revisions[0]).toMatch(/^3/);
    expect(revisions).toHaveLength(3);
    const rolledBackAt = Date.now();
    let reply = await askWebChat({ url: server.url, text: QUESTION });
    while (reply.includes(NEW_SUMMARY) && Date.now() - rolledBackAt < 2_000) reply = await askWebChat({ url: server.url, text: QUESTION });
    expect(reply).not.toContain(NEW_SUMMARY);
    expect(reply).toContain('Thông tin giờ làm việc');
    if (second) expect(await askWebChat({ url: second.url, text: QUESTION })).toContain('Thông tin giờ làm việc');
  }, 60_000);

  it('"try a question" shows the decision, the normalised query, score parts and adds an alternate question', async () => {
    await page.goto(`${server.url}/admin/try?q=${encodeURIComponent('thu 7 co lam ko')}`);
    const published = page.locator('[data-catalogue="Đang xuất bản"]');
    await published.locator('.decision').waitFor();
    expect(await published.locator('.decision').textContent()).toMatch(/Trả lời: gio-lam-viec|Hỏi lại/);
    expect(await published.locator('code').textContent()).toContain('thu');
    expect(await published.locator('table.candidates tbody tr').count()).toBeGreaterThan(0);
    // explain(): the weighted parts of the confidence and the policy's comparisons with their thresholds.
    expect(await published.locator('table.candidates tbody tr').first().textContent()).toMatch(/= [\d.]+ \+ [\d.]+ \+ [\d.]+ -[\d.]+/);
    expect(await published.locator('details.checks tbody tr').count()).toBeGreaterThan(0);
    expect(await published.locator('details.checks').textContent()).toMatch(/độ tin cậy đủ để trả lời|độ tin cậy đủ để hỏi lại/);
    expect(await page.locator('[data-catalogue="Bản nháp"] .decision').count()).toBe(1);
    await page.screenshot({ path: join(SHOTS, 'console-try.png') });
    await published.locator('table.candidates tbody tr', { hasText: 'Giờ làm việc' }).locator('button', { hasText: 'Thêm làm câu hỏi phụ' }).click();
    await page.locator('.flash.ok', { hasText: 'Đã thêm câu hỏi' }).waitFor();
    expect(await page.locator('.chips .chip span').allTextContents()).toContain('thu 7 co lam ko');
  }, 60_000);

  it('gives one unit its own text for a province entry: that unit’s residents get it at once, then it is removed', async () => {
    const LOCAL = 'Riêng phường Mẫu: sáng thứ Bảy tiếp nhận hồ sơ từ 7:30 đến 11:30 (thử nghiệm).';
    await page.goto(`${server.url}/admin/entries/gio-lam-viec`);
    const row = page.locator('section.overrides tr[data-unit="phuong-mau"]');
    await row.locator('a', { hasText: 'Thêm nội dung riêng' }).click();
    await page.locator('h1', { hasText: 'Nội dung riêng' }).waitFor();
    await page.locator('#o-summary').fill(LOCAL);
    await page.locator('#o-note').fill('giờ thứ Bảy của phường');
    await page.locator('button', { hasText: 'Lưu và áp dụng' }).click();
    await page.locator('.flash.ok', { hasText: 'nhận nội dung này ngay bây giờ' }).waitFor();
    expect(await page.locator('aside.editor-side').textContent()).toContain(LOCAL);
    await page.screenshot({ path: join(SHOTS, 'console-override.png') });
    const savedAt = Date.now();
    let reply = await askWebChat({ url: server.url, text: QUESTION });
    while (!reply.includes(LOCAL) && Date.now() - savedAt < 2_000) reply = await askWebChat({ url: server.url, text: QUESTION });
    expect(reply).toContain(LOCAL);
    if (second) expect(await askWebChat({ url: second.url, text: QUESTION })).toContain(LOCAL);
    await page.goto(`${server.url}/admin/entries/gio-lam-viec`);
    expect(await row.locator('td').nth(1).textContent()).toBe('Tóm tắt');
    await row.locator('a', { hasText: 'Sửa' }).click();
    await page.locator('button', { hasText: 'Bỏ nội dung riêng' }).click();
    await page.locator('.flash.ok', { hasText: 'dùng lại nội dung chung' }).waitFor();
    expect(await page.locator('table.list tbody tr').count()).toBe(2);
  }, 60_000);

  it('imports a file with JavaScript switched off (plain form), previews it, and confirms', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1366, height: 768 }, locale: 'vi-VN' });
    await context.addCookies(await page.context().cookies());
    const plain = await context.newPage();
    const exported = await (await plain.request.get(`${server.url}/admin/export?format=yaml`)).body();
    const edited = exported.toString('utf8').replace(/^title: (Giờ làm việc.*)$/m, 'title: $1 (nhập thử)');
    await plain.goto(`${server.url}/admin/import`);
    await plain.locator('input[type=file]').setInputFiles({ name: 'hoi-dap.yaml', mimeType: 'application/yaml', buffer: Buffer.from(edited) });
    await plain.locator('button', { hasText: 'Xem trước' }).click();
    await plain.locator('h2', { hasText: '1 mục sẽ thành bản nháp' }).waitFor();
    expect(await plain.locator('.import-preview li', { hasText: 'Có thay đổi' }).textContent()).toContain('gio-lam-viec: Tiêu đề');
    await plain.locator('button', { hasText: 'Xác nhận' }).click();
    await plain.locator('.flash.ok', { hasText: 'Đã lưu 1 mục thành bản nháp' }).waitFor();
    const { draft } = await server.deps.faq.getEntry({ id: 'gio-lam-viec' });
    expect(String(draft!.data.title)).toContain('(nhập thử)');
    await context.close();
  }, 60_000);

  it('edits the centre’s hours and staff without a restart, with a Vietnamese problem first', async () => {
    await page.goto(`${server.url}/admin/units/phuong-mau`);
    await page.locator('.now .on-duty').waitFor();
    expect(await page.locator('.now').textContent()).toMatch(/Đang trực bây giờ:.+(Đang trong giờ làm việc|Giờ làm việc tiếp theo)/s);
    await page.locator('#u-hours\\.sat').fill('7h30 đến 11h');
    await page.locator('button', { hasText: 'Lưu cài đặt' }).click();
    await page.locator('.flash.error li', { hasText: 'Giờ mở cửa, Thứ Bảy' }).waitFor();
    expect(await page.locator('#u-hours\\.sat').inputValue()).toBe('7h30 đến 11h');
    await page.locator('#u-hours\\.sat').fill('07:30-11:30');
    const blank = page.locator('.staff-table tbody tr').filter({ has: page.locator('input[aria-label="Họ tên"][value=""]') }).first();
    await blank.locator('input[aria-label="Họ tên"]').fill('Phạm Thị Thu');
    await blank.locator('input[aria-label="Mã Telegram"]').fill('100000009');
    await page.locator('#u-roster').fill(`${await page.locator('#u-roster').inputValue()}\nsat: pham-thi-thu`);
    await page.locator('button', { hasText: 'Lưu cài đặt' }).click();
    await page.locator('.flash.ok', { hasText: 'Đã lưu cài đặt đơn vị' }).waitFor();
    expect(await page.locator('#u-hours\\.sat').inputValue()).toBe('07:30-11:30');
    expect(await page.locator('.staff-table input[aria-label="Mã cán bộ"]').evaluateAll((els) => els.map((e) => (e as unknown as { value: string }).value))).toContain('pham-thi-thu');
    await page.screenshot({ path: join(SHOTS, 'console-unit.png') });
  }, 60_000);

  it('works on a phone-sized screen', async () => {
    const phone = await (await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'vi-VN' })).newPage();
    await phone.context().addCookies(await page.context().cookies());
    await phone.goto(`${server.url}/admin/entries/gio-lam-viec`);
    await phone.locator('textarea[name=summary]').waitFor();
    const overflow = await phone.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
    expect(overflow).toBeLessThanOrEqual(0);
    await phone.screenshot({ path: join(SHOTS, 'console-phone.png') });
  }, 60_000);
});
