/** One report for a period and a unit (or the province): every figure the page, CSV and XLSX show. */
import type { WorkingCalendar } from '../units/index.js';
import type { ReportScope, ReportsRepository } from './reports.repository.js';
import { percentile, ratesOf, ratingsOf, slaOf, type OutcomeCounts } from './reports.models.js';

export type UnitFigures = {
  unitId: string;
  outcomes: OutcomeCounts;
  rates: ReturnType<typeof ratesOf>;
  tickets: number;
  firstResponse: { median: number | null; p90: number | null; count: number };
  toClose: { median: number | null; p90: number | null; count: number };
  sla: ReturnType<typeof slaOf>;
  ratings: ReturnType<typeof ratingsOf>;
};

export type Report = {
  scope: ReportScope;
  days: Array<{ start: string; questions: number; residents: number }>;
  weeks: Array<{ start: string; questions: number; residents: number }>;
  total: UnitFigures;
  units: UnitFigures[];
};

const empty = (): OutcomeCounts => ({ handed_off: 0, answered: 0, clarified: 0, smalltalk: 0, unanswered: 0, resolved_without_staff: 0 });

export async function buildReport({
  scope,
  reports,
  calendarOf,
  now,
}: {
  scope: ReportScope;
  reports: ReportsRepository;
  /** The unit's working calendar (office hours, holidays, make-up days): durations count working minutes. */
  calendarOf: (args: { unitId: string }) => Promise<WorkingCalendar>;
  now: Date;
}): Promise<Report> {
  const [days, weeks, outcomes, opened] = await Promise.all([
    reports.questionsPer({ unit: 'day', scope }),
    reports.questionsPer({ unit: 'week', scope }),
    reports.outcomesByUnit({ scope }),
    reports.ticketsOpened({ scope }),
  ]);
  const unitIds = [...new Set([...outcomes.units.map((u) => u.unitId ?? '—'), ...opened.tickets.map((t) => t.unitId)])].sort();
  const calendars = new Map<string, WorkingCalendar | null>();
  for (const id of unitIds) calendars.set(id, id === '—' ? null : await calendarOf({ unitId: id }).catch(() => null));

  const figures = (unitId: string, counts: OutcomeCounts, tickets: typeof opened.tickets): UnitFigures => {
    const minutes = (end: 'firstStaffReplyAt' | 'closedAt') =>
      tickets.flatMap((t) => {
        const at = t[end];
        const calendar = calendars.get(t.unitId);
        if (!at) return [];
        return [calendar ? calendar.workingMinutesBetween({ from: t.openedAt, to: at }) : (at.getTime() - t.openedAt.getTime()) / 60_000];
      });
    const first = minutes('firstStaffReplyAt');
    const close = minutes('closedAt');
    return {
      unitId,
      outcomes: counts,
      rates: ratesOf(counts),
      tickets: tickets.length,
      firstResponse: { median: percentile(first, 0.5), p90: percentile(first, 0.9), count: first.length },
      toClose: { median: percentile(close, 0.5), p90: percentile(close, 0.9), count: close.length },
      sla: slaOf(tickets, now),
      ratings: ratingsOf(tickets.map((t) => t.rating)),
    };
  };

  const units = unitIds.map((id) => figures(id, outcomes.units.find((u) => (u.unitId ?? '—') === id) ?? empty(), opened.tickets.filter((t) => t.unitId === id)));
  const sum = empty();
  for (const u of outcomes.units) for (const k of Object.keys(sum) as Array<keyof OutcomeCounts>) sum[k] += u[k];
  return { scope, days: days.points, weeks: weeks.points, total: figures('', sum, opened.tickets), units };
}
