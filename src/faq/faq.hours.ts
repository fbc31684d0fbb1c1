/**
 * Yes/no answers about opening days, computed from the unit's office hours: the hours entry's
 * sub-questions answer with `{{unit.open.sat}}`, `{{unit.lunch}}`… and these facts fill them in,
 * so "thứ 7 có làm việc ko" gets "Không, thứ Bảy …" from the unit's own hours. Pure.
 */
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type OfficeHours = Partial<Record<(typeof WEEKDAYS)[number], string[]>>;

const DAY_NAME: Record<(typeof WEEKDAYS)[number], string> = {
  mon: 'thứ Hai',
  tue: 'thứ Ba',
  wed: 'thứ Tư',
  thu: 'thứ Năm',
  fri: 'thứ Sáu',
  sat: 'thứ Bảy',
  sun: 'Chủ nhật',
};
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
        ? `Không, ${DAY_NAME[day]} trung tâm nghỉ, không nhận hồ sơ. Anh/chị vẫn nộp trực tuyến được trên dichvucong.gov.vn hoặc VNeID.`
        : `Có, ${DAY_NAME[day]} trung tâm làm việc ${ranges.map(range).join(' và ')}.`;
  }
  const weekday = WEEKDAYS.map((d) => hours[d] ?? []).find((r) => r.length > 0) ?? [];
  const [morning, afternoon] = weekday;
  facts.lunch =
    morning && afternoon
      ? `Không, buổi trưa trung tâm nghỉ từ ${morning.split('-')[1]!.replace(/^0/, '')} đến ${afternoon.split('-')[0]!.replace(/^0/, '')}.`
      : weekday.length === 1
        ? `Có, trung tâm làm việc liền ${range(weekday[0]!)}, không nghỉ trưa.`
        : '';
  facts.openDays = capitalise(WEEKDAYS.filter((d) => (hours[d] ?? []).length > 0).map((d) => DAY_NAME[d]).join(', '));
  return facts;
}
