/**
 * A process crash at a chosen instant, in-process: one embedded PGlite database, and drizzle handles
 * on it that "die" after a given number of commits (a statement outside a transaction, or a whole
 * transaction). After that, every statement of the dead handle hangs forever and never reaches the
 * database, exactly as if the process had been killed right after its k-th commit. A second handle
 * on the same database plays the restarted process.
 */
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import { createDatabase, migrationsFolder, type Database, type DatabaseHandle } from '../../src/db/client.js';

export type KillableDatabase = {
  /** The restarted process's handle (never dies). */
  handle: DatabaseHandle;
  /** A handle for the process to be killed: once armed, it dies after `commits` more commits; `dead` resolves then. */
  doomed(args: { commits: number }): { db: Database; dead: Promise<void>; arm(): void; commitsMade(): number };
  close(): Promise<void>;
};

export async function createKillableDatabase(): Promise<KillableDatabase> {
  const client = await PGlite.create('memory://');
  await migrate(drizzle({ client }), { migrationsFolder });
  const base = await createDatabase({ pgliteDataDir: 'memory://' }); // only for its listen/ping shape
  const db = drizzle({ client }) as unknown as Database;
  const handle: DatabaseHandle = {
    ...base,
    db,
    listen: async ({ channel, onNotify }) => {
      const unlisten = await client.listen(channel, onNotify);
      return { stop: () => (client.closed ? Promise.resolve() : unlisten()) };
    },
    close: async () => {
      await base.close();
      if (!client.closed) await client.close();
    },
  };

  function doomed({ commits }: { commits: number }) {
    let made = 0;
    let armed = false;
    let die: () => void = () => {};
    const dead = new Promise<void>((resolve) => (die = resolve));
    const never = new Promise<never>(() => {});
    const guard = <T>(run: () => Promise<T>): Promise<T> => {
      if (!armed) return run();
      if (made >= commits) return never;
      return run().then((result) => {
        made += 1;
        if (made >= commits) die();
        return result;
      });
    };
    /** Starts counting (statements before, such as the assembly's own, do not count). */
    const arm = () => {
      armed = true;
      if (commits <= 0) die();
    };
    const proxy = new Proxy(client, {
      get(target, property) {
        const value = Reflect.get(target, property, target) as unknown;
        if (typeof value !== 'function') return value;
        if (property === 'query' || property === 'exec' || property === 'transaction') {
          return (...args: unknown[]) => guard(() => (value as (...a: unknown[]) => Promise<unknown>).apply(target, args));
        }
        return (value as (...a: unknown[]) => unknown).bind(target);
      },
    });
    return { db: drizzle({ client: proxy }) as unknown as Database, dead, arm, commitsMade: () => made };
  }

  return { handle, doomed, close: () => handle.close() };
}
