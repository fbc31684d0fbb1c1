/**
 * One generated year of a province, written on Postgres by set-based statements (generate_series,
 * INSERT … SELECT): units of different sizes (weight 1/√rank, the largest ten times the smallest),
 * residents who come back, sessions in working hours (07–17 Vietnamese time, peaks at 8–10 and
 * 14–16, Saturday half, Sunday rare), 1–5 questions a session on topics with a Zipf-like spread
 * (a few thousand clusters, some keys differing by one word so clusters merge), decisions that
 * depend on the topic (common topics answered, rare ones handed off), a ticket per handoff with
 * staff replies, closes (all closed by now: one active ticket per conversation is the rule) and ratings, and the admins having worked the inbox (`resolvedShare` of
 * the questions older than 30 days resolved). Not a fixture: a load for the dashboard bench.
 */
import { sql } from 'drizzle-orm';
import type { DatabaseHandle } from '../db/client.js';

export type ScaleShape = { units: number; days: number; residents: number; sessions: number; resolvedShare: number };

/** About 3 million questions (query-log rows), 4 million messages, 200,000 tickets. */
export const PROVINCE_YEAR: ScaleShape = { units: 100, days: 365, residents: 300_000, sessions: 1_000_000, resolvedShare: 0.8 };

const WORDS =
  'khai sinh ket hon chung thuc ban sao ho tich cu tru tam tru thuong tru dat dai so do nha o xay dung giay phep kinh doanh ho kinh doanh bao hiem y te xa hoi tro cap nguoi cao tuoi khuyet tat can ngheo lai xe can cuoc dinh danh dien tu nhan nuoi giam ho khai tu trich luc xac nhan tinh trang hon nhan thue phi le phi hoc bong mien giam'.split(
    ' ',
  );

