/**
 * Upload benchmark: the real bot process (tsx src/main.ts on a fresh PGlite folder, or a throw-away
 * Postgres database with --pg; uploads in a fresh folder) receives 10 web chat uploads of 10 MB at
 * once, each from its own chat session, while the public /healthz is polled every 50 ms. Printed: the server's RSS before and at its peak (read from /proc), the uploads' time,
 * and /healthz p50/p99 during the burst beside the same measure with no upload in flight (the
 * baseline, same run). Targets: RSS growth < 100 MB, /healthz p99 < 200 ms.
 */
import { spawn } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { BOT_ENTRY, freePort, throwAwayDatabase } from './child-bot.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const UPLOADS = 10;
/** Bursts back to back, so the p99 is read from enough /healthz calls (one burst lasts a few seconds). */
const BURSTS = 5;
const SIZE = 10 * 1024 * 1024 - 1024; // just under the limit

export async function runUploadsBench({ databaseUrl }: { databaseUrl?: string }): Promise<void> {
  const port = await freePort();
  const healthPort = await freePort();
  const pgliteDir = mkdtempSync(join(tmpdir(), 'mcb-bench-uploads-'));
  const uploadsDir = mkdtempSync(join(tmpdir(), 'mcb-bench-uploads-files-'));
  const db = databaseUrl ? await throwAwayDatabase({ url: databaseUrl, prefix: 'bench_uploads' }) : undefined;
  const child = spawn(process.execPath, ['--import', 'tsx', BOT_ENTRY], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', LOG_FORMAT: 'json', PGLITE_DATA_DIR: pgliteDir, UPLOADS_DIR: uploadsDir, HEALTH_PORT: String(healthPort), HEALTH_HOST: '127.0.0.1', DATABASE_URL: db?.url ?? '', TELEGRAM_BOT_TOKEN: '', ZALO_ENABLED: 'false' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitForHealth(`http://127.0.0.1:${healthPort}`);
    // Warm-up: one upload and a few health calls, so the baseline is a running bot, not a cold one.
    const jpeg = photo(SIZE);
    await upload({ base, body: jpeg, resident: 0 });
    const rssBefore = rssOf(child.pid!);
    const idle = await pollHealth({ base, until: sleep(5_000) });

    let peak = rssBefore;
    const sampler = setInterval(() => (peak = Math.max(peak, rssOf(child.pid!))), 20);
    const started = performance.now();
    const bursts = (async () => {
      const answers: Array<number | string> = [];
      for (let i = 0; i < BURSTS; i += 1) answers.push(...(await Promise.all(Array.from({ length: UPLOADS }, (_, n) => upload({ base, body: jpeg, resident: 1 + i * UPLOADS + n })))));
      return answers;
    })();
    const busy = await pollHealth({ base, until: bursts });
    const statuses = await bursts;
    const counts = new Map<string, number>();
    for (const answer of statuses) counts.set(String(answer), (counts.get(String(answer)) ?? 0) + 1);
    const tally = [...counts].map(([answer, n]) => `${n} × ${answer}`);
    const elapsed = performance.now() - started;
    clearInterval(sampler);
    peak = Math.max(peak, rssOf(child.pid!));

    const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(0);
    console.log(`Uploads (${db ? 'Postgres' : 'PGlite'}, the real bot process): ${BURSTS} bursts of ${UPLOADS} concurrent uploads of ${mb(SIZE)} MB`);
    console.log(`  answers: ${tally.join(', ')} in ${(elapsed / 1000).toFixed(1)} s (${(elapsed / BURSTS / 1000).toFixed(1)} s a burst)`);
    console.log(`  server RSS: ${mb(rssBefore)} MB before, ${mb(peak)} MB at peak: growth ${mb(peak - rssBefore)} MB (target < 100 MB)`);
    console.log(`  /healthz during the bursts: p50 ${busy.p50.toFixed(1)} ms, p99 ${busy.p99.toFixed(1)} ms over ${busy.count} calls (target p99 < 200 ms)`);
    console.log(`  baseline, same run, no upload in flight: /healthz p50 ${idle.p50.toFixed(1)} ms, p99 ${idle.p99.toFixed(1)} ms over ${idle.count} calls`);
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    rmSync(pgliteDir, { recursive: true, force: true });
    rmSync(uploadsDir, { recursive: true, force: true });
    await db?.drop();
  }
}

