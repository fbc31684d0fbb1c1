import { afterEach, describe, expect, it } from 'vitest';
import {
  createWorkingCalendar,
  DEFAULT_OFFICE_HOURS,
  parseTimeRange,
  WorkingCalendarError,
  type WorkingCalendar,
} from '../../src/units/calendar.models.js';

// Vietnam's 2026 civil-service calendar (data/holidays/2026.yaml), the part these tests rely on.
const HOLIDAYS_2026 = [
  '2026-01-01', '2026-01-02', // Tết Dương lịch + swapped Friday
  '2026-02-16', '2026-02-17', '2026-02-18', '2026-02-19', '2026-02-20', // Tết Bính Ngọ
  '2026-04-27', // Giỗ Tổ (26/4 is a Sunday) → compensatory Monday
  '2026-04-30', '2026-05-01',
  '2026-08-31', '2026-09-01', '2026-09-02',
];
const MAKE_UP_2026 = ['2026-01-10', '2026-08-22'];

const calendar = createWorkingCalendar({
  officeHours: DEFAULT_OFFICE_HOURS,
  holidays: HOLIDAYS_2026,
  makeUpDays: MAKE_UP_2026,
  timezone: 'Asia/Ho_Chi_Minh',
});

/** A Vietnamese wall-clock time, e.g. vn('2026-03-02 07:30'). */
const vn = (local: string) => new Date(`${local.replace(' ', 'T')}:00+07:00`);
const iso = (d: Date) => d.toISOString();

describe('isWorkingTime', () => {
  it('is true inside the morning and afternoon ranges of a weekday', () => {
    expect(calendar.isWorkingTime({ at: vn('2026-03-02 07:30') })).toBe(true); // Monday, first minute
    expect(calendar.isWorkingTime({ at: vn('2026-03-02 09:00') })).toBe(true);
    expect(calendar.isWorkingTime({ at: vn('2026-03-02 13:30') })).toBe(true);
    expect(calendar.isWorkingTime({ at: vn('2026-03-06 16:59') })).toBe(true); // Friday
  });

  it('is false over the lunch break and at the exact end of a range (half-open ranges)', () => {
    expect(calendar.isWorkingTime({ at: vn('2026-03-02 11:29') })).toBe(true);
    expect(calendar.isWorkingTime({ at: vn('2026-03-02 11:30') })).toBe(false);
    expect(calendar.isWorkingTime({ at: vn('2026-03-02 12:15') })).toBe(false);
    expect(calendar.isWorkingTime({ at: vn('2026-03-02 13:29') })).toBe(false);
    expect(calendar.isWorkingTime({ at: vn('2026-03-02 17:00') })).toBe(false);
    expect(calendar.isWorkingTime({ at: new Date(vn('2026-03-02 07:30').getTime() - 1) })).toBe(false);
  });

  it('is false at night, on weekends and on public holidays', () => {
    expect(calendar.isWorkingTime({ at: vn('2026-03-02 03:00') })).toBe(false);
    expect(calendar.isWorkingTime({ at: vn('2026-03-07 09:00') })).toBe(false); // Saturday
    expect(calendar.isWorkingTime({ at: vn('2026-03-08 09:00') })).toBe(false); // Sunday
    expect(calendar.isWorkingTime({ at: vn('2026-02-17 09:00') })).toBe(false); // Mùng 1 Tết
    expect(calendar.isWorkingTime({ at: vn('2026-04-27 09:00') })).toBe(false); // compensatory Giỗ Tổ
    expect(calendar.isWorkingTime({ at: vn('2026-09-02 09:00') })).toBe(false);
  });

  it('is true on a make-up Saturday with ordinary hours', () => {
    expect(calendar.isWorkingTime({ at: vn('2026-01-10 08:00') })).toBe(true);
    expect(calendar.isWorkingTime({ at: vn('2026-01-10 12:00') })).toBe(false);
    expect(calendar.isWorkingTime({ at: vn('2026-01-10 14:00') })).toBe(true);
    expect(calendar.isWorkingTime({ at: vn('2026-01-17 08:00') })).toBe(false); // the next Saturday is off again
  });

  it('uses the unit timezone, not UTC: 00:30Z is 07:30 in Hanoi', () => {
    expect(calendar.isWorkingTime({ at: new Date('2026-03-02T00:30:00Z') })).toBe(true);
    expect(calendar.isWorkingTime({ at: new Date('2026-03-02T00:29:59Z') })).toBe(false);
    // 23:00Z on Sunday is already Monday 06:00 in Hanoi: still before opening.
    expect(calendar.isWorkingTime({ at: new Date('2026-03-01T23:00:00Z') })).toBe(false);
  });
});

