import { describe, expect, it } from 'vitest';
import { createWorkingTimeIndex } from '../../src/reports/reports.worktime.js';
import { createWorkingCalendar, DEFAULT_OFFICE_HOURS } from '../../src/units/calendar.models.js';

const calendar = createWorkingCalendar({
  officeHours: DEFAULT_OFFICE_HOURS,
  holidays: ['2026-04-27', '2026-04-30', '2026-05-01', '2026-09-01', '2026-09-02'],
  makeUpDays: ['2026-08-22'],
  timezone: 'Asia/Ho_Chi_Minh',
});

describe('working-time index', () => {
  it('gives exactly the calendar’s working minutes for any pair inside its span', () => {
    const from = new Date('2026-04-20T00:00:00Z');
    const to = new Date('2026-09-10T00:00:00Z');
    const index = createWorkingTimeIndex({ calendar, from, to });
    let seed = 11;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648);
    const span = to.getTime() - from.getTime();
    for (let i = 0; i < 2_000; i += 1) {
      const start = new Date(from.getTime() + Math.floor(random() * span));
      // Mostly hours to days, some across a holiday week, some inside one range, to the millisecond.
      const end = new Date(Math.min(to.getTime(), start.getTime() + Math.floor(random() ** 2 * 20 * 86_400_000)));
      expect(index.minutesBetween({ start, end })).toBe(calendar.workingMinutesBetween({ from: start, to: end }));
    }
    expect(index.minutesBetween({ start: new Date('2026-04-29T01:00:00Z'), end: new Date('2026-05-04T01:00:00Z') })).toBe(
      calendar.workingMinutesBetween({ from: new Date('2026-04-29T01:00:00Z'), to: new Date('2026-05-04T01:00:00Z') }),
    );
  });

  it('refuses an instant outside the span it was built for', () => {
    const index = createWorkingTimeIndex({ calendar, from: new Date('2026-05-04T00:00:00Z'), to: new Date('2026-05-08T00:00:00Z') });
    expect(() => index.minutesBetween({ start: new Date('2026-05-01T00:00:00Z'), end: new Date('2026-05-05T00:00:00Z') })).toThrow(RangeError);
  });
});
