/**
 * The honest "when will someone answer me" sentence of a ticket receipt, from the unit's
 * working calendar. Pure. Inside office hours it promises the SLA in working time; outside
 * (lunch, evening, weekend, holiday) it names when staff are back, with the date added when
 * that is further than an ordinary weekend so nobody waits wondering during Tết.
 */
import { daysBetweenLocalDates, type WorkingCalendar } from '../../units/index.js';

const WEEKDAY_NAMES = ['', 'thứ Hai', 'thứ Ba', 'thứ Tư', 'thứ Năm', 'thứ Sáu', 'thứ Bảy', 'Chủ nhật'];

/** Beyond this many days ahead the weekday alone is ambiguous or surprising: add the date. */
const ADD_DATE_FROM_DAYS = 4;

export type ExpectedReply = {
  insideHours: boolean;
  /** The time phrase alone, e.g. "trong khoảng 2 giờ làm việc" or "từ 7:30 sáng thứ Hai". */
  phrase: string;
  /** A full, short sentence for the resident. */
  text: string;
  /** When the first staff reply is due (SLA), in working time. */
  dueAt: Date;
};

/** "2 giờ", "1 giờ 30 phút", "45 phút". */
export function formatDuration(minutes: number): string {
  const total = Math.max(1, Math.round(minutes));
  const hours = Math.floor(total / 60);
  const rest = total % 60;
  if (hours === 0) return `${rest} phút`;
  return rest === 0 ? `${hours} giờ` : `${hours} giờ ${rest} phút`;
}

function partOfDay(minuteOfDay: number): string {
  if (minuteOfDay < 11 * 60) return 'sáng';
  if (minuteOfDay < 13 * 60) return 'trưa';
  if (minuteOfDay < 18 * 60) return 'chiều';
  return 'tối';
}

function clock(minuteOfDay: number): string {
  return `${Math.floor(minuteOfDay / 60)}:${String(minuteOfDay % 60).padStart(2, '0')}`;
}

/** "từ 7:30 sáng mai", "từ 13:30 chiều nay", "từ 7:30 sáng thứ Hai", "từ 7:30 sáng thứ Hai, 23/2". */
export function describeNextStart({ calendar, now, start }: { calendar: WorkingCalendar; now: Date; start: Date }): string {
  const today = calendar.describeLocalDay({ at: now });
  const day = calendar.describeLocalDay({ at: start });
  const days = daysBetweenLocalDates(today.date, day.date);
  const when = `${clock(day.minuteOfDay)} ${partOfDay(day.minuteOfDay)}`;
  if (days <= 0) return `từ ${when} nay`;
  if (days === 1) return `từ ${when} mai`;
  const weekday = WEEKDAY_NAMES[day.isoWeekday]!;
  if (days < ADD_DATE_FROM_DAYS) return `từ ${when} ${weekday}`;
  const [, month, date] = day.date.split('-').map(Number) as [number, number, number];
  return `từ ${when} ${weekday}, ${date}/${month}`;
}

/** "9:05 thứ Hai 2/3": a moment in the unit's local time, for staff (cards, /ds). */
export function formatLocalMoment({ calendar, at }: { calendar: WorkingCalendar; at: Date }): string {
  const day = calendar.describeLocalDay({ at });
  const [, month, date] = day.date.split('-').map(Number) as [number, number, number];
  return `${clock(day.minuteOfDay)} ${WEEKDAY_NAMES[day.isoWeekday]} ${date}/${month}`;
}

/** Outside working hours at `at`: when staff are back ("từ 7:30 sáng mai"); null inside them. */
export function describeOutOfHours({ calendar, at }: { calendar: WorkingCalendar; at: Date }): string | null {
  if (calendar.isWorkingTime({ at })) return null;
  return describeNextStart({ calendar, now: at, start: calendar.nextWorkingStart({ from: at }) });
}

export function describeExpectedReply({
  calendar,
  now,
  slaMinutes,
}: {
  calendar: WorkingCalendar;
  now: Date;
  slaMinutes: number;
}): ExpectedReply {
  const dueAt = calendar.addWorkingMinutes({ from: now, minutes: slaMinutes });
  if (calendar.isWorkingTime({ at: now })) {
    const phrase = `trong khoảng ${formatDuration(slaMinutes)} làm việc`;
    return { insideHours: true, phrase, dueAt, text: `Cán bộ sẽ trả lời anh/chị ${phrase}.` };
  }
  const phrase = describeNextStart({ calendar, now, start: calendar.nextWorkingStart({ from: now }) });
  return {
    insideHours: false,
    phrase,
    dueAt,
    text: `Bây giờ là ngoài giờ làm việc. Cán bộ sẽ trả lời anh/chị ${phrase}.`,
  };
}