describe('addWorkingMinutes', () => {
  it('stays within one range when it fits', () => {
    expect(iso(calendar.addWorkingMinutes({ from: vn('2026-03-02 08:00'), minutes: 120 }))).toBe(iso(vn('2026-03-02 10:00')));
  });

  it('skips the lunch break', () => {
    // 10:30 + 120: 60 min until 11:30, then 60 min from 13:30.
    expect(iso(calendar.addWorkingMinutes({ from: vn('2026-03-02 10:30'), minutes: 120 }))).toBe(iso(vn('2026-03-02 14:30')));
    // Starting during lunch counts from 13:30.
    expect(iso(calendar.addWorkingMinutes({ from: vn('2026-03-02 12:00'), minutes: 30 }))).toBe(iso(vn('2026-03-02 14:00')));
  });

  it('ends exactly at a range end rather than jumping to the next range', () => {
    expect(iso(calendar.addWorkingMinutes({ from: vn('2026-03-02 09:30'), minutes: 120 }))).toBe(iso(vn('2026-03-02 11:30')));
    expect(iso(calendar.addWorkingMinutes({ from: vn('2026-03-02 07:30'), minutes: 450 }))).toBe(iso(vn('2026-03-02 17:00')));
  });

  it('returns the same instant for 0 minutes, even outside hours', () => {
    const night = vn('2026-03-02 22:00');
    expect(iso(calendar.addWorkingMinutes({ from: night, minutes: 0 }))).toBe(iso(night));
  });

  it('carries Friday evening over the weekend to Monday morning', () => {
    expect(iso(calendar.addWorkingMinutes({ from: vn('2026-03-06 18:00'), minutes: 120 }))).toBe(iso(vn('2026-03-09 09:30')));
    // Friday 16:00 + 120: 60 today, 60 on Monday.
    expect(iso(calendar.addWorkingMinutes({ from: vn('2026-03-06 16:00'), minutes: 120 }))).toBe(iso(vn('2026-03-09 08:30')));
  });

  it('skips the whole Tết week: Friday 13/2 afternoon to Monday 23/2', () => {
    expect(iso(calendar.addWorkingMinutes({ from: vn('2026-02-13 16:00'), minutes: 120 }))).toBe(iso(vn('2026-02-23 08:30')));
    expect(iso(calendar.addWorkingMinutes({ from: vn('2026-02-17 10:00'), minutes: 1 }))).toBe(iso(vn('2026-02-23 07:31')));
  });

  it('works on a make-up Saturday and skips the swapped Friday', () => {
    // Wed 31/12/2025 16:30 + 120: 30 min then 1/1 (holiday), 2/1 (swapped), weekend → Mon 5/1 at 09:00.
    expect(iso(calendar.addWorkingMinutes({ from: vn('2025-12-31 16:30'), minutes: 120 }))).toBe(iso(vn('2026-01-05 09:00')));
    // Fri 9/1 16:00 + 120: 60 today, 60 on the make-up Saturday 10/1.
    expect(iso(calendar.addWorkingMinutes({ from: vn('2026-01-09 16:00'), minutes: 120 }))).toBe(iso(vn('2026-01-10 08:30')));
  });

  it('spans several days: 3 working days and a bit', () => {
    // A full day is 450 working minutes. Mon 08:00 + 3×450 + 30 = Thu 08:30.
    expect(iso(calendar.addWorkingMinutes({ from: vn('2026-03-02 08:00'), minutes: 3 * 450 + 30 }))).toBe(iso(vn('2026-03-05 08:30')));
    // Two weeks of working time from Monday 07:30 ends Friday 17:00 of the second week.
    expect(iso(calendar.addWorkingMinutes({ from: vn('2026-03-02 07:30'), minutes: 10 * 450 }))).toBe(iso(vn('2026-03-13 17:00')));
  });

  it('spans the Giỗ Tổ and 30/4–1/5 holidays', () => {
    // Fri 24/4 16:00 + 600 min: 60 on Fri; Mon 27/4 off; Tue 28 450; Wed 29 90 → 09:00.
    expect(iso(calendar.addWorkingMinutes({ from: vn('2026-04-24 16:00'), minutes: 600 }))).toBe(iso(vn('2026-04-29 09:00')));
    // Wed 29/4 16:00 + 120: 60 on Wed, then 30/4, 1/5, weekend → Mon 4/5 08:30.
    expect(iso(calendar.addWorkingMinutes({ from: vn('2026-04-29 16:00'), minutes: 120 }))).toBe(iso(vn('2026-05-04 08:30')));
  });

  it('refuses negative or non-finite minutes with a coded error', () => {
    expect(() => calendar.addWorkingMinutes({ from: vn('2026-03-02 08:00'), minutes: -1 })).toThrow(WorkingCalendarError);
    expect(() => calendar.addWorkingMinutes({ from: vn('2026-03-02 08:00'), minutes: Number.NaN })).toThrow(/minutes >= 0/);
  });
});

