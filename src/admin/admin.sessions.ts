/**
 * Server-side console sessions. The browser holds a random token; the database holds its SHA-256,
 * the account, a CSRF token and two times: a session ends 30 min after its last request (idle) and
 * 12 h after sign-in (absolute), whichever comes first.
 */
import { createHash, randomBytes } from 'node:crypto';
import { and, eq, lt, or } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { adminAccountsTable, adminSessionsTable } from './admin.table.js';
import type { AdminAccount } from './admin.repository.js';

export const SESSION_IDLE_MS = 30 * 60_000;
export const SESSION_ABSOLUTE_MS = 12 * 60 * 60_000;
/** lastSeenAt is written at most this often, so reading a page is not a write per request. */
const TOUCH_EVERY_MS = 60_000;

export type AdminSession = { id: string; csrfToken: string; account: AdminAccount; createdAt: Date; lastSeenAt: Date };
export type AdminSessions = ReturnType<typeof createAdminSessions>;

const digest = (token: string) => createHash('sha256').update(token).digest('hex');

export function createAdminSessions({ db }: { db: Database }) {
  async function create({ accountId, now }: { accountId: number; now: Date }): Promise<{ token: string }> {
    const token = randomBytes(32).toString('base64url');
    await db.insert(adminSessionsTable).values({ id: digest(token), accountId, csrfToken: randomBytes(24).toString('base64url'), createdAt: now, lastSeenAt: now });
    return { token };
  }

  /** The live session of a cookie value, touched; `expired` tells a timed-out session from none at all. */
  async function resume({ token, now }: { token: string; now: Date }): Promise<{ session?: AdminSession; expired: boolean }> {
    const id = digest(token);
    const [row] = await db
      .select({ session: adminSessionsTable, account: { id: adminAccountsTable.id, username: adminAccountsTable.username, role: adminAccountsTable.role, unitId: adminAccountsTable.unitId, staffId: adminAccountsTable.staffId } })
      .from(adminSessionsTable)
      .innerJoin(adminAccountsTable, eq(adminAccountsTable.id, adminSessionsTable.accountId))
      .where(eq(adminSessionsTable.id, id));
    if (!row) return { expired: false };
    const { session, account } = row;
    if (isExpired({ createdAt: session.createdAt, lastSeenAt: session.lastSeenAt, now })) {
      await db.delete(adminSessionsTable).where(eq(adminSessionsTable.id, id));
      return { expired: true };
    }
    let lastSeenAt = session.lastSeenAt;
    if (now.getTime() - lastSeenAt.getTime() >= TOUCH_EVERY_MS) {
      lastSeenAt = now;
      await db.update(adminSessionsTable).set({ lastSeenAt: now }).where(eq(adminSessionsTable.id, id));
    }
    return { session: { id, csrfToken: session.csrfToken, account, createdAt: session.createdAt, lastSeenAt }, expired: false };
  }

  async function end({ token }: { token: string }): Promise<void> {
    await db.delete(adminSessionsTable).where(eq(adminSessionsTable.id, digest(token)));
  }

  /** Drops every expired session (run now and then; expired sessions are refused anyway). */
  async function sweep({ now }: { now: Date }): Promise<{ removed: number }> {
    const rows = await db
      .delete(adminSessionsTable)
      .where(or(lt(adminSessionsTable.lastSeenAt, new Date(now.getTime() - SESSION_IDLE_MS)), lt(adminSessionsTable.createdAt, new Date(now.getTime() - SESSION_ABSOLUTE_MS))))
      .returning({ id: adminSessionsTable.id });
    return { removed: rows.length };
  }

  async function endAllOf({ accountId, exceptId }: { accountId: number; exceptId?: string }): Promise<void> {
    const all = await db.select({ id: adminSessionsTable.id }).from(adminSessionsTable).where(eq(adminSessionsTable.accountId, accountId));
    for (const { id } of all) if (id !== exceptId) await db.delete(adminSessionsTable).where(and(eq(adminSessionsTable.id, id)));
  }

  return { create, resume, end, sweep, endAllOf };
}

/** Pure: has a session passed its idle or absolute limit at `now`? */
export function isExpired({ createdAt, lastSeenAt, now }: { createdAt: Date; lastSeenAt: Date; now: Date }): boolean {
  return now.getTime() - lastSeenAt.getTime() >= SESSION_IDLE_MS || now.getTime() - createdAt.getTime() >= SESSION_ABSOLUTE_MS;
}
