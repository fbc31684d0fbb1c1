import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadUnitsData } from '../../src/units/units.loader.js';
import { parseHolidaysFile, parseUnitsFile, UnitsDataError } from '../../src/units/units.schema.js';
import { createWorkingCalendar } from '../../src/units/calendar.models.js';
import { TWO_UNITS_YAML, writeDataDir } from './units-fixtures.js';

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(UnitsDataError);
    return (error as UnitsDataError).problems;
  }
  throw new Error('expected a UnitsDataError');
}

describe('the shipped data files', () => {
  it('data/units.yaml is valid and keeps the FAQ facts', () => {
    const { units, holidayYears } = loadUnitsData({ dataDir: 'data' });
    expect(units[0]).toMatchObject({
      id: 'phuong-mau',
      ticketPolicy: 'ask_first',
      slaMinutes: 120,
      timezone: 'Asia/Ho_Chi_Minh',
      info: { address: expect.any(String), phone: expect.any(String), hours: expect.any(String), email: expect.any(String), mapUrl: expect.any(String) },
    });
    expect(units[0]!.staff.every((s) => s.telegramUserId || s.zaloUserId)).toBe(true);
    expect(holidayYears.map((y) => y.year)).toContain(2026);
  });

  it('data/holidays/2026.yaml has Tết Bính Ngọ, the fixed holidays and two make-up Saturdays', () => {
    const { holidays, makeUpDays } = parseHolidaysFile({ text: readFileSync('data/holidays/2026.yaml', 'utf8'), file: '2026.yaml' });
    const dates = holidays.map((h) => h.date);
    expect(dates).toEqual(expect.arrayContaining(['2026-01-01', '2026-02-17', '2026-04-27', '2026-04-30', '2026-05-01', '2026-09-02']));
    expect(makeUpDays.map((d) => d.date)).toEqual(['2026-01-10', '2026-08-22']);
    // Every holiday is a weekday, every make-up day a Saturday: otherwise the entry changes nothing.
    const calendar = createWorkingCalendar({ officeHours: { sat: ['08:00-09:00'] }, holidays: [], makeUpDays: [], timezone: 'Asia/Ho_Chi_Minh' });
    for (const d of dates) expect(calendar.describeLocalDay({ at: new Date(`${d}T12:00:00+07:00`) }).isoWeekday, d).toBeLessThan(6);
    for (const d of makeUpDays) expect(calendar.describeLocalDay({ at: new Date(`${d.date}T12:00:00+07:00`) }).isoWeekday).toBe(6);
    // 2026: 261 weekdays − 13 holidays + 2 make-up Saturdays = 250 working days.
    expect(holidays).toHaveLength(13);
  });
});

