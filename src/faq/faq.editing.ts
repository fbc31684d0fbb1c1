/**
 * Catalogue writes: every save is a new revision (a draft); publishing makes a revision the one the
 * bot serves and tells every process (NOTIFY); a rollback copies an old revision into a new one.
 * Nothing is ever overwritten in faq_revisions.
 */
import { and, eq } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { entryOverrideSchema, parseFaqEntry } from './catalogue.schema.js';
import { FaqEntryInvalidError, notifyFaqChanged } from './faq.repository.js';
import { faqEntriesTable, faqOverrideRevisionsTable, faqOverridesTable, faqRevisionsTable, type RevisionKind } from './faq.table.js';
import type { EntryOverride, FaqEntry } from './faq.types.js';

export type FaqEditing = ReturnType<typeof createFaqEditing>;

export class FaqEditConflictError extends Error {
  readonly code = 'faq.edit_conflict';
  constructor(
    readonly entryId: string,
    readonly current: number,
    readonly expected: number,
  ) {
    super(`"${entryId}" was changed by someone else (revision ${current}, you edited ${expected}): reload and try again`);
    this.name = 'FaqEditConflictError';
  }
}

export class FaqEntryNotFoundError extends Error {
  readonly code = 'faq.entry_not_found';
  constructor(readonly entryId: string, revision?: number) {
    super(`There is no FAQ entry "${entryId}"${revision ? ` revision ${revision}` : ''}`);
    this.name = 'FaqEntryNotFoundError';
  }
}

type Tx = Parameters<Parameters<Database['transaction']>[0]>[0];

