/**
 * Working time of one unit: office hours per weekday (with the lunch break as a gap between
 * ranges), public holidays (no work) and make-up days (a weekend day worked instead).
 *
 * Pure: no clock, no database. Every computation is done in the unit's timezone through Intl,
 * never the server's, so a bot hosted in UTC or Europe still counts Vietnamese office hours.
 * Works for zones with DST too (each local day is converted on its own), though Vietnam has none.
 *
 * Boundaries are half-open: 07:30 is working time, 11:30 is not.
 */

export const WEEKDAY_KEYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type WeekdayKey = (typeof WEEKDAY_KEYS)[number];

/** Per weekday, ranges as "HH:MM-HH:MM" (e.g. "07:30-11:30"). A missing or empty day is a day off. */
export type OfficeHours = Partial<Record<WeekdayKey, string[]>>;

export const DEFAULT_OFFICE_HOURS: OfficeHours = {
  mon: ['07:30-11:30', '13:30-17:00'],
  tue: ['07:30-11:30', '13:30-17:00'],
  wed: ['07:30-11:30', '13:30-17:00'],
  thu: ['07:30-11:30', '13:30-17:00'],
  fri: ['07:30-11:30', '13:30-17:00'],
};

export const DEFAULT_TIMEZONE = 'Asia/Ho_Chi_Minh';

export type WorkingCalendarInput = {
  officeHours: OfficeHours;
  /** Local dates "YYYY-MM-DD" with no work (public holidays, compensatory days off). */
  holidays: readonly string[];
  /** Local dates "YYYY-MM-DD" worked although their weekday is off (e.g. a make-up Saturday). */
  makeUpDays: readonly string[];
  /** IANA zone, e.g. Asia/Ho_Chi_Minh. */
  timezone: string;
  /** Hours on a make-up day; default: the hours of the first weekday (Monday first) that has any. */
  makeUpHours?: string[];
};

export type WorkingCalendar = {
  readonly timezone: string;
  isWorkingTime(args: { at: Date }): boolean;
  /** The instant `minutes` working minutes after `from`. 0 returns `from` itself; a result may fall exactly on a range end (11:30). */
  addWorkingMinutes(args: { from: Date; minutes: number }): Date;
  /** Working minutes in [from, to); 0 when to <= from. May be fractional (milliseconds count). */
  workingMinutesBetween(args: { from: Date; to: Date }): number;
  /** `from` when it is working time, else the start of the next working range. */
  nextWorkingStart(args: { from: Date }): Date;
  /** The working ranges in [from, to), clipped to it, in order (epoch milliseconds): for many durations at once. */
  workingIntervals(args: { from: Date; to: Date }): Array<{ start: number; end: number }>;
  /** Facts about a local date, for texts ("sáng mai", "thứ Hai, 23/2"). */
  describeLocalDay(args: { at: Date }): LocalDay;
};

export type LocalDay = {
  /** "YYYY-MM-DD" in the calendar's timezone. */
  date: string;
  /** 1 = Monday … 7 = Sunday (ISO). */
  isoWeekday: number;
  /** Minutes since local midnight. */
  minuteOfDay: number;
  isHoliday: boolean;
  isMakeUpDay: boolean;
};

export class WorkingCalendarError extends Error {
  constructor(
    readonly code: 'handoff.invalid_office_hours' | 'handoff.invalid_timezone' | 'handoff.invalid_date' | 'handoff.no_working_time' | 'handoff.invalid_minutes',
    message: string,
  ) {
    super(message);
    this.name = 'WorkingCalendarError';
  }
}

type Range = { start: number; end: number }; // minutes since local midnight, start < end
type Interval = { start: number; end: number }; // epoch milliseconds

const MINUTE_MS = 60_000;
/** How far ahead to look for working time before deciding the calendar has none (10 years). */
const MAX_SCAN_DAYS = 3_660;

const RANGE_PATTERN = /^(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})$/;
const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Parses "07:30-11:30" into minutes; throws a readable error naming the bad value. */
export function parseTimeRange(text: string): Range {
  const match = RANGE_PATTERN.exec(text.trim());
  const [h1, m1, h2, m2] = match ? match.slice(1).map(Number) : [];
  if (h1 === undefined || m1 === undefined || h2 === undefined || m2 === undefined || m1 > 59 || m2 > 59) {
    throw new WorkingCalendarError('handoff.invalid_office_hours', `"${text}" is not a time range: write it like "07:30-11:30".`);
  }
  const start = h1 * 60 + m1;
  const end = h2 * 60 + m2;
  if (end > 24 * 60 || start >= end) {
    throw new WorkingCalendarError('handoff.invalid_office_hours', `"${text}" must start before it ends, within 00:00-24:00.`);
  }
  return { start, end };
}

