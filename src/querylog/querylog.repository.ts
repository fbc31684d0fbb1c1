/**
 * The query log's reads and writes: the writer's batch insert, the unanswered inbox (questions
 * grouped by cluster key with what happened next), resolving inbox items, regression cases.
 * What happened next is read, not stored: the following two questions of the conversation
 * (window functions) and the ticket opened after the question and before the next one.
 */
import { and, asc, desc, eq, gte, lt, sql, type SQL } from 'drizzle-orm';
import { rowsOf, type Database } from '../db/client.js';
import { LOW_CONFIDENCE, type InboxReason, type QueryLogInsert } from './querylog.models.js';
import { queryLogTable, regressionCasesTable } from './querylog.table.js';

export type QueryLogRepository = ReturnType<typeof createQueryLogRepository>;

export type InboxGroup = {
  key: string;
  residents: number;
  /** The conversations (residents) behind the group: merged clusters count each one once. */
  conversations: number[];
  questions: number;
  newest: Date;
  /** Question count per inbox reason. */
  reasons: Record<InboxReason, number>;
  /** The entry most often ranked first for these questions (the one to add an alternate to). */
  suggestedEntryId: string | null;
  examples: Array<{ id: number; text: string; askedAt: Date; unitId: string | null; conversationId: number; ticketCode: string | null; ticketId: number | null }>;
};

/** A bigint[] as postgres.js (array) or PGlite/text ("{1,2}") returns it. */
const idsOf = (v: Array<number | string> | string): number[] => (typeof v === 'string' ? v.replace(/[{}]/g, '').split(',').filter(Boolean) : v).map(Number);

type RawExample = { id: number; text: string; askedAt: string; unitId: string | null; conversationId: number; ticketCode: string | null; ticketId: number | null };

export type Scope = { from: Date; to: Date; unitId?: string | null };

/**
 * The unanswered inbox's questions of a period (`items`), each with its reasons. What happened next
 * is read from the columns the triggers keep (migration 0011: next via, "gặp cán bộ" within the next
 * two questions, the first ticket opened before the next question), so this is one pass over the
 * partial index query_log_inbox_idx, whose predicate `candidate` repeats word for word (the planner
 * uses a partial index only when the query states its predicate).
 */
const candidate = sql.raw(
  `resolved_at is null and ((decision = 'handoff' and coalesce(reason, '') <> 'explicit_request') or (decision = 'clarify' and coalesce(next_via, '') <> 'clarify') or (decision = 'answer' and (confidence < ${LOW_CONFIDENCE} or staff_after)) or ticket_id is not null)`,
);

function inboxItems({ from, to, unitId }: Scope): SQL {
  const unit = unitId ? sql`and unit_id = ${unitId}` : sql``;
  return sql`
    items as (
      select l.id, l.conversation_id, l.unit_id, l.asked_at, l.text, l.cluster_key, l.candidates->0->>'id' as top_entry, tk.id as ticket_id, tk.code as ticket_code,
        array_remove(array[
          case when l.decision = 'handoff' and coalesce(l.reason, '') <> 'explicit_request' then 'handoff' end,
          case when l.decision = 'clarify' and coalesce(l.next_via, '') <> 'clarify' then 'clarify_unchosen' end,
          case when l.decision = 'answer' and l.confidence < ${sql.raw(String(LOW_CONFIDENCE))} then 'low_confidence' end,
          case when l.decision = 'answer' and (l.staff_after or tk.reason = 'resident_request') then 'answer_then_staff' end,
          case when tk.rating <= 2 then 'low_rating' end
        ], null) as reasons
      from (
        select * from query_log
        where ${candidate} and asked_at >= ${from.toISOString()}::timestamptz and asked_at < ${to.toISOString()}::timestamptz ${unit}
      ) l
      -- One index probe per question with a ticket (LIMIT keeps the planner from hashing all tickets).
      left join lateral (select t.id, t.code, t.reason, t.rating from tickets t where t.id = l.ticket_id limit 1) tk on true
    )`;
}

