/**
 * Conversations and messages: the durable record of every chat. Shared by the pipeline,
 * handoff and the console; knows nothing about channels beyond the opaque ref.
 */
import { desc, eq, getTableColumns, sql } from 'drizzle-orm';
import type { Database } from './client.js';
import { conversationsTable } from './conversations.table.js';
import { isUniqueViolation } from './db.errors.js';
import { messagesTable } from './messages.table.js';

export type Conversation = typeof conversationsTable.$inferSelect;
export type StoredMessage = typeof messagesTable.$inferSelect;

export type ConversationsRepository = ReturnType<typeof createConversationsRepository>;

export function createConversationsRepository({ db }: { db: Database }) {
  /** Creates the conversation on first contact; refreshes last_seen and the resident's name after. */
  async function upsertConversation(args: {
    channel: string;
    conversationRef: string;
    residentExternalId?: string | null;
    residentName?: string | null;
    seenAt?: Date;
  }): Promise<{ conversation: Conversation; created: boolean }> {
    const seenAt = args.seenAt ?? new Date();
    const [row] = await db
      .insert(conversationsTable)
      .values({
        channel: args.channel,
        conversationRef: args.conversationRef,
        residentExternalId: args.residentExternalId ?? null,
        residentName: args.residentName ?? null,
        lastSeenAt: seenAt,
      })
      .onConflictDoUpdate({
        target: conversationsTable.conversationRef,
        set: {
          lastSeenAt: sql`greatest(${conversationsTable.lastSeenAt}, excluded.last_seen_at)`,
          residentName: sql`coalesce(excluded.resident_name, ${conversationsTable.residentName})`,
          residentExternalId: sql`coalesce(excluded.resident_external_id, ${conversationsTable.residentExternalId})`,
        },
      })
      // xmax = 0 only for a freshly inserted row: the cheapest way to tell insert from update in one round trip.
      .returning({ ...getTableColumns(conversationsTable), inserted: sql<boolean>`(xmax = 0)` });
    if (!row) throw new Error(`upsert of conversation ${args.conversationRef} returned nothing`);
    const { inserted, ...conversation } = row;
    return { conversation, created: inserted };
  }

  async function findConversationByRef({ conversationRef }: { conversationRef: string }) {
    const [row] = await db.select().from(conversationsTable).where(eq(conversationsTable.conversationRef, conversationRef));
    return { conversation: row };
  }

  /**
   * Stores an inbound message. Idempotent: a redelivered (channel, externalId) returns
   * `{ duplicate: true }` and stores nothing.
   */
  async function recordInbound(args: {
    conversationId: number;
    channel: string;
    externalId: string;
    senderExternalId?: string | null;
    senderName?: string | null;
    kind: string;
    text: string;
    receivedAt: Date;
  }): Promise<{ message: StoredMessage; duplicate: false } | { message: undefined; duplicate: true }> {
    try {
      const [message] = await db
        .insert(messagesTable)
        .values({ ...args, direction: 'in' })
        .returning();
      if (!message) throw new Error('insert returned nothing');
      return { message, duplicate: false };
    } catch (error) {
      if (isUniqueViolation(error)) return { message: undefined, duplicate: true };
      throw error;
    }
  }

  async function recordOutbound(args: { conversationId: number; channel: string; kind?: string; text: string }) {
    const [message] = await db
      .insert(messagesTable)
      .values({ ...args, kind: args.kind ?? 'text', direction: 'out' })
      .returning();
    if (!message) throw new Error('insert returned nothing');
    return { message };
  }

  async function listMessages({ conversationId, limit = 50 }: { conversationId: number; limit?: number }) {
    const rows = await db
      .select()
      .from(messagesTable)
      .where(eq(messagesTable.conversationId, conversationId))
      .orderBy(desc(messagesTable.id))
      .limit(limit);
    return { messages: rows.reverse() };
  }

  return { upsertConversation, findConversationByRef, recordInbound, recordOutbound, listMessages };
}
