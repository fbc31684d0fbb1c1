/**
 * The dashboard's reads: questions per day and week (Asia/Ho_Chi_Minh; Postgres weeks start on
 * Monday), conversation outcomes per unit, the tickets of the period, and the rows behind a number.
 */
import { sql, type SQL } from 'drizzle-orm';
import { rowsOf, type Database } from '../db/client.js';
import type { OutcomeCounts, TicketFacts } from './reports.models.js';

export type ReportScope = { from: Date; to: Date; unitId?: string | null };
export type ReportsRepository = ReturnType<typeof createReportsRepository>;

const TZ = 'Asia/Ho_Chi_Minh';
const period = (column: SQL, { from, to }: ReportScope) => sql`${column} >= ${from.toISOString()}::timestamptz and ${column} < ${to.toISOString()}::timestamptz`;
const unitOf = (column: SQL, { unitId }: ReportScope) => (unitId ? sql`and ${column} = ${unitId}` : sql``);

/** Each conversation with a decided question in the period, its unit and its one outcome (models' OUTCOMES). */
const conversationOutcomes = (scope: ReportScope) => sql`
  c as (
    select l.conversation_id, min(l.unit_id) as unit_id,
      bool_or(l.decision = 'answer') as a, bool_or(l.decision = 'clarify') as cl, bool_or(l.decision = 'handoff') as h, bool_and(l.decision = 'smalltalk') as st,
      exists (select 1 from tickets t where t.conversation_id = l.conversation_id and ${period(sql`t.opened_at`, scope)}) as ticket
    from query_log l where ${period(sql`l.asked_at`, scope)} ${unitOf(sql`l.unit_id`, scope)}
    group by l.conversation_id
  ), o as (
    select conversation_id, unit_id,
      case when ticket then 'handed_off' when a then 'answered' when cl then 'clarified' when st then 'smalltalk' else 'unanswered' end as outcome,
      (not ticket and a and not h) as resolved_without_staff
    from c
  )`;

export function createReportsRepository({ db }: { db: Database }) {
  async function questionsPer({ unit, scope }: { unit: 'day' | 'week'; scope: ReportScope }): Promise<{ points: Array<{ start: string; questions: number; residents: number }> }> {
    const bucket = sql.raw(`date_trunc('${unit}', l.asked_at at time zone '${TZ}')`);
    const result = await db.execute(sql`
      select to_char(${bucket}, 'YYYY-MM-DD') as start, count(*)::int as questions, count(distinct l.conversation_id)::int as residents
      from query_log l where ${period(sql`l.asked_at`, scope)} ${unitOf(sql`l.unit_id`, scope)}
      group by 1 order by 1`);
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
