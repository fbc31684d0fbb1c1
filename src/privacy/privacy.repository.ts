/**
 * Erasing personal data in the database, for "delete my data" and for the retention job.
 *
 * Erase = anonymise in place: message text becomes "[đã xóa]", names and platform ids become
 * null, the conversation ref (which holds the platform user id) becomes "deleted:<id>". Rows,
 * kinds, directions, timestamps, ticket states, timings and ratings stay, so the dashboard's
 * counts and times do not change. Other modules' tables that copy resident data (tickets,
 * ticket events and links, FAQ drafts, the outbox) are erased here too, so one call covers everything.
 *
 * The staff side of a ticket (its card, the resident's relayed messages, notices, and what staff
 * wrote about it in their group) is found through the database's links only, never by reading
 * message text: outbox rows carry meta.ticketId; a forum topic of the ticket (ticket_threads) is
 * the ticket's whole conversation; in a plain group, staff messages about it are in
 * ticket_message_links. What was already delivered to Telegram/Zalo stays on those platforms.
 */
import { and, desc, eq, inArray, isNotNull, lt, ne, notInArray, notLike, or, sql, type SQLWrapper } from 'drizzle-orm';
import { outboxTable } from '../bot/outbox/outbox.table.js';
import { webUploadsTable } from '../web/uploads.table.js';
import type { Database } from '../db/client.js';
import type { StateProbes } from '../db/state-probe.js';
import { conversationsTable } from '../db/conversations.table.js';
import { messagesTable } from '../db/messages.table.js';
import { queryLogTable, regressionCasesTable } from '../querylog/index.js';
import { erasedConversationRef, REDACTED_TEXT } from './privacy.models.js';
import { privacyNoticesTable, privacyRequestsTable } from './privacy.table.js';
import { ACTIVE_TICKET_STATUSES } from '../handoff/index.js';
import { ticketEventsTable, ticketFaqDraftsTable, ticketMessageLinksTable, ticketsTable, ticketThreadsTable } from '../handoff/index.js';
import { staffGroupsTable, unitChoicePromptsTable } from '../units/index.js';

export type PrivacyRepository = ReturnType<typeof createPrivacyRepository>;

/** Read with every inbound message (see src/db/state-probe.ts): a "delete my data" request awaits confirmation. */
export const privacyStateProbes = {
  deleteRequestPending: (conversationId) => sql`exists (select 1 from ${privacyRequestsTable} p where p.conversation_id = ${conversationId} and p.status = 'pending')`,
} satisfies StateProbes<'deleteRequestPending'>;
type Tx = Parameters<Parameters<Database['transaction']>[0]>[0];

/** Text columns keep '' (media without caption) as '', anything else becomes the marker. */
const redact = (column: SQLWrapper) => sql`case when ${column} = '' then '' else ${REDACTED_TEXT} end`;

/**
 * `uploadFiles`: where web chat uploads keep their bytes (src/web/uploads.files.ts). The rows go in
 * the erasing transaction; their files are removed once it committed (a crash in between leaves
 * files no row names, which the uploads sweep removes at the next start).
 */
