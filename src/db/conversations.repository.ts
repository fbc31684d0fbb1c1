/**
 * Conversations and messages: the durable record of every chat. Shared by the pipeline,
 * handoff and privacy; knows nothing about channels beyond the opaque ref, and nothing about the
 * feature modules: what they need to know per message comes in as state probes (state-probe.ts).
 */
import { and, asc, desc, eq, getTableColumns, gte, isNotNull, isNull, sql } from 'drizzle-orm';
import { rowsOf, type Database } from './client.js';
import { conversationsTable } from './conversations.table.js';
import { isUniqueViolation } from './db.errors.js';
import { messagesTable } from './messages.table.js';
import type { StateProbes } from './state-probe.js';
import { toUnitWrite, type UnitWrite } from './unit-write.js';

export type Conversation = typeof conversationsTable.$inferSelect;
export type StoredMessage = typeof messagesTable.$inferSelect;

/** An inbound message stored but not handled: what to handle it again from, and whether the flood throttle holds it. */
export type UnhandledMessage = { messageId: number; replay: Record<string, unknown>; heldUntil: Date | null };

function parseJson<T>(value: unknown): T {
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}

function toUnhandled(id: number | string, stored: unknown): UnhandledMessage {
  const { heldUntil, ...replay } = parseJson<Record<string, unknown>>(stored) ?? {};
  return { messageId: Number(id), replay, heldUntil: typeof heldUntil === 'string' ? new Date(heldUntil) : null };
}

export type ConversationsRepository<K extends string = never> = ReturnType<typeof createConversationsRepository<K>>;

/**
 * What storeInbound reads about a conversation on every message: the resident's centre (null: not
 * chosen yet) and one flag per state probe.
 */
export type ConversationState<K extends string = never> = { unitId: string | null } & { [P in K]: boolean };

