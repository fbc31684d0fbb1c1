/**
 * The real process, as an operator starts it: `npm start` (prestart builds dist/ when needed, then
 * plain `node dist/main.js`), and `node dist/main.js` as PID 1 of its own PID namespace, as in a
 * container. Nothing configured (embedded PGlite in a temp dir): /healthz answers 200, and SIGTERM
 * to the started process stops it gracefully ("stopped" logged, exit code 0) within 10 s, leaving no
 * process behind (before the build, SIGTERM to `npm start` left tsx's child running, orphaned).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = new URL('..', import.meta.url).pathname;
const pgliteDir = mkdtempSync(join(tmpdir(), 'main-process-'));
const canUnshare = (() => {
  try {
    execFileSync('unshare', ['--pid', '--fork', '--mount-proc', 'true'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function healthz(port: number): Promise<number | undefined> {
  try {
    return (await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(2000) })).status;
  } catch {
    return undefined;
  }
}

type Started = { child: ChildProcess; port: number; output: () => string; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }> };

async function start(command: string, args: string[]): Promise<Started> {
  const port = await freePort();
  const child = spawn(command, args, {
    cwd: root,
    // Its own process group, so the test can check that nothing of it outlives the signal.
    detached: true,
    env: { ...process.env, PORT: String(port), PGLITE_DATA_DIR: pgliteDir, LOG_FORMAT: 'json', LOG_LEVEL: 'info', TELEGRAM_BOT_TOKEN: '', ZALO_ENABLED: 'false', DATABASE_URL: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const deadline = Date.now() + 180_000;
  while ((await healthz(port)) !== 200) {
    if (child.exitCode !== null) throw new Error(`exited before serving /healthz:\n${output}`);
    if (Date.now() > deadline) throw new Error(`no /healthz 200 within 180 s:\n${output}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return { child, port, output: () => output, exited };
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

const started: Started[] = [];
beforeAll(() => {
  execFileSync(process.execPath, [join(root, 'scripts/build-if-needed.mjs')], { stdio: 'ignore' });
}, 300_000);
afterAll(() => {
  for (const s of started) if (s.child.pid && groupAlive(s.child.pid)) process.kill(-s.child.pid, 'SIGKILL');
  rmSync(pgliteDir, { recursive: true, force: true });
});

/** `target`: the pid that receives SIGTERM (default: the started process itself). */
async function stopsGracefully(s: Started, target = s.child.pid!) {
  const sent = Date.now();
  process.kill(target, 'SIGTERM');
  const { code, signal } = await s.exited;
  const tookMs = Date.now() - sent;
  // node exits 0; npm, once its script is done, re-raises the signal it received on itself.
  expect(code === 0 || signal === 'SIGTERM').toBe(true);
  expect(tookMs).toBeLessThan(10_000);
  expect(s.output()).toContain('"msg":"stopped"');
  // Nothing of it keeps running or serving its port.
  await new Promise((r) => setTimeout(r, 300));
  expect(groupAlive(s.child.pid!)).toBe(false);
  expect(await healthz(s.port)).toBeUndefined();
}

describe('the started process', { timeout: 240_000 }, () => {
  it('`npm start` serves /healthz with nothing configured and stops on SIGTERM within 10 s', async () => {
    const s = await start('npm', ['start', '--silent']);
    started.push(s);
    await stopsGracefully(s);
  });

  it.runIf(canUnshare)('`node dist/main.js` as PID 1 (a container) stops on SIGTERM within 10 s', async () => {
    const s = await start('unshare', ['--pid', '--fork', '--mount-proc', '--kill-child', process.execPath, 'dist/main.js']);
    started.push(s);
    // Like `docker stop`: the signal goes from outside to the namespace's PID 1 (node), which the
    // kernel only delivers because node handles SIGTERM; unshare then exits with node's status.
    const pid1 = Number(execFileSync('ps', ['-o', 'pid=', '--ppid', String(s.child.pid)], { encoding: 'utf8' }).trim());
    expect(execFileSync('ps', ['-o', 'args=', '-p', String(pid1)], { encoding: 'utf8' })).toContain('dist/main.js');
    await stopsGracefully(s, pid1);
  });
});