export function createPrivacyRepository({ db, uploadFiles }: { db: Database; uploadFiles?: { remove(args: { keys: string[] }): Promise<void> } }) {
  const removeFiles = async (keys: Array<string | null>) => {
    const named = keys.filter((k): k is string => k !== null);
    if (named.length > 0 && uploadFiles) await uploadFiles.remove({ keys: named });
  };

  /** Records that the notice was shown; true only the first time for this conversation. */
  async function recordNoticeShown({ conversationId, version, at }: { conversationId: number; version: string; at: Date }): Promise<{ firstTime: boolean }> {
    const rows = await db.insert(privacyNoticesTable).values({ conversationId, version, shownAt: at }).onConflictDoNothing().returning();
    return { firstTime: rows.length > 0 };
  }

  async function createDeleteRequest({ conversationId, at }: { conversationId: number; at: Date }): Promise<void> {
    await db
      .update(privacyRequestsTable)
      .set({ status: 'cancelled', completedAt: at })
      .where(and(eq(privacyRequestsTable.conversationId, conversationId), eq(privacyRequestsTable.status, 'pending')));
    await db.insert(privacyRequestsTable).values({ conversationId, requestedAt: at });
  }

  async function findPendingDeleteRequest({ conversationId }: { conversationId: number }) {
    const [row] = await db
      .select()
      .from(privacyRequestsTable)
      .where(and(eq(privacyRequestsTable.conversationId, conversationId), eq(privacyRequestsTable.status, 'pending')))
      .orderBy(desc(privacyRequestsTable.id))
      .limit(1);
    return row ? { id: row.id, requestedAt: row.requestedAt } : undefined;
  }

  async function closeDeleteRequest({ id, status, at }: { id: number; status: 'cancelled' | 'expired'; at: Date }): Promise<void> {
    await db.update(privacyRequestsTable).set({ status, completedAt: at }).where(eq(privacyRequestsTable.id, id));
  }

  /** Erases one resident conversation everywhere, in one transaction. Idempotent. */
  async function eraseConversation({ conversationId, at }: { conversationId: number; at: Date }): Promise<{ erased: boolean }> {
    const { erased, fileKeys } = await db.transaction(async (tx) => {
      const [conversation] = await tx.select().from(conversationsTable).where(eq(conversationsTable.id, conversationId));
      if (!conversation) return { erased: false, fileKeys: [] };
      await tx
        .update(messagesTable)
        .set({ text: redact(messagesTable.text), senderExternalId: null, senderName: null, externalId: null, replay: null, attachment: null })
        .where(eq(messagesTable.conversationId, conversationId));
      const { fileKeys } = await eraseConversationIdentity(tx, [{ id: conversationId, conversationRef: conversation.conversationRef }], at);
      await tx.delete(unitChoicePromptsTable).where(eq(unitChoicePromptsTable.conversationId, conversationId));
      // The query log's rows go, and regression cases an admin saved from them (they copy the text).
      const logged = tx.select({ id: queryLogTable.id }).from(queryLogTable).where(eq(queryLogTable.conversationId, conversationId));
      await tx.delete(regressionCasesTable).where(inArray(regressionCasesTable.sourceQueryId, logged));
      await tx.delete(queryLogTable).where(eq(queryLogTable.conversationId, conversationId));
      await tx
        .update(privacyRequestsTable)
        .set({ status: 'done', completedAt: at })
        .where(and(eq(privacyRequestsTable.conversationId, conversationId), eq(privacyRequestsTable.status, 'pending')));
      return { erased: true, fileKeys };
    });
    await removeFiles(fileKeys);
    return { erased };
  }

  /**
   * Retention: erases transcripts older than `cutoff` (messages, ticket questions and events, sent
   * outbox rows, web chat uploads) and the identity of conversations not seen since. A ticket closed
   * before the cutoff loses its staff side too (eraseTicketStaffSide), even rows younger than it.
   * Staff-group conversations keep their ref (the group id is configuration, not a person). Returns what changed.
   */
  async function eraseOlderThan({ cutoff, at = new Date() }: { cutoff: Date; at?: Date }) {
    const { fileKeys, ...result } = await db.transaction(async (tx) => {
      const messages = await tx
        .update(messagesTable)
        .set({ text: redact(messagesTable.text), senderExternalId: null, senderName: null, replay: null, attachment: null })
        .where(
          and(
            lt(messagesTable.createdAt, cutoff),
            or(
              and(ne(messagesTable.text, ''), ne(messagesTable.text, REDACTED_TEXT)),
              isNotNull(messagesTable.senderName),
              isNotNull(messagesTable.senderExternalId),
              isNotNull(messagesTable.attachment),
            ),
          ),
        )
        .returning({ id: messagesTable.id });

      const tickets = await tx
        .update(ticketsTable)
        .set({ question: redact(ticketsTable.question), residentName: null })
        .where(and(isNotNull(ticketsTable.closedAt), lt(ticketsTable.closedAt, cutoff), or(ne(ticketsTable.question, REDACTED_TEXT), isNotNull(ticketsTable.residentName))))
        .returning({ id: ticketsTable.id });
      // The same ticket's staff side (card and relays in our outbox copy, staff messages about it, FAQ
      // drafts), whatever their own age: a ticket's traces go together.
      await eraseTicketStaffSide(
        tx,
        tickets.map((t) => t.id),
      );
      await tx
        .update(ticketEventsTable)
        .set({ text: REDACTED_TEXT })
        .where(and(lt(ticketEventsTable.createdAt, cutoff), isNotNull(ticketEventsTable.text), ne(ticketEventsTable.text, ''), ne(ticketEventsTable.text, REDACTED_TEXT)));

      const uploads = await tx.delete(webUploadsTable).where(lt(webUploadsTable.createdAt, cutoff)).returning({ key: webUploadsTable.storageKey });

      const staffRefs = tx.select({ ref: staffGroupsTable.conversationRef }).from(staffGroupsTable);
      const stale = await tx
        .select({ id: conversationsTable.id, conversationRef: conversationsTable.conversationRef })
        .from(conversationsTable)
        .where(and(lt(conversationsTable.lastSeenAt, cutoff), notLike(conversationsTable.conversationRef, 'deleted:%'), notInArray(conversationsTable.conversationRef, staffRefs)));
      const identities = await eraseConversationIdentity(tx, stale, at);

      const outbox = await tx
        .delete(outboxTable)
        .where(and(lt(outboxTable.createdAt, cutoff), inArray(outboxTable.status, ['sent', 'failed'])))
        .returning({ id: outboxTable.id });
      await tx.delete(unitChoicePromptsTable).where(lt(unitChoicePromptsTable.askedAt, cutoff));
      const queries = await tx.delete(queryLogTable).where(lt(queryLogTable.askedAt, cutoff)).returning({ id: queryLogTable.id });
      const fileKeys = [...uploads.map((u) => u.key), ...identities.fileKeys];
      return { queries: queries.length, messages: messages.length, conversations: stale.length, tickets: tickets.length, outboxRows: outbox.length, uploads: uploads.length + identities.fileKeys.length, fileKeys };
    });
    await removeFiles(fileKeys);
    return result;
  }

  return { recordNoticeShown, createDeleteRequest, findPendingDeleteRequest, closeDeleteRequest, eraseConversation, eraseOlderThan };
}

