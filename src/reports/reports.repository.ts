/**
 * The dashboard's reads: questions per day and week (Asia/Ho_Chi_Minh; Postgres weeks start on
 * Monday), conversation outcomes per unit, the tickets of the period, and the rows behind a number.
 * Counts come from the query log's day rollup (query_log_days, exact: kept by triggers), so a
 * period is whole Vietnamese days, as the console's scope always is; a period that is not is
 * refused (ReportsError 'period_not_whole_days') rather than answered approximately.
 */
import { sql, type SQL } from 'drizzle-orm';
import { rowsOf, type Database } from '../db/client.js';
import type { OutcomeCounts, TicketFacts } from './reports.models.js';

export type ReportScope = { from: Date; to: Date; unitId?: string | null };
export type ReportsRepository = ReturnType<typeof createReportsRepository>;

const period = (column: SQL, { from, to }: ReportScope) => sql`${column} >= ${from.toISOString()}::timestamptz and ${column} < ${to.toISOString()}::timestamptz`;
const unitOf = (column: SQL, { unitId }: ReportScope) => (unitId ? sql`and ${column} = ${unitId}` : sql``);

export class ReportsError extends Error {
  constructor(
    readonly code: 'period_not_whole_days',
    message: string,
  ) {
    super(message);
    this.name = 'ReportsError';
  }
}

const VN_OFFSET_MS = 7 * 3_600_000;
const DAY_MS = 86_400_000;
const vnDate = (at: Date) => new Date(at.getTime() + VN_OFFSET_MS).toISOString().slice(0, 10);

/** The rollup's days of a period: from its first day to the day before its end. */
function days(scope: ReportScope): SQL {
  for (const at of [scope.from, scope.to]) {
    if ((at.getTime() + VN_OFFSET_MS) % DAY_MS !== 0) throw new ReportsError('period_not_whole_days', `report periods start and end at midnight in Asia/Ho_Chi_Minh (got ${at.toISOString()})`);
  }
  return sql`d.day >= ${vnDate(scope.from)}::date and d.day < ${vnDate(scope.to)}::date`;
}

/** Each conversation with a decided question in the period, its unit and its one outcome (models' OUTCOMES). */
const conversationOutcomes = (scope: ReportScope) => sql`
  c as (
    select d.conversation_id, min(d.unit_id) as unit_id,
      sum(d.answers) > 0 as a, sum(d.clarifies) > 0 as cl, sum(d.handoffs) > 0 as h, sum(d.smalltalks) = sum(d.questions) as st
    from query_log_days d where ${days(scope)} ${unitOf(sql`d.unit_id`, scope)}
    group by d.conversation_id
  ), k as (
    select distinct t.conversation_id from tickets t where ${period(sql`t.opened_at`, scope)} and t.conversation_id is not null
  ), o as (
    select c.conversation_id, c.unit_id,
      case when k.conversation_id is not null then 'handed_off' when a then 'answered' when cl then 'clarified' when st then 'smalltalk' else 'unanswered' end as outcome,
      (k.conversation_id is null and a and not h) as resolved_without_staff
    from c left join k on k.conversation_id = c.conversation_id
  )`;

export function createReportsRepository({ db }: { db: Database }) {
  async function questionsPer({ unit, scope }: { unit: 'day' | 'week'; scope: ReportScope }): Promise<{ points: Array<{ start: string; questions: number; residents: number }> }> {
    // Days: each rollup row is one conversation on one day (per unit, hence distinct); weeks need distinct.
    const result = await db.execute(
      unit === 'day'
        ? sql`
      select to_char(d.day, 'YYYY-MM-DD') as start, sum(d.questions)::int as questions, count(distinct d.conversation_id)::int as residents
      from query_log_days d where ${days(scope)} ${unitOf(sql`d.unit_id`, scope)}
      group by d.day order by d.day`
        : sql`
      select to_char(date_trunc('week', d.day), 'YYYY-MM-DD') as start, sum(d.questions)::int as questions, count(distinct d.conversation_id)::int as residents
      from query_log_days d where ${days(scope)} ${unitOf(sql`d.unit_id`, scope)}
      group by 1 order by 1`,
    );
    return { points: rowsOf<{ start: string; questions: number; residents: number }>(result).map((r) => ({ start: r.start, questions: Number(r.questions), residents: Number(r.residents) })) };
  }

  async function outcomesByUnit({ scope }: { scope: ReportScope }): Promise<{ units: Array<{ unitId: string | null } & OutcomeCounts> }> {
    const result = await db.execute(sql`
      with ${conversationOutcomes(scope)}
      select unit_id,
        count(*) filter (where outcome = 'handed_off')::int as handed_off, count(*) filter (where outcome = 'answered')::int as answered,
        count(*) filter (where outcome = 'clarified')::int as clarified, count(*) filter (where outcome = 'smalltalk')::int as smalltalk,
        count(*) filter (where outcome = 'unanswered')::int as unanswered, count(*) filter (where resolved_without_staff)::int as resolved_without_staff
      from o group by unit_id order by unit_id`);
    const units = rowsOf<Record<string, unknown>>(result).map((r) => ({
      unitId: (r.unit_id as string | null) ?? null,
      handed_off: Number(r.handed_off),
      answered: Number(r.answered),
      clarified: Number(r.clarified),
      smalltalk: Number(r.smalltalk),
      unanswered: Number(r.unanswered),
      resolved_without_staff: Number(r.resolved_without_staff),
    }));
    return { units };
  }

  async function ticketsOpened({ scope }: { scope: ReportScope }): Promise<{ tickets: Array<TicketFacts & { unitId: string }> }> {
    const result = await db.execute(sql`
      select unit_id, opened_at, first_staff_reply_at, closed_at, sla_due_at, rating from tickets t
      where ${period(sql`t.opened_at`, scope)} ${unitOf(sql`t.unit_id`, scope)}`);
    const date = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string));
    return {
      tickets: rowsOf<Record<string, unknown>>(result).map((r) => ({
        unitId: String(r.unit_id),
        openedAt: date(r.opened_at)!,
        firstStaffReplyAt: date(r.first_staff_reply_at),
        closedAt: date(r.closed_at),
        slaDueAt: date(r.sla_due_at),
        rating: r.rating === null ? null : Number(r.rating),
      })),
    };
  }

  /** The conversations behind an outcome figure (newest first, with their first question). */
  async function conversationsWith({ scope, outcome, limit = 200 }: { scope: ReportScope; outcome: string; limit?: number }) {
    const filter = outcome === 'resolved_without_staff' ? sql`o.resolved_without_staff` : sql`o.outcome = ${outcome}`;
    const result = await db.execute(sql`
      with ${conversationOutcomes(scope)}
      select o.conversation_id, o.unit_id, o.outcome, f.text, f.asked_at
      from o join lateral (select text, asked_at from query_log l where l.conversation_id = o.conversation_id and ${period(sql`l.asked_at`, scope)} order by asked_at limit 1) f on true
      where ${filter} order by f.asked_at desc limit ${limit}`);
    return { rows: rowsOf<{ conversation_id: number; unit_id: string | null; outcome: string; text: string; asked_at: string }>(result).map((r) => ({ conversationId: Number(r.conversation_id), unitId: r.unit_id, outcome: r.outcome, text: r.text, askedAt: new Date(r.asked_at) })) };
  }

  return { questionsPer, outcomesByUnit, ticketsOpened, conversationsWith };
}
