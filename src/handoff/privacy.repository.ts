/**
 * Erasing personal data in the database, for "delete my data" and for the retention job.
 *
 * Erase = anonymise in place: message text becomes "[đã xóa]", names and platform ids become
 * null, the conversation ref (which holds the platform user id) becomes "deleted:<id>". Rows,
 * kinds, directions, timestamps, ticket states, timings and ratings stay, so the dashboard's
 * counts and times do not change. Other modules' tables that copy resident data (tickets,
 * ticket events and links, the outbox) are erased here too, so one call covers everything.
 */
import { and, desc, eq, inArray, isNotNull, lt, ne, notInArray, notLike, or, sql } from 'drizzle-orm';
import { outboxTable } from '../bot/outbox/outbox.table.js';
import { webUploadsTable } from '../web/uploads.table.js';
import type { Database } from '../db/client.js';
import { conversationsTable } from '../db/conversations.table.js';
import { messagesTable } from '../db/messages.table.js';
import { erasedConversationRef, REDACTED_TEXT } from './privacy.models.js';
import { privacyNoticesTable, privacyRequestsTable } from './privacy.table.js';
import { ticketEventsTable, ticketMessageLinksTable, ticketsTable } from './tickets.table.js';
import { staffGroupsTable, unitChoicePromptsTable } from './units.table.js';

export type PrivacyRepository = ReturnType<typeof createPrivacyRepository>;
type Tx = Parameters<Parameters<Database['transaction']>[0]>[0];

/** Text columns keep '' (media without caption) as '', anything else becomes the marker. */
const redact = (column: typeof messagesTable.text | typeof ticketsTable.question) => sql`case when ${column} = '' then '' else ${REDACTED_TEXT} end`;

export function createPrivacyRepository({ db }: { db: Database }) {
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
    return db.transaction(async (tx) => {
      const [conversation] = await tx.select().from(conversationsTable).where(eq(conversationsTable.id, conversationId));
      if (!conversation) return { erased: false };
      await tx
        .update(messagesTable)
        .set({ text: redact(messagesTable.text), senderExternalId: null, senderName: null, externalId: null })
        .where(eq(messagesTable.conversationId, conversationId));
      await eraseConversationIdentity(tx, [{ id: conversationId, conversationRef: conversation.conversationRef }]);
      await tx.delete(unitChoicePromptsTable).where(eq(unitChoicePromptsTable.conversationId, conversationId));
      await tx
        .update(privacyRequestsTable)
        .set({ status: 'done', completedAt: at })
        .where(and(eq(privacyRequestsTable.conversationId, conversationId), eq(privacyRequestsTable.status, 'pending')));
      return { erased: true };
    });
  }

  /**
   * Retention: erases transcripts older than `cutoff` (messages, ticket questions and events, sent
   * outbox rows, web chat uploads) and the identity of conversations not seen since. Staff-group conversations keep
   * their ref (the group id is configuration, not a person). Returns what changed.
   */
  async function eraseOlderThan({ cutoff }: { cutoff: Date }) {
    return db.transaction(async (tx) => {
      const messages = await tx
        .update(messagesTable)
        .set({ text: redact(messagesTable.text), senderExternalId: null, senderName: null })
        .where(
          and(
            lt(messagesTable.createdAt, cutoff),
            or(and(ne(messagesTable.text, ''), ne(messagesTable.text, REDACTED_TEXT)), isNotNull(messagesTable.senderName), isNotNull(messagesTable.senderExternalId)),
          ),
        )
        .returning({ id: messagesTable.id });

      const tickets = await tx
        .update(ticketsTable)
        .set({ question: redact(ticketsTable.question), residentName: null })
        .where(and(isNotNull(ticketsTable.closedAt), lt(ticketsTable.closedAt, cutoff), or(ne(ticketsTable.question, REDACTED_TEXT), isNotNull(ticketsTable.residentName))))
        .returning({ id: ticketsTable.id });
      await tx
        .update(ticketEventsTable)
        .set({ text: REDACTED_TEXT })
        .where(and(lt(ticketEventsTable.createdAt, cutoff), isNotNull(ticketEventsTable.text), ne(ticketEventsTable.text, ''), ne(ticketEventsTable.text, REDACTED_TEXT)));

      const uploads = await tx.delete(webUploadsTable).where(lt(webUploadsTable.createdAt, cutoff)).returning({ id: webUploadsTable.id });

      const staffRefs = tx.select({ ref: staffGroupsTable.conversationRef }).from(staffGroupsTable);
      const stale = await tx
        .select({ id: conversationsTable.id, conversationRef: conversationsTable.conversationRef })
        .from(conversationsTable)
        .where(and(lt(conversationsTable.lastSeenAt, cutoff), notLike(conversationsTable.conversationRef, 'deleted:%'), notInArray(conversationsTable.conversationRef, staffRefs)));
      await eraseConversationIdentity(tx, stale);

      const outbox = await tx
        .delete(outboxTable)
        .where(and(lt(outboxTable.createdAt, cutoff), inArray(outboxTable.status, ['sent', 'failed'])))
        .returning({ id: outboxTable.id });
      await tx.delete(unitChoicePromptsTable).where(lt(unitChoicePromptsTable.askedAt, cutoff));
      return { messages: messages.length, conversations: stale.length, tickets: tickets.length, outboxRows: outbox.length, uploads: uploads.length };
    });
  }

  return { recordNoticeShown, createDeleteRequest, findPendingDeleteRequest, closeDeleteRequest, eraseConversation, eraseOlderThan };
}

/** Conversation ref, resident name and id, and every copy of them in tickets, links and the outbox. */
async function eraseConversationIdentity(tx: Tx, conversations: Array<{ id: number; conversationRef: string }>): Promise<void> {
  for (const { id, conversationRef } of conversations) {
    const erasedRef = erasedConversationRef(id);
    const tickets = await tx
      .update(ticketsTable)
      .set({ residentRef: erasedRef, residentName: null, question: redact(ticketsTable.question) })
      .where(eq(ticketsTable.conversationId, id))
      .returning({ id: ticketsTable.id });
    if (tickets.length > 0) {
      await tx
        .update(ticketEventsTable)
        .set({ text: sql`case when ${ticketEventsTable.text} is null or ${ticketEventsTable.text} = '' then ${ticketEventsTable.text} else ${REDACTED_TEXT} end` })
        .where(
          inArray(
            ticketEventsTable.ticketId,
            tickets.map((t) => t.id),
          ),
        );
    }
    await tx.delete(ticketMessageLinksTable).where(eq(ticketMessageLinksTable.conversationRef, conversationRef));
    // Delivered or failed replies only: a pending one is still on its way (e.g. the last answer).
    await tx
      .update(outboxTable)
      .set({ conversationRef: erasedRef, payload: sql`jsonb_set(jsonb_set(${outboxTable.payload}, '{text}', ${JSON.stringify(REDACTED_TEXT)}::jsonb), '{conversationRef}', ${JSON.stringify(erasedRef)}::jsonb)` })
      .where(and(eq(outboxTable.conversationRef, conversationRef), inArray(outboxTable.status, ['sent', 'failed'])));
    // Photos and files they sent from the web chat.
    await tx.delete(webUploadsTable).where(eq(webUploadsTable.conversationRef, conversationRef));
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
      .set({ conversationRef: erasedRef, residentExternalId: null, residentName: null })
      .where(eq(conversationsTable.id, id));
  }
}
