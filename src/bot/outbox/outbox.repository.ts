/**
 * The outbox's durable state. Claiming is the one subtle query: a row is due when it is pending
 * and its time has come (or it is 'sending' with an expired lease: the worker that held it died),
 * no earlier unfinished row of the same conversation exists (replies leave in order), and the
 * conversation's last send is older than the row's pacing interval. `FOR UPDATE SKIP LOCKED`
 * makes concurrent workers take disjoint rows; `attempts` doubles as the fencing token, so a
 * worker whose lease expired cannot overwrite the outcome of the worker that took over.
 */
import { and, asc, count, eq, inArray, lt, lte, notExists, or, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { rowsOf, type Database } from '../../db/client.js';
import { outboxTable, type OutboxKind, type OutboxMeta, type OutboxRow } from './outbox.table.js';
import type { OutboundCopy, OutboundMessage } from '../core/message.types.js';
import { readGroupHealth } from './outbox.group-health.js';
import { unitWriteSql, type UnitWrite } from '../../db/unit-write.js';

export type NewOutboxRow = {
  conversationRef: string;
  channel: string;
  /** Default 'message'. */
  kind?: OutboxKind;
  payload: OutboundMessage | OutboundCopy;
  meta?: OutboxMeta | null;
  minIntervalMs: number;
  nextAttemptAt: Date;
};

/** The inbound messages (messages.id) whose handling these rows finish: handled_at is set with the insert. */
export type HandledMark = { messageIds: number[]; at: Date };

export type OutboxRepository = ReturnType<typeof createOutboxRepository>;
export type { GroupHealth } from './outbox.group-health.js';

export function createOutboxRepository({ db }: { db: Database }) {
  /**
   * Inserts in the given order (ids ascend), so the parts of one reply leave in order. Every reply
   * passes here: written as plain SQL with only the columns it sets, because drizzle's insert
   * builder (every column, per row) cost more CPU than the rest of the enqueue.
   */
  async function insertRows({ rows, handled, writes = [] }: { rows: NewOutboxRow[]; handled?: HandledMark; writes?: readonly UnitWrite[] }): Promise<{ ids: number[] }> {
    if (handled?.messageIds.length === 0) handled = undefined;
    // Other modules' writes of the same unit (the resident flow) ride along as data-modifying WITHs.
    const alongside = writes.map((w, i) => sql`${sql.identifier(`unit_write_${i}`)} as (${unitWriteSql(w)})`);
    if (rows.length === 0) {
      if (alongside.length > 0) {
        const mark = handled ? handledUpdate(handled) : sql`select 1`;
        await db.execute(sql`with ${sql.join(alongside, sql`, `)} ${mark}`);
      } else if (handled) {
        await markHandled(handled);
      }
      return { ids: [] };
    }
    const values = rows.map(
      (r) =>
        sql`(${r.conversationRef}, ${r.channel}, ${r.kind ?? 'message'}, ${JSON.stringify(r.payload)}::jsonb, ${r.meta ? JSON.stringify(r.meta) : null}::jsonb, ${r.minIntervalMs}, ${r.nextAttemptAt.toISOString()}::timestamptz)`,
    );
    // A data-modifying WITH runs whether or not the insert reads it: the replies and the handled mark
    // commit together, in the one statement the reply needs anyway.
    const ctes = [...(handled ? [sql`handled as (${handledUpdate(handled)})`] : []), ...alongside];
    const mark = ctes.length > 0 ? sql`with ${sql.join(ctes, sql`, `)} ` : sql``;
    const result = await db.execute(sql`
      ${mark}insert into outbox (conversation_ref, channel, kind, payload, meta, min_interval_ms, next_attempt_at)
      values ${sql.join(values, sql`, `)}
      returning id`);
    const inserted = rowsOf<{ id: number | string }>(result);
    return { ids: inserted.map((r) => Number(r.id)).sort((a, b) => a - b) };
  }

  function handledUpdate({ messageIds, at }: HandledMark) {
    const ids = sql.join(
      messageIds.map((id) => sql`${id}::bigint`),
      sql`, `,
    );
    return sql`update messages set handled_at = ${at.toISOString()}::timestamptz, replay = null where id in (${ids})`;
  }

  /** Marks an inbound message handled that queued no reply (a group message not addressed to the bot…). */
  async function markHandled(mark: HandledMark): Promise<void> {
    await db.execute(handledUpdate(mark));
  }

  /**
   * The claim statement, built once per set of channels and prepared: the worker runs it every round
   * and building it (two aliased NOT EXISTS subqueries) cost more CPU than running it.
   */
  type ClaimStatement = { execute(values: { now: string; leaseUntil: string; limit: number }): Promise<OutboxRow[]> };
  const claimStatements = new Map<string, ClaimStatement>();
  function buildClaim(channels: string[], name: string): ClaimStatement {
    const earlier = alias(outboxTable, 'earlier');
    const lastSent = alias(outboxTable, 'last_sent');
    const nowParam = sql`${sql.placeholder('now')}::timestamptz`;
    const claimable = or(
      and(eq(outboxTable.status, 'pending'), lte(outboxTable.nextAttemptAt, nowParam)),
      and(eq(outboxTable.status, 'sending'), lte(outboxTable.leaseUntil, nowParam)),
    );
    const due = db
      .select({ id: outboxTable.id })
      .from(outboxTable)
      .where(
        and(
          claimable,
          inArray(outboxTable.channel, channels),
          notExists(
            db
              .select({ one: sql`1` })
              .from(earlier)
              .where(
                and(
                  eq(earlier.conversationRef, outboxTable.conversationRef),
                  lt(earlier.id, outboxTable.id),
                  inArray(earlier.status, ['pending', 'sending']),
                ),
              ),
          ),
          notExists(
            db
              .select({ one: sql`1` })
              .from(lastSent)
              .where(
                and(
                  eq(lastSent.conversationRef, outboxTable.conversationRef),
                  sql`${lastSent.sentAt} > ${nowParam} - ${outboxTable.minIntervalMs} * interval '1 millisecond'`,
                ),
              ),
          ),
        ),
      )
      .orderBy(asc(outboxTable.id))
      .limit(sql.placeholder('limit'))
      .for('update', { skipLocked: true });

    return db
      .update(outboxTable)
      .set({
        status: 'sending',
        attempts: sql`${outboxTable.attempts} + 1`,
        leaseUntil: sql`${sql.placeholder('leaseUntil')}::timestamptz`,
      })
      // `claimable` again: re-checked on the newest row version if another worker got there first.
      .where(and(inArray(outboxTable.id, due), claimable))
      .returning()
      .prepare(name);
  }

  async function claimDue({
    now,
    leaseMs,
    limit,
    channels,
  }: {
    now: Date;
    leaseMs: number;
    limit: number;
    channels: string[];
  }): Promise<{ rows: OutboxRow[] }> {
    if (channels.length === 0) return { rows: [] };
    const key = channels.join('\n');
    let statement = claimStatements.get(key);
    if (!statement) claimStatements.set(key, (statement = buildClaim(channels, `outbox_claim_${claimStatements.size}`)));
    const rows = await statement.execute({ now: now.toISOString(), leaseUntil: new Date(now.getTime() + leaseMs).toISOString(), limit });
    return { rows: rows.sort((a, b) => a.id - b.id) };
  }

  type MarkSentArgs = { row: OutboxRow; externalMessageId: string; sentAt: Date };
  type MarkSentResult = { row: OutboxRow | undefined };

  /**
   * Marks the row sent and records the message in the conversation's transcript (direction 'out'),
   * atomically. Returns undefined when the claim was lost (lease expired and another worker
   * re-claimed the row). Calls made before pending microtasks run out (a round's sends finishing
   * together) share one statement: one commit, and one fsync, instead of one per message. A microtask,
   * not setImmediate: waiting for the next event-loop turn let the worker fall behind under load.
   */
  let waiting: Array<{ args: MarkSentArgs; resolve: (r: MarkSentResult) => void; reject: (e: unknown) => void }> = [];
  function markSent(args: MarkSentArgs): Promise<MarkSentResult> {
    return new Promise((resolve, reject) => {
      waiting.push({ args, resolve, reject });
      if (waiting.length === 1) queueMicrotask(() => void flushMarkSent());
    });
  }

  async function flushMarkSent(): Promise<void> {
    const batch = waiting;
    waiting = [];
    try {
      const sentIds = await markSentMany(batch.map((b) => b.args));
      for (const { args, resolve } of batch) resolve(sentIds.has(args.row.id) ? { row: sentRow(args) } : { row: undefined });
    } catch (error) {
      for (const { reject } of batch) reject(error);
    }
  }

  function sentRow({ row, externalMessageId, sentAt }: MarkSentArgs): OutboxRow {
    return { ...row, status: 'sent', externalMessageId, sentAt, leaseUntil: null, lastError: null };
  }

  /** A copy is recorded with the media kind it carried (its text describes it), a message as text. */
  function transcriptKind(row: OutboxRow): string {
    return row.kind === 'copy' ? (row.payload as OutboundCopy).kind : 'text';
  }

  /**
   * The update, the conversation (if new) and the transcript line, for one row or several (of different
   * conversations: a claim never takes two of one), in one statement. Returns the ids marked sent.
   */
  async function markSentMany(items: MarkSentArgs[]): Promise<Set<number>> {
    const values = items.map(
      ({ row, externalMessageId, sentAt }) =>
        sql`(${row.id}::bigint, ${row.attempts}::int, ${externalMessageId}::text, ${sentAt.toISOString()}::timestamptz, ${row.channel}::text, ${row.conversationRef}::text, ${transcriptKind(row)}::text, ${row.payload.text}::text)`,
    );
    const result = await db.execute(sql`
      with input (id, attempts, ext, at, channel, ref, kind, text) as (
        values ${sql.join(values, sql`, `)}
      ), sent as (
        update outbox set status = 'sent', external_message_id = input.ext, sent_at = input.at, lease_until = null, last_error = null
        from input
        where outbox.id = input.id and outbox.status = 'sending' and outbox.attempts = input.attempts
        returning outbox.id
      ), done as (
        select input.* from input join sent on sent.id = input.id
      ), created as (
        insert into conversations (channel, conversation_ref)
        select distinct on (done.ref) done.channel, done.ref from done
        where not exists (select 1 from conversations c where c.conversation_ref = done.ref)
        on conflict (conversation_ref) do nothing
        returning id, conversation_ref
      ), conv as (
        select id, conversation_ref from created
        union all select c.id, c.conversation_ref from conversations c where c.conversation_ref in (select ref from done)
      ), recorded as (
        insert into messages (conversation_id, direction, channel, external_id, kind, text, created_at)
        select (select conv.id from conv where conv.conversation_ref = done.ref limit 1), 'out', done.channel, done.ext, done.kind, done.text, done.at
        from done order by done.id
        returning id
      )
      select id from sent`);
    const rows = rowsOf<{ id: number | string }>(result);
    return new Set(rows.map((r) => Number(r.id)));
  }

  /**
   * The heartbeat: pushes the lease of rows still being sent by this worker (same attempt) to
   * `leaseUntil`, in one statement. Returns the ids still held.
   */
  async function extendLeases({ rows, leaseUntil }: { rows: Array<Pick<OutboxRow, 'id' | 'attempts'>>; leaseUntil: Date }): Promise<{ held: Set<number> }> {
    if (rows.length === 0) return { held: new Set() };
    const values = rows.map((r) => sql`(${r.id}::bigint, ${r.attempts}::int)`);
    const result = await db.execute(sql`
      update outbox set lease_until = ${leaseUntil.toISOString()}::timestamptz
      from (values ${sql.join(values, sql`, `)}) as held (id, attempts)
      where outbox.id = held.id and outbox.attempts = held.attempts and outbox.status = 'sending'
      returning outbox.id`);
    return { held: new Set(rowsOf<{ id: number | string }>(result).map((r) => Number(r.id))) };
  }

  async function markRetry({ row, nextAttemptAt, error }: { row: OutboxRow; nextAttemptAt: Date; error: string }) {
    const [updated] = await db
      .update(outboxTable)
      .set({ status: 'pending', nextAttemptAt, leaseUntil: null, lastError: error })
      .where(and(eq(outboxTable.id, row.id), eq(outboxTable.status, 'sending'), eq(outboxTable.attempts, row.attempts)))
      .returning();
    return { row: updated };
  }

  async function markFailed({ row, error }: { row: OutboxRow; error: string }) {
    const [updated] = await db
      .update(outboxTable)
      .set({ status: 'failed', leaseUntil: null, lastError: error })
      .where(and(eq(outboxTable.id, row.id), eq(outboxTable.status, 'sending'), eq(outboxTable.attempts, row.attempts)))
      .returning();
    return { row: updated };
  }

  async function findSentByExternalId({ conversationRef, externalMessageId }: { conversationRef: string; externalMessageId: string }) {
    const [row] = await db
      .select()
      .from(outboxTable)
      .where(and(eq(outboxTable.conversationRef, conversationRef), eq(outboxTable.externalMessageId, externalMessageId)))
      .limit(1);
    return { row };
  }

  /** The first sent row of a group reply to `answerTo` (meta.answerTo), for quoting it. */
  async function findSentAnswer({ conversationRef, answerTo }: { conversationRef: string; answerTo: string }) {
    const [row] = await db
      .select({ externalMessageId: outboxTable.externalMessageId })
      .from(outboxTable)
      .where(and(eq(outboxTable.conversationRef, conversationRef), eq(outboxTable.status, 'sent'), sql`${outboxTable.meta}->>'answerTo' = ${answerTo}`))
      .orderBy(asc(outboxTable.id))
      .limit(1);
    return { externalMessageId: row?.externalMessageId ?? undefined };
  }

  /** Sent rows of one conversation by the ids the channel gave them (the web chat reads buttons back from these). */
  async function findSentByExternalIds({ conversationRef, externalMessageIds }: { conversationRef: string; externalMessageIds: string[] }) {
    if (externalMessageIds.length === 0) return { rows: [] as OutboxRow[] };
    const rows = await db
      .select()
      .from(outboxTable)
      .where(and(eq(outboxTable.conversationRef, conversationRef), inArray(outboxTable.externalMessageId, externalMessageIds)));
    return { rows };
  }

  async function countUnfinished(): Promise<{ count: number }> {
    const [row] = await db
      .select({ count: count() })
      .from(outboxTable)
      .where(inArray(outboxTable.status, ['pending', 'sending']));
    return { count: Number(row?.count ?? 0) };
  }

  async function findById({ id }: { id: number }) {
    const [row] = await db.select().from(outboxTable).where(eq(outboxTable.id, id));
    return { row };
  }

  return {
    insertRows,
    markHandled,
    claimDue,
    markSent,
    extendLeases,
    markRetry,
    markFailed,
    findSentByExternalId,
    findSentAnswer,
    findSentByExternalIds,
    countUnfinished,
    findById,
    /** Per group ref: did the last handoff message to it get through? (/healthz staffGroups) */
    readGroupHealth: ({ groupRefs }: { groupRefs: string[] }) => readGroupHealth({ db, groupRefs }),
  };
}