export function createConversationsRepository<K extends string = never>({ db, probes }: { db: Database; probes?: StateProbes<K> }) {
  const probeEntries = Object.entries(probes ?? {}) as Array<[K, StateProbes<K>[K]]>;
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

  /** An inbound message by its platform id, with the conversation it was stored in (a group member's requester conversation). */
  async function findInboundByExternalId({ channel, externalId }: { channel: string; externalId: string }) {
    const [row] = await db
      .select({ message: messagesTable, conversationRef: conversationsTable.conversationRef })
      .from(messagesTable)
      .innerJoin(conversationsTable, eq(conversationsTable.id, messagesTable.conversationId))
      .where(and(eq(messagesTable.channel, channel), eq(messagesTable.externalId, externalId), eq(messagesTable.direction, 'in')));
    return row ? { message: row.message, conversationRef: row.conversationRef } : undefined;
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
   * The same statement reads the conversation's `state` through the probes the assembly composed
   * (privacy, unit choice, tickets), so the pipeline skips the lookups that most messages do not
   * need (each would be a round trip of its own).
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
    /** A media message's platform handle, kept after handling (earlier media follow a ticket's card). */
    attachment?: StoredMessage['attachment'];
  }): Promise<{
    conversationId: number;
    created: boolean;
    messageId: number | null;
    duplicate: boolean;
    state: ConversationState<NoInfer<K>>;
    /** conversations.resident_flow as last written (null: none). */
    residentFlow: Record<string, unknown> | null;
    /** conversations.flood_state as last written (null: none). */
    floodState: Record<string, unknown> | null;
  }> {
    const name = args.residentName ?? null;
    const who = args.residentExternalId ?? null;
    const at = args.receivedAt.toISOString();
    const flags = probeEntries.map(([key, probe]) => sql`, ${probe(sql`conv.id`)} as ${sql.identifier(key)}`);
    const result = await db.execute(sql`
      with conv as (
        insert into conversations (channel, conversation_ref, resident_external_id, resident_name, last_seen_at)
        values (${args.channel}, ${args.conversationRef}, ${who}, ${name}, ${at}::timestamptz)
        on conflict (conversation_ref) do update set
          last_seen_at = greatest(conversations.last_seen_at, excluded.last_seen_at),
          resident_name = coalesce(excluded.resident_name, conversations.resident_name),
          resident_external_id = coalesce(excluded.resident_external_id, conversations.resident_external_id)
        returning id, unit_id, resident_flow, flood_state, (xmax = 0) as inserted
      ), msg as (
        insert into messages (conversation_id, direction, channel, external_id, sender_external_id, sender_name, kind, text, received_at, handled_at, replay, attachment)
        select conv.id, 'in', ${args.channel}, ${args.externalId}, ${who}, ${name}, ${args.kind}, ${args.text}, ${at}::timestamptz, null, ${JSON.stringify(args.replay)}::jsonb, ${args.attachment ? JSON.stringify(args.attachment) : null}::jsonb from conv
        on conflict (channel, external_id) where direction = 'in' do nothing
        returning id
      )
      select conv.id, conv.inserted, conv.unit_id, conv.resident_flow, conv.flood_state, (select id from msg) as message_id${sql.join(flags)}
      from conv`);
    const rows = rowsOf<
      { id: number | string; inserted: boolean; unit_id: string | null; resident_flow: Record<string, unknown> | string | null; flood_state: Record<string, unknown> | string | null; message_id: number | string | null } & Record<K, boolean>
    >(result);
    const row = rows[0];
    if (!row) throw new Error(`storeInbound for ${args.conversationRef} returned nothing`);
    const messageId = row.message_id === null ? null : Number(row.message_id);
    return {
      conversationId: Number(row.id),
      created: row.inserted,
      messageId,
      duplicate: messageId === null,
      state: { unitId: row.unit_id, ...Object.fromEntries(probeEntries.map(([key]) => [key, row[key] === true])) } as ConversationState<K>,
      residentFlow: jsonOf(row.resident_flow),
      floodState: jsonOf(row.flood_state),
    };
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
    return {
      messages: rows.map((r) => {
        const { heldUntil: _held, ...replay } = r.replay ?? {};
        return { messageId: r.id, replay };
      }),
    };
  }

  /**
   * One conversation's inbound messages stored but not handled yet, oldest first (before `beforeId`
   * when given): those another process stored and has not handled yet, and those the flood throttle
   * holds (`heldUntil`: when their pause ends).
   */
  async function listUnhandledOf({ conversationId, beforeId }: { conversationId: number; beforeId?: number }) {
    const result = await db.execute(sql`
      select id, replay from messages
      where conversation_id = ${conversationId}::bigint and direction = 'in' and handled_at is null and replay is not null
        ${beforeId === undefined ? sql`` : sql`and id < ${beforeId}::bigint`}
      order by id`);
    return {
      messages: rowsOf<{ id: number | string; replay: unknown }>(result).map((r) => toUnhandled(r.id, r.replay)),
    };
  }

  /**
   * What storeInbound reads, for a message stored earlier and handled again after a restart:
   * `handled` when another process (or an earlier pass) finished it meanwhile; `created` when it is
   * the conversation's first inbound message (its greeting was lost with the crash too).
   */
  async function readStoredState({
    messageId,
    withOlder = false,
  }: {
    messageId: number;
    /** Also the conversation's older unhandled messages (as listUnhandledOf), in the same statement. */
    withOlder?: boolean;
  }): Promise<
    | {
        conversationId: number;
        created: boolean;
        handled: boolean;
        state: ConversationState<NoInfer<K>>;
        residentFlow: Record<string, unknown> | null;
        floodState: Record<string, unknown> | null;
        older: UnhandledMessage[];
      }
    | undefined
  > {
    const flags = probeEntries.map(([key, probe]) => sql`, ${probe(sql`m.conversation_id`)} as ${sql.identifier(key)}`);
    const result = await db.execute(sql`
      select m.conversation_id as id, (m.handled_at is not null) as handled, c.unit_id, c.resident_flow, c.flood_state,
        ${
          withOlder
            ? sql`(select coalesce(json_agg(json_build_object('id', o.id, 'replay', o.replay) order by o.id), '[]'::json) from messages o
                where o.conversation_id = m.conversation_id and o.direction = 'in' and o.handled_at is null and o.replay is not null and o.id < m.id)`
            : sql`'[]'::json`
        } as older,
        not exists (select 1 from messages e where e.conversation_id = m.conversation_id and e.direction = 'in' and e.id < m.id) as first${sql.join(flags)}
      from messages m join conversations c on c.id = m.conversation_id
      where m.id = ${messageId}`);
    type Json = Record<string, unknown> | string | null;
    const row = rowsOf<{ id: number | string; handled: boolean; first: boolean; unit_id: string | null; resident_flow: Json; flood_state: Json; older: unknown } & Record<K, boolean>>(result)[0];
    if (!row) return undefined;
    return {
      conversationId: Number(row.id),
      created: row.first,
      handled: row.handled,
      state: { unitId: row.unit_id, ...Object.fromEntries(probeEntries.map(([key]) => [key, row[key] === true])) } as ConversationState<K>,
      residentFlow: jsonOf(row.resident_flow),
      floodState: jsonOf(row.flood_state),
      older: parseJson<Array<{ id: number | string; replay: unknown }>>(row.older).map((o) => toUnhandled(o.id, o.replay)),
    };
  }

  /**
   * The write of conversations.resident_flow, handed to the outbox's inbound unit: it commits in
   * the statement that queues the message's replies (an offer is saved exactly when the reply that
   * makes it is queued). `null` forgets it.
   */
  function residentFlowWrite({ conversationId, residentFlow }: { conversationId: number; residentFlow: Record<string, unknown> | null }): UnitWrite {
    return conversationStateWrite({ conversationId, residentFlow });
  }

  /**
   * One write of a conversation's resident flow and flood state (either may be left out: it stays as
   * it is), for the inbound unit. One UPDATE for both: two data-modifying WITHs of one statement must
   * not update the same row.
   */
  function conversationStateWrite({
    conversationId,
    residentFlow,
    floodState,
  }: {
    conversationId: number;
    residentFlow?: Record<string, unknown> | null;
    floodState?: Record<string, unknown> | null;
  }): UnitWrite {
    const json = (value: Record<string, unknown> | null) => (value === null ? sql`null` : sql`${JSON.stringify(value)}::jsonb`);
    const sets = [
      ...(residentFlow !== undefined ? [sql`resident_flow = ${json(residentFlow)}`] : []),
      ...(floodState !== undefined ? [sql`flood_state = ${json(floodState)}`] : []),
    ];
    if (sets.length === 0) throw new Error(`conversationStateWrite for conversation ${conversationId} sets nothing`);
    return toUnitWrite(sql`update conversations set ${sql.join(sets, sql`, `)} where id = ${conversationId}`);
  }

  /**
   * The flood throttle holds an inbound message (it stays unhandled) until `until`: kept in its replay,
   * so any process on the database, or the next start, sees when its pause ends (listUnhandledOf).
   */
  function heldWrite({ messageId, until }: { messageId: number; until: Date }): UnitWrite {
    return toUnitWrite(sql`update messages set replay = replay || jsonb_build_object('heldUntil', ${until.toISOString()}::text) where id = ${messageId}::bigint`);
  }

  return {
    residentFlowWrite,
    conversationStateWrite,
    heldWrite,
    upsertConversation,
    findConversationByRef,
    findInboundByExternalId,
    recordInbound,
    recordOutbound,
    listMessages,
    storeInbound,
    listUnhandled,
    listUnhandledOf,
    readStoredState,
  };
}

/** postgres.js parses jsonb; a driver that hands back text is read the same way. */
function jsonOf(value: Record<string, unknown> | string | null): Record<string, unknown> | null {
  if (value === null || value === undefined) return null;
  return typeof value === 'string' ? (JSON.parse(value) as Record<string, unknown>) : value;
}