describe('workingMinutesBetween', () => {
  it('counts only working minutes across lunch, nights and weekends', () => {
    expect(calendar.workingMinutesBetween({ from: vn('2026-03-02 11:00'), to: vn('2026-03-02 14:00') })).toBe(60);
    expect(calendar.workingMinutesBetween({ from: vn('2026-03-02 00:00'), to: vn('2026-03-03 00:00') })).toBe(450);
    expect(calendar.workingMinutesBetween({ from: vn('2026-03-06 16:00'), to: vn('2026-03-09 08:30') })).toBe(120);
    expect(calendar.workingMinutesBetween({ from: vn('2026-03-02 00:00'), to: vn('2026-03-09 00:00') })).toBe(5 * 450);
  });

  it('is zero over Tết and when to is not after from', () => {
    expect(calendar.workingMinutesBetween({ from: vn('2026-02-14 00:00'), to: vn('2026-02-23 00:00') })).toBe(0);
    expect(calendar.workingMinutesBetween({ from: vn('2026-03-02 10:00'), to: vn('2026-03-02 09:00') })).toBe(0);
    expect(calendar.workingMinutesBetween({ from: vn('2026-03-02 10:00'), to: vn('2026-03-02 10:00') })).toBe(0);
  });

  it('counts the make-up Saturday and fractional minutes', () => {
    expect(calendar.workingMinutesBetween({ from: vn('2026-08-22 00:00'), to: vn('2026-08-23 00:00') })).toBe(450);
    expect(calendar.workingMinutesBetween({ from: vn('2026-03-02 08:00'), to: new Date(vn('2026-03-02 08:00').getTime() + 30_000) })).toBe(0.5);
  });

  it('counts the 2026 working year: 261 weekdays minus 13 holidays plus 2 make-up Saturdays', () => {
    // 2026 has 261 weekdays; 13 are holidays in this list; 2 make-up Saturdays are added.
    const minutes = calendar.workingMinutesBetween({ from: vn('2026-01-01 00:00'), to: vn('2027-01-01 00:00') });
    expect(minutes / 450).toBe(261 - 13 + 2);
  });
});

describe('nextWorkingStart', () => {
  it('returns the instant itself inside hours', () => {
    expect(iso(calendar.nextWorkingStart({ from: vn('2026-03-02 09:15') }))).toBe(iso(vn('2026-03-02 09:15')));
  });

  it('finds 13:30 over lunch, tomorrow 7:30 at night, Monday after the weekend and 23/2 after Tết', () => {
    expect(iso(calendar.nextWorkingStart({ from: vn('2026-03-02 11:30') }))).toBe(iso(vn('2026-03-02 13:30')));
    expect(iso(calendar.nextWorkingStart({ from: vn('2026-03-02 17:00') }))).toBe(iso(vn('2026-03-03 07:30')));
    expect(iso(calendar.nextWorkingStart({ from: vn('2026-03-03 05:00') }))).toBe(iso(vn('2026-03-03 07:30')));
    expect(iso(calendar.nextWorkingStart({ from: vn('2026-03-06 17:30') }))).toBe(iso(vn('2026-03-09 07:30')));
    expect(iso(calendar.nextWorkingStart({ from: vn('2026-02-13 17:00') }))).toBe(iso(vn('2026-02-23 07:30')));
    expect(iso(calendar.nextWorkingStart({ from: vn('2026-01-09 18:00') }))).toBe(iso(vn('2026-01-10 07:30'))); // make-up Saturday
  });
});

