/**
 * Pipeline benchmark: messages per second and p50/p99 latency from "inbound handed to the
 * pipeline" to "reply queued in the outbox" (store + dedupe + staff group? + privacy + unit +
 * open ticket? + decide + render + enqueue), through the pipeline exactly as main.ts wires it
 * (pipeline.assembly.ts: handoff, privacy and unit choice included), the real FAQ engine and
 * catalogue, and the real outbox (its worker sends to an in-memory channel meanwhile, as in production). Runs on PGlite and, when a URL is given, on
 * a throw-away database of that Postgres server.
 *
 * Throughput: residents send one message at a time (each waits for the previous one to be
 * handled), many residents at once. Latency: messages then arrive at the target rate from many
 * residents (an open loop), so the percentiles are those of a loaded but not saturated bot.
 * Baseline beside it: the raw cost of one INSERT into messages on the same database.
 * Each backend runs twice, without and with the query log, and prints the change in throughput.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { createMemoryAdapter } from '../bot/adapters/memory/memory.adapter.js';
import type { ChannelAdapter } from '../bot/core/channel.port.js';
import type { ChannelName, InboundMessage } from '../bot/core/message.types.js';
import { defaultPipelineLimits } from '../bot/core/pipeline.js';
import { createDatabase, type DatabaseHandle } from '../db/client.js';
import { countStatements } from '../db/statement-counter.js';
import { messagesTable } from '../db/messages.table.js';
import { conversationsTable } from '../db/conversations.table.js';
import { loadCatalogueFiles } from '../faq/catalogue.loader.js';
import { createFaqEngine } from '../faq/faq.engine.js';
import type { FaqEngine } from '../faq/faq.engine.port.js';
import { syncUnitsFromData } from '../units/index.js';
import { createLogger } from '../logger.js';
import { assemblePipeline } from '../pipeline.assembly.js';

export type PipelineBenchResult = {
  backend: 'pglite' | 'postgres';
  messages: number;
  residents: number;
  /** Throughput: residents send back to back. */
  messagesPerSecond: number;
  /** Latency is measured with messages arriving at this steady rate (the backend's target). */
  latencyRate: number;
  p50Ms: number;
  p99Ms: number;
  /** Baseline: one INSERT into messages, sequential. */
  insertP50Ms: number;
  insertsPerSecond: number;
  /** Time for the worker to send everything queued, after the last message was handled. */
  outboxDrainMs: number;
  /** CPU of this process per message in the throughput phase (pipeline, engine, outbox worker, driver; PGlite itself too). */
  cpuMsPerMessage: number;
  /** Database statements per message in the throughput phase, the outbox worker's included. */
  statementsPerMessage: number;
};

const TARGETS = { pglite: 100, postgres: 200, p99Ms: 50 };

export async function runPipelineBench({
  databaseUrl,
  dataDir = 'data',
  messages = 2_000,
  residents = 16,
  log = console.log,
  engineCostMs,
}: {
  databaseUrl?: string;
  /** Replace the real engine by a stub that burns this much CPU per message (isolates the pipeline's own cost). */
  engineCostMs?: number;
  dataDir?: string;
  messages?: number;
  residents?: number;
  log?: (line: string) => void;
} = {}): Promise<PipelineBenchResult[]> {
  const questions = loadQuestions({ dataDir });
  const catalogue = loadCatalogueFiles({ dataDir });
  const results: PipelineBenchResult[] = [];

  const backends: Array<{ name: 'pglite' | 'postgres'; open: () => Promise<{ handle: DatabaseHandle; dispose: () => Promise<void> }> }> = [
    { name: 'pglite', open: () => openScratchPglite() },
  ];
  if (databaseUrl) backends.push({ name: 'postgres', open: () => openScratchPostgres({ url: databaseUrl }) });
  // BENCH_BACKEND=postgres (or pglite) runs one backend only: for a CPU profile of just that one.
  const only = process.env.BENCH_BACKEND;
  if (only) backends.splice(0, backends.length, ...backends.filter((b) => b.name === only));

  const engine = engineCostMs === undefined ? 'real FAQ engine' : `real FAQ decisions memoised, ${engineCostMs} ms CPU each`;
  log(`pipeline bench: ${messages} messages from ${residents} residents at once, then a steady stream at the target rate; ${engine} (${catalogue.entries.length} entries)`);
  for (const backend of backends) {
    // Without and with the query log, each on a fresh database, printed one under the other.
    const pair: PipelineBenchResult[] = [];
    for (const queryLogOn of [false, true]) {
      const { handle, dispose } = await backend.open();
      try {
        const result = await benchOne({ handle, backend: backend.name, dataDir, questions, catalogue, messages, residents, engineCostMs, queryLogOn });
        results.push(result);
        pair.push(result);
        const target = TARGETS[backend.name];
        log(
          `  ${backend.name.padEnd(8)} query log ${queryLogOn ? 'on ' : 'off'} ${result.messagesPerSecond.toFixed(0).padStart(5)} msg/s (target ≥${target}${result.messagesPerSecond >= target ? ' ✓' : ' ✗'})` +
            `  | at ${result.latencyRate} msg/s: p50 ${result.p50Ms.toFixed(1)} ms  p99 ${result.p99Ms.toFixed(1)} ms (target ≤${TARGETS.p99Ms}${result.p99Ms <= TARGETS.p99Ms ? ' ✓' : ' ✗'})` +
            `  | baseline: 1 insert p50 ${result.insertP50Ms.toFixed(2)} ms, ${result.insertsPerSecond.toFixed(0)} inserts/s sequential` +
            `  | outbox drained ${result.outboxDrainMs.toFixed(0)} ms later  | CPU ${result.cpuMsPerMessage.toFixed(2)} ms/msg, ${result.statementsPerMessage.toFixed(2)} statements/msg (worker's and query log's included)`,
        );
      } finally {
        await handle.close();
        await dispose();
      }
    }
    const [off, on] = pair;
    if (off && on) {
      const change = (on.messagesPerSecond / off.messagesPerSecond - 1) * 100;
      log(`  ${backend.name.padEnd(8)} query log on vs off: throughput ${change >= 0 ? '+' : ''}${change.toFixed(1)} % (limit −10 %${change >= -10 ? ' ✓' : ' ✗'}), statements/msg ${off.statementsPerMessage.toFixed(2)} → ${on.statementsPerMessage.toFixed(2)}`);
    }
  }
  return results;
}