export function createFaqEditing({ db }: { db: Database }) {
  /**
   * Stores a new revision as the entry's draft. `expectedRevision` (the revision the editor opened)
   * refuses a save over someone else's newer one. A new id becomes an unpublished entry.
   */
  async function saveDraft({
    entry: raw,
    author,
    note,
    kind = 'edit',
    expectedRevision,
    unitId,
  }: {
    entry: unknown;
    author: string;
    note?: string;
    kind?: RevisionKind;
    expectedRevision?: number;
    unitId?: string | null;
  }): Promise<{ entry: FaqEntry; revision: number; created: boolean }> {
    const parsed = parseFaqEntry(raw);
    if ('problems' in parsed) throw new FaqEntryInvalidError(String((raw as { id?: unknown })?.id ?? '?'), parsed.problems);
    const { entry } = parsed;
    return db.transaction(async (tx) => {
      const [current] = await tx.select().from(faqEntriesTable).where(eq(faqEntriesTable.id, entry.id)).for('update');
      if (expectedRevision !== undefined && (current?.revision ?? 0) !== expectedRevision) throw new FaqEditConflictError(entry.id, current?.revision ?? 0, expectedRevision);
      const revision = (current?.revision ?? 0) + 1;
      const review = kind !== 'edit' && kind !== 'question';
      const console = kind !== 'data' && kind !== 'seed';
      if (current) {
        await tx
          .update(faqEntriesTable)
          .set({ revision, draftRevision: revision, needsReview: review, editedInConsole: current.editedInConsole || console, updatedBy: author, updatedAt: new Date() })
          .where(eq(faqEntriesTable.id, entry.id));
      } else {
        await tx.insert(faqEntriesTable).values({ id: entry.id, data: entry, status: 'draft', revision, draftRevision: revision, needsReview: review, editedInConsole: console, unitId: unitId ?? null, updatedBy: author });
      }
      await tx.insert(faqRevisionsTable).values({ entryId: entry.id, revision, data: entry, kind, author, note: note ?? null });
      return { entry, revision, created: !current };
    });
  }

  /** Serves the draft (or the given revision): the bot in every process answers with it within seconds. */
  async function publish({ entryId, revision: wanted, author }: { entryId: string; revision?: number; author: string }) {
    return db.transaction(async (tx) => {
      const [current] = await tx.select().from(faqEntriesTable).where(eq(faqEntriesTable.id, entryId)).for('update');
      if (!current) throw new FaqEntryNotFoundError(entryId);
      const revision = wanted ?? current.draftRevision;
      if (!revision) return { published: false as const, before: current.data, after: current.data, revision: current.publishedRevision };
      const { data } = await loadRevision(tx, entryId, revision);
      await servePublished(tx, { entryId, revision, data, author });
      await notifyFaqChanged(tx);
      return { published: true as const, before: current.status === 'published' ? current.data : null, after: data, revision };
    });
  }

  /** Copies revision `toRevision` into a new revision and publishes it: history keeps everything. */
  async function rollback({ entryId, toRevision, author }: { entryId: string; toRevision: number; author: string }) {
    return db.transaction(async (tx) => {
      const [current] = await tx.select().from(faqEntriesTable).where(eq(faqEntriesTable.id, entryId)).for('update');
      if (!current) throw new FaqEntryNotFoundError(entryId);
      const { data } = await loadRevision(tx, entryId, toRevision);
      const revision = current.revision + 1;
      await tx.insert(faqRevisionsTable).values({ entryId, revision, data, kind: 'rollback', author, note: `Khôi phục bản ${toRevision}` });
      await tx.update(faqEntriesTable).set({ revision, editedInConsole: true }).where(eq(faqEntriesTable.id, entryId));
      await servePublished(tx, { entryId, revision, data, author });
      await notifyFaqChanged(tx);
      return { before: current.status === 'published' ? current.data : null, after: data, revision };
    });
  }

  /** Drops the pending draft (it stays in the history); the published text is untouched. */
  async function discardDraft({ entryId, author }: { entryId: string; author: string }) {
    const [row] = await db
      .update(faqEntriesTable)
      .set({ draftRevision: null, needsReview: false, updatedBy: author, updatedAt: new Date() })
      .where(and(eq(faqEntriesTable.id, entryId), eq(faqEntriesTable.status, 'published')))
      .returning({ id: faqEntriesTable.id });
    if (!row) throw new FaqEntryNotFoundError(entryId);
  }

  /**
   * A unit's own text for a province entry, served to that unit's residents at once (every process
   * reloads on the NOTIFY). `override` null removes it. Each save is a revision; nothing is deleted.
   */
  async function saveOverride({ entryId, unitId, override, author, note }: { entryId: string; unitId: string; override: unknown; author: string; note?: string }) {
    let data: EntryOverride | null = null;
    if (override !== null) {
      const parsed = entryOverrideSchema.safeParse(override);
      if (!parsed.success) throw new FaqEntryInvalidError(entryId, parsed.error.issues.map((i) => `${i.path.join('.') || '(override)'}: ${i.message}`));
      data = parsed.data as EntryOverride;
    }
    return db.transaction(async (tx) => {
      const [entry] = await tx.select({ unitId: faqEntriesTable.unitId }).from(faqEntriesTable).where(eq(faqEntriesTable.id, entryId));
      // A unit's own entry is edited directly; only province entries are overridden.
      if (!entry || entry.unitId !== null) throw new FaqEntryNotFoundError(entryId);
      const [current] = await tx
        .select()
        .from(faqOverridesTable)
        .where(and(eq(faqOverridesTable.entryId, entryId), eq(faqOverridesTable.unitId, unitId)))
        .for('update');
      const revision = (current?.revision ?? 0) + 1;
      await tx.insert(faqOverrideRevisionsTable).values({ entryId, unitId, revision, data, author, note: note ?? null });
      if (current) {
        await tx
          .update(faqOverridesTable)
          .set({ data, revision, updatedBy: author, updatedAt: new Date() })
          .where(and(eq(faqOverridesTable.entryId, entryId), eq(faqOverridesTable.unitId, unitId)));
      } else await tx.insert(faqOverridesTable).values({ entryId, unitId, data, revision, updatedBy: author });
      await notifyFaqChanged(tx);
      return { before: (current?.data ?? null) as EntryOverride | null, after: data, revision };
    });
  }

  return { saveDraft, publish, rollback, discardDraft, saveOverride };
}

async function loadRevision(tx: Tx, entryId: string, revision: number) {
  const [row] = await tx.select().from(faqRevisionsTable).where(and(eq(faqRevisionsTable.entryId, entryId), eq(faqRevisionsTable.revision, revision)));
  if (!row) throw new FaqEntryNotFoundError(entryId, revision);
  const parsed = parseFaqEntry(row.data);
  if ('problems' in parsed) throw new FaqEntryInvalidError(entryId, parsed.problems);
  return { data: parsed.entry as unknown as Record<string, unknown> };
}

async function servePublished(tx: Tx, { entryId, revision, data, author }: { entryId: string; revision: number; data: Record<string, unknown>; author: string }) {
  const now = new Date();
  await tx
    .update(faqEntriesTable)
    .set({ data, status: 'published', publishedRevision: revision, draftRevision: null, needsReview: false, updatedBy: author, updatedAt: now })
    .where(eq(faqEntriesTable.id, entryId));
  await tx.update(faqRevisionsTable).set({ publishedAt: now, publishedBy: author }).where(and(eq(faqRevisionsTable.entryId, entryId), eq(faqRevisionsTable.revision, revision)));
}
