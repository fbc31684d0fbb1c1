import { sql } from 'drizzle-orm';
import { bigint, bigserial, index, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { createdAt } from './columns.js';
import { conversationsTable } from './conversations.table.js';

/**
 * Every message in or out, stored before it is processed (inbound) or sent (outbound).
 * Inbound dedupe: (channel, external_id) is unique among inbound rows, so a redelivered
 * platform update is rejected by the database itself.
 */
export const messagesTable = pgTable(
  'messages',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    conversationId: bigint('conversation_id', { mode: 'number' })
      .notNull()
      .references(() => conversationsTable.id, { onDelete: 'cascade' }),
    direction: text('direction', { enum: ['in', 'out'] }).notNull(),
    channel: text('channel').notNull(),
    externalId: text('external_id'),
    senderExternalId: text('sender_external_id'),
    senderName: text('sender_name'),
    kind: text('kind').notNull().default('text'),
    text: text('text').notNull().default(''),
    receivedAt: timestamp('received_at', { withTimezone: true, mode: 'date' }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('messages_inbound_dedupe_key').on(t.channel, t.externalId).where(sql`${t.direction} = 'in'`),
    index('messages_conversation_idx').on(t.conversationId, t.id),
  ],
);
