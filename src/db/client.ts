/**
 * The one way to get a database: embedded PGlite when no URL is given, postgres.js otherwise.
 * Both are returned as the same drizzle `Database` type, so no caller can tell (or needs to know) which.
 * Migrations from src/db/migrations are applied before the handle is returned.
 */
import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
// No relational schema: every query names its tables (each module's *.table.ts), so src/db imports no
// feature module. drizzle-kit finds the tables by the glob in drizzle.config.ts.
export type Database = PgDatabase<PgQueryResultHKT>;

export type DatabaseHandle = {
  db: Database;
  /** 'pglite' or 'postgres': for /healthz and logs only; behaviour must not depend on it. */
  kind: 'pglite' | 'postgres';
  /** Resolves with the round-trip time; rejects when the database cannot answer. */
  ping(): Promise<{ latencyMs: number }>;
  /**
   * Postgres LISTEN: `onNotify` runs for every NOTIFY on `channel` from any process (and from this
   * one). On Postgres it also runs each time the listening connection is (re)established, since
   * notifications sent while it was down are lost: a listener that drops a cache re-reads then.
   */
  listen(args: { channel: string; onNotify: (payload: string) => void }): Promise<{ stop(): Promise<void> }>;
  /**
   * A lock only one process holds at a time (a Postgres session advisory lock, on a connection of its
   * own): one Zalo listener per account (DESIGN §7). Not acquired: another process holds it now.
   * `onLost` runs if that connection drops (the lock is then free for another process). PGlite has
   * one process, so the lock is always granted.
   */
  tryLock(args: { name: string; onLost?: () => void }): Promise<{ acquired: boolean; release(): Promise<void> }>;
  /**
   * True when other processes may use this database at the same time (Postgres), so in-process
   * ordering is not enough and `withLock` really locks.
   */
  shared: boolean;
  /**
   * Runs `work` while holding a lock on `key` that every process on the database respects (Postgres:
   * `pg_advisory_xact_lock` in a transaction of its own, on a small pool kept for locks, so the work's
   * queries never wait for a connection the locks hold). The lock ends with the work, or with the
   * connection if the process dies. PGlite has one process: `work` runs at once.
   */
  withLock<T>(args: { key: string; work: () => Promise<T> }): Promise<T>;
  close(): Promise<void>;
};

/**
 * The rows of a raw `db.execute(sql`…`)`: postgres.js returns the rows themselves, PGlite a
 * `{ rows }` object. The caller names the row shape its SQL selects.
 */
export function rowsOf<Row>(result: unknown): Row[] {
  return (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as Row[];
}

export const migrationsFolder = fileURLToPath(new URL('./migrations', import.meta.url));

// Arbitrary constant: serialises migrations when several processes start against one Postgres.
const MIGRATION_LOCK_KEY = 72_431_001;

export class DatabaseStartError extends Error {
  readonly code = 'db.start_failed';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DatabaseStartError';
  }
}

/**
 * @param url postgres://… for a server; undefined for PGlite.
 * @param pgliteDataDir directory for PGlite's files; 'memory://' keeps everything in memory (tests).
 */
export async function createDatabase({
  url,
  pgliteDataDir = 'memory://',
}: {
  url?: string | undefined;
  pgliteDataDir?: string;
}): Promise<DatabaseHandle> {
  return url ? openPostgres(url) : openPglite(pgliteDataDir);
}

async function openPglite(dataDir: string): Promise<DatabaseHandle> {
  const inMemory = dataDir.startsWith('memory://');
  if (!inMemory) mkdirSync(dataDir, { recursive: true });
  const releaseDir = inMemory ? () => {} : lockDataDir(dataDir);
  let client: PGlite;
  try {
    client = await PGlite.create(dataDir);
  } catch (error) {
    releaseDir();
    throw new DatabaseStartError(
      `Could not open the embedded database in ${dataDir}: is another copy of the bot running? ` +
        'Stop it, or set PGLITE_DATA_DIR to another folder.',
      { cause: error },
    );
  }
  const db = drizzlePglite({ client }) as unknown as Database;
  await migratePglite(drizzlePglite({ client }), { migrationsFolder });
  return {
    db,
    kind: 'pglite',
    ping: () => timed(() => db.execute(sql`select 1`)),
    async listen({ channel, onNotify }) {
      // One process owns a PGlite folder, so only its own NOTIFYs arrive here.
      const unlisten = await client.listen(channel, onNotify);
      return { stop: () => (client.closed ? Promise.resolve() : unlisten()) };
    },
    tryLock: async () => ({ acquired: true, release: async () => {} }),
    shared: false,
    withLock: ({ work }) => work(),
    close: async () => {
      if (!client.closed) await client.close();
      releaseDir();
    },
  };
}

/** Another live process (the bot, or a CLI command) has the embedded database open. */
export class DatabaseLockedError extends Error {
  readonly code = 'db.locked';
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(
      `Cơ sở dữ liệu trong ${dataDir} đang được bot (hoặc một lệnh khác, PID ${pid}) sử dụng: hãy dừng bot rồi chạy lại lệnh.\n` +
        `The embedded database in ${dataDir} is in use by process ${pid} (the running bot?): stop it and run the command again, ` +
        'or use PostgreSQL (DATABASE_URL) to run commands while the bot runs.',
    );
    this.name = 'DatabaseLockedError';
  }
}

