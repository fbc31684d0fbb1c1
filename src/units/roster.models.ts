/**
 * Who is on duty at a moment: pure, from the unit's roster and calendar facts.
 * A date entry replaces the weekday entries on that date (ứng trực during Tết, a swap);
 * on a holiday only date entries apply; nobody rostered → the lead.
 */
import type { RosterShift } from './units.types.js';
import type { LocalDay } from './calendar.models.js';

export type OnDutySource = 'date' | 'weekday' | 'lead' | 'none';

function toMinutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  return h * 60 + m;
}

function coversMinute(shift: RosterShift, minuteOfDay: number): boolean {
  if (shift.from === null || shift.to === null) return true;
  return toMinutes(shift.from) <= minuteOfDay && minuteOfDay < toMinutes(shift.to);
}

/**
 * Returns the staff ids on duty (order kept, no duplicates) and where they came from.
 * `day` comes from the unit's calendar (local date, weekday, minute, holiday flag).
 */
export function pickOnDuty({
  shifts,
  day,
  leadStaffId,
}: {
  shifts: readonly RosterShift[];
  day: LocalDay;
  leadStaffId: string | null;
}): { staffIds: string[]; source: OnDutySource } {
  const dated = shifts.filter((s) => s.date === day.date);
  const dayShifts = dated.length > 0 ? dated : day.isHoliday ? [] : shifts.filter((s) => s.weekday === day.isoWeekday);
  const staffIds = [...new Set(dayShifts.filter((s) => coversMinute(s, day.minuteOfDay)).flatMap((s) => s.staffIds))];
  if (staffIds.length > 0) return { staffIds, source: dated.length > 0 ? 'date' : 'weekday' };
  return leadStaffId ? { staffIds: [leadStaffId], source: 'lead' } : { staffIds: [], source: 'none' };
}
