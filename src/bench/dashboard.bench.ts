/**
 * Dashboard and inbox benchmark: the console's Báo cáo and Câu hỏi chưa trả lời pages over HTTP on
 * a signed-in province session (session check, every query, rendering), p50/p95 of `rounds`
 * requests per page, on a Postgres database holding one generated year of a 100-unit province
 * (scale.generate.ts: about 3 million questions, 4 million messages, 200,000 tickets) beside the
 * same pages on an empty database. Not a test: it prints numbers. Target p95 ≤ 300 ms.
 *
 * `--db <name>` keeps the generated database under that name and reuses it on the next run
 * (generation takes minutes); without it a scratch database is made and dropped.
 */
import type { AddressInfo } from 'node:net';
import postgres from 'postgres';
import { sql } from 'drizzle-orm';
import { createConsoleDeps } from '../console/console.assembly.js';
import { registerConsoleRoutes } from '../console/console.routes.js';
import { vnDay } from '../console/console.scope.js';
import { createDatabase, type DatabaseHandle } from '../db/client.js';
import { loadCatalogueFiles } from '../faq/catalogue.loader.js';
import { createFaqEngine } from '../faq/faq.engine.js';
import { createFaqRepository } from '../faq/faq.repository.js';
import { createLogger } from '../logger.js';
import { createApp } from '../web/app.js';
import { fetchPage, signIn } from './console.bench.js';
import { openScratchPostgres } from './pipeline.bench.js';
import { generateProvinceYear, PROVINCE_YEAR, type ScaleShape } from './scale.generate.js';

const TARGET_P95_MS = 300;
const SMALL: ScaleShape = { units: 20, days: 90, residents: 20_000, sessions: 60_000, resolvedShare: 0.8 };

type Timing = { page: string; p50: number; p95: number };

function pagesOf(now: Date): Array<{ name: string; path: string }> {
  const day = (back: number) => vnDay(new Date(now.getTime() - back * 86_400_000));
  const year = `from=${day(364)}&to=${day(0)}`;
  return [
    { name: 'report, province, 30 days', path: '/admin/reports' },
    { name: 'report, province, 1 year', path: `/admin/reports?${year}` },
    { name: 'report, largest unit, 30 days', path: '/admin/reports?unit=xa-001' },
    { name: 'report, largest unit, 1 year', path: `/admin/reports?${year}&unit=xa-001` },
    { name: 'inbox, province, 30 days', path: '/admin/inbox' },
    { name: 'inbox, province, 1 year', path: `/admin/inbox?${year}` },
    { name: 'inbox, largest unit, 30 days', path: '/admin/inbox?unit=xa-001' },
    { name: 'tickets, all', path: '/admin/tickets' },
    { name: 'tickets, overdue', path: '/admin/tickets?overdue=1' },
    { name: 'tickets, one unit, 1 star', path: '/admin/tickets?unit=xa-001&rating=1' },
  ];
}

const nearestRank = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? 0;

async function timePages({ handle, rounds }: { handle: DatabaseHandle; rounds: number }): Promise<Timing[]> {
  const logger = createLogger({ level: 'silent' });
  const catalogue = loadCatalogueFiles({ dataDir: 'data' });
  const faq = createFaqRepository({ db: handle.db });
  if ((await faq.listPublished()).entries.length === 0) await faq.seed({ entries: catalogue.entries });
  const engine = createFaqEngine({ ...catalogue, entries: (await faq.listPublished()).entries });
  const deps = createConsoleDeps({ db: handle.db, engine, catalogue, logger });
  const username = `bench-${process.pid}`;
  await deps.accounts.addAccount({ username, password: 'mat-khau-thu-2026', role: 'province' });
  const app = createApp({ logger, routes: [(a) => registerConsoleRoutes({ app: a, deps })] });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const cookie = await signIn(base, username);
    const timings: Timing[] = [];
    for (const page of pagesOf(new Date())) {
      for (let i = 0; i < 2; i += 1) await fetchPage(base, page.path, cookie); // warm-up
      const ms: number[] = [];
      for (let i = 0; i < rounds; i += 1) ms.push(await fetchPage(base, page.path, cookie));
      ms.sort((a, b) => a - b);
      timings.push({ page: page.name, p50: nearestRank(ms, 0.5), p95: nearestRank(ms, 0.95) });
    }
    return timings;
  } finally {
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    await handle.db.execute(sql`delete from admin_accounts where username = ${username}`).catch(() => {});
  }
}

