/** Console accounts: create, list, change password, remove. Usernames are stored lowercase. */
import { asc, eq } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { unitsTable } from '../db/units.table.js';
import { AdminError } from './admin.errors.js';
import { hashPassword } from './admin.passwords.js';
import { adminAccountsTable, adminSessionsTable, type AdminAccountRow, type AdminRole } from './admin.table.js';

export type AdminAccount = Pick<AdminAccountRow, 'id' | 'username' | 'role' | 'unitId' | 'staffId'>;
export type AdminRepository = ReturnType<typeof createAdminRepository>;

const USERNAME = /^[a-z0-9][a-z0-9._-]{1,39}$/;

export function normaliseUsername(username: string): string {
  return username.trim().toLowerCase();
}

export function createAdminRepository({ db }: { db: Database }) {
  /** `staffId`: the unit's registered staff member this person is (checked by the caller against the unit's staff). */
  async function addAccount({ username: raw, password, role, unitId, staffId }: { username: string; password: string; role: AdminRole; unitId?: string | null; staffId?: string | null }) {
    const username = normaliseUsername(raw);
    if (!USERNAME.test(username)) throw new AdminError('admin.invalid_input', `"${raw}" is not a usable username: 2–40 letters, digits, dot, dash or underscore.`);
    if (role === 'province' && unitId) throw new AdminError('admin.invalid_input', 'A province admin acts for every unit: leave out --unit.');
    if (staffId && role === 'province') throw new AdminError('admin.invalid_input', 'A staff member belongs to one unit: give the account --role unit or staff with --unit.');
    if (role !== 'province' && !unitId) throw new AdminError('admin.invalid_input', `A ${role} account needs --unit <unit id> (see \`npm run cli -- units list\`).`);
    if (unitId) {
      const [unit] = await db.select({ id: unitsTable.id }).from(unitsTable).where(eq(unitsTable.id, unitId));
      if (!unit) throw new AdminError('admin.unknown_unit', `There is no unit "${unitId}": see \`npm run cli -- units list\`.`);
    }
    const { hash } = await hashPassword({ password });
    const [account] = await db
      .insert(adminAccountsTable)
      .values({ username, passwordHash: hash, role, unitId: unitId ?? null, staffId: staffId ?? null })
      .onConflictDoNothing()
      .returning();
    if (!account) throw new AdminError('admin.username_taken', `The username "${username}" is taken: choose another, or use \`admin passwd ${username}\`.`);
    return { account: toAccount(account) };
  }

  async function findByUsername({ username }: { username: string }) {
    const [row] = await db.select().from(adminAccountsTable).where(eq(adminAccountsTable.username, normaliseUsername(username)));
    return { account: row };
  }

  async function getAccount({ id }: { id: number }) {
    const [row] = await db.select().from(adminAccountsTable).where(eq(adminAccountsTable.id, id));
    if (!row) throw new AdminError('admin.not_found', `No admin account ${id}.`);
    return { account: toAccount(row) };
  }

  async function listAccounts() {
    const rows = await db.select().from(adminAccountsTable).orderBy(asc(adminAccountsTable.username));
    return { accounts: rows.map((row) => ({ ...toAccount(row), createdAt: row.createdAt, passwordChangedAt: row.passwordChangedAt })) };
  }

  /** Sets a new password and signs the account out everywhere. */
  async function setPassword({ username, password }: { username: string; password: string }) {
    const { hash } = await hashPassword({ password });
    return db.transaction(async (tx) => {
      const [row] = await tx
        .update(adminAccountsTable)
        .set({ passwordHash: hash, passwordChangedAt: new Date(), updatedAt: new Date() })
        .where(eq(adminAccountsTable.username, normaliseUsername(username)))
        .returning();
      if (!row) throw new AdminError('admin.not_found', `No admin account "${username}": see \`npm run cli -- admin list\`.`);
      await tx.delete(adminSessionsTable).where(eq(adminSessionsTable.accountId, row.id));
      return { account: toAccount(row) };
    });
  }

  /** Removes the account and its sessions; the audit log keeps its name. */
  async function removeAccount({ username }: { username: string }) {
    const [row] = await db.delete(adminAccountsTable).where(eq(adminAccountsTable.username, normaliseUsername(username))).returning();
    if (!row) throw new AdminError('admin.not_found', `No admin account "${username}": see \`npm run cli -- admin list\`.`);
    return { account: toAccount(row) };
  }

  return { addAccount, findByUsername, getAccount, listAccounts, setPassword, removeAccount };
}

function toAccount(row: AdminAccountRow): AdminAccount {
  return { id: row.id, username: row.username, role: row.role, unitId: row.unitId, staffId: row.staffId };
}
