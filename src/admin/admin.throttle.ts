/**
 * Sign-in throttling, kept in the database so every process counts the same tries. Five wrong
 * passwords for one username, or twenty from one address, lock that key for 15 minutes.
 */
import { inArray, sql } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { adminLoginFailuresTable } from './admin.table.js';

export const LOCK_MS = 15 * 60_000;
export const MAX_FAILURES = { user: 5, ip: 20 } as const;

export type LoginKeys = { ip: string; username: string };
export type LoginThrottle = ReturnType<typeof createLoginThrottle>;

const keysOf = ({ ip, username }: LoginKeys) => [`ip:${ip}`, `user:${username.trim().toLowerCase()}`];

export function createLoginThrottle({ db }: { db: Database }) {
  /** The time until which sign-in is refused for these keys, or null. */
  async function lockedUntil({ keys, now }: { keys: LoginKeys; now: Date }): Promise<Date | null> {
    const rows = await db.select().from(adminLoginFailuresTable).where(inArray(adminLoginFailuresTable.key, keysOf(keys)));
    const until = rows.map((r) => r.lockedUntil).filter((d): d is Date => d !== null && d > now);
    return until.length ? new Date(Math.max(...until.map((d) => d.getTime()))) : null;
  }

  /** Counts one failure for the address and the username; a count older than the lock window starts again. */
  async function recordFailure({ keys, now }: { keys: LoginKeys; now: Date }): Promise<void> {
    // Times inside sql`` go as ISO text with a cast: postgres.js cannot bind a bare Date there.
    const windowStart = sql`${new Date(now.getTime() - LOCK_MS).toISOString()}::timestamptz`;
    const nowAt = sql`${now.toISOString()}::timestamptz`;
    const lockAt = new Date(now.getTime() + LOCK_MS);
    const lockAtSql = sql`${lockAt.toISOString()}::timestamptz`;
    for (const key of keysOf(keys)) {
      const max = key.startsWith('ip:') ? MAX_FAILURES.ip : MAX_FAILURES.user;
      await db
        .insert(adminLoginFailuresTable)
        .values({ key, failures: 1, firstFailedAt: now, lockedUntil: max <= 1 ? lockAt : null })
        .onConflictDoUpdate({
          target: adminLoginFailuresTable.key,
          set: {
            failures: sql`case when ${adminLoginFailuresTable.firstFailedAt} < ${windowStart} then 1 else ${adminLoginFailuresTable.failures} + 1 end`,
            firstFailedAt: sql`case when ${adminLoginFailuresTable.firstFailedAt} < ${windowStart} then ${nowAt} else ${adminLoginFailuresTable.firstFailedAt} end`,
            lockedUntil: sql`case when ${adminLoginFailuresTable.firstFailedAt} >= ${windowStart} and ${adminLoginFailuresTable.failures} + 1 >= ${max} then ${lockAtSql} else ${adminLoginFailuresTable.lockedUntil} end`,
          },
        });
    }
  }

  async function clear({ keys }: { keys: LoginKeys }): Promise<void> {
    await db.delete(adminLoginFailuresTable).where(inArray(adminLoginFailuresTable.key, keysOf(keys)));
  }

  return { lockedUntil, recordFailure, clear };
}