describe('server timezone independence', () => {
  const originalTz = process.env.TZ;
  afterEach(() => {
    if (originalTz === undefined) delete process.env.TZ;
    else process.env.TZ = originalTz;
  });

  it.each(['UTC', 'America/Los_Angeles', 'Pacific/Kiritimati'])('gives the same answers when the server runs in %s', (tz) => {
    process.env.TZ = tz;
    const fresh = createWorkingCalendar({ officeHours: DEFAULT_OFFICE_HOURS, holidays: HOLIDAYS_2026, makeUpDays: MAKE_UP_2026, timezone: 'Asia/Ho_Chi_Minh' });
    expect(iso(fresh.addWorkingMinutes({ from: vn('2026-02-13 16:00'), minutes: 120 }))).toBe(iso(vn('2026-02-23 08:30')));
    expect(fresh.isWorkingTime({ at: vn('2026-03-02 07:30') })).toBe(true);
    expect(fresh.describeLocalDay({ at: vn('2026-03-02 00:10') }).date).toBe('2026-03-02');
  });
});

describe('other timezones and configurations', () => {
  it('handles a DST zone: a Berlin working day keeps its local hours across the March change', () => {
    const berlin = createWorkingCalendar({ officeHours: { mon: ['09:00-17:00'], fri: ['09:00-17:00'] }, holidays: [], makeUpDays: [], timezone: 'Europe/Berlin' });
    // 2026-03-29 is the switch to CEST. Friday 27/3 is UTC+1, Monday 30/3 is UTC+2.
    expect(berlin.isWorkingTime({ at: new Date('2026-03-27T08:00:00Z') })).toBe(true); // 09:00 CET
    expect(berlin.isWorkingTime({ at: new Date('2026-03-30T07:00:00Z') })).toBe(true); // 09:00 CEST
    expect(berlin.isWorkingTime({ at: new Date('2026-03-30T06:59:00Z') })).toBe(false);
    expect(iso(berlin.nextWorkingStart({ from: new Date('2026-03-27T16:00:00Z') }))).toBe('2026-03-30T07:00:00.000Z');
  });

  it('uses custom make-up hours when given', () => {
    const mornings = createWorkingCalendar({
      officeHours: DEFAULT_OFFICE_HOURS,
      holidays: [],
      makeUpDays: ['2026-08-22'],
      makeUpHours: ['08:00-11:00'],
      timezone: 'Asia/Ho_Chi_Minh',
    });
    expect(mornings.workingMinutesBetween({ from: vn('2026-08-22 00:00'), to: vn('2026-08-23 00:00') })).toBe(180);
  });

  it('a holiday wins over a make-up day listed for the same date', () => {
    const both = createWorkingCalendar({ officeHours: DEFAULT_OFFICE_HOURS, holidays: ['2026-08-22'], makeUpDays: ['2026-08-22'], timezone: 'Asia/Ho_Chi_Minh' });
    expect(both.isWorkingTime({ at: vn('2026-08-22 08:00') })).toBe(false);
  });

  it('supports a 24-hour range and unsorted ranges', () => {
    const allDay = createWorkingCalendar({ officeHours: { sat: ['13:00-24:00', '00:00-12:00'] }, holidays: [], makeUpDays: [], timezone: 'Asia/Ho_Chi_Minh' });
    expect(allDay.workingMinutesBetween({ from: vn('2026-03-07 00:00'), to: vn('2026-03-08 00:00') })).toBe(23 * 60);
    expect(allDay.isWorkingTime({ at: vn('2026-03-07 23:59') })).toBe(true);
  });
});

describe('invalid configuration fails loudly with the fix', () => {
  const base = { officeHours: DEFAULT_OFFICE_HOURS, holidays: [], makeUpDays: [], timezone: 'Asia/Ho_Chi_Minh' };
  it.each([
    [{ officeHours: { mon: ['7h30-11h30'] } }, /write it like "07:30-11:30"/],
    [{ officeHours: { mon: ['11:30-07:30'] } }, /must start before it ends/],
    [{ officeHours: { mon: ['07:30-11:30', '11:00-12:00'] } }, /overlap/],
    [{ officeHours: {} }, /empty for every weekday/],
    [{ holidays: ['2026-02-30'] }, /"2026-02-30" is not a date/],
    [{ makeUpDays: ['10/1/2026'] }, /is not a date/],
    [{ timezone: 'Asia/Hanoi_City' }, /not a known timezone/],
  ])('%j', (override, message) => {
    expect(() => createWorkingCalendar({ ...base, ...override })).toThrow(message);
  });

  it('parses ranges with spaces and single-digit hours', () => {
    expect(parseTimeRange('7:30 - 11:30')).toEqual({ start: 450, end: 690 });
  });

  it('works with a single working weekday', () => {
    const sundays = createWorkingCalendar({ ...base, officeHours: { sun: ['08:00-09:00'] } });
    expect(iso(sundays.nextWorkingStart({ from: vn('2026-03-02 08:00') }))).toBe(iso(vn('2026-03-08 08:00')));
  });

  it('throws a coded error when no working time is left for years (only past make-up days)', () => {
    const once = createWorkingCalendar({ ...base, officeHours: {}, makeUpDays: ['2026-01-10'], makeUpHours: ['07:30-11:30'] });
    expect(once.isWorkingTime({ at: vn('2026-01-10 08:00') })).toBe(true);
    expect(() => once.nextWorkingStart({ from: vn('2026-02-01 08:00') })).toThrow(
      expect.objectContaining({ code: 'handoff.no_working_time' }),
    );
  });
});