/**
 * Conversation ref, resident name and id, and every copy of them in tickets, links and the outbox.
 * A ticket still active is closed (closed_at = now, by no staff member, a system 'close' event saying
 * why): nobody can be answered any more, and the SLA must stop reminding staff about it.
 */
async function eraseConversationIdentity(tx: Tx, conversations: Array<{ id: number; conversationRef: string }>, at: Date): Promise<{ fileKeys: Array<string | null> }> {
  const fileKeys: Array<string | null> = [];
  for (const { id, conversationRef } of conversations) {
    const erasedRef = erasedConversationRef(id);
    const closed = await tx
      .update(ticketsTable)
      .set({ status: 'closed', closedAt: at, updatedAt: at })
      .where(and(eq(ticketsTable.conversationId, id), inArray(ticketsTable.status, ACTIVE_TICKET_STATUSES)))
      .returning({ id: ticketsTable.id });
    if (closed.length > 0) {
      await tx
        .insert(ticketEventsTable)
        .values(closed.map((t) => ({ ticketId: t.id, type: 'close', actorKind: 'system' as const, data: { reason: 'resident_erased' }, createdAt: at })));
    }
    const tickets = await tx
      .update(ticketsTable)
      .set({ residentRef: erasedRef, residentName: null, question: redact(ticketsTable.question), deliverToRef: null })
      .where(eq(ticketsTable.conversationId, id))
      .returning({ id: ticketsTable.id });
    if (tickets.length > 0) {
      const ticketIds = tickets.map((t) => t.id);
      await tx
        .update(ticketEventsTable)
        .set({
          text: sql`case when ${ticketEventsTable.text} is null or ${ticketEventsTable.text} = '' then ${ticketEventsTable.text} else ${REDACTED_TEXT} end`,
          // The resident's platform message id on their relayed messages; kind and other facts stay.
          data: sql`${ticketEventsTable.data} - 'externalMessageId'`,
        })
        .where(inArray(ticketEventsTable.ticketId, ticketIds));
      await eraseTicketStaffSide(tx, ticketIds);
    }
    await tx.delete(ticketMessageLinksTable).where(eq(ticketMessageLinksTable.conversationRef, conversationRef));
    // Delivered or failed replies only: a pending one is still on its way (e.g. the last answer).
    await tx
      .update(outboxTable)
      .set({ conversationRef: erasedRef, payload: sql`jsonb_set(jsonb_set(${outboxTable.payload}, '{text}', ${JSON.stringify(REDACTED_TEXT)}::jsonb), '{conversationRef}', ${JSON.stringify(erasedRef)}::jsonb)` })
      .where(and(eq(outboxTable.conversationRef, conversationRef), inArray(outboxTable.status, ['sent', 'failed'])));
    // A group member's answers, receipts and mentions sit in the group's queue, tagged with their requester ref.
    await tx
      .update(outboxTable)
      .set({
        payload: sql`jsonb_set(${outboxTable.payload} - 'mentions', '{text}', ${JSON.stringify(REDACTED_TEXT)}::jsonb)`,
        meta: sql`${outboxTable.meta} - 'requesterRef'`,
      })
      .where(and(sql`${outboxTable.meta}->>'requesterRef' = ${conversationRef}`, inArray(outboxTable.status, ['sent', 'failed'])));
    // Photos and files they sent from the web chat.
    const uploads = await tx.delete(webUploadsTable).where(eq(webUploadsTable.conversationRef, conversationRef)).returning({ key: webUploadsTable.storageKey });
    fileKeys.push(...uploads.map((u) => u.key));
    // Copies of the resident's photos/files into staff groups name the source message and hold its
    // link (a Zalo CDN URL): both go; the row itself stays for the group's delivery history.
    await tx
      .update(outboxTable)
      .set({ payload: sql`jsonb_set(${outboxTable.payload} - 'attachment', '{from}', ${JSON.stringify({ conversationRef: erasedRef, externalMessageId: '' })}::jsonb)` })
      .where(
        and(
          eq(outboxTable.kind, 'copy'),
          sql`${outboxTable.payload}->'from'->>'conversationRef' = ${conversationRef}`,
          inArray(outboxTable.status, ['sent', 'failed']),
        ),
      );
    await tx
      .update(conversationsTable)
      .set({ conversationRef: erasedRef, residentExternalId: null, residentName: null, residentFlow: null, floodState: null })
      .where(eq(conversationsTable.id, id));
  }
  return { fileKeys };
}

