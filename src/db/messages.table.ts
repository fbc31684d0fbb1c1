import { sql } from 'drizzle-orm';
import { bigint, bigserial, index, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { createdAt } from './columns.js';
import { conversationsTable } from './conversations.table.js';

/**
 * Every message in or out, stored before it is processed (inbound) or sent (outbound).
 * Inbound dedupe: (channel, external_id) is unique among inbound rows, so a redelivered
 * platform update is rejected by the database itself.
 *
 * Crash safety: the pipeline stores an inbound message with `handled_at` null and the mapped message
 * in `replay`; the statement that queues its replies sets `handled_at` and clears `replay`. A message
 * still unhandled at the next start is handled again from `replay` (see Pipeline.recover). Rows
 * written any other way (outbound, imports) are handled from the start (the column default).
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
    /** Null while the inbound message is stored but its replies are not queued yet. */
    handledAt: timestamp('handled_at', { withTimezone: true, mode: 'date' }).defaultNow(),
    /** The mapped InboundMessage (no raw payload) while unhandled; cleared when handled or erased. */
    replay: jsonb('replay').$type<Record<string, unknown>>(),
    /**
     * An inbound photo/file/voice note's platform handle (a Zalo CDN link, a web upload ref), so media
     * sent shortly before a ticket opened can still be uploaded into another platform's staff group.
     * Kept after handling (unlike `replay`); cleared by erasure and retention with the text.
     */
    attachment: jsonb('attachment').$type<{ ref: string; mimeType?: string; fileName?: string }>(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('messages_inbound_dedupe_key').on(t.channel, t.externalId).where(sql`${t.direction} = 'in'`),
    index('messages_conversation_idx').on(t.conversationId, t.id),
    // The recovery pass at start: the few inbound messages still unhandled.
    index('messages_unhandled_idx').on(t.id).where(sql`${t.direction} = 'in' and ${t.handledAt} is null`),
  ],
);
