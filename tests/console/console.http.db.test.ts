/**
 * The console over HTTP on the real database: sign-in throttling, CSRF, roles, session expiry,
 * validation messages, and the XLSX round trip / broken file through the upload preview.
 */
import ExcelJS from 'exceljs';
import { count, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminSessionsTable } from '../../src/admin/admin.table.js';
import { unitsTable } from '../../src/db/units.table.js';
import { faqRevisionsTable } from '../../src/faq/faq.table.js';
import { ticketFaqDraftsTable, ticketsTable } from '../../src/handoff/index.js';
import { ENTRIES_SHEET, QUESTIONS_SHEET } from '../../src/console/catalogue.exchange.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-db.js';
import { catalogue, createHttpClient, startConsoleServer, type ConsoleServer } from './console.harness.js';

const PASSWORD = 'mat-khau-thu-2026';
let database: TestDatabase;
let server: ConsoleServer;
let unitId: string;

beforeAll(async () => {
  database = await createTestDatabase();
  server = await startConsoleServer({ database });
  unitId = String(catalogue.unit.id);
  await database.db.insert(unitsTable).values({ id: 'phuong-khac', name: 'Phường Khác' });
  await server.deps.accounts.addAccount({ username: 'admin', password: PASSWORD, role: 'province' });
  await server.deps.accounts.addAccount({ username: 'donvi', password: PASSWORD, role: 'unit', unitId });
}, 120_000);
afterAll(async () => {
  await server?.stop();
  await database?.close();
});

describe('sign-in', () => {
  it('locks a username after 5 wrong passwords, with a Vietnamese message, even for the right password then', async () => {
    const http = createHttpClient(server.url);
    await server.deps.accounts.addAccount({ username: 'lan', password: PASSWORD, role: 'province' });
    for (let i = 1; i <= 4; i += 1) {
      const res = await http.login('lan', 'sai-mat-khau');
      expect(res.status).toBe(401);
      expect(await res.text()).toContain('Tên đăng nhập hoặc mật khẩu chưa đúng');
    }
    const fifth = await http.login('lan', 'sai-mat-khau');
    expect(fifth.status).toBe(429);
    expect(await fifth.text()).toContain('Anh/chị đã nhập sai quá nhiều lần');
    const right = await http.login('lan', PASSWORD);
    expect(right.status).toBe(429);
    expect(right.headers.getSetCookie().some((c) => c.startsWith('mc_admin='))).toBe(false);
  }, 60_000);

  it('sets an HttpOnly SameSite=Lax session cookie (not Secure over plain http) and strict headers', async () => {
    const http = createHttpClient(server.url);
    const res = await http.login('admin', PASSWORD);
    expect(res.status).toBe(303);
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('mc_admin='))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).not.toMatch(/Secure/);
    const page = await http.request('/admin');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('cache-control')).toBe('no-store');
  });

  it('refuses a sign-in form without its token', async () => {
    const http = createHttpClient(server.url);
    const res = await http.form('/admin/login', { username: 'admin', password: PASSWORD });
    expect(res.status).toBe(403);
  });
});

describe('CSRF and roles', () => {
  it('a state change without the CSRF token is refused with 403 and changes nothing', async () => {
    const http = createHttpClient(server.url);
    await http.login('admin', PASSWORD);
    const before = await database.db.select({ n: count() }).from(faqRevisionsTable);
    const res = await http.form('/admin/entries/gio-lam-viec/publish', {});
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('thiếu mã bảo vệ CSRF');
    const wrong = await http.form('/admin/entries/gio-lam-viec/questions', { _csrf: 'doan-bua', question: 'câu hỏi lạ' });
    expect(wrong.status).toBe(403);
    expect(await database.db.select({ n: count() }).from(faqRevisionsTable)).toEqual(before);
  });

  it("a unit admin opens their unit's settings but gets 403 for another unit, the audit log and publishing", async () => {
    const http = createHttpClient(server.url);
    await http.login('donvi', PASSWORD);
    expect((await http.request(`/admin/units/${unitId}`)).status).toBe(200);
    const other = await http.request('/admin/units/phuong-khac');
    expect(other.status).toBe(403);
    expect(await other.text()).toContain('không có quyền');
    const token = await http.csrf();
    expect((await http.form('/admin/units/phuong-khac', { _csrf: token, name: 'Đổi tên' })).status).toBe(403);
    expect((await http.request('/admin/audit')).status).toBe(403);
    expect((await http.form('/admin/entries/gio-lam-viec/publish', { _csrf: token })).status).toBe(403);
    const [unit] = await database.db.select().from(unitsTable).where(eq(unitsTable.id, 'phuong-khac'));
    expect(unit!.name).toBe('Phường Khác');
  });
});

