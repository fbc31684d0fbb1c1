/**
 * Did the last message to each (staff) group get through? Read from the outbox itself (the newest sent
 * or failed handoff row whose meta names the group), so the answer survives restarts and is the same
 * whichever of several processes is asked. A row being retried is not an outcome yet; a topic that
 * vanished and was re-created shows the re-sent row once it is out.
 */
import { and, desc, sql } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import { outboxTable } from './outbox.table.js';

export type GroupHealth = Record<string, { ok: boolean; lastError?: string; at: Date }>;

export async function readGroupHealth({ db, groupRefs }: { db: Database; groupRefs: string[] }): Promise<{ health: GroupHealth }> {
  const health: GroupHealth = {};
  const unique = [...new Set(groupRefs)];
  const outcomes = await Promise.all(
    unique.map(async (groupRef) => {
      // Literal predicates (not parameters) so the planner matches outbox_group_ref_finished_idx.
      const [row] = await db
        .select({ status: outboxTable.status, lastError: outboxTable.lastError, sentAt: outboxTable.sentAt, triedAt: outboxTable.nextAttemptAt })
        .from(outboxTable)
        .where(and(sql`${outboxTable.meta}->>'groupRef' = ${groupRef}`, sql`${outboxTable.status} in ('sent', 'failed')`))
        .orderBy(desc(outboxTable.id))
        .limit(1);
      return { groupRef, row };
    }),
  );
  for (const { groupRef, row } of outcomes) {
    if (!row) continue; // nothing sent there yet
    health[groupRef] =
      row.status === 'sent'
        ? { ok: true, at: row.sentAt ?? row.triedAt }
        : { ok: false, ...(row.lastError ? { lastError: row.lastError } : {}), at: row.triedAt };
  }
  return { health };
}