/** A JPEG header followed by filler: what the type check sees is a JPEG, the size is what counts. */
function photo(size: number): Buffer {
  const data = Buffer.alloc(size, 0x5a);
  Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00]).copy(data);
  return data;
}

/**
 * One resident's upload: a session first (its cookie), then the bytes, as the page sends them. Each
 * resident writes from its own loopback address (127.0.0.<resident>), as separate phones would:
 * the chat's per-address limit (30 a minute) is for scripts, and would otherwise stop the bursts.
 */
async function upload({ base, body, resident }: { base: string; body: Buffer; resident: number }): Promise<number | string> {
  const localAddress = `127.0.0.${2 + (resident % 250)}`;
  try {
    const session = await send({ url: `${base}/api/chat/session`, headers: { 'content-type': 'application/json' }, body: Buffer.from('{}'), localAddress });
    const cookie = session.setCookie?.split(';')[0] ?? '';
    const headers = { 'content-type': 'image/jpeg', cookie, 'x-client-message-id': randomUUID(), 'x-file-name': 'giay-to.jpg' };
    return (await send({ url: `${base}/api/chat/uploads`, headers, body, localAddress })).status;
  } catch (error) {
    return `failed (${(error as Error).message})`;
  }
}

function send({ url, headers, body, localAddress }: { url: string; headers: Record<string, string>; body: Buffer; localAddress: string }): Promise<{ status: number; setCookie?: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'POST', headers: { ...headers, 'content-length': String(body.length) }, localAddress }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ...(res.headers['set-cookie'] ? { setCookie: res.headers['set-cookie'][0]! } : {}) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * Polls /healthz every 50 ms from a worker thread until `until` settles: the ten 10 MB request bodies
 * this process pushes at the same time must not delay the poller's own clock (that would measure the
 * benchmark's event loop, not the server's answer).
 */
async function pollHealth({ base, until }: { base: string; until: Promise<unknown> }) {
  const worker = new Worker(POLLER, { eval: true, workerData: { url: `${base}/healthz` } });
  const times = new Promise<number[]>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  await until.catch(() => undefined);
  worker.postMessage('stop');
  const sorted = (await times).sort((a, b) => a - b);
  await worker.terminate();
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return { p50: at(0.5), p99: at(0.99), count: sorted.length };
}

// Plain JavaScript (a worker started with eval: true is not compiled by tsx). A failed call counts as a
// timeout (the slowest possible answer), not as a crash of the bench.
const POLLER = `
const { parentPort, workerData } = require('node:worker_threads');
let stop = false;
parentPort.once('message', () => (stop = true));
(async () => {
  const times = [];
  while (!stop) {
    const t = performance.now();
    const ok = await fetch(workerData.url, { signal: AbortSignal.timeout(5000) }).then((r) => r.arrayBuffer().then(() => true), () => false);
    times.push(ok ? performance.now() - t : 5000);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  parentPort.postMessage(times);
})();
`;

function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
}

async function waitForHealth(base: string) {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    // Up once the web chat channel runs (after the start-up recovery pass): the detailed report says so.
    const health = (await fetch(`${base}/healthz`)
      .then((r) => r.json())
      .catch(() => undefined)) as { channels?: { web?: { state?: string } } } | undefined;
    if (health?.channels?.web?.state === 'running') return;
    await sleep(200);
  }
  throw new Error('the bot did not answer /healthz within 120 s');
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
