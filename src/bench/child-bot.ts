/**
 * What the upload benchmark and the fault run (tests/fault) need to run the real bot as a child
 * process: its entry file, a free loopback port, and a throw-away Postgres database.
 */
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';

/** `node --import tsx <BOT_ENTRY>` starts the bot exactly as `npm start` does (see bot.process.ts). */
export const BOT_ENTRY = fileURLToPath(new URL('./bot.process.ts', import.meta.url));

/**
 * The built bot (`npm run build` output), as `npm start` and the container run it: what a restart
 * after a crash costs in production. Call `ensureBuilt` first (rebuilds only when src/ is newer).
 */
export const BUILT_BOT_ENTRY = fileURLToPath(new URL('../../dist/bench/bot.process.js', import.meta.url));

export function ensureBuilt(): void {
  execFileSync(process.execPath, [fileURLToPath(new URL('../../scripts/build-if-needed.mjs', import.meta.url))], { stdio: 'inherit' });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.once('error', reject);
  });
}

/** A fresh database on the server of `url`; `drop` removes it (connections included). */
export async function throwAwayDatabase({ url, prefix }: { url: string; prefix: string }): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `${prefix}_${process.pid}_${Date.now().toString(36)}`;
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  await admin.end();
  const target = new URL(url);
  target.pathname = `/${name}`;
  return {
    url: target.toString(),
    drop: async () => {
      const dropper = postgres(url, { max: 1, onnotice: () => {} });
      await dropper.unsafe(`drop database if exists "${name}" with (force)`);
      await dropper.end();
    },
  };
}
