/**
 * A fresh, migrated database per call: in-memory PGlite by default, or a brand-new Postgres database
 * when TEST_DATABASE_URL is set (.ci/run does this for every *.db.test.ts file). Closing drops it.
 */
import postgres from 'postgres';
import { createDatabase, type DatabaseHandle } from '../../src/db/client.js';

export const testDatabaseUrl = process.env.TEST_DATABASE_URL || undefined;
export const backendName = testDatabaseUrl ? 'postgres' : 'pglite';

/** `url` is set on Postgres so a test can open a second connection to the same database. */
export type TestDatabase = DatabaseHandle & { url?: string };

export async function createTestDatabase(): Promise<TestDatabase> {
  if (!testDatabaseUrl) return createDatabase({ pgliteDataDir: 'memory://' });
  const name = `t_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = postgres(testDatabaseUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  await admin.end();
  const url = new URL(testDatabaseUrl);
  url.pathname = `/${name}`;
  const handle = await createDatabase({ url: url.toString() });
  return {
    ...handle,
    url: url.toString(),
    close: async () => {
      await handle.close();
      const dropper = postgres(testDatabaseUrl, { max: 1, onnotice: () => {} });
      await dropper.unsafe(`drop database if exists "${name}" with (force)`);
      await dropper.end();
    },
  };
}
