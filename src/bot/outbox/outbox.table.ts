import { sql } from 'drizzle-orm';
import { bigserial, index, integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import type { OutboundCopy, OutboundMessage } from '../core/message.types.js';
import { createdAt } from '../../db/columns.js';

export const OUTBOX_STATUSES = ['pending', 'sending', 'sent', 'failed'] as const;
export type OutboxStatus = (typeof OUTBOX_STATUSES)[number];

/** 'message': payload is an OutboundMessage (adapter.send); 'copy': an OutboundCopy (adapter.copyMessage). */
export const OUTBOX_KINDS = ['message', 'copy'] as const;
export type OutboxKind = (typeof OUTBOX_KINDS)[number];

/** Caller data carried with a row and handed back in onSent/onFailed (handoff: { ticketId, role }). */
export type OutboxMeta = Record<string, unknown>;

/**
 * Every outgoing message is a row, written before anything is sent. A worker claims due rows
 * (FOR UPDATE SKIP LOCKED + a lease), sends them one conversation at a time in id order, and
 * records the outcome. `min_interval_ms` is the pacing the channel asked for when the row was
 * enqueued, so pacing holds across restarts and across several workers.
 */
export const outboxTable = pgTable(
  'outbox',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    conversationRef: text('conversation_ref').notNull(),
    channel: text('channel').notNull(),
    kind: text('kind', { enum: OUTBOX_KINDS }).notNull().default('message'),
    /** OutboundMessage for kind 'message', OutboundCopy for kind 'copy' (both carry conversationRef and text). */
    payload: jsonb('payload').$type<OutboundMessage | OutboundCopy>().notNull(),
    meta: jsonb('meta').$type<OutboxMeta>(),
    status: text('status', { enum: OUTBOX_STATUSES }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    minIntervalMs: integer('min_interval_ms').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    /** While status = 'sending': the claim expires then, so a crashed worker's row is sent again. */
    leaseUntil: timestamp('lease_until', { withTimezone: true, mode: 'date' }),
    lastError: text('last_error'),
    externalMessageId: text('external_message_id'),
    createdAt: createdAt(),
    sentAt: timestamp('sent_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [
    // The worker's scan: only unfinished rows, by due time.
    index('outbox_due_idx').on(t.nextAttemptAt).where(sql`${t.status} in ('pending', 'sending')`),
    // Head-of-line check: an earlier *unfinished* row of the same conversation (partial, so a long
    // history of sent rows costs nothing).
    index('outbox_unfinished_conversation_idx').on(t.conversationRef, t.id).where(sql`${t.status} in ('pending', 'sending')`),
    // Pacing: the conversation's last send.
    index('outbox_conversation_sent_idx').on(t.conversationRef, t.sentAt),
    // Handoff maps a staff-side reply to its ticket through the id the platform gave our message.
    index('outbox_external_id_idx').on(t.conversationRef, t.externalMessageId).where(sql`${t.externalMessageId} is not null`),
    // /healthz: the last finished row per staff group (handoff meta.groupRef), found from the newest end.
    index('outbox_group_ref_finished_idx')
      .on(sql`(${t.meta}->>'groupRef')`, t.id)
      .where(sql`${t.meta}->>'groupRef' is not null and ${t.status} in ('sent', 'failed')`),
  ],
);

export type OutboxRow = typeof outboxTable.$inferSelect;
