/**
 * The catalogue in the database: the published entries the engine serves, drafts, and the revision
 * history. data/faq seeds a new installation; afterwards the database is the truth: a changed data
 * file is offered as a draft (never applied silently), and console edits are never overwritten;
 * only a published row the current schema refuses (never served) is replaced by its file.
 * Writes live in faq.editing.ts.
 */
import { createHash } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { and, asc, count, desc, eq, max, sql } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { entryOverrideSchema, parseFaqEntry } from './catalogue.schema.js';
import { faqEntriesTable, faqOverrideRevisionsTable, faqOverridesTable, faqRevisionsTable, type FaqEntryRow } from './faq.table.js';
import type { EntryOverride, FaqEntry, UnitOverride } from './faq.types.js';

export type FaqRepository = ReturnType<typeof createFaqRepository>;

/** Postgres NOTIFY channel: "the published catalogue changed"; every bot process reloads its engine (faq.sync.ts). */
export const FAQ_CHANGED_CHANNEL = 'faq_changed';

export async function notifyFaqChanged(db: Pick<Database, 'execute'>): Promise<void> {
  await db.execute(sql`select pg_notify(${FAQ_CHANGED_CHANNEL}, '')`);
}

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

/** Fingerprint of an entry's content, independent of key order. */
export function entryFingerprint(entry: unknown): string {
  return createHash('sha256').update(stableJson(entry)).digest('hex').slice(0, 32);
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    return `{${Object.keys(obj)
      .filter((k) => obj[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson(obj[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

export const sameContent = (a: unknown, b: unknown) => isDeepStrictEqual(JSON.parse(stableJson(a)), JSON.parse(stableJson(b)));

export type CatalogueListItem = {
  id: string;
  status: FaqEntryRow['status'];
  /** The working copy: the draft when there is one, else what is published. */
  data: Record<string, unknown>;
  revision: number;
  publishedRevision: number | null;
  draftRevision: number | null;
  needsReview: boolean;
  unitId: string | null;
  lastKind: string | null;
  lastNote: string | null;
  lastAuthor: string | null;
  updatedAt: Date;
};

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

  /** Cheap signature of the published catalogue and the units' overrides: the TTL check reloads only when it moved. */
  async function publishedSignature(): Promise<{ signature: string }> {
    const [row] = await db
      .select({ n: count(), last: max(faqEntriesTable.updatedAt) })
      .from(faqEntriesTable)
      .where(eq(faqEntriesTable.status, 'published'));
    const [own] = await db.select({ n: count(), last: max(faqOverridesTable.updatedAt), revisions: sql<string>`sum(${faqOverridesTable.revision})` }).from(faqOverridesTable);
    return { signature: `${row?.n ?? 0}:${row?.last?.getTime() ?? 0}:${own?.n ?? 0}:${own?.last?.getTime() ?? 0}:${own?.revisions ?? 0}` };
  }

  /** Every unit's override in force (a row the schema refuses is reported, never served). */
  async function listOverrides(): Promise<{ overrides: UnitOverride[]; invalid: Array<{ id: string; problems: string[] }> }> {
    const rows = await db.select().from(faqOverridesTable).orderBy(asc(faqOverridesTable.entryId), asc(faqOverridesTable.unitId));
    const overrides: UnitOverride[] = [];
    const invalid: Array<{ id: string; problems: string[] }> = [];
    for (const row of rows) {
      if (!row.data) continue;
      const parsed = entryOverrideSchema.safeParse(row.data);
      if (parsed.success) overrides.push({ entryId: row.entryId, unitId: row.unitId, override: parsed.data as EntryOverride });
      else invalid.push({ id: `${row.entryId}@${row.unitId}`, problems: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) });
    }
    return { overrides, invalid };
  }

  /** The overrides of one entry, per unit (removed ones included, with data null). */
  async function overridesOf({ entryId }: { entryId: string }) {
    const rows = await db.select().from(faqOverridesTable).where(eq(faqOverridesTable.entryId, entryId)).orderBy(asc(faqOverridesTable.unitId));
    return { overrides: rows };
  }

  /** One unit's override of one entry with its revisions, newest first. */
  async function getOverride({ entryId, unitId }: { entryId: string; unitId: string }) {
    const [row] = await db.select().from(faqOverridesTable).where(and(eq(faqOverridesTable.entryId, entryId), eq(faqOverridesTable.unitId, unitId)));
    const revisions = await db
      .select()
      .from(faqOverrideRevisionsTable)
      .where(and(eq(faqOverrideRevisionsTable.entryId, entryId), eq(faqOverrideRevisionsTable.unitId, unitId)))
      .orderBy(desc(faqOverrideRevisionsTable.revision));
    return { row, revisions };
  }

  /**
   * data/faq into the database. A new id is inserted and published. For a known id, a file that
   * changed since it was last seen is offered as a draft to review (needs_review), never applied;
   * an unchanged file does nothing, so a restart never touches console edits.
   */
  async function seed({ entries, author = 'data/' }: { entries: FaqEntry[]; author?: string }): Promise<{ inserted: string[]; offered: string[]; updated: string[] }> {
    if (entries.length === 0) return { inserted: [], offered: [], updated: [] };
    return db.transaction(async (tx) => {
      const existing = await tx.select().from(faqEntriesTable);
      const byId = new Map(existing.map((row) => [row.id, row]));
      const inserted: string[] = [];
      const offered: string[] = [];
      const updated: string[] = [];
      for (const entry of entries) {
        const hash = entryFingerprint(entry);
        const row = byId.get(entry.id);
        if (!row) {
          await tx.insert(faqEntriesTable).values({ id: entry.id, data: entry, status: 'published', revision: 1, publishedRevision: 1, seedHash: hash, updatedBy: author });
          await tx.insert(faqRevisionsTable).values({ entryId: entry.id, revision: 1, data: entry, kind: 'seed', author, note: `data/faq/${entry.id}.yaml`, publishedAt: new Date(), publishedBy: author });
          inserted.push(entry.id);
          continue;
        }
        if (row.seedHash === hash) continue;
        const working = row.draftRevision ? await revisionData(tx, entry.id, row.draftRevision) : row.data;
        if (sameContent(working, entry) || (row.seedHash === null && sameContent(row.data, entry))) {
          await tx.update(faqEntriesTable).set({ seedHash: hash }).where(eq(faqEntriesTable.id, entry.id));
          continue;
        }
        const revision = row.revision + 1;
        // A published row the current schema refuses is not served at all (e.g. written before a
        // schema change): when nobody edited it in the console, the file replaces it at once.
        if (!row.editedInConsole && row.status === 'published' && 'problems' in parseFaqEntry(row.data)) {
          await tx.insert(faqRevisionsTable).values({ entryId: entry.id, revision, data: entry, kind: 'seed', author, note: `data/faq/${entry.id}.yaml (bản cũ không còn hợp lệ)`, publishedAt: new Date(), publishedBy: author });
          await tx
            .update(faqEntriesTable)
            .set({ data: entry, revision, publishedRevision: revision, draftRevision: null, needsReview: false, seedHash: hash, updatedBy: author, updatedAt: new Date() })
            .where(eq(faqEntriesTable.id, entry.id));
          updated.push(entry.id);
          continue;
        }
        await tx.insert(faqRevisionsTable).values({ entryId: entry.id, revision, data: entry, kind: 'data', author, note: `data/faq/${entry.id}.yaml đã thay đổi: xem lại rồi xuất bản` });
        await tx.update(faqEntriesTable).set({ revision, draftRevision: revision, needsReview: true, seedHash: hash, updatedBy: author, updatedAt: new Date() }).where(eq(faqEntriesTable.id, entry.id));
        offered.push(entry.id);
      }
      if (inserted.length > 0 || updated.length > 0) await notifyFaqChanged(tx);
      return { inserted, offered, updated };
    });
  }

  /** Every entry with its working copy and last change, for the console list. */
  async function listForConsole(): Promise<{ items: CatalogueListItem[] }> {
    // One jsonb per entry: the draft's when there is one, else the published one.
    const working = sql<Record<string, unknown>>`case when ${faqEntriesTable.draftRevision} = ${faqEntriesTable.revision} then ${faqRevisionsTable.data} else ${faqEntriesTable.data} end`;
    const rows = await db
      .select({
        id: faqEntriesTable.id,
        status: faqEntriesTable.status,
        data: working.mapWith((v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v) as Record<string, unknown>),
        revision: faqEntriesTable.revision,
        publishedRevision: faqEntriesTable.publishedRevision,
        draftRevision: faqEntriesTable.draftRevision,
        needsReview: faqEntriesTable.needsReview,
        unitId: faqEntriesTable.unitId,
        lastKind: faqRevisionsTable.kind,
        lastNote: faqRevisionsTable.note,
        lastAuthor: sql<string | null>`coalesce(${faqRevisionsTable.author}, ${faqEntriesTable.updatedBy})`,
        updatedAt: faqEntriesTable.updatedAt,
      })
      .from(faqEntriesTable)
      .leftJoin(faqRevisionsTable, and(eq(faqRevisionsTable.entryId, faqEntriesTable.id), eq(faqRevisionsTable.revision, faqEntriesTable.revision)))
      .orderBy(asc(faqEntriesTable.id));
    return { items: rows };
  }

  /** One entry: its row, the published content and the draft (when there is one). */
  async function getEntry({ id }: { id: string }) {
    const [row] = await db.select().from(faqEntriesTable).where(eq(faqEntriesTable.id, id));
    if (!row) return { row: undefined };
    const draft = row.draftRevision ? { revision: row.draftRevision, data: await revisionData(db, id, row.draftRevision) } : undefined;
    return { row, published: row.status === 'published' ? row.data : undefined, draft };
  }

  /** Every published entry with drafts laid over it: the catalogue as it would be if all were published. */
  async function listWorkingCopies(): Promise<{ entries: FaqEntry[] }> {
    const { items } = await listForConsole();
    const entries: FaqEntry[] = [];
    for (const item of items) {
      if (item.status === 'archived') continue;
      const parsed = parseFaqEntry(item.data);
      if ('entry' in parsed) entries.push(parsed.entry);
    }
    return { entries };
  }

  async function listRevisions({ entryId }: { entryId: string }) {
    const revisions = await db.select().from(faqRevisionsTable).where(eq(faqRevisionsTable.entryId, entryId)).orderBy(desc(faqRevisionsTable.revision));
    return { revisions };
  }

  /** Revisions newest first without their content (history lists, the editor's last note). */
  async function listRevisionSummaries({ entryId, limit }: { entryId: string; limit?: number }) {
    const query = db
      .select({
        revision: faqRevisionsTable.revision,
        kind: faqRevisionsTable.kind,
        author: faqRevisionsTable.author,
        note: faqRevisionsTable.note,
        createdAt: faqRevisionsTable.createdAt,
        publishedAt: faqRevisionsTable.publishedAt,
        publishedBy: faqRevisionsTable.publishedBy,
      })
      .from(faqRevisionsTable)
      .where(eq(faqRevisionsTable.entryId, entryId))
      .orderBy(desc(faqRevisionsTable.revision));
    return { revisions: await (limit ? query.limit(limit) : query) };
  }

  /** Moves whenever any entry or draft changes: the console rebuilds its draft engine only then. */
  async function catalogueSignature(): Promise<{ signature: string }> {
    const [row] = await db.select({ n: count(), last: max(faqEntriesTable.updatedAt), revisions: sql<string>`sum(${faqEntriesTable.revision})` }).from(faqEntriesTable);
    return { signature: `${row?.n ?? 0}:${row?.last?.getTime() ?? 0}:${row?.revisions ?? 0}` };
  }

  async function getRevision({ entryId, revision }: { entryId: string; revision: number }) {
    const [row] = await db.select().from(faqRevisionsTable).where(and(eq(faqRevisionsTable.entryId, entryId), eq(faqRevisionsTable.revision, revision)));
    return { revision: row };
  }

  return { listPublished, listOverrides, overridesOf, getOverride, publishedSignature, catalogueSignature, seed, listForConsole, getEntry, listWorkingCopies, listRevisions, listRevisionSummaries, getRevision };
}

async function revisionData(db: Pick<Database, 'select'>, entryId: string, revision: number): Promise<Record<string, unknown>> {
  const [row] = await db
    .select({ data: faqRevisionsTable.data })
    .from(faqRevisionsTable)
    .where(and(eq(faqRevisionsTable.entryId, entryId), eq(faqRevisionsTable.revision, revision)));
  if (!row) throw new Error(`faq_revisions has no revision ${revision} of "${entryId}"`);
  return row.data;
}