export function createQueryLogRepository({ db }: { db: Database }) {
  /**
   * One statement for a whole batch. Rows of a conversation erased meanwhile are skipped; the unit
   * is the conversation's when the pipeline did not know it.
   */
  async function insertMany({ rows }: { rows: QueryLogInsert[] }): Promise<{ inserted: number }> {
    if (rows.length === 0) return { inserted: 0 };
    const payload = JSON.stringify(
      rows.map((r) => ({
        conversation_id: r.conversationId,
        message_id: r.messageId,
        unit_id: r.unitId,
        channel: r.channel,
        asked_at: r.askedAt.toISOString(),
        text: r.text,
        normalized: r.normalized,
        cluster_key: r.clusterKey,
        via: r.via,
        decision: r.decision,
        reason: r.reason,
        entry_id: r.entryId,
        aspect: r.aspect,
        confidence: r.confidence,
        candidates: r.candidates,
      })),
    );
    const result = await db.execute(sql`
      insert into query_log (conversation_id, message_id, unit_id, channel, asked_at, text, normalized, cluster_key, via, decision, reason, entry_id, aspect, confidence, candidates)
      select v.conversation_id, v.message_id, coalesce(v.unit_id, c.unit_id), v.channel, v.asked_at, v.text, v.normalized, v.cluster_key, v.via, v.decision, v.reason, v.entry_id, v.aspect, v.confidence, coalesce(v.candidates, '[]'::jsonb)
      from jsonb_to_recordset(${payload}::jsonb) as v(conversation_id bigint, message_id bigint, unit_id text, channel text, asked_at timestamptz, text text, normalized text,
        cluster_key text, via text, decision text, reason text, entry_id text, aspect text, confidence real, candidates jsonb)
      join conversations c on c.id = v.conversation_id and c.conversation_ref not like 'deleted:%'
      order by v.asked_at
      returning id`);
    return { inserted: rowsOf(result).length };
  }

  /** The unanswered inbox of a period: one group per cluster key, most residents first. */
  async function inboxGroups(scope: Scope & { limit?: number }): Promise<{ groups: InboxGroup[] }> {
    // A year of a province's inbox is tens of thousands of rows to group: sorted in memory rather than
    // on disk (Postgres' default work_mem is 4 MB), for this statement only.
    const result = await db.transaction(async (tx) => {
      await tx.execute(sql`set local work_mem = '64MB'`);
      return tx.execute(sql`
      with ${inboxItems(scope)},
      -- Every aggregate below hashes (no per-group sort): residents from distinct (key, conversation)
      -- pairs, the suggested entry from (key, entry) counts (as mode(): most frequent, then the
      -- smallest id), the examples from one window over the unanswered items.
      r as materialized (select * from items where cardinality(reasons) > 0),
      g as (
        select cluster_key, count(*)::int as questions, max(asked_at) as newest,
          count(*) filter (where 'handoff' = any(reasons))::int as r_handoff,
          count(*) filter (where 'clarify_unchosen' = any(reasons))::int as r_clarify,
          count(*) filter (where 'low_confidence' = any(reasons))::int as r_low,
          count(*) filter (where 'answer_then_staff' = any(reasons))::int as r_staff,
          count(*) filter (where 'low_rating' = any(reasons))::int as r_rating
        from r group by cluster_key
      ), p as (
        select cluster_key, count(*)::int as residents, array_agg(conversation_id) as conversations
        from (select cluster_key, conversation_id from r group by 1, 2) kc group by cluster_key
      ), top as (
        select g.*, p.residents, p.conversations from g join p using (cluster_key)
        order by p.residents desc, g.newest desc
        limit ${scope.limit ?? 300}
      ), s as (
        select distinct on (cluster_key) cluster_key, top_entry as suggested
        from (select cluster_key, top_entry, count(*) as n from r where top_entry is not null and cluster_key in (select cluster_key from top) group by 1, 2) e
        order by cluster_key, n desc, top_entry
      ), x as (
        select cluster_key, json_agg(json_build_object('id', id, 'text', text, 'askedAt', asked_at, 'unitId', unit_id, 'conversationId', conversation_id, 'ticketCode', ticket_code, 'ticketId', ticket_id) order by asked_at desc, id desc) as examples
        from (select r.*, row_number() over (partition by cluster_key order by asked_at desc, id desc) as k from r where cluster_key in (select cluster_key from top)) n
        where k <= 3 group by cluster_key
      )
      select top.*, s.suggested, x.examples from top left join s using (cluster_key) join x using (cluster_key)
      order by residents desc, newest desc`);
    });
    const groups = rowsOf<{
      cluster_key: string;
      residents: number;
      conversations: Array<number | string> | string;
      questions: number;
      newest: Date | string;
      r_handoff: number;
      r_clarify: number;
      r_low: number;
      r_staff: number;
      r_rating: number;
      suggested: string | null;
      examples: RawExample[] | string;
    }>(result).map((r) => ({
      key: r.cluster_key,
      residents: Number(r.residents),
      conversations: idsOf(r.conversations),
      questions: Number(r.questions),
      newest: new Date(r.newest),
      reasons: { handoff: r.r_handoff, clarify_unchosen: r.r_clarify, low_confidence: r.r_low, answer_then_staff: r.r_staff, low_rating: r.r_rating },
      suggestedEntryId: r.suggested,
      examples: (typeof r.examples === 'string' ? (JSON.parse(r.examples) as RawExample[]) : r.examples).map((e) => ({
        ...e,
        id: Number(e.id),
        conversationId: Number(e.conversationId),
        ticketId: e.ticketId === null ? null : Number(e.ticketId),
        askedAt: new Date(e.askedAt),
      })),
    }));
    return { groups };
  }

  /** Takes the questions with these cluster keys (in the scope) out of the inbox, recording who and why. */
  async function resolve({ keys, scope, by, resolution, note }: { keys: string[]; scope: Scope; by: string; resolution: string; note?: string | null }): Promise<{ resolved: number }> {
    if (keys.length === 0) return { resolved: 0 };
    const unit = scope.unitId ? sql`and unit_id = ${scope.unitId}` : sql``;
    const list = sql.join(
      keys.map((k) => sql`${k}`),
      sql`, `,
    );
    const result = await db.execute(sql`
      update query_log set resolved_at = now(), resolved_by = ${by}, resolution = ${resolution}, resolution_note = ${note ?? null}
      where resolved_at is null and cluster_key in (${list})
        and asked_at >= ${scope.from.toISOString()}::timestamptz and asked_at < ${scope.to.toISOString()}::timestamptz ${unit}
      returning id`);
    return { resolved: rowsOf(result).length };
  }

  /** The first staff reply of a ticket (what the resident was told). */
  async function staffAnswerOf({ ticketId, unitId }: { ticketId: number; unitId?: string | null }): Promise<{ text: string | null }> {
    const unit = unitId ? sql`and t.unit_id = ${unitId}` : sql``;
    const result = await db.execute(sql`
      select e.text from ticket_events e join tickets t on t.id = e.ticket_id
      where e.ticket_id = ${ticketId} and e.type = 'reply' and e.actor_kind = 'staff' ${unit} order by e.id limit 1`);
    return { text: rowsOf<{ text: string | null }>(result)[0]?.text ?? null };
  }

  /** What the bot decided for a conversation's questions in [from, to) (a ticket page's "what the bot tried"), oldest first. */
  async function listForConversation({ conversationId, from, to, limit = 50 }: { conversationId: number; from: Date; to: Date | null; limit?: number }) {
    const q = queryLogTable;
    const rows = await db
      .select({ id: q.id, askedAt: q.askedAt, text: q.text, via: q.via, decision: q.decision, reason: q.reason, entryId: q.entryId, aspect: q.aspect, confidence: q.confidence, candidates: q.candidates })
      .from(q)
      .where(and(eq(q.conversationId, conversationId), gte(q.askedAt, from), to ? lt(q.askedAt, to) : undefined))
      .orderBy(asc(q.askedAt), asc(q.id))
      .limit(limit);
    return { rows };
  }

  async function addRegressionCase(args: { text: string; expectedDecision: string; expectedEntryId: string | null; unitId: string | null; createdBy: string; sourceQueryId: number | null }) {
    const [row] = await db.insert(regressionCasesTable).values(args).returning();
    return { regressionCase: row! };
  }

  async function listRegressionCases() {
    return { cases: await db.select().from(regressionCasesTable).orderBy(desc(regressionCasesTable.id)) };
  }

  async function removeRegressionCase({ id }: { id: number }) {
    await db.delete(regressionCasesTable).where(and(eq(regressionCasesTable.id, id)));
  }

  return { insertMany, inboxGroups, resolve, staffAnswerOf, listForConversation, addRegressionCase, listRegressionCases, removeRegressionCase };
}
