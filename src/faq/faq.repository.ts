/**
 * The catalogue in the database: the live entries the engine serves and their revision history.
 * data/faq seeds it (new ids, and entries nobody saved in the database since: edits made there are
 * never overwritten by a restart);
 * every save appends a revision.
 */
import { and, asc, desc, eq, inArray } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { parseFaqEntry } from './catalogue.schema.js';
import { faqEntriesTable, faqRevisionsTable } from './faq.table.js';
import type { FaqEntry } from './faq.types.js';

export type FaqRepository = ReturnType<typeof createFaqRepository>;

export class FaqEntryInvalidError extends Error {
  readonly code = 'faq.entry_invalid';
  constructor(
    readonly entryId: string,
    readonly problems: string[],
  ) {
    super(`FAQ entry "${entryId}" is invalid: ${problems.join('; ')}`);
    this.name = 'FaqEntryInvalidError';
  }
}

/** Same entry content, whatever the key order jsonb gave back. */
function sameData(a: unknown, b: unknown): boolean {
  return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).sort(([x], [y]) => x.localeCompare(y)).map(([k, v]) => [k, sortKeys(v)]));
  }
  return value;
}

export function createFaqRepository({ db }: { db: Database }) {
  /** Published entries that still pass validation (a bad row is reported, never served). */
  async function listPublished(): Promise<{ entries: FaqEntry[]; invalid: Array<{ id: string; problems: string[] }> }> {
    const rows = await db.select().from(faqEntriesTable).where(eq(faqEntriesTable.status, 'published')).orderBy(asc(faqEntriesTable.id));
    const entries: FaqEntry[] = [];
    const invalid: Array<{ id: string; problems: string[] }> = [];
    for (const row of rows) {
      const parsed = parseFaqEntry(row.data);
      if ('entry' in parsed) entries.push(parsed.entry);
      else invalid.push({ id: row.id, problems: parsed.problems });
    }
    return { entries, invalid };
  }

  /**
   * Inserts entries whose id is not in the database yet, and refreshes entries whose live row still
   * came from data/ (nobody saved them in the console) when the file changed: a corrected fee or a
   * new schema field reaches the bot at the next start. Entries an admin saved are left as they are.
   */
  async function seed({ entries, author = 'data/' }: { entries: FaqEntry[]; author?: string }): Promise<{ inserted: string[]; updated: string[] }> {
    if (entries.length === 0) return { inserted: [], updated: [] };
    return db.transaction(async (tx) => {
      const existing = await tx
        .select({ id: faqEntriesTable.id, revision: faqEntriesTable.revision, updatedBy: faqEntriesTable.updatedBy, data: faqEntriesTable.data })
        .from(faqEntriesTable)
        .where(inArray(faqEntriesTable.id, entries.map((e) => e.id)))
        .for('update');
      const known = new Map(existing.map((r) => [r.id, r]));
      const fresh = entries.filter((e) => !known.has(e.id));
      const changed = entries.filter((e) => {
        const row = known.get(e.id);
        return row !== undefined && row.updatedBy === author && !sameData(row.data, e);
      });
      if (fresh.length > 0) {
        await tx.insert(faqEntriesTable).values(fresh.map((e) => ({ id: e.id, data: e, updatedBy: author }))).onConflictDoNothing();
        await tx
          .insert(faqRevisionsTable)
          .values(fresh.map((e) => ({ entryId: e.id, revision: 1, data: e, author, note: 'imported' })))
          .onConflictDoNothing();
      }
      for (const entry of changed) {
        const revision = known.get(entry.id)!.revision + 1;
        await tx.update(faqEntriesTable).set({ data: entry, revision, updatedAt: new Date() }).where(eq(faqEntriesTable.id, entry.id));
        await tx.insert(faqRevisionsTable).values({ entryId: entry.id, revision, data: entry, author, note: 'updated from data/' });
      }
      return { inserted: fresh.map((e) => e.id), updated: changed.map((e) => e.id) };
    });
  }

  /**
   * Saves an entry (create or edit) as a new revision. `expectedRevision` guards against two admins
   * overwriting each other: a stale revision is refused.
   */
  async function saveEntry({
    entry: raw,
    author,
    note,
    status = 'published',
    expectedRevision,
  }: {
    entry: unknown;
    author: string;
    note?: string;
    status?: 'published' | 'draft' | 'archived';
    expectedRevision?: number;
  }): Promise<{ entry: FaqEntry; revision: number }> {
    const parsed = parseFaqEntry(raw);
    if ('problems' in parsed) throw new FaqEntryInvalidError(String((raw as { id?: unknown })?.id ?? '?'), parsed.problems);
    const { entry } = parsed;
    return db.transaction(async (tx) => {
      const [current] = await tx.select().from(faqEntriesTable).where(eq(faqEntriesTable.id, entry.id)).for('update');
      if (expectedRevision !== undefined && (current?.revision ?? 0) !== expectedRevision) {
        throw new FaqEntryInvalidError(entry.id, [`was changed by someone else (revision ${current?.revision ?? 0}, you edited ${expectedRevision}); reload and try again`]);
      }
      const revision = (current?.revision ?? 0) + 1;
      if (current) {
        await tx
          .update(faqEntriesTable)
          .set({ data: entry, status, revision, updatedBy: author, updatedAt: new Date() })
          .where(and(eq(faqEntriesTable.id, entry.id), eq(faqEntriesTable.revision, current.revision)));
      } else {
        await tx.insert(faqEntriesTable).values({ id: entry.id, data: entry, status, revision, updatedBy: author });
      }
      await tx.insert(faqRevisionsTable).values({ entryId: entry.id, revision, data: entry, author, note: note ?? null });
      return { entry, revision };
    });
  }

  async function listRevisions({ entryId }: { entryId: string }) {
    const revisions = await db.select().from(faqRevisionsTable).where(eq(faqRevisionsTable.entryId, entryId)).orderBy(desc(faqRevisionsTable.revision));
    return { revisions };
  }

  return { listPublished, seed, saveEntry, listRevisions };
}
