import { describe, expect, it } from 'vitest';
import { pickOnDuty } from '../../src/units/roster.models.js';
import type { RosterShift } from '../../src/units/units.types.js';

const shift = (s: Partial<RosterShift> & { staffIds: string[] }): RosterShift => ({ unitId: 'u', weekday: null, date: null, from: null, to: null, ...s });
const day = (over: Partial<{ date: string; isoWeekday: number; minuteOfDay: number; isHoliday: boolean }> = {}) => ({
  date: '2026-03-04',
  isoWeekday: 3,
  minuteOfDay: 9 * 60,
  isHoliday: false,
  isMakeUpDay: false,
  ...over,
});

const shifts = [
  shift({ weekday: 3, staffIds: ['a'], from: '07:30', to: '11:30' }),
  shift({ weekday: 3, staffIds: ['b', 'a'], from: '13:30', to: '17:00' }),
  shift({ weekday: 5, staffIds: ['c'] }),
  shift({ date: '2026-03-06', staffIds: ['d'] }),
];

describe('pickOnDuty', () => {
  it('takes the weekday shifts covering the minute, window end excluded', () => {
    expect(pickOnDuty({ shifts, day: day(), leadStaffId: 'L' })).toEqual({ staffIds: ['a'], source: 'weekday' });
    expect(pickOnDuty({ shifts, day: day({ minuteOfDay: 14 * 60 }), leadStaffId: 'L' })).toEqual({ staffIds: ['b', 'a'], source: 'weekday' });
    expect(pickOnDuty({ shifts, day: day({ minuteOfDay: 11 * 60 + 30 }), leadStaffId: 'L' })).toEqual({ staffIds: ['L'], source: 'lead' });
  });

  it('lets a date entry replace the weekday entries, and only date entries count on holidays', () => {
    expect(pickOnDuty({ shifts, day: day({ date: '2026-03-06', isoWeekday: 5 }), leadStaffId: 'L' })).toEqual({ staffIds: ['d'], source: 'date' });
    expect(pickOnDuty({ shifts, day: day({ isHoliday: true }), leadStaffId: 'L' })).toEqual({ staffIds: ['L'], source: 'lead' });
    expect(pickOnDuty({ shifts, day: day({ date: '2026-03-06', isoWeekday: 5, isHoliday: true }), leadStaffId: 'L' }).staffIds).toEqual(['d']);
  });

  it('returns nobody when there is neither a shift nor a lead', () => {
    expect(pickOnDuty({ shifts, day: day({ isoWeekday: 1, date: '2026-03-02' }), leadStaffId: null })).toEqual({ staffIds: [], source: 'none' });
  });
});
