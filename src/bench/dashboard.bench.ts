/**
 * Dashboard and inbox benchmark: p50/p95 of the inbox query and of the whole report (every figure of
 * /admin/reports, working-time durations included) for the province over the last 30 days, on a
 * throw-away Postgres database filled with generated data (`units` units, `days` days of questions
 * and tickets), beside the same run on an empty database. Not a test: it prints numbers.
 */
import { sql } from 'drizzle-orm';
import type { DatabaseHandle } from '../db/client.js';
import { createUnitsRepository } from '../units/index.js';
import { createQueryLogRepository } from '../querylog/index.js';
import { createTicketViewsRepository, type TicketListFilter } from '../handoff/index.js';
import { createReportsRepository } from '../reports/reports.repository.js';
import { buildReport } from '../reports/reports.usecases.js';
import { openScratchPostgres } from './pipeline.bench.js';

/** Conversations with 3 questions each, a ticket for one in six (rated, replied, closed), spread over `days`. */
async function generate(handle: DatabaseHandle, { units, days, conversationsPerUnitDay }: { units: number; days: number; conversationsPerUnitDay: number }) {
  const { db } = handle;
  const total = units * days * conversationsPerUnitDay;
  await db.execute(sql`insert into units (id, name, info) select 'xa-' || u, 'Xã ' || u, '{}'::jsonb from generate_series(1, ${units}) u on conflict do nothing`);
  await db.execute(sql`
    insert into conversations (channel, conversation_ref, unit_id, last_seen_at)
    select 'web', 'web:bench-' || g, 'xa-' || (1 + g % ${units}), now() - ((g % ${days}) || ' days')::interval from generate_series(1, ${total}) g`);
  await db.execute(sql`
    insert into query_log (conversation_id, unit_id, channel, asked_at, text, normalized, cluster_key, via, decision, reason, entry_id, confidence, candidates)
    select c.id, c.unit_id, 'web', c.last_seen_at - ((q * 3) || ' minutes')::interval, 'câu hỏi ' || (c.id % 500), 'câu hỏi ' || (c.id % 500), 'cau hoi ' || (c.id % 500), 'typed',
      (array['answer','answer','answer','clarify','handoff','smalltalk'])[1 + (c.id + q) % 6],
      case when (c.id + q) % 6 = 4 then 'low_confidence' end, case when (c.id + q) % 6 < 3 then 'khai-sinh' end, 0.3 + ((c.id * 7 + q) % 70) / 100.0,
      jsonb_build_array(jsonb_build_object('id', 'khai-sinh', 'title', 'Khai sinh', 'score', 0.5))
    from conversations c, generate_series(0, 2) q where c.conversation_ref like 'web:bench-%'`);
  await db.execute(sql`
    insert into tickets (code, unit_id, conversation_id, resident_channel, resident_ref, status, reason, opened_at, first_staff_reply_at, closed_at, sla_due_at, rating)
    select 'HS-B' || c.id, c.unit_id, c.id, 'web', c.conversation_ref, 'closed', 'low_confidence', c.last_seen_at, c.last_seen_at + ((c.id % 240) || ' minutes')::interval,
      c.last_seen_at + ((c.id % 2000) || ' minutes')::interval, c.last_seen_at + interval '60 minutes', 1 + c.id % 5
    from conversations c where c.conversation_ref like 'web:bench-%' and c.id % 6 = 0`);
  // One conversation in 120 still has an open ticket nobody answered (the ticket list's "Quá hạn").
  await db.execute(sql`
    insert into tickets (code, unit_id, conversation_id, resident_channel, resident_ref, status, reason, opened_at, sla_due_at)
    select 'HS-O' || c.id, c.unit_id, c.id, 'web', c.conversation_ref, 'open', 'low_confidence', c.last_seen_at, c.last_seen_at + interval '60 minutes'
    from conversations c where c.conversation_ref like 'web:bench-%' and c.id % 120 = 3`);
  await db.execute(sql`analyze`);
  const [counts] = (await db.execute(sql`select (select count(*) from query_log) as q, (select count(*) from tickets) as t`)) as unknown as Array<{ q: string; t: string }>;
  return { queries: Number(counts?.q ?? 0), tickets: Number(counts?.t ?? 0) };
}