describe('sessions', () => {
  it('a session idle for 30 minutes ends: the next page asks to sign in again', async () => {
    const http = createHttpClient(server.url);
    await http.login('admin', PASSWORD);
    expect((await http.request('/admin')).status).toBe(200);
    await database.db.update(adminSessionsTable).set({ lastSeenAt: sql`now() - interval '31 minutes'` });
    const res = await http.request('/admin');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toMatch(/^\/admin\/login\?next=%2Fadmin&expired=1$/);
    const login = await http.request(res.headers.get('location')!);
    expect(await login.text()).toContain('Phiên làm việc đã hết hạn');
  });
});

describe('editing', () => {
  it('a save with mistakes is refused with Vietnamese messages next to the fields, and nothing is stored', async () => {
    const http = createHttpClient(server.url);
    await http.login('admin', PASSWORD);
    const token = await http.csrf();
    const before = await database.db.select({ n: count() }).from(faqRevisionsTable);
    const res = await http.form('/admin/entries/gio-lam-viec', {
      _csrf: token,
      title: '',
      category: 'chung',
      questions: 'chỉ một câu',
      keywords: 'giờ',
      summary: 'x',
      'sections.where': 'ở đây',
      legalBasis: 'Luật',
      sourceUrl: 'không-phải-đường-dẫn',
      reviewedAt: '22/11/2026',
    });
    expect(res.status).toBe(422);
    const page = await res.text();
    expect(page).toMatch(/data-for="title"[^>]*>Không được để trống\./);
    expect(page).toMatch(/data-for="questions"[^>]*>Cần ít nhất 8 câu hỏi/);
    expect(page).toMatch(/data-for="sourceUrl"[^>]*>Cần một đường dẫn đầy đủ/);
    expect(page).toMatch(/data-for="reviewedAt"[^>]*>Viết ngày theo mẫu/);
    expect(await database.db.select({ n: count() }).from(faqRevisionsTable)).toEqual(before);
  });
});

describe('staff suggestions', () => {
  it('a staff /faq draft is listed with its question and answer and becomes an alternate question of an entry', async () => {
    const [ticket] = await database.db
      .insert(ticketsTable)
      .values({ code: 'HS-0042', unitId, residentChannel: 'web', residentRef: 'web:x', reason: 'low_confidence', question: 'thứ bảy có mở cửa không ạ' })
      .returning();
    const [draft] = await database.db
      .insert(ticketFaqDraftsTable)
      .values({ ticketId: ticket!.id, unitId, question: 'thứ bảy có mở cửa không ạ', answer: 'Sáng thứ Bảy có tiếp nhận hồ sơ.', createdByStaffId: 'pm-lan' })
      .returning();
    const http = createHttpClient(server.url);
    await http.login('admin', PASSWORD);
    const page = await (await http.request('/admin/staff-drafts')).text();
    expect(page).toContain('HS-0042');
    expect(page).toContain('thứ bảy có mở cửa không ạ');
    expect(page).toContain('Sáng thứ Bảy có tiếp nhận hồ sơ.');
    const token = await http.csrf();
    const res = await http.form(`/admin/staff-drafts/${draft!.id}/question`, { _csrf: token, entry: 'gio-lam-viec' });
    expect(res.status).toBe(303);
    const { draft: entryDraft } = await server.deps.faq.getEntry({ id: 'gio-lam-viec' });
    expect(entryDraft!.data.questions).toContain('thứ bảy có mở cửa không ạ');
    const [after] = await database.db.select().from(ticketFaqDraftsTable).where(eq(ticketFaqDraftsTable.id, draft!.id));
    expect(after!.status).toBe('accepted');
    expect(await (await http.request('/admin/staff-drafts')).text()).not.toContain('HS-0042');
  });
});