describe('parseUnitsFile', () => {
  it('fills defaults and puts unknown plain-text fields into info', () => {
    const { units } = parseUnitsFile({ text: 'units:\n  - { id: xa-a, name: Xã A, phone: "0123", zaloOa: "https://zalo.me/x" }\n', file: 'u.yaml' });
    expect(units[0]).toMatchObject({
      timezone: 'Asia/Ho_Chi_Minh',
      slaMinutes: 120,
      ticketPolicy: 'ask_first',
      officeHours: { mon: ['07:30-11:30', '13:30-17:00'] },
      info: { phone: '0123', zaloOa: 'https://zalo.me/x' },
      staff: [],
      leadStaffId: null,
    });
  });

  it('takes the lead from role when `lead` is missing', () => {
    const { units } = parseUnitsFile({ text: TWO_UNITS_YAML, file: 'u.yaml' });
    expect(units[1]!.leadStaffId).toBe('b-an');
    expect(units[0]!.roster[1]).toEqual({ weekday: 3, date: null, from: '07:30', to: '11:30', staffIds: ['a-minh'] });
  });

  it('a broken file gives readable errors naming the file and each field', () => {
    const text = `
units:
  - id: Phuong A
    name: Phường A
    ticketPolicy: ask
    officeHours: { mon: ["7h30-11h30"], monday: ["08:00-09:00"] }
    staffGroups: [{ conversationRef: "-100123" }]
    staff:
      - { id: a, name: A, zaloUserId: 1000000000000000001 }
    roster:
      - { weekday: mon, date: 2026-01-05, staff: [a] }
`;
    let error: UnitsDataError | undefined;
    try {
      parseUnitsFile({ text, file: 'data/units.yaml' });
    } catch (e) {
      error = e as UnitsDataError;
    }
    expect(error?.code).toBe('handoff.invalid_units_data');
    expect(error?.message).toMatch(/^data\/units\.yaml is invalid:/);
    const problems = error!.problems.join('\n');
    expect(problems).toMatch(/units\[0\]\.id: use lowercase letters/);
    expect(problems).toMatch(/units\[0\]\.ticketPolicy: /);
    expect(problems).toMatch(/units\[0\]\.officeHours\.mon\[0\]: must be a time range like "07:30-11:30"/);
    expect(problems).toMatch(/units\[0\]\.officeHours: .*monday/);
    expect(problems).toMatch(/units\[0\]\.staffGroups\[0\]\.conversationRef: must look like "telegram:-100/);
    expect(problems).toMatch(/units\[0\]\.staff\[0\]\.zaloUserId: zaloUserId must be digits; write it in quotes/);
    expect(problems).toMatch(/units\[0\]\.roster\[0\]: give either `weekday`/);
  });

  it('checks cross-references: lead, roster, duplicate ids and groups', () => {
    const text = `
units:
  - id: a
    name: A
    lead: ghost
    staffGroups: [{ conversationRef: "telegram:-1001" }]
    staff: [{ id: s1, name: S1, telegramUserId: "1" }, { id: s2, name: S2, telegramUserId: "1" }]
    roster: [{ weekday: 1, staff: [s9] }]
  - id: a
    name: A again
    staffGroups: [{ conversationRef: "telegram:-1001" }]
    staff: [{ id: s1, name: S1 bis, telegramUserId: "2" }]
    extra: { nested: true }
`;
    const problems = problemsOf(() => parseUnitsFile({ text, file: 'u.yaml' }));
    expect(problems).toEqual(
      expect.arrayContaining([
        'units[0].lead: "ghost" is not in this unit\'s staff list',
        'units[0].roster[0].staff[0]: "s9" is not in this unit\'s staff list',
        'units[0].staff[1].telegramUserId: "1" belongs to another staff member of this unit',
        'units[1].id: "a" is used by another unit',
        'units[1].staff[0].id: "s1" is used twice (staff ids are unique across units)',
        'units[1].staffGroups[0].conversationRef: "telegram:-1001" is listed twice',
        expect.stringMatching(/^units\[1\]\.extra: unknown field/),
      ]),
    );
  });

  it('reports YAML syntax errors with the file name', () => {
    expect(() => parseUnitsFile({ text: 'units: [\n  - id: a', file: 'data/units.yaml' })).toThrow(/^data\/units\.yaml is invalid:\n {2}- not valid YAML/);
  });
});

describe('parseHolidaysFile and loadUnitsData', () => {
  it('refuses dates outside the year and a date both off and worked', () => {
    const problems = problemsOf(() =>
      parseHolidaysFile({ text: 'year: 2026\nholidays: [{ date: 2027-01-01 }, { date: 2026-05-02 }]\nmakeUpDays: [{ date: 2026-05-02 }]\n', file: 'h.yaml' }),
    );
    expect(problems).toEqual(['holidays[0].date: 2027-01-01 is not in 2026', '2026-05-02 is listed both as a holiday and as a make-up day']);
    expect(problemsOf(() => parseHolidaysFile({ text: 'year: 2026\nholidays: [{ date: 2026-02-30 }]\n', file: 'h.yaml' }))).toEqual([
      'holidays[0].date: must be a date like 2026-02-17',
    ]);
  });

  it('names the missing units file and the fix', () => {
    const dir = writeDataDir({ 'other.yaml': 'x: 1' });
    expect(() => loadUnitsData({ dataDir: dir })).toThrow(/units\.yaml is invalid:\n {2}- file not found: create it/);
  });

  it('names the holiday file at fault', () => {
    const dir = writeDataDir({ 'units.yaml': TWO_UNITS_YAML, 'holidays/2027.yaml': 'year: 2027\nholidays: [{ date: tomorrow }]\n' });
    expect(() => loadUnitsData({ dataDir: dir })).toThrow(/holidays\/2027\.yaml is invalid:\n {2}- holidays\[0\]\.date: must be a date/);
  });
});
