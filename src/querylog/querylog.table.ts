import { sql } from 'drizzle-orm';
import { bigint, bigserial, boolean, date, index, integer, jsonb, pgTable, real, text, timestamp, unique } from 'drizzle-orm/pg-core';
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
 *
 * `next_via`, `next_at`, `staff_after` and `ticket_id` are what happened next, kept by the database
 * triggers of migration 0013_query_log_rollup.sql so the inbox reads one row per question at
 * any scale instead of a window over the period; the definition is the SQL in that file, and
 * tests/querylog/querylog.rollup.db.test.ts holds it equal to the window-function reading.
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
    /** The via of the conversation's next question (null: none yet). */
    nextVia: text('next_via'),
    nextAt: ts('next_at'),
    /** One of the next two questions of the conversation asked for staff ("gặp cán bộ"). */
    staffAfter: boolean('staff_after').notNull().default(false),
    /** The first ticket of the conversation opened after this question and before the next one. */
    ticketId: bigint('ticket_id', { mode: 'number' }),
    createdAt: createdAt(),
  },
  (t) => [
    // The unanswered inbox's candidates: unresolved, and a reason that needs no ticket, or a ticket.
    index('query_log_inbox_idx')
      .on(t.askedAt)
      .where(
        sql`${t.resolvedAt} is null and ((${t.decision} = 'handoff' and coalesce(${t.reason}, '') <> 'explicit_request') or (${t.decision} = 'clarify' and coalesce(${t.nextVia}, '') <> 'clarify') or (${t.decision} = 'answer' and (${t.confidence} < 0.5 or ${t.staffAfter})) or ${t.ticketId} is not null)`,
      ),
    index('query_log_conversation_idx').on(t.conversationId, t.askedAt),
    index('query_log_unit_asked_idx').on(t.unitId, t.askedAt),
    index('query_log_asked_idx').on(t.askedAt),
  ],
);

/**
 * The dashboard's rollup: per conversation, Vietnamese calendar day and unit, how many questions
 * got each decision. Kept exact by the statement triggers on query_log (insert adds, delete -
 * erasure, retention - subtracts), so every period of whole days is read from here.
 */
export const queryLogDaysTable = pgTable(
  'query_log_days',
  {
    conversationId: bigint('conversation_id', { mode: 'number' })
      .notNull()
      .references(() => conversationsTable.id, { onDelete: 'cascade' }),
    /** The day in Asia/Ho_Chi_Minh. */
    day: date('day', { mode: 'string' }).notNull(),
    unitId: text('unit_id'),
    questions: integer('questions').notNull(),
    answers: integer('answers').notNull(),
    clarifies: integer('clarifies').notNull(),
    handoffs: integer('handoffs').notNull(),
    smalltalks: integer('smalltalks').notNull(),
  },
  (t) => [unique('query_log_days_key').on(t.conversationId, t.day, t.unitId).nullsNotDistinct(), index('query_log_days_day_idx').on(t.day, t.unitId)],
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