/** The kept database `name` next to `url`'s: created and filled when it holds no generated year yet. */
async function openKept({ url, name, shape, log }: { url: string; name: string; shape: ScaleShape; log: (line: string) => void }) {
  if (!/^scale_[a-z0-9_]{1,40}$/.test(name)) throw new Error(`--db: a name like scale_year (got "${name}")`);
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  const exists = (await admin`select 1 from pg_database where datname = ${name}`).length > 0;
  if (!exists) await admin.unsafe(`create database "${name}"`);
  await admin.end();
  const target = new URL(url);
  target.pathname = `/${name}`;
  const handle = await createDatabase({ url: target.toString() });
  const [row] = (await handle.db.execute(sql`select count(*)::int as n from query_log`)) as unknown as Array<{ n: number }>;
  if ((row?.n ?? 0) === 0) {
    log(`  generating into ${name}:`);
    await generateProvinceYear(handle, shape, log).catch(async (error: unknown) => {
      await handle.close();
      throw error;
    });
  } else log(`  reusing ${name} (${row!.n.toLocaleString('en')} query-log rows)`);
  return handle;
}

export async function runDashboardBench({ databaseUrl, small = false, keep, rounds = 20 }: { databaseUrl?: string; small?: boolean; keep?: string; rounds?: number }) {
  if (!databaseUrl) {
    console.log('dashboard bench: needs Postgres (npm run bench -- dashboard --pg postgres://postgres@127.0.0.1:5432/test [--db scale_year] [--small])');
    return;
  }
  const shape = small ? SMALL : PROVINCE_YEAR;
  const log = (line: string) => console.log(line);

  const empty = await openScratchPostgres({ url: databaseUrl });
  let baseline: Timing[];
  try {
    baseline = await timePages({ handle: empty.handle, rounds });
  } finally {
    await empty.handle.close();
    await empty.dispose();
  }

  const scratch = keep ? null : await openScratchPostgres({ url: databaseUrl });
  const handle = scratch ? scratch.handle : await openKept({ url: databaseUrl, name: keep!, shape, log });
  try {
    if (scratch) {
      log('  generating into a scratch database:');
      await generateProvinceYear(handle, shape, log);
    }
    const [size] = (await handle.db.execute(
      sql`select (select count(*) from query_log)::int as q, (select count(*) from messages)::int as m, (select count(*) from tickets)::int as t, (select count(*) from units)::int as u`,
    )) as unknown as Array<{ q: number; m: number; t: number; u: number }>;
    const filled = await timePages({ handle, rounds });
    const load = await import('node:os').then((os) => os.loadavg().map((l) => l.toFixed(2)).join(' '));
    console.log('');
    console.log(
      `Dashboard and inbox pages over HTTP, signed in as a province admin, p50 / p95 of ${rounds} requests (Postgres). Filled: ${size!.u} units, ` +
        `${size!.q.toLocaleString('en')} query-log rows, ${size!.m.toLocaleString('en')} messages, ${size!.t.toLocaleString('en')} tickets. Load average ${load}.`,
    );
    console.log(`  ${'page'.padEnd(38)} ${'empty p50'.padStart(10)} ${'empty p95'.padStart(10)} ${'filled p50'.padStart(11)} ${'filled p95'.padStart(11)}   target p95 ≤ ${TARGET_P95_MS} ms`);
    filled.forEach((f, i) => {
      const b = baseline[i]!;
      const ms = (v: number) => `${v.toFixed(0)} ms`;
      console.log(`  ${f.page.padEnd(38)} ${ms(b.p50).padStart(10)} ${ms(b.p95).padStart(10)} ${ms(f.p50).padStart(11)} ${ms(f.p95).padStart(11)}   ${f.p95 <= TARGET_P95_MS ? 'ok' : 'OVER'}`);
    });
  } finally {
    await handle.close();
    await scratch?.dispose();
  }
}
