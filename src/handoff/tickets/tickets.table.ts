import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  index,
  integer,
  jsonb,
  pgSequence,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { createdAt, updatedAt } from '../../db/columns.js';
import { conversationsTable } from '../../db/conversations.table.js';
import type { Candidate } from '../../faq/faq.types.js';
import { TICKET_STATUSES } from './tickets.models.js';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** Numbers behind the human codes HS-0001, HS-0002…; a sequence never hands out a number twice. */
export const ticketCodeSequence = pgSequence('ticket_code_seq', { startWith: 1 });

/**
 * One request for a person. `conversation_id` is the resident's chat; it becomes null if the resident's
 * data is deleted, while the ticket (and the statistics) stay. Times are the facts the SLA and the
 * dashboard need; nothing here is derived from message text.
 */
export const ticketsTable = pgTable(
  'tickets',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    code: text('code').notNull().unique(),
    unitId: text('unit_id').notNull(),
    conversationId: bigint('conversation_id', { mode: 'number' }).references(() => conversationsTable.id, {
      onDelete: 'set null',
    }),
    residentChannel: text('resident_channel').notNull(),
    residentRef: text('resident_ref').notNull(),
    residentName: text('resident_name'),
    status: text('status', { enum: TICKET_STATUSES }).notNull().default('open'),
    assigneeStaffId: text('assignee_staff_id'),
    /** Why the bot handed off: a HandoffReason, or 'resident_request' for the "Gặp cán bộ" button. */
    reason: text('reason').notNull(),
    question: text('question').notNull().default(''),
    /** The inbound message (messages.id) that opened the ticket: a restart that handles it again resumes the opening. */
    sourceMessageId: bigint('source_message_id', { mode: 'number' }),
    /** The resident's platform message the ticket is about: in a group, answers are posted as replies to it. */
    sourceExternalId: text('source_external_id'),
    /**
     * Where answers go instead of `resident_ref`: the resident's private chat, for a group member who
     * chose it or whose case is personal. Null: to `resident_ref` (in a group, a reply with a mention).
     */
    deliverToRef: text('deliver_to_ref'),
    /** A personal case asked in a group: nothing of it is ever posted in the group, only a pointer. */
    privateOnly: boolean('private_only').notNull().default(false),
    /** The FAQ entries the bot considered (titles for the card), best first. */
    botGuesses: jsonb('bot_guesses').$type<Candidate[]>().notNull().default([]),
    openedAt: ts('opened_at').notNull().defaultNow(),
    claimedAt: ts('claimed_at'),
    firstStaffReplyAt: ts('first_staff_reply_at'),
    closedAt: ts('closed_at'),
    closedByStaffId: text('closed_by_staff_id'),
    undeliverableAt: ts('undeliverable_at'),
    slaDueAt: ts('sla_due_at'),
    slaRemindedAt: ts('sla_reminded_at'),
    slaEscalatedAt: ts('sla_escalated_at'),
    rating: integer('rating'),
    ratedAt: ts('rated_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    // One active ticket per resident conversation: later messages are appended, never a second ticket.
    uniqueIndex('tickets_one_active_per_conversation')
      .on(t.conversationId)
      .where(sql`${t.status} in ('open', 'claimed', 'undeliverable')`),
    index('tickets_unit_status_idx').on(t.unitId, t.status),
    index('tickets_opened_at_idx').on(t.openedAt),
    // The question → ticket it led to (query log, reports): tickets of a conversation by time.
    index('tickets_conversation_opened_idx').on(t.conversationId, t.openedAt),
    // The state probe: a group member's ticket answered in their private chat.
    index('tickets_deliver_to_idx').on(t.deliverToRef).where(sql`${t.deliverToRef} is not null`),
    // The console's ticket list: newest first within a unit, or of one staff member.
    index('tickets_unit_opened_idx').on(t.unitId, t.openedAt),
    index('tickets_assignee_opened_idx').on(t.assigneeStaffId, t.openedAt),
    // "Quá hạn": active tickets still waiting for their first staff reply, by due time.
    index('tickets_awaiting_reply_due_idx')
      .on(t.slaDueAt)
      .where(sql`${t.firstStaffReplyAt} is null and ${t.status} in ('open', 'claimed')`),
  ],
);

/** Audit trail: who did what when. Internal notes live here (is_internal = true) and are never relayed. */
export const ticketEventsTable = pgTable(
  'ticket_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    ticketId: bigint('ticket_id', { mode: 'number' })
      .notNull()
      .references(() => ticketsTable.id, { onDelete: 'cascade' }),
    /** A state event (claim, reply, close…) or a fact (resident_message, relay_failed, sla_reminder…). */
    type: text('type').notNull(),
    actorKind: text('actor_kind', { enum: ['staff', 'resident', 'system'] }).notNull(),
    actorStaffId: text('actor_staff_id'),
    text: text('text'),
    isInternal: boolean('is_internal').notNull().default(false),
    data: jsonb('data').$type<Record<string, unknown>>(),
    createdAt: createdAt(),
  },
  (t) => [index('ticket_events_ticket_idx').on(t.ticketId, t.id)],
);

/**
 * Which platform message belongs to which ticket: cards, relayed resident messages and notices in staff
 * threads (so a staff reply/quote of ANY of them routes to the ticket), and relays on the resident side.
 * Filled from the outbox's onSent events; never parsed back out of message text.
 */
export const ticketMessageLinksTable = pgTable(
  'ticket_message_links',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    ticketId: bigint('ticket_id', { mode: 'number' })
      .notNull()
      .references(() => ticketsTable.id, { onDelete: 'cascade' }),
    conversationRef: text('conversation_ref').notNull(),
    externalMessageId: text('external_message_id').notNull(),
    role: text('role').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('ticket_message_links_message_key').on(t.conversationRef, t.externalMessageId),
    index('ticket_message_links_ticket_idx').on(t.ticketId),
  ],
);

/**
 * Where a ticket lives in each staff group: the group itself (plain Telegram/Zalo group) or a forum topic
 * created for it. A deleted topic is replaced by updating thread_ref.
 */
export const ticketThreadsTable = pgTable(
  'ticket_threads',
  {
    ticketId: bigint('ticket_id', { mode: 'number' })
      .notNull()
      .references(() => ticketsTable.id, { onDelete: 'cascade' }),
    groupRef: text('group_ref').notNull(),
    threadRef: text('thread_ref').notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.ticketId, t.groupRef] }), index('ticket_threads_thread_idx').on(t.threadRef)],
);

/** `/faq HS-0042`: a ticket's question and the staff answer, waiting for an admin to turn into an entry. */
export const ticketFaqDraftsTable = pgTable(
  'ticket_faq_drafts',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    ticketId: bigint('ticket_id', { mode: 'number' })
      .notNull()
      .references(() => ticketsTable.id, { onDelete: 'cascade' }),
    unitId: text('unit_id').notNull(),
    question: text('question').notNull(),
    answer: text('answer').notNull(),
    status: text('status', { enum: ['pending', 'accepted', 'dismissed'] }).notNull().default('pending'),
    createdByStaffId: text('created_by_staff_id'),
    createdAt: createdAt(),
  },
  (t) => [index('ticket_faq_drafts_status_idx').on(t.status, t.createdAt)],
);

export type TicketRow = typeof ticketsTable.$inferSelect;
export type TicketEventRow = typeof ticketEventsTable.$inferSelect;