describe('import / export', () => {
  const upload = async (http: ReturnType<typeof createHttpClient>, name: string, data: Buffer) => {
    const token = await http.csrf();
    return http.request(`/admin/import/preview?name=${encodeURIComponent(name)}`, {
      method: 'POST',
      headers: { 'x-csrf-token': token, 'content-type': 'application/octet-stream' },
      body: new Uint8Array(data),
    });
  };

  it('XLSX round trip: export then import finds no change', async () => {
    const http = createHttpClient(server.url);
    await http.login('admin', PASSWORD);
    const file = await http.request('/admin/export?format=xlsx');
    expect(file.status).toBe(200);
    const data = Buffer.from(await file.arrayBuffer());
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(data as unknown as ArrayBuffer);
    const sheet = workbook.getWorksheet(ENTRIES_SHEET)!;
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(sheet.getRow(1).getCell(2).value).toBe('Tiêu đề');
    expect(workbook.getWorksheet(QUESTIONS_SHEET)!.rowCount).toBeGreaterThan(catalogue.entries.length * 8);
    const res = await upload(http, 'hoi-dap.xlsx', data);
    expect(res.status).toBe(200);
    const preview = await res.text();
    expect(preview).toContain(`${catalogue.entries.length} mục trong tệp, 0 mục sẽ thành bản nháp`);
    expect(preview).toContain('Không có thay đổi nào');
  }, 60_000);

  it('CSV round trip (with BOM) also finds no change', async () => {
    const http = createHttpClient(server.url);
    await http.login('admin', PASSWORD);
    const data = Buffer.from(await (await http.request('/admin/export?format=csv')).arrayBuffer());
    expect([...data.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(await (await upload(http, 'hoi-dap.csv', data)).text()).toContain('0 mục sẽ thành bản nháp');
  }, 60_000);

  it('YAML round trip (one file of several documents) also finds no change, sources included', async () => {
    const http = createHttpClient(server.url);
    await http.login('admin', PASSWORD);
    const data = Buffer.from(await (await http.request('/admin/export?format=yaml')).arrayBuffer());
    const preview = await (await upload(http, 'hoi-dap.yaml', data)).text();
    expect(preview).toContain(`${catalogue.entries.length} mục trong tệp, 0 mục sẽ thành bản nháp`);
    // One title changed by hand: the preview names that field only (no phantom `sources` change).
    const text = data.toString('utf8');
    const edited = text.replace(/^title: (.+)$/m, 'title: $1 (sửa)');
    const one = await (await upload(http, 'hoi-dap.yaml', Buffer.from(edited))).text();
    expect(one).toContain('1 mục sẽ thành bản nháp');
    expect(one).toMatch(/Có thay đổi<\/span> <strong>[a-z0-9-]+<\/strong>: Tiêu đề<\/li>/);
    expect(text.indexOf('title:', text.indexOf('sources:'))).toBeLessThan(text.indexOf('url:', text.indexOf('sources:')));
  }, 60_000);

  it('the plain multipart form (no JavaScript) previews an upload as a whole page, and needs the form’s CSRF token', async () => {
    const http = createHttpClient(server.url);
    await http.login('admin', PASSWORD);
    const data = Buffer.from(await (await http.request('/admin/export?format=csv')).arrayBuffer());
    const token = await http.csrf();
    const formOf = (fields: Record<string, string>) => {
      const form = new FormData();
      for (const [k, v] of Object.entries(fields)) form.set(k, v);
      form.set('file', new Blob([new Uint8Array(data)], { type: 'text/csv' }), 'hoi-dap.csv');
      return form;
    };
    const res = await http.request('/admin/import/preview', { method: 'POST', body: formOf({ _csrf: token }) });
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toContain('<!doctype html>');
    expect(page).toContain('0 mục sẽ thành bản nháp');
    const refused = await http.request('/admin/import/preview', { method: 'POST', body: formOf({}) });
    expect(refused.status).toBe(403);
    // The exemption is for that route only: a multipart post elsewhere still needs the token up front.
    expect((await http.request('/admin/entries/gio-lam-viec/publish', { method: 'POST', body: formOf({ _csrf: token }) })).status).toBe(403);
  }, 60_000);

  it('a broken XLSX gets row- and column-exact Vietnamese errors and nothing is applied', async () => {
    const http = createHttpClient(server.url);
    await http.login('admin', PASSWORD);
    const data = Buffer.from(await (await http.request('/admin/export?format=xlsx')).arrayBuffer());
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(data as unknown as ArrayBuffer);
    const sheet = workbook.getWorksheet(ENTRIES_SHEET)!;
    const headers = (sheet.getRow(1).values as unknown[]).map(String);
    const feeColumn = headers.indexOf('Nội dung trả lời › Lệ phí');
    const urlColumn = headers.indexOf('Nguồn chính thức (đường dẫn)');
    sheet.getRow(3).getCell(feeColumn).value = 'x'.repeat(1600);
    sheet.getRow(5).getCell(urlColumn).value = 'dichvucong';
    const broken = Buffer.from(await workbook.xlsx.writeBuffer());
    const before = await database.db.select({ n: count() }).from(faqRevisionsTable);
    const res = await upload(http, 'hong.xlsx', broken);
    expect(res.status).toBe(422);
    const text = await res.text();
    const col = (n: number) => String.fromCharCode(64 + n);
    expect(text).toContain(`Trang &quot;Mục hỏi đáp&quot;, dòng 3, cột ${col(feeColumn)} (Nội dung trả lời › Lệ phí): Dài quá 1.500 ký tự`);
    expect(text).toContain(`dòng 5, cột ${col(urlColumn)} (Nguồn chính thức (đường dẫn)): Cần một đường dẫn đầy đủ`);
    expect(text).toContain('chưa nhập gì');
    const garbage = await upload(http, 'rac.xlsx', Buffer.from('không phải excel'));
    expect(await garbage.text()).toContain('Không mở được tệp .xlsx');
    const wrongType = await upload(http, 'virus.exe', Buffer.from('MZ'));
    expect(await wrongType.text()).toContain('Chỉ nhận tệp .xlsx, .csv hoặc .yaml');
    const huge = await upload(http, 'lon.csv', Buffer.alloc(2 * 1024 * 1024 + 10, 65));
    expect(huge.status).toBe(413);
    expect(await database.db.select({ n: count() }).from(faqRevisionsTable)).toEqual(before);
  }, 60_000);
});
