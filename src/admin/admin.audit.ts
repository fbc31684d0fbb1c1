/** The audit log: every console change, who made it, when, and the value before and after. */
import { count, desc } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { adminAuditTable } from './admin.table.js';

export type AuditLog = ReturnType<typeof createAuditLog>;
export type AuditEntry = { actor: string; action: string; target: string; before?: unknown; after?: unknown };

export function createAuditLog({ db }: { db: Pick<Database, 'insert' | 'select'> }) {
  async function record(entry: AuditEntry & { at?: Date }): Promise<void> {
    await db.insert(adminAuditTable).values({ ...entry, before: entry.before ?? null, after: entry.after ?? null, ...(entry.at ? { at: entry.at } : {}) });
  }

  async function list({ limit = 50, offset = 0 }: { limit?: number; offset?: number } = {}) {
    const rows = await db.select().from(adminAuditTable).orderBy(desc(adminAuditTable.at), desc(adminAuditTable.id)).limit(limit).offset(offset);
    const [total] = await db.select({ n: count() }).from(adminAuditTable);
    return { rows, total: total?.n ?? 0 };
  }

  return { record, list };
}
