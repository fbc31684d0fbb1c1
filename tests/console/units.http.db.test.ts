/**
 * Centre settings and staff over HTTP on the real database: the page shows the stored unit and who
 * is on duty now / the next working time; a save is judged by the units schema (Vietnamese problems,
 * nothing changed), replaces the unit in one transaction, NOTIFYs every process and is audited; a
 * unit admin reaches only their own unit.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminAuditTable } from '../../src/admin/admin.table.js';
import { createUnitsRepository, syncUnitsFromData } from '../../src/units/index.js';
import { UNITS_CHANGED_CHANNEL } from '../../src/units/units.repository.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-db.js';
import { askWebChat, createHttpClient, DATA_DIR, startConsoleServer, type ConsoleServer } from './console.harness.js';

const PASSWORD = 'mat-khau-thu-2026';
let database: TestDatabase;
let server: ConsoleServer;
// Monday 2026-12-07, 09:00 in Hà Nội: Minh is rostered on Mondays.
let now = new Date('2026-12-07T02:00:00Z');

beforeAll(async () => {
  database = await createTestDatabase();
  server = await startConsoleServer({ database, now: () => now });
  await server.deps.accounts.addAccount({ username: 'admin', password: PASSWORD, role: 'province' });
  await server.deps.accounts.addAccount({ username: 'donvi', password: PASSWORD, role: 'unit', unitId: 'phuong-mau' });
}, 120_000);
afterAll(async () => {
  await server?.stop();
  await database?.close();
});

const unescape = (s: string) => s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** The form's fields as a browser would post them (inputs, checked boxes, selected options, textareas). */
function fieldsOf(page: string): Record<string, string> {
  const form = page.slice(page.indexOf('<form method="post" action="/admin/units/'));
  const fields: Record<string, string> = {};
  for (const m of form.matchAll(/<input ([^>]*)>/g)) {
    const attrs = m[1]!;
    const name = /name="([^"]+)"/.exec(attrs)?.[1];
    if (!name) continue;
    if (/type="checkbox"/.test(attrs)) {
      if (/\bchecked\b/.test(attrs)) fields[name] = 'on';
    } else fields[name] = unescape(/value="([^"]*)"/.exec(attrs)?.[1] ?? '');
  }
  for (const m of form.matchAll(/<textarea [^>]*name="([^"]+)"[^>]*>([\s\S]*?)<\/textarea>/g)) fields[m[1]!] = unescape(m[2]!);
  for (const m of form.matchAll(/<select [^>]*name="([^"]+)"[^>]*>([\s\S]*?)<\/select>/g)) fields[m[1]!] = /<option value="([^"]*)" selected/.exec(m[2]!)?.[1] ?? /<option value="([^"]*)"/.exec(m[2]!)?.[1] ?? '';
  return fields;
}

