/** One report for a period and a unit (or the province): every figure the page, CSV and XLSX show. */
import type { WorkingCalendar } from '../units/index.js';
import type { ReportScope, ReportsRepository } from './reports.repository.js';
import { percentile, ratesOf, ratingsOf, slaOf, type OutcomeCounts } from './reports.models.js';
import { createWorkingTimeIndex } from './reports.worktime.js';

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
  const ticketsOf = new Map<string, typeof opened.tickets>();
  for (const t of opened.tickets) {
    const list = ticketsOf.get(t.unitId);
    if (list) list.push(t);
    else ticketsOf.set(t.unitId, [t]);
  }
  // Each ticket's working minutes (first reply, close), once: one working-time index per unit over its tickets' span.
  const worked = new Map<(typeof opened.tickets)[number], { first: number | null; close: number | null }>();
  // The calendars are read at once (a province has a hundred units), not one after the other.
  const calendars = new Map(await Promise.all(unitIds.map(async (id) => [id, id === '—' || !ticketsOf.has(id) ? null : await calendarOf({ unitId: id }).catch(() => null)] as const)));
  for (const id of unitIds) {
    const tickets = ticketsOf.get(id) ?? [];
    if (tickets.length === 0) continue;
    const calendar = calendars.get(id) ?? null;
    let lo = Infinity;
    let hi = -Infinity;
    for (const t of tickets) {
      lo = Math.min(lo, t.openedAt.getTime());
      for (const at of [t.firstStaffReplyAt, t.closedAt]) if (at) hi = Math.max(hi, at.getTime());
    }
    const index = calendar && hi > lo ? createWorkingTimeIndex({ calendar, from: new Date(lo), to: new Date(hi) }) : null;
    const minutes = (t: (typeof tickets)[number], at: Date | null) =>
      !at ? null : index ? index.minutesBetween({ start: t.openedAt, end: at }) : calendar ? 0 : (at.getTime() - t.openedAt.getTime()) / 60_000;
    for (const t of tickets) worked.set(t, { first: minutes(t, t.firstStaffReplyAt), close: minutes(t, t.closedAt) });
  }

  const figures = (unitId: string, counts: OutcomeCounts, tickets: typeof opened.tickets): UnitFigures => {
    const minutes = (end: 'first' | 'close') =>
      tickets.flatMap((t) => {
        const m = worked.get(t)?.[end];
        return m === null || m === undefined ? [] : [m];
      });
    const first = minutes('first');
    const close = minutes('close');
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

  const countsOf = new Map(outcomes.units.map((u) => [u.unitId ?? '—', u]));
  const units = unitIds.map((id) => figures(id, countsOf.get(id) ?? empty(), ticketsOf.get(id) ?? []));
  const sum = empty();
  for (const u of outcomes.units) for (const k of Object.keys(sum) as Array<keyof OutcomeCounts>) sum[k] += u[k];
  return { scope, days: days.points, weeks: weeks.points, total: figures('', sum, opened.tickets), units };
}
