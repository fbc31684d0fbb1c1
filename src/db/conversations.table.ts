import { bigserial, index, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { createdAt } from './columns.js';
import { unitsTable } from './units.table.js';

/**
 * One chat the bot takes part in: a private chat, a web chat session or a group.
 * `conversationRef` is the opaque, channel-prefixed id (telegram:123, zalo:user:…, web:…).
 * The resident fields describe the person of a private chat (the latest sender in a group).
 */
export const conversationsTable = pgTable(
  'conversations',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    channel: text('channel').notNull(),
    conversationRef: text('conversation_ref').notNull().unique(),
    residentExternalId: text('resident_external_id'),
    residentName: text('resident_name'),
    unitId: text('unit_id').references(() => unitsTable.id),
    createdAt: createdAt(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    /**
     * The resident's open question a "Gặp cán bộ" refers back to, the last clarify options and the
     * entry answered last (src/bot/core/conversation-context.ts), with the time it was written. Read
     * by the statement that stores each message, written by the one that queues its replies: a
     * restart loses no offer. It holds the resident's words, so erasure clears it.
     */
    residentFlow: jsonb('resident_flow').$type<Record<string, unknown>>(),
    /**
     * The flood throttle's recent arrivals in this conversation, per sender (src/bot/core/throttle.ts),
     * opaque here. Read and written like resident_flow, so the limit holds across restarts and across
     * processes on one database. Keyed by the senders' platform ids, so erasure clears it.
     */
    floodState: jsonb('flood_state').$type<Record<string, unknown>>(),
  },
  (t) => [index('conversations_last_seen_idx').on(t.lastSeenAt)],
);
