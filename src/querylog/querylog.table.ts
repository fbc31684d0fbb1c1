import { bigint, bigserial, index, jsonb, pgTable, real, text, timestamp } from 'drizzle-orm/pg-core';
import { createdAt } from '../db/columns.js';
import { conversationsTable } from '../db/conversations.table.js';
import { messagesTable } from '../db/messages.table.js';
import type { Candidate } from '../faq/faq.types.js';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/**
 * One row per resident question the FAQ engine decided: what was asked (phone and ID numbers
 * masked), what the bot did and with which candidates. What happened next (a clarify option
 * chosen, a ticket, a "gặp cán bộ", the ticket's rating) is read from the following rows and the
 * tickets, never copied here. Deleted with the resident's data and by the retention job.
 * `resolved_*`: an admin acted on it in the unanswered inbox, so it left the inbox.
 */
export const queryLogTable = pgTable(
  'query_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    conversationId: bigint('conversation_id', { mode: 'number' })
      .notNull()
      .references(() => conversationsTable.id, { onDelete: 'cascade' }),
    messageId: bigint('message_id', { mode: 'number' }).references(() => messagesTable.id, { onDelete: 'cascade' }),
    unitId: text('unit_id'),
    channel: text('channel').notNull(),
    askedAt: ts('asked_at').notNull(),
    /** The message as typed, numbers masked, cut to 600 characters. */
    text: text('text').notNull(),
    /** Lower-cased, punctuation removed, numbers masked: what the inbox shows and groups. */
    normalized: text('normalized').notNull(),
    /** Sorted distinct folded words without filler words: questions with the same key are one cluster. */
    clusterKey: text('cluster_key').notNull(),
    /** 'typed' or 'clarify' (the resident picked an option of the previous clarify). */
    via: text('via', { enum: ['typed', 'clarify'] }).notNull(),
    decision: text('decision', { enum: ['answer', 'clarify', 'handoff', 'smalltalk'] }).notNull(),
    /** Handoff reason or small-talk intent. */
    reason: text('reason'),
    entryId: text('entry_id'),
    aspect: text('aspect'),
    confidence: real('confidence').notNull(),
    candidates: jsonb('candidates').$type<Candidate[]>().notNull().default([]),
    resolvedAt: ts('resolved_at'),
    resolvedBy: text('resolved_by'),
    /** alternate | new_entry | out_of_scope | staff_answer | regression, and its detail (entry id, reason). */
    resolution: text('resolution'),
    resolutionNote: text('resolution_note'),
    createdAt: createdAt(),
  },
  (t) => [
    index('query_log_conversation_idx').on(t.conversationId, t.askedAt),
    index('query_log_unit_asked_idx').on(t.unitId, t.askedAt),
    index('query_log_asked_idx').on(t.askedAt),
  ],
);

/** A question with the decision it must keep getting: `cli eval --db` runs them; the editor warns on a break. */
export const regressionCasesTable = pgTable('regression_cases', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  text: text('text').notNull(),
  /** answer | clarify | handoff | smalltalk */
  expectedDecision: text('expected_decision').notNull(),
  /** For answer (and clarify: among the options): the entry. */
  expectedEntryId: text('expected_entry_id'),
  unitId: text('unit_id'),
  createdBy: text('created_by').notNull(),
  sourceQueryId: bigint('source_query_id', { mode: 'number' }),
  createdAt: createdAt(),
});

export type QueryLogRow = typeof queryLogTable.$inferSelect;
export type RegressionCaseRow = typeof regressionCasesTable.$inferSelect;