function parseDayRanges(day: string, texts: readonly string[]): Range[] {
  const ranges = texts.map(parseTimeRange).sort((a, b) => a.start - b.start);
  for (let i = 1; i < ranges.length; i++) {
    if (ranges[i]!.start < ranges[i - 1]!.end) {
      throw new WorkingCalendarError('handoff.invalid_office_hours', `Office hours for ${day} overlap: ${texts.join(', ')}.`);
    }
  }
  return ranges;
}

export function assertLocalDate(text: string): string {
  const match = DATE_PATTERN.exec(text);
  if (match) {
    const [y, m, d] = match.slice(1).map(Number) as [number, number, number];
    const probe = new Date(Date.UTC(y, m - 1, d));
    if (probe.getUTCFullYear() === y && probe.getUTCMonth() === m - 1 && probe.getUTCDate() === d) return text;
  }
  throw new WorkingCalendarError('handoff.invalid_date', `"${text}" is not a date: write it like "2026-02-17".`);
}

export function assertTimezone(timezone: string): string {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
    return timezone;
  } catch {
    throw new WorkingCalendarError('handoff.invalid_timezone', `"${timezone}" is not a known timezone: use e.g. "${DEFAULT_TIMEZONE}".`);
  }
}

// --- Timezone arithmetic --------------------------------------------------------------------

type LocalParts = { year: number; month: number; day: number; hour: number; minute: number; second: number; ms: number };

function createZone(timezone: string) {
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone: timezone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });

  function localParts(epochMs: number): LocalParts {
    const parts: Record<string, number> = {};
    for (const p of format.formatToParts(new Date(epochMs))) {
      if (p.type !== 'literal') parts[p.type] = Number(p.value);
    }
    return {
      year: parts.year!,
      month: parts.month!,
      day: parts.day!,
      hour: parts.hour! % 24,
      minute: parts.minute!,
      second: parts.second!,
      ms: ((epochMs % 1000) + 1000) % 1000,
    };
  }

  /** Offset of local time from UTC at an instant, in ms (Asia/Ho_Chi_Minh: +7 h). */
  function offsetAt(epochMs: number): number {
    const p = localParts(epochMs);
    return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second, p.ms) - epochMs;
  }

  /** The instant of a local wall-clock time (minutes since midnight) on a local date. */
  function toInstant(date: string, minuteOfDay: number): number {
    const [y, m, d] = date.split('-').map(Number) as [number, number, number];
    const wall = Date.UTC(y, m - 1, d) + minuteOfDay * MINUTE_MS;
    const guess = wall - offsetAt(wall);
    // Second pass settles instants near an offset change (DST zones); a no-op for Vietnam.
    return wall - offsetAt(guess);
  }

  return { localParts, toInstant };
}

function formatDate(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const next = new Date(Date.UTC(y, m - 1, d + days));
  return formatDate(next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate());
}

function isoWeekdayOf(date: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const jsDay = new Date(Date.UTC(y, m - 1, d)).getUTCDay(); // 0 = Sunday
  return jsDay === 0 ? 7 : jsDay;
}

// --- The calendar ---------------------------------------------------------------------------