async function benchOne({
  handle,
  backend,
  dataDir,
  questions,
  catalogue,
  messages,
  residents,
  engineCostMs,
  queryLogOn,
}: {
  queryLogOn: boolean;
  handle: DatabaseHandle;
  backend: 'pglite' | 'postgres';
  dataDir: string;
  questions: string[];
  catalogue: ReturnType<typeof loadCatalogueFiles>;
  messages: number;
  residents: number;
  engineCostMs: number | undefined;
}): Promise<PipelineBenchResult> {
  const logger = createLogger({ level: 'silent' });
  const adapter = createMemoryAdapter();
  const adapters = new Map<ChannelName, ChannelAdapter>([['memory', adapter]]);
  // As at start-up: data/units.yaml seeds the units (its staff groups are on channels this bench does
  // not run, so a ticket gets the honest "no staff group" reply, as in a bot with only the web chat).
  await syncUnitsFromData({ db: handle.db, dataDir });
  // The same wiring as main.ts: handoff, privacy and unit choice are asked about every message.
  const counted = countStatements(handle.db);
  const { pipeline, outbox, outboxWorker: worker, unitsListener, queryLog } = await assemblePipeline({
    queryLogOn,
    database: { ...handle, db: counted.db },
    adapters,
    faq: engineCostMs === undefined ? createFaqEngine(catalogue) : createMemoizedEngine({ catalogue, questions, costMs: engineCostMs }),
    logger,
    retentionDays: 365,
    // Residents here type faster than people do; the throttle is not what is measured.
    limits: { ...defaultPipelineLimits, messagesPerMinute: 1_000_000 },
  });

  // Warm-up (JIT, connection pool, first-contact rows) outside the measurement.
  for (let i = 0; i < 20; i += 1) await pipeline.handle(message({ resident: `warm-${i % 5}`, n: i, text: questions[i % questions.length]! }));

  const baseline = await measureInserts({ handle, count: 300 });

  worker.start();
  // Phase 1, throughput: every resident sends its next message as soon as the previous is handled.
  const perResident = Math.ceil(messages / residents);
  let handled = 0;
  const cpuBefore = process.cpuUsage();
  const statementsBefore = counted.counter.statements;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: residents }, async (_, r) => {
      for (let i = 0; i < perResident && r * perResident + i < messages; i += 1) {
        await pipeline.handle(message({ resident: `r${r}`, n: i, text: questions[(r * 31 + i * 7) % questions.length]! }));
        handled += 1;
      }
    }),
  );
  const elapsedMs = performance.now() - started;
  const drainStarted = performance.now();
  while ((await outbox.pendingCount()).count > 0) await new Promise((r) => setTimeout(r, 20));
  const outboxDrainMs = performance.now() - drainStarted;
  // The query log's last batch belongs to the throughput phase too.
  await queryLog.flush();
  // This process's CPU (pipeline, engine, outbox worker, driver; PGlite's database too) per message handled.
  const cpu = process.cpuUsage(cpuBefore);
  const statementsPerMessage = (counted.counter.statements - statementsBefore) / handled;
  const cpuMsPerMessage = (cpu.user + cpu.system) / 1000 / handled;

  // Phase 2, latency: messages arrive at the target rate (open loop, as from many people), and
  // each one's time from hand-over to "reply queued" is measured.
  const rate = TARGETS[backend];
  const latencyMessages = Math.min(messages, rate * 5);
  const latencies: number[] = [];
  const latencyStarted = performance.now();
  await Promise.all(
    Array.from({ length: latencyMessages }, async (_, i) => {
      const due = latencyStarted + (i * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const t0 = performance.now();
      await pipeline.handle(message({ resident: `l${i % 200}`, n: i, text: questions[(i * 13) % questions.length]! }));
      latencies.push(performance.now() - t0);
    }),
  );
  while ((await outbox.pendingCount()).count > 0) await new Promise((r) => setTimeout(r, 20));
  await worker.stop();
  await queryLog.stop();
  await unitsListener.stop();

  latencies.sort((a, b) => a - b);
  return {
    backend,
    messages: handled,
    residents,
    messagesPerSecond: (handled / elapsedMs) * 1000,
    latencyRate: rate,
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
    insertP50Ms: baseline.p50Ms,
    insertsPerSecond: baseline.perSecond,
    outboxDrainMs,
    cpuMsPerMessage,
    statementsPerMessage,
  };
}

