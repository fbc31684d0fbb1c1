/**
 * A unit's own text for a province entry over HTTP on the real database: the unit admin writes it,
 * the web chat (a resident of that unit) answers with it at once, every save is a revision and an
 * audit row, removing and restoring work, bad text is refused in Vietnamese with nothing saved,
 * another unit's page is 403, and a province admin sees the override on the entry's page.
 */
import { and, count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminAuditTable } from '../../src/admin/admin.table.js';
import { faqOverrideRevisionsTable } from '../../src/faq/faq.table.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-db.js';
import { askWebChat, catalogue, createHttpClient, startConsoleServer, type ConsoleServer } from './console.harness.js';

const PASSWORD = 'mat-khau-thu-2026';
const QUESTION = 'trung tâm mở cửa mấy giờ vậy';
const LOCAL = 'Riêng phường Mẫu: sáng thứ Bảy tiếp nhận hồ sơ từ 7:30 đến 11:30 (ghi chú của đơn vị).';
let database: TestDatabase;
let server: ConsoleServer;
const unitId = String(catalogue.unit.id);
const page = `/admin/entries/gio-lam-viec/units/${unitId}`;

beforeAll(async () => {
  database = await createTestDatabase();
  server = await startConsoleServer({ database });
  await server.deps.accounts.addAccount({ username: 'admin', password: PASSWORD, role: 'province' });
  await server.deps.accounts.addAccount({ username: 'donvi', password: PASSWORD, role: 'unit', unitId });
}, 120_000);
afterAll(async () => {
  await server?.stop();
  await database?.close();
});

const revisionCount = async () =>
  (await database.db.select({ n: count() }).from(faqOverrideRevisionsTable).where(and(eq(faqOverrideRevisionsTable.entryId, 'gio-lam-viec'), eq(faqOverrideRevisionsTable.unitId, unitId))))[0]!.n;

/** The web chat's answer once it contains (or no longer contains) `text`: each process reloads on the NOTIFY. */
async function chatUntil(text: string, present: boolean): Promise<string> {
  const deadline = Date.now() + 5_000;
  let reply = await askWebChat({ url: server.url, text: QUESTION });
  while (reply.includes(text) !== present && Date.now() < deadline) reply = await askWebChat({ url: server.url, text: QUESTION });
  return reply;
}

describe('unit overrides of province entries', () => {
  it('a unit admin cannot open another unit’s override (403)', async () => {
    const http = createHttpClient(server.url);
    await http.login('donvi', PASSWORD);
    expect((await http.request('/admin/entries/gio-lam-viec/units/phuong-khac')).status).toBe(403);
    const token = await http.csrf();
    expect((await http.form('/admin/entries/gio-lam-viec/units/phuong-khac', { _csrf: token, summary: 'x' })).status).toBe(403);
    expect(await revisionCount()).toBe(0);
  });

  it('refuses a section over 1,500 characters or an empty override, in Vietnamese, saving nothing', async () => {
    const http = createHttpClient(server.url);
    await http.login('donvi', PASSWORD);
    const token = await http.csrf();
    const long = await http.form(page, { _csrf: token, 'sections.notes': 'x'.repeat(1600) });
    expect(long.status).toBe(422);
    expect(await long.text()).toContain('Dài quá 1.500 ký tự');
    const empty = await http.form(page, { _csrf: token, summary: '  ' });
    expect(empty.status).toBe(422);
    expect(await empty.text()).toContain('Chưa có nội dung riêng nào');
    expect(await revisionCount()).toBe(0);
  });

  it('the unit admin saves it; the unit’s residents get it at once; revision and audit are kept', async () => {
    const http = createHttpClient(server.url);
    await http.login('donvi', PASSWORD);
    const editor = await (await http.request('/admin/entries/gio-lam-viec')).text();
    expect(editor).toContain('Nội dung riêng của đơn vị');
    expect(editor).toContain(`href="${page}"`);
    const token = await http.csrf();
    const saved = await http.form(page, { _csrf: token, summary: LOCAL, _note: 'giờ thứ Bảy của phường' });
    expect(saved.status).toBe(303);
    expect(await chatUntil(LOCAL, true)).toContain(LOCAL);
    expect(await revisionCount()).toBe(1);
    const [audit] = await database.db.select().from(adminAuditTable).where(eq(adminAuditTable.action, 'faq.override'));
    expect(audit).toMatchObject({ actor: 'donvi', target: `gio-lam-viec@${unitId}`, after: { summary: LOCAL } });
    const shown = await (await http.request(page)).text();
    expect(shown).toContain('giờ thứ Bảy của phường');
    expect(shown).toContain(LOCAL);
  }, 60_000);

  it('a province admin sees the override per unit on the entry page', async () => {
    const http = createHttpClient(server.url);
    await http.login('admin', PASSWORD);
    const editor = await (await http.request('/admin/entries/gio-lam-viec')).text();
    expect(editor).toMatch(new RegExp(`<tr data-unit="${unitId}"><td>[^<]+</td><td>Tóm tắt</td><td>[^<]+ · donvi</td>`));
  });

  it('removing brings back the province text; restoring an old revision brings the override back', async () => {
    const http = createHttpClient(server.url);
    await http.login('donvi', PASSWORD);
    const token = await http.csrf();
    expect((await http.form(`${page}/remove`, { _csrf: token })).status).toBe(303);
    expect(await chatUntil(LOCAL, false)).not.toContain(LOCAL);
    expect((await http.form(`${page}/restore`, { _csrf: token, to: '1' })).status).toBe(303);
    expect(await chatUntil(LOCAL, true)).toContain(LOCAL);
    expect(await revisionCount()).toBe(3);
    const history = await (await http.request(page)).text();
    expect(history).toContain('Khôi phục bản 1');
    expect(history).toContain('Bỏ nội dung riêng');
  }, 60_000);
});