export function createWorkingCalendar(input: WorkingCalendarInput): WorkingCalendar {
  const timezone = assertTimezone(input.timezone);
  const zone = createZone(timezone);
  const weekly: Range[][] = WEEKDAY_KEYS.map((key) => parseDayRanges(key, input.officeHours[key] ?? []));
  const holidays = new Set(input.holidays.map(assertLocalDate));
  const makeUpDays = new Set(input.makeUpDays.map(assertLocalDate));
  const makeUpRanges = input.makeUpHours
    ? parseDayRanges('make-up days', input.makeUpHours)
    : (weekly.find((ranges) => ranges.length > 0) ?? []);
  if (!weekly.some((r) => r.length > 0) && (makeUpDays.size === 0 || makeUpRanges.length === 0)) {
    throw new WorkingCalendarError('handoff.no_working_time', 'Office hours are empty for every weekday: give at least one day a range like "07:30-11:30".');
  }

  function rangesOn(date: string): Range[] {
    if (holidays.has(date)) return [];
    if (makeUpDays.has(date)) return makeUpRanges;
    return weekly[isoWeekdayOf(date) - 1]!;
  }

  const intervalCache = new Map<string, Interval[]>();
  function intervalsOn(date: string): Interval[] {
    let cached = intervalCache.get(date);
    if (!cached) {
      cached = rangesOn(date).map((r) => ({ start: zone.toInstant(date, r.start), end: zone.toInstant(date, r.end) }));
      if (intervalCache.size > 4_000) intervalCache.clear();
      intervalCache.set(date, cached);
    }
    return cached;
  }

  function localDateOf(epochMs: number): string {
    const p = zone.localParts(epochMs);
    return formatDate(p.year, p.month, p.day);
  }

  /** Walks working intervals that end after `fromMs`, clipped to start no earlier than it. */
  function* intervalsFrom(fromMs: number): Generator<Interval> {
    // Start one day early: a range of the previous local day can never reach past midnight,
    // but starting early keeps this correct for any offset quirks at no real cost.
    let date = addDays(localDateOf(fromMs), -1);
    for (let i = 0; i < MAX_SCAN_DAYS; i++, date = addDays(date, 1)) {
      for (const interval of intervalsOn(date)) {
        if (interval.end <= fromMs) continue;
        yield { start: Math.max(interval.start, fromMs), end: interval.end };
      }
    }
    throw new WorkingCalendarError('handoff.no_working_time', `No working time within ${MAX_SCAN_DAYS} days of ${new Date(fromMs).toISOString()}: check office hours and holidays.`);
  }

  function isWorkingTime({ at }: { at: Date }): boolean {
    const t = at.getTime();
    return intervalsOn(localDateOf(t)).some((i) => i.start <= t && t < i.end);
  }

  function addWorkingMinutes({ from, minutes }: { from: Date; minutes: number }): Date {
    if (!Number.isFinite(minutes) || minutes < 0) {
      throw new WorkingCalendarError('handoff.invalid_minutes', `addWorkingMinutes needs minutes >= 0, got ${minutes}.`);
    }
    if (minutes === 0) return new Date(from.getTime());
    let remaining = minutes * MINUTE_MS;
    for (const interval of intervalsFrom(from.getTime())) {
      const available = interval.end - interval.start;
      if (remaining <= available) return new Date(interval.start + remaining);
      remaining -= available;
    }
    /* c8 ignore next */
    throw new Error('unreachable: intervalsFrom throws when it runs out');
  }

  function workingMinutesBetween({ from, to }: { from: Date; to: Date }): number {
    const end = to.getTime();
    if (end <= from.getTime()) return 0;
    let total = 0;
    for (const interval of intervalsFrom(from.getTime())) {
      if (interval.start >= end) break;
      total += Math.min(interval.end, end) - interval.start;
    }
    return total / MINUTE_MS;
  }

  function workingIntervals({ from, to }: { from: Date; to: Date }): Interval[] {
    const end = to.getTime();
    const out: Interval[] = [];
    if (end <= from.getTime()) return out;
    for (const interval of intervalsFrom(from.getTime())) {
      if (interval.start >= end) break;
      out.push({ start: interval.start, end: Math.min(interval.end, end) });
    }
    return out;
  }

  function nextWorkingStart({ from }: { from: Date }): Date {
    for (const interval of intervalsFrom(from.getTime())) return new Date(interval.start);
    /* c8 ignore next */
    throw new Error('unreachable: intervalsFrom throws when it runs out');
  }

  function describeLocalDay({ at }: { at: Date }): LocalDay {
    const p = zone.localParts(at.getTime());
    const date = formatDate(p.year, p.month, p.day);
    return {
      date,
      isoWeekday: isoWeekdayOf(date),
      minuteOfDay: p.hour * 60 + p.minute,
      isHoliday: holidays.has(date),
      isMakeUpDay: makeUpDays.has(date),
    };
  }

  return { timezone, isWorkingTime, addWorkingMinutes, workingMinutesBetween, nextWorkingStart, workingIntervals, describeLocalDay };
}

/** Days between two local dates "YYYY-MM-DD" (b - a). */
export function daysBetweenLocalDates(a: string, b: string): number {
  const toUtc = (s: string) => {
    const [y, m, d] = s.split('-').map(Number) as [number, number, number];
    return Date.UTC(y, m - 1, d);
  };
  return Math.round((toUtc(b) - toUtc(a)) / 86_400_000);
}