/**
 * What the staff side kept about these tickets: FAQ drafts (the resident's question and the answer
 * written to them), our copies of what was sent into the staff groups (card, relayed messages and
 * photos, notices), and what staff wrote there about the ticket. Idempotent. Ticket links and
 * threads stay: they hold only platform message ids and route a late staff reply to the ticket.
 */
async function eraseTicketStaffSide(tx: Tx, ticketIds: number[]): Promise<void> {
  if (ticketIds.length === 0) return;
  await tx
    .update(ticketFaqDraftsTable)
    .set({ question: redact(ticketFaqDraftsTable.question), answer: redact(ticketFaqDraftsTable.answer) })
    .where(and(inArray(ticketFaqDraftsTable.ticketId, ticketIds), or(ne(ticketFaqDraftsTable.question, REDACTED_TEXT), ne(ticketFaqDraftsTable.answer, REDACTED_TEXT))));

  // Outbox rows of the ticket (meta.ticketId): staff side and resident side alike. The text goes and a
  // copy loses its media link (a Zalo CDN URL, a web upload id); kind, status and times stay.
  const ofTickets = sql`(${outboxTable.meta}->>'ticketId') in (${sql.join(
    ticketIds.map((id) => sql`${String(id)}`),
    sql`, `,
  )})`;
  // A staff-side row not yet sent would still carry the resident's words (or copy their photo) into
  // the group: it is dropped. One being sent right now ('sending') is already on its way.
  await tx.delete(outboxTable).where(and(ofTickets, eq(outboxTable.status, 'pending'), sql`${outboxTable.meta}->>'groupRef' is not null`));
  await tx
    .update(outboxTable)
    .set({
      payload: sql`jsonb_set(${outboxTable.payload} - 'attachment', '{text}', to_jsonb(case when ${outboxTable.payload}->>'text' = '' then '' else ${REDACTED_TEXT}::text end))`,
      meta: sql`${outboxTable.meta} - 'fallbackText'`,
    })
    .where(and(ofTickets, inArray(outboxTable.status, ['sent', 'failed'])));

  // The staff groups' transcripts (the outbox records what it sent there too, direction 'out'):
  // everything in the ticket's own forum topics; in plain groups, the messages linked to the ticket
  // (its card, relays and notices by the id the platform gave them, staff replies and notes).
  const topicConversations = tx
    .select({ id: conversationsTable.id })
    .from(conversationsTable)
    .innerJoin(ticketThreadsTable, eq(ticketThreadsTable.threadRef, conversationsTable.conversationRef))
    .where(and(inArray(ticketThreadsTable.ticketId, ticketIds), ne(ticketThreadsTable.threadRef, ticketThreadsTable.groupRef)));
  const notYetErased = and(ne(messagesTable.text, ''), ne(messagesTable.text, REDACTED_TEXT));
  await tx
    .update(messagesTable)
    .set({ text: redact(messagesTable.text) })
    .where(and(inArray(messagesTable.conversationId, topicConversations), notYetErased));
  const linkedMessages = tx
    .select({ id: messagesTable.id })
    .from(messagesTable)
    .innerJoin(conversationsTable, eq(conversationsTable.id, messagesTable.conversationId))
    .innerJoin(
      ticketMessageLinksTable,
      and(eq(ticketMessageLinksTable.conversationRef, conversationsTable.conversationRef), eq(ticketMessageLinksTable.externalMessageId, messagesTable.externalId)),
    )
    .where(inArray(ticketMessageLinksTable.ticketId, ticketIds));
  await tx
    .update(messagesTable)
    .set({ text: redact(messagesTable.text) })
    .where(and(inArray(messagesTable.id, linkedMessages), notYetErased));
}
