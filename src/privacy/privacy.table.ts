/**
 * Records the personal-data law asks us to keep (Decree 13/2023 art. 11–16, Law 91/2025):
 * that the notice was shown (and which version), and each deletion request with when it was done.
 * Neither table holds personal data itself: only conversation ids and times.
 */
import { bigint, bigserial, index, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { conversationsTable } from '../db/conversations.table.js';

export const privacyNoticesTable = pgTable('privacy_notices', {
  conversationId: bigint('conversation_id', { mode: 'number' })
    .primaryKey()
    .references(() => conversationsTable.id, { onDelete: 'cascade' }),
  version: text('version').notNull(),
  shownAt: timestamp('shown_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
});

export const privacyRequestsTable = pgTable(
  'privacy_requests',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    conversationId: bigint('conversation_id', { mode: 'number' })
      .notNull()
      .references(() => conversationsTable.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: ['delete'] }).notNull().default('delete'),
    /** pending → done | cancelled | expired. */
    status: text('status', { enum: ['pending', 'done', 'cancelled', 'expired'] }).notNull().default('pending'),
    requestedAt: timestamp('requested_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    completedAt: timestamp('completed_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [index('privacy_requests_conversation_idx').on(t.conversationId, t.status)],
);
