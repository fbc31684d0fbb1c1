import { bigserial, boolean, index, integer, jsonb, pgTable, primaryKey, text, timestamp, unique } from 'drizzle-orm/pg-core';
import { createdAt, updatedAt } from '../db/columns.js';

/**
 * The live catalogue. `data` holds the whole validated entry the bot serves (see faq.types.ts);
 * the columns beside it are what the console filters on. Every save appends a row to
 * faq_revisions; `draftRevision` points at an unpublished one, `publishedRevision` at the one served.
 * `status` 'draft' means the entry was never published (the bot does not know it yet).
 */
export const faqEntriesTable = pgTable('faq_entries', {
  id: text('id').primaryKey(),
  status: text('status', { enum: ['published', 'draft', 'archived'] }).notNull().default('published'),
  revision: integer('revision').notNull().default(1),
  data: jsonb('data').$type<Record<string, unknown>>().notNull(),
  publishedRevision: integer('published_revision'),
  draftRevision: integer('draft_revision'),
  /** A draft someone must look at: a data/ file changed, an import or a staff suggestion. */
  needsReview: boolean('needs_review').notNull().default(false),
  /** Once true, a data/ change is only ever offered as a draft (it is offered as a draft anyway). */
  editedInConsole: boolean('edited_in_console').notNull().default(false),
  /** Fingerprint of the data/faq file last seen for this id: a change is offered once, as a draft. */
  seedHash: text('seed_hash'),
  /** Null: the province's shared catalogue; a unit id: that unit's local entry. */
  unitId: text('unit_id'),
  updatedBy: text('updated_by'),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export const REVISION_KINDS = ['seed', 'edit', 'rollback', 'import', 'data', 'staff', 'question'] as const;
export type RevisionKind = (typeof REVISION_KINDS)[number];

export const faqRevisionsTable = pgTable(
  'faq_revisions',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    entryId: text('entry_id')
      .notNull()
      .references(() => faqEntriesTable.id, { onDelete: 'cascade' }),
    revision: integer('revision').notNull(),
    data: jsonb('data').$type<Record<string, unknown>>().notNull(),
    kind: text('kind', { enum: REVISION_KINDS }).notNull().default('edit'),
    author: text('author'),
    note: text('note'),
    publishedAt: timestamp('published_at', { withTimezone: true, mode: 'date' }),
    publishedBy: text('published_by'),
    createdAt: createdAt(),
  },
  (t) => [unique('faq_revisions_entry_revision_key').on(t.entryId, t.revision), index('faq_revisions_entry_idx').on(t.entryId)],
);

export type FaqEntryRow = typeof faqEntriesTable.$inferSelect;
export type FaqRevisionRow = typeof faqRevisionsTable.$inferSelect;

/**
 * A unit's own text for a province entry (entryOverrideSchema): served to that unit's residents as
 * soon as it is saved (it changes nothing for other units). `data` null: removed. Every save is a
 * row of faq_override_revisions.
 */
export const faqOverridesTable = pgTable(
  'faq_overrides',
  {
    entryId: text('entry_id')
      .notNull()
      .references(() => faqEntriesTable.id, { onDelete: 'cascade' }),
    unitId: text('unit_id').notNull(),
    data: jsonb('data').$type<Record<string, unknown>>(),
    revision: integer('revision').notNull().default(1),
    updatedBy: text('updated_by'),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.entryId, t.unitId] })],
);

export const faqOverrideRevisionsTable = pgTable(
  'faq_override_revisions',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    entryId: text('entry_id').notNull(),
    unitId: text('unit_id').notNull(),
    revision: integer('revision').notNull(),
    data: jsonb('data').$type<Record<string, unknown>>(),
    author: text('author'),
    note: text('note'),
    createdAt: createdAt(),
  },
  (t) => [unique('faq_override_revisions_key').on(t.entryId, t.unitId, t.revision)],
);

export type FaqOverrideRow = typeof faqOverridesTable.$inferSelect;
