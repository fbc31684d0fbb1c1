/**
 * Conversations and messages: the durable record of every chat. Shared by the pipeline,
 * handoff and the console; knows nothing about channels beyond the opaque ref.
 */
import { and, asc, desc, eq, getTableColumns, gte, isNotNull, isNull, sql, type SQL } from 'drizzle-orm';
import { rowsOf, type Database } from './client.js';
import { conversationsTable } from './conversations.table.js';
import { isUniqueViolation } from './db.errors.js';
import { messagesTable } from './messages.table.js';
import { privacyRequestsTable } from '../handoff/privacy.table.js';
import { ACTIVE_TICKET_STATUSES } from '../handoff/tickets.models.js';
import { ticketsTable } from '../handoff/tickets.table.js';
import { unitChoicePromptsTable } from '../handoff/units.table.js';

export type Conversation = typeof conversationsTable.$inferSelect;
export type StoredMessage = typeof messagesTable.$inferSelect;

export type ConversationsRepository = ReturnType<typeof createConversationsRepository>;

/** What the pipeline needs to know about a conversation on every message, read while storing it. */
export type ConversationState = {
  /** The centre the resident chose (null: not chosen yet). */
  unitId: string | null;
  /** A "delete my data" request awaits confirmation. */
  deleteRequestPending: boolean;
  /** A ticket is open, claimed or undeliverable. */
  activeTicket: boolean;
  /** The resident was asked which centre they belong to and has not answered yet. */
  unitChoicePending: boolean;
};

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

  /**
   * upsertConversation + recordInbound in ONE round trip (the pipeline's hot path: every inbound
   * message). Idempotent like recordInbound: a redelivered (channel, externalId) stores nothing and
   * returns `duplicate: true`; the conversation's last_seen/name are refreshed either way.
   * The same statement reads the conversation's `state`, so the pipeline skips the privacy, unit and
   * ticket lookups that most messages do not need (each would be a round trip of its own).
   */
  async function storeInbound(args: {
    channel: string;
    conversationRef: string;
    residentExternalId?: string | null;
    residentName?: string | null;
    externalId: string;
    kind: string;
    text: string;
    receivedAt: Date;
    /** Kept with the row until it is handled, so a restart can handle it again (see listUnhandled). */
    replay: Record<string, unknown>;
  }): Promise<{ conversationId: number; created: boolean; messageId: number | null; duplicate: boolean; state: ConversationState }> {
    const name = args.residentName ?? null;
    const who = args.residentExternalId ?? null;
    const at = args.receivedAt.toISOString();
    const result = await db.execute(sql`
      with conv as (
        insert into conversations (channel, conversation_ref, resident_external_id, resident_name, last_seen_at)
        values (${args.channel}, ${args.conversationRef}, ${who}, ${name}, ${at}::timestamptz)
        on conflict (conversation_ref) do update set
          last_seen_at = greatest(conversations.last_seen_at, excluded.last_seen_at),
          resident_name = coalesce(excluded.resident_name, conversations.resident_name),
          resident_external_id = coalesce(excluded.resident_external_id, conversations.resident_external_id)
        returning id, unit_id, (xmax = 0) as inserted
      ), msg as (
        insert into messages (conversation_id, direction, channel, external_id, sender_external_id, sender_name, kind, text, received_at, handled_at, replay)
        select conv.id, 'in', ${args.channel}, ${args.externalId}, ${who}, ${name}, ${args.kind}, ${args.text}, ${at}::timestamptz, null, ${JSON.stringify(args.replay)}::jsonb from conv
        on conflict (channel, external_id) where direction = 'in' do nothing
        returning id
      )
      select conv.id, conv.inserted, conv.unit_id, (select id from msg) as message_id, ${stateColumns(sql`conv.id`)}
      from conv`);
    const row = rowsOf<StateRow & { id: number | string; inserted: boolean; message_id: number | string | null }>(result)[0];
    if (!row) throw new Error(`storeInbound for ${args.conversationRef} returned nothing`);
    const messageId = row.message_id === null ? null : Number(row.message_id);
    return { conversationId: Number(row.id), created: row.inserted, messageId, duplicate: messageId === null, state: toState(row) };
  }

  /**
   * Inbound messages stored but never handled (the process died in between), oldest first, with what
   * storeInbound kept to handle them again. Only those received since `since`: an older question is
   * not worth a late answer.
   */
  async function listUnhandled({ since, limit = 500 }: { since: Date; limit?: number }) {
    const rows = await db
      .select({ id: messagesTable.id, replay: messagesTable.replay })
      .from(messagesTable)
      .where(
        and(
          eq(messagesTable.direction, 'in'),
          isNull(messagesTable.handledAt),
          isNotNull(messagesTable.replay),
          gte(sql`coalesce(${messagesTable.receivedAt}, ${messagesTable.createdAt})`, sql`${since.toISOString()}::timestamptz`),
        ),
      )
      .orderBy(asc(messagesTable.id))
      .limit(limit);
    return { messages: rows.map((r) => ({ messageId: r.id, replay: r.replay ?? {} })) };
  }

  /**
   * What storeInbound reads, for a message stored earlier and handled again after a restart:
   * `handled` when another process (or an earlier pass) finished it meanwhile; `created` when it is
   * the conversation's first inbound message (its greeting was lost with the crash too).
   */
  async function readStoredState({ messageId }: { messageId: number }): Promise<{ conversationId: number; created: boolean; handled: boolean; state: ConversationState } | undefined> {
    const result = await db.execute(sql`
      select m.conversation_id as id, (m.handled_at is not null) as handled, c.unit_id,
        not exists (select 1 from messages e where e.conversation_id = m.conversation_id and e.direction = 'in' and e.id < m.id) as first,
        ${stateColumns(sql`m.conversation_id`)}
      from messages m join conversations c on c.id = m.conversation_id
      where m.id = ${messageId}`);
    const row = rowsOf<StateRow & { id: number | string; handled: boolean; first: boolean }>(result)[0];
    if (!row) return undefined;
    return { conversationId: Number(row.id), created: row.first, handled: row.handled, state: toState(row) };
  }

  return { upsertConversation, findConversationByRef, recordInbound, recordOutbound, listMessages, storeInbound, listUnhandled, readStoredState };
}

type StateRow = { unit_id: string | null; delete_pending: boolean; ticket_active: boolean; unit_choice_pending: boolean };

/** The conversation-state columns (with `unit_id` selected by the caller) for the conversation `id`. */
function stateColumns(id: SQL): SQL {
  const active = sql.join(
    ACTIVE_TICKET_STATUSES.map((s) => sql`${s}`),
    sql`, `,
  );
  return sql`
    exists (select 1 from ${privacyRequestsTable} p where p.conversation_id = ${id} and p.status = 'pending') as delete_pending,
    exists (select 1 from ${ticketsTable} t where t.conversation_id = ${id} and t.status in (${active})) as ticket_active,
    exists (select 1 from ${unitChoicePromptsTable} u where u.conversation_id = ${id}) as unit_choice_pending`;
}

function toState(row: StateRow): ConversationState {
  return {
    unitId: row.unit_id,
    deleteRequestPending: row.delete_pending,
    activeTicket: row.ticket_active,
    unitChoicePending: row.unit_choice_pending,
  };
}