/**
 * PGlite does not lock its folder, and two processes writing one folder corrupt it. A pid file
 * does: taken exclusively, left by a process that is gone (a crash) it is taken over.
 */
function lockDataDir(dataDir: string): () => void {
  const file = join(dataDir, 'mot-cua.pid');
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      writeFileSync(file, String(process.pid), { flag: 'wx' });
      return () => {
        try {
          if (readFileSync(file, 'utf8') === String(process.pid)) unlinkSync(file);
        } catch {
          // Already gone: nothing to release.
        }
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const pid = Number(readFileSync(file, 'utf8'));
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) throw new DatabaseLockedError(dataDir, pid);
      unlinkSync(file);
    }
  }
  throw new DatabaseLockedError(dataDir, 0);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function openPostgres(url: string): Promise<DatabaseHandle> {
  const client = postgres(url, { max: 10, onnotice: () => {}, connect_timeout: 10 });
  try {
    await migrateWithLock(url);
  } catch (error) {
    await client.end({ timeout: 1 });
    throw new DatabaseStartError(
      `Could not connect to or migrate ${redactUrl(url)}: ${(error as Error).message}. ` +
        'Check DATABASE_URL, that the server is running and the database exists.',
      { cause: error },
    );
  }
  const db = drizzlePostgres({ client: withPreparedStatements(client) }) as unknown as Database;
  // Locks wait on their own pool: at most LOCK_CONNECTIONS keys are held (and handled) at once per process.
  const locks = postgres(url, { max: LOCK_CONNECTIONS, onnotice: () => {}, connect_timeout: 10 });
  return {
    db,
    kind: 'postgres',
    shared: true,
    async withLock({ key, work }) {
      const result = await locks.begin(async (tx) => {
        await tx`select pg_advisory_xact_lock(hashtextextended(${key}, ${LOCK_KEY_SEED}))`;
        return { value: await work() };
      });
      return (result as unknown as { value: Awaited<ReturnType<typeof work>> }).value;
    },
    ping: () => timed(() => client`select 1`),
    async listen({ channel, onNotify }) {
      // postgres.js keeps one extra connection for LISTEN and re-listens after it drops; the third
      // argument runs on every (re)listen.
      const { unlisten } = await client.listen(channel, onNotify, () => onNotify(''));
      return { stop: () => unlisten() };
    },
    tryLock: ({ name, onLost }) => tryAdvisoryLock({ url, name, onLost }),
    close: async () => {
      await Promise.all([client.end({ timeout: 5 }), locks.end({ timeout: 5 })]);
    },
  };
}

/** Keys locked with withLock at once per process (each on a connection of its own). */
const LOCK_CONNECTIONS = 8;
/** Seed of hashtextextended: keeps withLock's keys apart from other advisory locks on the database. */
const LOCK_KEY_SEED = 72_431_002;

/**
 * drizzle tells postgres.js not to prepare its (unnamed) queries, and postgres.js then sends every
 * query that has parameters as "describe", waits for the answer, then "execute": two round trips.
 * Prepared, a query is described once per connection (postgres.js keeps one statement per distinct
 * SQL text) and each later run is one round trip. Transactions run on postgres.js's own handle and
 * keep the default. Behind PgBouncer in transaction mode use PgBouncer ≥ 1.21 (max_prepared_statements).
 */
function withPreparedStatements(client: postgres.Sql): postgres.Sql {
  return new Proxy(client, {
    get(target, property, receiver) {
      if (property !== 'unsafe') return Reflect.get(target, property, receiver);
      return (query: string, parameters?: postgres.ParameterOrJSON<never>[], options?: postgres.UnsafeQueryOptions) =>
        target.unsafe(query, parameters, { ...options, prepare: true });
    },
  });
}

/** Holds `pg_try_advisory_lock(hashtext(name))` on a connection that is never recycled (the lock lives as long as it). */
async function tryAdvisoryLock({ url, name, onLost }: { url: string; name: string; onLost?: () => void }) {
  let releasing = false;
  const lockClient = postgres(url, {
    max: 1,
    idle_timeout: 0,
    max_lifetime: null,
    onnotice: () => {},
    connect_timeout: 10,
    onclose: () => {
      if (!releasing) onLost?.();
    },
  });
  const [row] = await lockClient<Array<{ acquired: boolean }>>`select pg_try_advisory_lock(hashtext(${name})) as acquired`;
  const acquired = row?.acquired === true;
  const release = async () => {
    releasing = true;
    // Ending the session frees the lock; unlocking first says so at once.
    if (acquired) await lockClient`select pg_advisory_unlock(hashtext(${name}))`.catch(() => undefined);
    await lockClient.end({ timeout: 5 });
  };
  if (!acquired) await release();
  return { acquired, release };
}

/** One dedicated connection holds an advisory lock so concurrent starts migrate one at a time. */
async function migrateWithLock(url: string): Promise<void> {
  const lockClient = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 10 });
  try {
    await lockClient`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`;
    await migratePostgres(drizzlePostgres({ client: lockClient }), { migrationsFolder });
    await lockClient`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`;
  } finally {
    await lockClient.end({ timeout: 5 });
  }
}

async function timed(query: () => Promise<unknown>): Promise<{ latencyMs: number }> {
  const started = performance.now();
  await query();
  return { latencyMs: Math.round((performance.now() - started) * 100) / 100 };
}

export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}