// --- Property-style checks with a seeded generator: reproducible, and wide enough to catch edge cases.

function seededRandom(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomInstant(random: () => number): Date {
  const start = vn('2025-12-20 00:00').getTime();
  const span = vn('2026-12-20 00:00').getTime() - start;
  // Half the samples land on whole minutes (hitting boundaries exactly), half anywhere.
  const t = start + Math.floor(random() * span);
  return new Date(random() < 0.5 ? t - (t % 60_000) : t);
}

describe('properties (seeded, 2 000 samples each)', () => {
  const random = seededRandom(20260217);

  it('addWorkingMinutes then workingMinutesBetween round-trips exactly', () => {
    for (let i = 0; i < 2_000; i++) {
      const from = randomInstant(random);
      const minutes = Math.floor(random() * 5_000);
      const to = calendar.addWorkingMinutes({ from, minutes });
      expect(calendar.workingMinutesBetween({ from, to }), `${iso(from)} + ${minutes}`).toBe(minutes);
      expect(to.getTime()).toBeGreaterThanOrEqual(from.getTime());
    }
  });

  it('a positive sum always lands inside working time or exactly at a range end', () => {
    for (let i = 0; i < 2_000; i++) {
      const from = randomInstant(random);
      const to = calendar.addWorkingMinutes({ from, minutes: 1 + Math.floor(random() * 3_000) });
      const justBefore = new Date(to.getTime() - 1);
      expect(calendar.isWorkingTime({ at: justBefore }), iso(to)).toBe(true);
    }
  });

  it('is additive: a + b minutes equals a then b', () => {
    for (let i = 0; i < 1_000; i++) {
      const from = randomInstant(random);
      const a = Math.floor(random() * 1_000);
      const b = 1 + Math.floor(random() * 1_000);
      const direct = calendar.addWorkingMinutes({ from, minutes: a + b });
      const stepped = calendar.addWorkingMinutes({ from: calendar.addWorkingMinutes({ from, minutes: a }), minutes: b });
      expect(iso(stepped), `${iso(from)} + ${a} + ${b}`).toBe(iso(direct));
    }
  });

  it('workingMinutesBetween never exceeds wall-clock minutes and splits at any midpoint', () => {
    for (let i = 0; i < 2_000; i++) {
      const [x, y, z] = [randomInstant(random), randomInstant(random), randomInstant(random)].sort((p, q) => p.getTime() - q.getTime()) as [Date, Date, Date];
      const whole = calendar.workingMinutesBetween({ from: x, to: z });
      expect(whole).toBeLessThanOrEqual((z.getTime() - x.getTime()) / 60_000);
      const parts = calendar.workingMinutesBetween({ from: x, to: y }) + calendar.workingMinutesBetween({ from: y, to: z });
      expect(parts).toBeCloseTo(whole, 6);
    }
  });

  it('nextWorkingStart is working time and nothing before it (minute by minute) is', () => {
    for (let i = 0; i < 2_000; i++) {
      const from = randomInstant(random);
      const next = calendar.nextWorkingStart({ from });
      expect(calendar.isWorkingTime({ at: next })).toBe(true);
      expect(calendar.workingMinutesBetween({ from, to: next })).toBe(0);
      if (i < 30) {
        for (let t = from.getTime(); t < next.getTime(); t += 60_000) expect(calendar.isWorkingTime({ at: new Date(t) })).toBe(false);
      }
    }
  });

  it('agrees with a brute-force minute count over random days', () => {
    const check = (cal: WorkingCalendar, day: Date) => {
      let brute = 0;
      for (let t = day.getTime(); t < day.getTime() + 86_400_000; t += 60_000) if (cal.isWorkingTime({ at: new Date(t) })) brute++;
      expect(cal.workingMinutesBetween({ from: day, to: new Date(day.getTime() + 86_400_000) })).toBe(brute);
    };
    for (let i = 0; i < 40; i++) {
      const d = randomInstant(random);
      check(calendar, new Date(d.getTime() - (d.getTime() % 60_000)));
    }
  });
});