async function time(runs: number, fn: () => Promise<unknown>): Promise<{ p50: number; p95: number }> {
  const ms: number[] = [];
  await fn(); // warm
  for (let i = 0; i < runs; i += 1) {
    const start = performance.now();
    await fn();
    ms.push(performance.now() - start);
  }
  ms.sort((a, b) => a - b);
  return { p50: ms[Math.floor(ms.length / 2)]!, p95: ms[Math.min(ms.length - 1, Math.ceil(ms.length * 0.95) - 1)]! };
}

const fmt = ({ p50, p95 }: { p50: number; p95: number }) => `${p50.toFixed(0)} / ${p95.toFixed(0)} ms`;

export async function runDashboardBench({ databaseUrl, units = 100, days = 365, conversationsPerUnitDay = 4 }: { databaseUrl?: string; units?: number; days?: number; conversationsPerUnitDay?: number }) {
  if (!databaseUrl) {
    console.log('dashboard bench: needs Postgres (npm run bench -- dashboard --pg postgres://postgres@127.0.0.1:5432/test)');
    return;
  }
  console.log(`Dashboard and inbox, province, last 30 days, p50 / p95 of 20 runs (Postgres):`);
  for (const filled of [false, true]) {
    const { handle, dispose } = await openScratchPostgres({ url: databaseUrl });
    try {
      const size = filled ? await generate(handle, { units, days, conversationsPerUnitDay }) : { queries: 0, tickets: 0 };
      const now = new Date();
      const scope = { from: new Date(now.getTime() - 30 * 86_400_000), to: now };
      const queryLog = createQueryLogRepository({ db: handle.db });
      const reports = createReportsRepository({ db: handle.db });
      const unitsRepository = createUnitsRepository({ db: handle.db, clock: { now: () => now } });
      const inbox = await time(20, () => queryLog.inboxGroups(scope));
      const report = await time(20, () => buildReport({ scope, reports, calendarOf: unitsRepository.getCalendar, now }));
      const label = filled ? `${units} units, ${days} days: ${size.queries.toLocaleString('en')} query-log rows, ${size.tickets.toLocaleString('en')} tickets` : 'empty database';
      console.log(`  ${label.padEnd(72)} inbox ${inbox.p50.toFixed(0)} / ${inbox.p95.toFixed(0)} ms   report ${report.p50.toFixed(0)} / ${report.p95.toFixed(0)} ms   (target p95 ≤ 300 ms)`);
      // The console's ticket list (first page of 50 and its total) under its filters, and one ticket page's reads.
      const views = createTicketViewsRepository({ db: handle.db });
      const filters: Array<[string, TicketListFilter]> = [
        ['all', {}],
        ['overdue', { overdue: true }],
        ['one unit', { unitId: 'xa-7' }],
        ['SLA missed, 30 days', { sla: 'missed', openedFrom: scope.from, openedTo: scope.to }],
        ['rating 1, one unit', { unitId: 'xa-7', rating: 1 }],
      ];
      const lists = [];
      for (const [name, filter] of filters) lists.push(`${name} ${fmt(await time(20, () => views.listTickets({ filter, now, limit: 50, offset: 0 })))}`);
      const [sample] = (await views.listTickets({ filter: {}, now, limit: 1, offset: 0 })).tickets;
      const page = sample
        ? fmt(await time(20, async () => {
            const { ticket } = await views.findTicketByCode({ code: sample.code });
            await Promise.all([views.transcript({ ticket: ticket! }), views.listEvents({ ticketId: ticket!.id })]);
          }))
        : '—';
      console.log(`  ${''.padEnd(72)} ticket list: ${lists.join(', ')}; ticket page reads ${page}`);
    } finally {
      await handle.close();
      await dispose();
    }
  }
}