describe('centre settings and staff', () => {
  it('shows the unit as stored, who is on duty now and, outside hours, the next working time', async () => {
    const http = createHttpClient(server.url);
    await http.login('donvi', PASSWORD);
    const page = await (await http.request('/admin/units/phuong-mau')).text();
    expect(page).toContain('Đang trực bây giờ:</strong> <span class="on-duty">Trần Văn Minh</span>');
    expect(page).toContain('Đang trong giờ làm việc.');
    const fields = fieldsOf(page);
    expect(fields['hours.mon']).toBe('07:30-11:30, 13:30-17:00');
    expect(fields.roster).toContain('wed 07:30-11:30: pm-minh');
    expect(fields['staff.0.name']).toBeTruthy();
    now = new Date('2026-12-06T03:00:00Z'); // Sunday 10:00
    const sunday = await (await http.request('/admin/units/phuong-mau')).text();
    expect(sunday).toContain('Ngoài giờ làm việc.');
    expect(sunday).toMatch(/Giờ làm việc tiếp theo: <span class="next-open">[^<]*07:30[^<]*07\/12\/2026/);
    now = new Date('2026-12-07T02:00:00Z');
    expect((await http.request('/admin/units/phuong-khac')).status).toBe(403);
  });

  it('refuses bad hours, an unknown roster id and a bad group ref in Vietnamese, changing nothing', async () => {
    const http = createHttpClient(server.url);
    await http.login('admin', PASSWORD);
    const fields = fieldsOf(await (await http.request('/admin/units/phuong-mau')).text());
    const token = await http.csrf();
    const res = await http.form('/admin/units/phuong-mau', { ...fields, _csrf: token, 'hours.sat': '7h30-11h', groups: `${fields.groups}\nnhom-cua-toi`, slaMinutes: '0' });
    expect(res.status).toBe(422);
    const text = unescape(await res.text());
    expect(text).toContain('Giờ mở cửa, Thứ Bảy: giờ viết theo mẫu 07:30-11:30');
    expect(text).toMatch(/Nhóm cán bộ, dòng 3: viết dạng "telegram:/);
    expect(text).toContain('Hạn trả lời phiếu: phải là số phút lớn hơn 0');
    // Cross-references are checked once the fields themselves are right (as for data/units.yaml).
    const roster = await http.form('/admin/units/phuong-mau', { ...fields, _csrf: token, roster: `${fields.roster}\nsat: ai-do\nthứ bảy pm-lan` });
    expect(roster.status).toBe(422);
    const rosterText = unescape(await roster.text());
    expect(rosterText).toContain('Lịch trực, dòng 9: viết "thứ: mã cán bộ"');
    expect(rosterText).toContain('Lịch trực, dòng 8: "ai-do" không có trong danh sách cán bộ của đơn vị.');
    const { unit } = (await createUnitsRepository({ db: database.db }).findUnit({ unitId: 'phuong-mau' }))!;
    expect(unit.officeHours.sat).toBeUndefined();
    expect(unit.slaMinutes).toBe(120);
  });

  it('saves hours, a day off, a new staff member and the roster; every process is told; audited', async () => {
    const notified: string[] = [];
    const listener = await database.listen({ channel: UNITS_CHANGED_CHANNEL, onNotify: () => notified.push('units') });
    const http = createHttpClient(server.url);
    await http.login('admin', PASSWORD);
    const page = await (await http.request('/admin/units/phuong-mau')).text();
    const fields = fieldsOf(page);
    const blank = Object.keys(fields).filter((k) => /^staff\.\d+\.name$/.test(k) && fields[k] === '')[0]!.split('.')[1];
    const token = await http.csrf();
    const res = await http.form('/admin/units/phuong-mau', {
      ...fields,
      _csrf: token,
      'facts.phone': '0200 111 222',
      'hours.sat': '07:30-11:30',
      holidays: '2026-12-24 Lễ hội địa phương',
      slaMinutes: '90',
      ticketPolicy: 'open_directly',
      [`staff.${blank}.name`]: 'Phạm Thị Thu',
      [`staff.${blank}.telegram`]: '100000009',
      [`staff.${blank}.active`]: 'on',
      roster: `${fields.roster}\nsat: pham-thi-thu`,
    });
    expect(res.status).toBe(303);
    const units = createUnitsRepository({ db: database.db, clock: { now: () => new Date('2026-12-12T02:00:00Z') } });
    const { unit } = (await units.findUnit({ unitId: 'phuong-mau' }))!;
    expect(unit).toMatchObject({ slaMinutes: 90, ticketPolicy: 'open_directly', officeHours: { sat: ['07:30-11:30'] }, info: { phone: '0200 111 222' } });
    expect((await units.listStaff({ unitId: 'phuong-mau' })).staff.map((s) => s.id)).toContain('pham-thi-thu');
    // Saturday 12/12 09:00: open now, and Thu is on duty.
    expect((await units.listOnDuty({ unitId: 'phuong-mau', at: new Date('2026-12-12T02:00:00Z') })).staff.map((s) => s.name)).toEqual(['Phạm Thị Thu']);
    const calendar = await units.getCalendar({ unitId: 'phuong-mau' });
    expect(calendar.isWorkingTime({ at: new Date('2026-12-24T02:00:00Z') })).toBe(false);
    const deadline = Date.now() + 3_000;
    while (notified.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(notified.length).toBeGreaterThan(0);
    await listener.stop();
    // The bot's answers use the unit's facts as stored: the new phone number is in the next answer.
    const savedAt = Date.now();
    let reply = await askWebChat({ url: server.url, text: 'số điện thoại của trung tâm là gì' });
    while (!reply.includes('0200 111 222') && Date.now() - savedAt < 2_000) reply = await askWebChat({ url: server.url, text: 'số điện thoại của trung tâm là gì' });
    expect(reply).toContain('0200 111 222');
    const [audit] = await database.db.select().from(adminAuditTable).where(eq(adminAuditTable.action, 'unit.update'));
    expect(audit).toMatchObject({ actor: 'admin', target: 'phuong-mau' });
    // A restart's seeding from data/units.yaml leaves the console's edit alone.
    await syncUnitsFromData({ db: database.db, dataDir: DATA_DIR });
    expect((await createUnitsRepository({ db: database.db }).findUnit({ unitId: 'phuong-mau' }))!.unit.slaMinutes).toBe(90);
  });

  it('keeps people: a staff member cannot be dropped from the form, only set inactive', async () => {
    const http = createHttpClient(server.url);
    await http.login('admin', PASSWORD);
    const fields = fieldsOf(await (await http.request('/admin/units/phuong-mau')).text());
    const token = await http.csrf();
    const dropped = { ...fields, _csrf: token, 'staff.2.id': '', 'staff.2.name': '' };
    const res = await http.form('/admin/units/phuong-mau', dropped);
    expect(res.status).toBe(422);
    expect(unescape(await res.text())).toContain('không được xóa khỏi danh sách');
  });
});
