/**
 * Yes/no answers about opening days, computed from the unit's office hours: the hours entry's
 * sub-questions answer with `{{unit.open.sat}}`, `{{unit.lunch}}`… and these facts fill them in,
 * so "thứ 7 có làm việc ko" gets "Không, thứ Bảy …" from the unit's own hours (sentences in
 * faq.hours.texts.ts). Pure.
 */
import { DAY_NAME, hoursTexts } from './faq.hours.texts.js';

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type OfficeHours = Partial<Record<(typeof WEEKDAYS)[number], string[]>>;

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
/** "07:30-11:30" → "7:30–11:30". */
const range = (r: string) => r.replace(/^0/, '').replace(/-0?/, '–');

/** Unit facts `open.mon` … `open.sun` and `lunch`, as one-line Vietnamese answers. */
export function openingFacts(hours: OfficeHours): Record<string, string> {
  const facts: Record<string, string> = {};
  for (const day of WEEKDAYS) {
    const ranges = hours[day] ?? [];
    facts[`open.${day}`] =
      ranges.length === 0
        ? hoursTexts.closedDay({ day: DAY_NAME[day] })
        : hoursTexts.openDay({ day: DAY_NAME[day], ranges: ranges.map(range) });
  }
  const weekday = WEEKDAYS.map((d) => hours[d] ?? []).find((r) => r.length > 0) ?? [];
  const [morning, afternoon] = weekday;
  facts.lunch =
    morning && afternoon
      ? hoursTexts.lunchBreak({ from: morning.split('-')[1]!.replace(/^0/, ''), to: afternoon.split('-')[0]!.replace(/^0/, '') })
      : weekday.length === 1
        ? hoursTexts.noLunchBreak({ range: range(weekday[0]!) })
        : '';
  facts.openDays = capitalise(WEEKDAYS.filter((d) => (hours[d] ?? []).length > 0).map((d) => DAY_NAME[d]).join(', '));
  return facts;
}
