import { bigserial, index, integer, jsonb, pgTable, text, unique } from 'drizzle-orm/pg-core';
import { createdAt, updatedAt } from '../db/columns.js';

/**
 * The live catalogue. `data` holds the whole validated entry (see faq.types.ts); the columns
 * beside it are what lists filter on. Every change also appends a row to faq_revisions.
 */
export const faqEntriesTable = pgTable('faq_entries', {
  id: text('id').primaryKey(),
  status: text('status', { enum: ['published', 'draft', 'archived'] }).notNull().default('published'),
  revision: integer('revision').notNull().default(1),
  data: jsonb('data').$type<Record<string, unknown>>().notNull(),
  updatedBy: text('updated_by'),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export const faqRevisionsTable = pgTable(
  'faq_revisions',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    entryId: text('entry_id')
      .notNull()
      .references(() => faqEntriesTable.id, { onDelete: 'cascade' }),
    revision: integer('revision').notNull(),
    data: jsonb('data').$type<Record<string, unknown>>().notNull(),
    author: text('author'),
    note: text('note'),
    createdAt: createdAt(),
  },
  (t) => [unique('faq_revisions_entry_revision_key').on(t.entryId, t.revision), index('faq_revisions_entry_idx').on(t.entryId)],
);