export async function generateProvinceYear(handle: DatabaseHandle, shape: ScaleShape, log: (line: string) => void = () => {}): Promise<{ questions: number; messages: number; tickets: number; seconds: number }> {
  const { db } = handle;
  const started = performance.now();
  const step = async (label: string, statement: ReturnType<typeof sql>) => {
    const t = performance.now();
    await db.execute(statement);
    log(`    ${label} (${((performance.now() - t) / 1000).toFixed(1)} s)`);
  };
  const { units, days, residents, sessions, resolvedShare } = shape;
  const words = `array[${WORDS.map((w) => `'${w}'`).join(',')}]::text[]`;

  await db.execute(sql`select setseed(0.42)`);
  await step(
    'units',
    sql`insert into units (id, name, info) select 'xa-' || lpad(u::text, 3, '0'), 'Xã ' || u, '{}'::jsonb from generate_series(1, ${units}) u on conflict do nothing`,
  );
  await db.execute(sql`drop table if exists g_unit_cdf, g_sessions, g_questions, g_keys`);
  await db.execute(sql`
    create temp table g_unit_cdf as
    select 'xa-' || lpad(u::text, 3, '0') as unit_id, sum(1 / sqrt(u)) over (order by u) / sum(1 / sqrt(u)) over () as hi from generate_series(1, ${units}) u`);
  await step(
    `${residents.toLocaleString('en')} residents`,
    sql`
    insert into conversations (channel, conversation_ref, unit_id, last_seen_at)
    select ch, ch || ':scale-' || g, (select unit_id from g_unit_cdf where hi >= r order by hi limit 1), now()
    from (select g, random() as r, (array['zalo','zalo','zalo','web','web','telegram'])[1 + floor(random() * 6)::int] as ch from generate_series(1, ${residents}) g) s`,
  );
  // Sessions: a resident (some come back often), a day (weekends thinned), an hour of the office day.
  await step(
    `${sessions.toLocaleString('en')} sessions`,
    sql.raw(`
    create temp table g_sessions as
    with c as (select min(id) as first_id from conversations where conversation_ref like '%:scale-%'),
    s as (
      select g as session_id, floor(${residents} * power(random(), 1.6))::bigint as resident, floor(random() * ${days})::int as day_back,
        (array[7,7,8,8,8,8,9,9,9,9,10,10,10,11,11,13,13,14,14,14,15,15,15,15,16,16,16,17,19,20])[1 + floor(random() * 30)::int] as hour,
        floor(random() * 60)::int as minute, 1 + floor(random() * 5)::int as questions, random() as weekend_keep
      from generate_series(1, ${sessions}) g
    )
    select s.session_id, c.first_id + s.resident as conversation_id, s.questions,
      -- Vietnamese local time of the start, as an instant: today minus day_back at hour:minute (UTC+7).
      date_trunc('day', now() at time zone 'Asia/Ho_Chi_Minh') - (day_back + case
        when extract(isodow from date_trunc('day', now() at time zone 'Asia/Ho_Chi_Minh') - day_back * interval '1 day') = 7 and weekend_keep > 0.15 then 2
        when extract(isodow from date_trunc('day', now() at time zone 'Asia/Ho_Chi_Minh') - day_back * interval '1 day') = 6 and weekend_keep > 0.5 then 1
        else 0 end) * interval '1 day' + hour * interval '1 hour' + minute * interval '1 minute' as local_start
    from s, c`),
  );
  // Questions: topic by a log-uniform draw (rank 1 is the most asked); one in three keys carries a variant word.
  await step(
    'questions planned',
    sql.raw(`
    create temp table g_questions as
    with q as (
      select s.session_id, s.conversation_id, k as seq,
        (s.local_start + (k * 3 + floor(random() * 3)) * interval '1 minute') at time zone 'Asia/Ho_Chi_Minh' as asked_at,
        floor(power(3000, random()))::int as topic, random() as r, random() as r2, random() as r3, random() as variant
      from g_sessions s, generate_series(0, s.questions - 1) k
    )
    select row_number() over (order by asked_at, session_id, seq) as qid, q.*,
      case when r < 0.15 then 'smalltalk'
        when topic <= 300 then case when r2 < 0.8 then 'answer' when r2 < 0.93 then 'clarify' when r2 < 0.96 then 'handoff' else 'staff' end
        else case when r2 < 0.45 then 'answer' when r2 < 0.7 then 'clarify' when r2 < 0.9 then 'handoff' else 'staff' end end as kind
    from q where asked_at < now()`),
  );
  await db.execute(sql.raw(`create index on g_questions (qid); analyze g_questions`));
  const [{ q: questions } = { q: 0 }] = (await db.execute(sql`select count(*)::int as q from g_questions`)) as unknown as Array<{ q: number }>;

  // Messages: each question in, and a third of the bot's replies out (about 4 million in all).
  await step(
    `${questions.toLocaleString('en')} inbound messages`,
    sql`
    insert into messages (id, conversation_id, direction, channel, external_id, sender_external_id, kind, text, received_at, created_at)
    select q.qid, q.conversation_id, 'in', c.channel, 'scale-' || q.qid, c.conversation_ref, 'text', 'câu hỏi ' || q.topic, q.asked_at, q.asked_at
    from g_questions q join conversations c on c.id = q.conversation_id`,
  );
  await step(
    'outbound messages',
    sql`
    insert into messages (id, conversation_id, direction, channel, kind, text, created_at)
    select ${questions} + q.qid, q.conversation_id, 'out', c.channel, 'text', 'Trả lời câu hỏi ' || q.topic, q.asked_at + interval '2 seconds'
    from g_questions q join conversations c on c.id = q.conversation_id where q.qid % 3 = 0`,
  );
  await db.execute(sql`select setval(pg_get_serial_sequence('messages', 'id'), (select max(id) from messages))`);

  // Tickets: (the query log is still empty, so its ticket trigger has nothing to do) one per handoff, opened 3 s after the question; replied, closed and (60 %) rated.
  await db.execute(sql`alter table tickets disable trigger query_log_ticket_changed`);
  await step(
    'tickets',
    sql`
    insert into tickets (code, unit_id, conversation_id, resident_channel, resident_ref, status, reason, question, source_message_id,
      opened_at, claimed_at, first_staff_reply_at, closed_at, sla_due_at, rating, rated_at)
    select 'HS-S' || q.qid, c.unit_id, q.conversation_id, c.channel, c.conversation_ref, 'closed',
      case when q.kind = 'staff' then 'resident_request' else 'low_confidence' end, 'câu hỏi ' || q.topic, q.qid,
      q.asked_at + interval '3 seconds', x.reply - interval '1 minute', x.reply, x.closed,
      q.asked_at + interval '2 hours', case when q.r < 0.6 then x.rating end, case when q.r < 0.6 then x.closed end
    from g_questions q join conversations c on c.id = q.conversation_id,
      lateral (select q.asked_at + (5 + power(random(), 2) * 600) * interval '1 minute' as reply,
        least(now(), q.asked_at + (30 + power(random(), 2) * 6000) * interval '1 minute') as closed,
        (array[1,1,2,3,3,4,4,4,4,5,5,5,5,5,5,5,5,5,5,5])[1 + floor(random() * 20)::int] as rating) x
    where q.kind in ('handoff', 'staff')`,
  );
  await db.execute(sql`alter table tickets enable trigger query_log_ticket_changed`);
  await step(
    'ticket staff replies',
    sql`
    insert into ticket_events (ticket_id, type, actor_kind, actor_staff_id, text, created_at)
    select id, 'reply', 'staff', 'can-bo-1', 'Anh/chị vui lòng mang CCCD đến bộ phận một cửa.', first_staff_reply_at from tickets where first_staff_reply_at is not null`,
  );

  // The query log in one statement with what happened next computed as the triggers define it
  // (query_log_refresh_next), then the day rollup grouped: the triggers are off meanwhile, since
  // row-at-a-time upkeep of a whole year would take most of an hour on this machine. The ticket of
  // a question: the first ticket opened in its window, found from the ticket's side.
  await db.execute(sql`create index on g_questions (conversation_id, asked_at, qid)`);
  // Cluster keys: three words per topic (distinct for every topic: its rank modulo and divided by the
  // vocabulary size pick two of them), and three variants carrying a fourth word.
  await db.execute(
    sql.raw(`
    create temp table g_keys as
    select topic, slot, array_to_string(array(select distinct w from unnest(array[
        (${words})[1 + topic % ${WORDS.length}], (${words})[1 + (topic / ${WORDS.length} * 7 + 3) % ${WORDS.length}], (${words})[1 + (topic * 13 / 7) % ${WORDS.length}],
        case when slot >= 0 then (${words})[1 + (topic * 3 + slot) % ${WORDS.length}] end]) w where w is not null order by w), ' ') as key
    from generate_series(1, 3000) topic, generate_series(-1, 2) slot;
    create unique index on g_keys (topic, slot)`),
  );
  await db.execute(sql`alter table query_log disable trigger query_log_after_insert`);
  try {
    await step(
      `${questions.toLocaleString('en')} query-log rows`,
      sql.raw(`
      with v as (
        select q.*, case when q.seq > 0 and lag(q.kind) over (partition by q.session_id order by q.seq) = 'clarify' and q.r2 < 0.7 then 'clarify' else 'typed' end as via,
          case q.kind when 'staff' then 'handoff' else q.kind end as decision,
          case q.kind when 'staff' then 'explicit_request' when 'handoff' then 'low_confidence' when 'smalltalk' then 'thanks' end as reason
        from g_questions q
      ), n as (
        select v.*, lead(via) over o as next_via, lead(asked_at) over o as next_at,
          coalesce((lead(decision) over o = 'handoff' and lead(reason) over o = 'explicit_request')
            or (lead(decision, 2) over o = 'handoff' and lead(reason, 2) over o = 'explicit_request'), false) as staff_after
        from v window o as (partition by conversation_id order by asked_at, qid)
      ), tq as (
        select distinct on (p.qid) p.qid, t.id as ticket_id
        from tickets t cross join lateral (
          select g.qid from g_questions g where g.conversation_id = t.conversation_id and g.asked_at <= t.opened_at order by g.asked_at desc, g.qid desc limit 1
        ) p
        order by p.qid, t.opened_at, t.id
      )
      insert into query_log (conversation_id, message_id, unit_id, channel, asked_at, text, normalized, cluster_key, via, decision, reason, entry_id, aspect, confidence, candidates,
        resolved_at, resolved_by, resolution, next_via, next_at, staff_after, ticket_id)
      select q.conversation_id, q.qid, c.unit_id, c.channel, q.asked_at, t.text, t.text, t.key, q.via, q.decision, q.reason, d.entry_id, null, d.confidence,
        case when d.entry_id is null then '[]'::jsonb else jsonb_build_array(jsonb_build_object('id', d.entry_id, 'title', 'Mục ' || q.topic, 'score', d.confidence)) end,
        o.resolved_at, case when o.resolved_at is not null then 'bench-admin' end, case when o.resolved_at is not null then 'out_of_scope' end,
        q.next_via, q.next_at, q.staff_after, tq.ticket_id
      from n q join conversations c on c.id = q.conversation_id left join tq on tq.qid = q.qid,
        lateral (select case when q.kind = 'smalltalk' then 'cam on' else (select key from g_keys g where g.topic = q.topic and g.slot = case when q.variant < 0.33 then floor(q.variant * 9)::int else -1 end) end as key) k,
        lateral (select case when q.kind = 'smalltalk' then 'cảm ơn ạ' else 'cho em hỏi ' || k.key end as text, k.key) t,
        lateral (select case when q.kind = 'answer' then 'muc-' || q.topic end as entry_id,
          case when q.kind = 'smalltalk' then 0.9 when q.topic <= 300 then 0.5 + q.r2 * 0.45 else 0.42 + q.r2 * 0.4 end as confidence) d,
        lateral (select case when q.asked_at < now() - interval '30 days' and q.r3 < ${resolvedShare} then q.asked_at + interval '3 days' end as resolved_at) o
      order by q.asked_at, q.qid`),
    );
    await step(
      'day rollup',
      sql`
      insert into query_log_days (conversation_id, day, unit_id, questions, answers, clarifies, handoffs, smalltalks)
      select conversation_id, (asked_at at time zone 'Asia/Ho_Chi_Minh')::date, unit_id, count(*),
        count(*) filter (where decision = 'answer'), count(*) filter (where decision = 'clarify'),
        count(*) filter (where decision = 'handoff'), count(*) filter (where decision = 'smalltalk')
      from query_log group by 1, 2, 3`,
    );
  } finally {
    await db.execute(sql`alter table query_log enable trigger query_log_after_insert`);
  }
  await db.execute(sql`select setval(pg_get_serial_sequence('tickets', 'id'), (select max(id) from tickets))`);
  await db.execute(sql`drop table if exists g_unit_cdf, g_sessions, g_questions, g_keys`);
  await step('analyze', sql`analyze`);
  const [counts] = (await db.execute(
    sql`select (select count(*) from query_log)::int as q, (select count(*) from messages)::int as m, (select count(*) from tickets)::int as t`,
  )) as unknown as Array<{ q: number; m: number; t: number }>;
  return { questions: counts!.q, messages: counts!.m, tickets: counts!.t, seconds: (performance.now() - started) / 1000 };
}
