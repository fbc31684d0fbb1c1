/**
 * The query log's trigger-kept figures equal the raw SQL: a generated fortnight of questions goes in
 * through the production batch insert, in uneven batches, with tickets opened before and after
 * their question is written, ratings given later, a resident erased and old rows purged; then the
 * dashboard's reads (day rollup) and the inbox (what-happened-next columns) are compared with
 * window functions over query_log written here, independently of the repositories.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../../src/db/client.js';
import { createQueryLogRepository } from '../../src/querylog/querylog.repository.js';
import type { QueryLogInsert } from '../../src/querylog/querylog.models.js';
import { createReportsRepository, ReportsError } from '../../src/reports/reports.repository.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-db.js';

const DAY = 86_400_000;
/** Midnight 2026-11-02 in Asia/Ho_Chi_Minh. */
const D0 = Date.parse('2026-11-01T17:00:00Z');

function prng(seed: number) {
  return () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed / 2_147_483_648;
  };
}

const KEYS = ['giay khai sinh', 'khai sinh con', 'ket hon', 'dat dai so do', 'cu tru tam tru', 'cam on'];

describe('query log rollup and inbox columns equal the raw SQL', () => {
  let database: TestDatabase;
  const scopes = [
    { name: 'fortnight, province', from: new Date(D0), to: new Date(D0 + 14 * DAY) },
    { name: 'three days, one unit', from: new Date(D0 + 2 * DAY), to: new Date(D0 + 5 * DAY), unitId: 'xa-b' },
    { name: 'one day, province', from: new Date(D0 + 3 * DAY), to: new Date(D0 + 4 * DAY) },
  ];

  beforeAll(async () => {
    database = await createTestDatabase();
    const { db } = database;
    const random = prng(7);
    await db.execute(sql`insert into units (id, name) values ('xa-a', 'Xã A'), ('xa-b', 'Xã B'), ('xa-c', 'Xã C')`);
    await db.execute(sql`insert into conversations (channel, conversation_ref, unit_id) select 'web', 'web:r' || g, (array['xa-a','xa-b','xa-c'])[1 + g % 3] from generate_series(1, 40) g`);
    const conversations = rowsOf<{ id: number; unit_id: string }>(await db.execute(sql`select id, unit_id from conversations order by id`)).map((c) => ({ id: Number(c.id), unitId: c.unit_id }));

    // Questions: each resident asks in 1–4 sessions of 1–5 questions over the fortnight (some near midnight).
    const rows: QueryLogInsert[] = [];
    for (const c of conversations) {
      for (let s = 0, sessions = 1 + Math.floor(random() * 4); s < sessions; s += 1) {
        let at = D0 + Math.floor(random() * 14) * DAY + (random() < 0.2 ? DAY - 300_000 : Math.floor(random() * DAY));
        for (let q = 0, n = 1 + Math.floor(random() * 5); q < n; q += 1) {
          const r = random();
          const decision = r < 0.45 ? 'answer' : r < 0.65 ? 'clarify' : r < 0.85 ? 'handoff' : 'smalltalk';
          const previous = rows.at(-1);
          const key = decision === 'smalltalk' ? 'cam on' : KEYS[Math.floor(random() * (KEYS.length - 1))]!;
          rows.push({
            conversationId: c.id,
            messageId: null,
            unitId: random() < 0.1 ? null : c.unitId,
            channel: 'web',
            askedAt: new Date(at),
            text: key,
            normalized: key,
            clusterKey: key,
            via: previous?.conversationId === c.id && previous.decision === 'clarify' && random() < 0.6 ? 'clarify' : 'typed',
            decision,
            reason: decision === 'handoff' ? (random() < 0.4 ? 'explicit_request' : 'low_confidence') : decision === 'smalltalk' ? 'thanks' : null,
            entryId: decision === 'answer' ? 'khai-sinh' : null,
            aspect: null,
            confidence: Math.round(random() * 1000) / 1000,
            candidates: [{ id: 'khai-sinh', title: 'Khai sinh', score: 0.5 }],
          });
          // A second's gap now and then: rows with the same time are ordered by id, as the definition says.
          at += random() < 0.1 ? 0 : 60_000 + Math.floor(random() * 600_000);
        }
      }
    }
    rows.sort((a, b) => a.askedAt.getTime() - b.askedAt.getTime());

    const repository = createQueryLogRepository({ db });
    let code = 0;
    const openTicket = async (row: QueryLogInsert, delayMs: number) => {
      code += 1;
      await db.execute(sql`
        insert into tickets (code, unit_id, conversation_id, resident_channel, resident_ref, status, reason, opened_at, rating)
        values (${`HS-${code}`}, ${row.unitId ?? 'xa-a'}, ${row.conversationId}, 'web', 'web:x', 'closed', ${row.reason === 'explicit_request' ? 'resident_request' : 'low_confidence'},
          ${new Date(row.askedAt.getTime() + delayMs).toISOString()}::timestamptz, ${random() < 0.5 ? 1 + Math.floor(random() * 5) : null})`);
    };
    // Uneven batches, as the buffered writer sends them; a handoff's ticket is opened before its batch (the
    // writer is behind) or after it, and now and then a second ticket in the same window.
    const late: QueryLogInsert[] = [];
    for (let i = 0; i < rows.length; ) {
      const batch = rows.slice(i, i + 1 + Math.floor(random() * 7));
      i += batch.length;
      for (const row of batch) if (row.decision === 'handoff' && random() < 0.5) await openTicket(row, 2_000);
      await repository.insertMany({ rows: batch });
      for (const row of batch) if (row.decision === 'handoff' && random() < 0.7) late.push(row);
      if (late.length > 0 && random() < 0.5) await openTicket(late.shift()!, 3_000 + Math.floor(random() * 120_000));
    }
    for (const row of late) await openTicket(row, 4_000);
    // Ratings given later, a ticket deleted, a resident erased, the oldest day purged.
    await db.execute(sql`update tickets set rating = 1 + (id % 5) where id % 3 = 0`);
    await db.execute(sql`delete from tickets where id = (select min(id) from tickets where id % 3 = 1)`);
    await db.execute(sql`delete from query_log where conversation_id = ${conversations[4]!.id}`);
    await db.execute(sql`delete from query_log where asked_at < ${new Date(D0 + DAY).toISOString()}::timestamptz`);
    await db.execute(sql`update query_log set resolved_at = now(), resolved_by = 'admin', resolution = 'out_of_scope' where cluster_key = 'ket hon' and id % 2 = 0`);
  });
  afterAll(() => database?.close());

  /** The definitions, straight over query_log: windows over each conversation's whole history. */
  const rawItems = async ({ from, to, unitId }: { from: Date; to: Date; unitId?: string }) =>
    rowsOf<{ cluster_key: string; conversation_id: number; reasons: string[] | string }>(
      await database.db.execute(sql`
      with q as (
        select l.*, lead(l.via) over w as next_via_raw, lead(l.decision) over w as n1d, lead(l.reason) over w as n1r,
          lead(l.decision, 2) over w as n2d, lead(l.reason, 2) over w as n2r, lead(l.asked_at) over w as next_at_raw
        from query_log l window w as (partition by l.conversation_id order by l.asked_at, l.id)
      ), t as (
        select q.*, tk.reason as ticket_reason, tk.rating as ticket_rating from q left join lateral (
          select reason, rating from tickets tk where tk.conversation_id = q.conversation_id and tk.opened_at >= q.asked_at
            and (q.next_at_raw is null or tk.opened_at < q.next_at_raw) order by tk.opened_at, tk.id limit 1) tk on true
        where q.resolved_at is null and q.asked_at >= ${from.toISOString()}::timestamptz and q.asked_at < ${to.toISOString()}::timestamptz
          ${unitId ? sql`and q.unit_id = ${unitId}` : sql``}
      )
      select cluster_key, conversation_id, array_remove(array[
        case when decision = 'handoff' and coalesce(reason, '') <> 'explicit_request' then 'handoff' end,
        case when decision = 'clarify' and coalesce(next_via_raw, '') <> 'clarify' then 'clarify_unchosen' end,
        case when decision = 'answer' and confidence < 0.5 then 'low_confidence' end,
        case when decision = 'answer' and ((n1d = 'handoff' and n1r = 'explicit_request') or (n2d = 'handoff' and n2r = 'explicit_request') or ticket_reason = 'resident_request') then 'answer_then_staff' end,
        case when ticket_rating <= 2 then 'low_rating' end], null) as reasons
      from t`),
    ).map((r) => ({ key: r.cluster_key, conversationId: Number(r.conversation_id), reasons: typeof r.reasons === 'string' ? r.reasons.replace(/[{}]/g, '').split(',').filter(Boolean) : r.reasons }));

  it('has data on both sides of every branch (the comparison could fail)', async () => {
    const [facts] = rowsOf<Record<string, number>>(
      await database.db.execute(sql`select count(*)::int as rows, count(ticket_id)::int as tickets, count(*) filter (where staff_after)::int as staff, count(*) filter (where next_via = 'clarify')::int as chosen,
        (select count(*)::int from query_log_days) as days from query_log`),
    );
    expect(facts!.rows).toBeGreaterThan(150);
    expect(facts!.tickets).toBeGreaterThan(10);
    expect(facts!.staff).toBeGreaterThan(3);
    expect(facts!.chosen).toBeGreaterThan(3);
    expect(facts!.days).toBeGreaterThan(40);
  });

  it.each(scopes)('inbox groups ($name): residents, questions, reasons per cluster key', async (scope) => {
    const raw = (await rawItems(scope)).filter((i) => i.reasons.length > 0);
    const expected = new Map<string, { residents: Set<number>; questions: number; reasons: Record<string, number> }>();
    for (const item of raw) {
      const g = expected.get(item.key) ?? { residents: new Set<number>(), questions: 0, reasons: {} };
      g.residents.add(item.conversationId);
      g.questions += 1;
      for (const r of item.reasons) g.reasons[r] = (g.reasons[r] ?? 0) + 1;
      expected.set(item.key, g);
    }
    const { groups } = await createQueryLogRepository({ db: database.db }).inboxGroups(scope);
    expect(groups.length).toBeGreaterThan(0);
    expect(Object.fromEntries(groups.map((g) => [g.key, { residents: g.residents, conversations: [...g.conversations].sort((a, b) => a - b), questions: g.questions, reasons: Object.fromEntries(Object.entries(g.reasons).filter(([, n]) => n > 0)) }]))).toEqual(
      Object.fromEntries([...expected].map(([key, g]) => [key, { residents: g.residents.size, conversations: [...g.residents].sort((a, b) => a - b), questions: g.questions, reasons: g.reasons }])),
    );
  });

  it.each(scopes)('questions per day and week, and conversation outcomes per unit ($name)', async (scope) => {
    const reports = createReportsRepository({ db: database.db });
    const period = sql`l.asked_at >= ${scope.from.toISOString()}::timestamptz and l.asked_at < ${scope.to.toISOString()}::timestamptz ${scope.unitId ? sql`and l.unit_id = ${scope.unitId}` : sql``}`;
    for (const unit of ['day', 'week'] as const) {
      const raw = rowsOf<{ start: string; questions: number; residents: number }>(
        await database.db.execute(sql`
        select to_char(date_trunc(${unit}, l.asked_at at time zone 'Asia/Ho_Chi_Minh'), 'YYYY-MM-DD') as start, count(*)::int as questions, count(distinct l.conversation_id)::int as residents
        from query_log l where ${period} group by 1 order by 1`),
      ).map((r) => ({ start: r.start, questions: Number(r.questions), residents: Number(r.residents) }));
      expect(raw.length).toBeGreaterThan(0);
      expect((await reports.questionsPer({ unit, scope })).points).toEqual(raw);
    }
    const raw = rowsOf<Record<string, unknown>>(
      await database.db.execute(sql`
      with c as (
        select l.conversation_id, min(l.unit_id) as unit_id, bool_or(l.decision = 'answer') as a, bool_or(l.decision = 'clarify') as cl,
          bool_or(l.decision = 'handoff') as h, bool_and(l.decision = 'smalltalk') as st,
          exists (select 1 from tickets t where t.conversation_id = l.conversation_id and t.opened_at >= ${scope.from.toISOString()}::timestamptz and t.opened_at < ${scope.to.toISOString()}::timestamptz) as ticket
        from query_log l where ${period} group by l.conversation_id
      )
      select unit_id,
        count(*) filter (where ticket)::int as handed_off, count(*) filter (where not ticket and a)::int as answered,
        count(*) filter (where not ticket and not a and cl)::int as clarified, count(*) filter (where not ticket and not a and not cl and st)::int as smalltalk,
        count(*) filter (where not ticket and not a and not cl and not st)::int as unanswered, count(*) filter (where not ticket and a and not h)::int as resolved_without_staff
      from c group by unit_id order by unit_id`),
    ).map((r) => ({
      unitId: (r.unit_id as string | null) ?? null,
      handed_off: Number(r.handed_off),
      answered: Number(r.answered),
      clarified: Number(r.clarified),
      smalltalk: Number(r.smalltalk),
      unanswered: Number(r.unanswered),
      resolved_without_staff: Number(r.resolved_without_staff),
    }));
    expect(raw.length).toBeGreaterThan(0);
    expect((await reports.outcomesByUnit({ scope })).units).toEqual(raw);
  });

  it('refuses a period that is not whole Vietnamese days instead of answering approximately', async () => {
    const reports = createReportsRepository({ db: database.db });
    await expect(reports.questionsPer({ unit: 'day', scope: { from: new Date(D0 + 3_600_000), to: new Date(D0 + DAY) } })).rejects.toBeInstanceOf(ReportsError);
  });
});