/**
 * The real engine's decisions, computed once up front; each call then costs `costMs` of CPU.
 * Same replies as production, at a chosen engine cost: separates the pipeline's cost from the engine's.
 */
function createMemoizedEngine({ catalogue, questions, costMs }: { catalogue: ReturnType<typeof loadCatalogueFiles>; questions: string[]; costMs: number }): FaqEngine {
  const real = createFaqEngine(catalogue);
  const decisions = new Map(questions.map((q) => [q, real.decide({ text: q })]));
  return {
    ...real,
    decide({ text, context }) {
      const until = performance.now() + costMs;
      while (performance.now() < until);
      return decisions.get(text) ?? real.decide({ text, context });
    },
  };
}

let sequence = 0;
function message({ resident, n, text }: { resident: string; n: number; text: string }): InboundMessage {
  sequence += 1;
  return {
    channel: 'memory',
    conversationRef: `memory:${resident}`,
    chatType: 'private',
    externalMessageId: `bench-${sequence}-${resident}-${n}`,
    sender: { externalUserId: resident, displayName: 'Người dân' },
    text,
    kind: 'text',
    addressedToBot: true,
    receivedAt: new Date(),
  };
}

async function measureInserts({ handle, count }: { handle: DatabaseHandle; count: number }) {
  const [conversation] = await handle.db
    .insert(conversationsTable)
    .values({ channel: 'memory', conversationRef: 'memory:baseline' })
    .returning({ id: conversationsTable.id });
  const times: number[] = [];
  const started = performance.now();
  for (let i = 0; i < count; i += 1) {
    const t0 = performance.now();
    await handle.db.insert(messagesTable).values({ conversationId: conversation!.id, direction: 'in', channel: 'memory', externalId: `baseline-${i}`, text: 'x' });
    times.push(performance.now() - t0);
  }
  const elapsed = performance.now() - started;
  await handle.db.execute(sql`delete from messages where external_id like 'baseline-%'`);
  times.sort((a, b) => a - b);
  return { p50Ms: percentile(times, 0.5), perSecond: (count / elapsed) * 1000 };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
}

/** Questions residents really ask (the labelled dev set), so the engine does realistic work. */
function loadQuestions({ dataDir }: { dataDir: string }): string[] {
  const lines = readFileSync(join(dataDir, 'eval', 'dev.jsonl'), 'utf8').split('\n').filter((l) => l.trim() !== '');
  return lines.map((l) => (JSON.parse(l) as { text: string }).text);
}

/** PGlite in a fresh folder, as `npm start` runs it (files on disk, not memory://), removed afterwards. */
async function openScratchPglite() {
  const dir = mkdtempSync(join(tmpdir(), 'bench-pglite-'));
  const handle = await createDatabase({ pgliteDataDir: dir });
  return { handle, dispose: async () => rmSync(dir, { recursive: true, force: true }) };
}

/** A fresh database on the given server, dropped afterwards, so the bench never touches real data. */
export async function openScratchPostgres({ url }: { url: string }) {
  const name = `bench_${Date.now().toString(36)}_${process.pid}`;
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  await admin.end();
  const scratch = new URL(url);
  scratch.pathname = `/${name}`;
  const handle = await createDatabase({ url: scratch.toString() });
  return {
    handle,
    dispose: async () => {
      const dropper = postgres(url, { max: 1, onnotice: () => {} });
      await dropper.unsafe(`drop database if exists "${name}" with (force)`);
      await dropper.end();
    },
  };
}

// `npx tsx src/bench/pipeline.bench.ts [postgres://…]` runs it directly.
if (import.meta.url === `file://${process.argv[1]}`) {
  const engineCost = process.env.BENCH_ENGINE_COST_MS;
  runPipelineBench({ databaseUrl: process.argv[2] ?? process.env.BENCH_DATABASE_URL, engineCostMs: engineCost ? Number(engineCost) : undefined }).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
