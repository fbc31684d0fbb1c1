/**
 * Where tickets live on the platforms: which sent message belongs to which ticket, and which staff
 * thread (plain group or forum topic) carries it. This is how a staff reply is routed — by database
 * lookup, never by reading a code back out of a message's text.
 */
import { and, eq } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import { ticketFaqDraftsTable, ticketMessageLinksTable, ticketThreadsTable } from './tickets.table.js';

export type TicketLinksRepository = ReturnType<typeof createTicketLinksRepository>;

/** card, resident_message, notice (staff side); receipt, staff_reply, rating_request (resident side). */
export type MessageLinkRole = 'card' | 'resident_message' | 'notice' | 'staff_message' | 'receipt' | 'staff_reply' | 'rating_request';

export function createTicketLinksRepository({ db }: { db: Database }) {
  /** Idempotent: the outbox may report one send twice after a crash; the second link is ignored. */
  async function addMessageLink(args: { ticketId: number; conversationRef: string; externalMessageId: string; role: MessageLinkRole }) {
    await db.insert(ticketMessageLinksTable).values(args).onConflictDoNothing();
  }

  async function findTicketIdByMessage({ conversationRef, externalMessageId }: { conversationRef: string; externalMessageId: string }) {
    const [row] = await db
      .select({ ticketId: ticketMessageLinksTable.ticketId, role: ticketMessageLinksTable.role })
      .from(ticketMessageLinksTable)
      .where(
        and(
          eq(ticketMessageLinksTable.conversationRef, conversationRef),
          eq(ticketMessageLinksTable.externalMessageId, externalMessageId),
        ),
      );
    return { ticketId: row?.ticketId, role: row?.role };
  }

  /** The ticket's messages of one role (its posted cards, to edit them in place). */
  async function listMessageLinks({ ticketId, role }: { ticketId: number; role: MessageLinkRole }) {
    const rows = await db
      .select({ conversationRef: ticketMessageLinksTable.conversationRef, externalMessageId: ticketMessageLinksTable.externalMessageId })
      .from(ticketMessageLinksTable)
      .where(and(eq(ticketMessageLinksTable.ticketId, ticketId), eq(ticketMessageLinksTable.role, role)));
    return { links: rows };
  }

  /** Creates or replaces (after a deleted topic was re-created) the ticket's thread in one staff group. */
  async function saveThread({ ticketId, groupRef, threadRef, at }: { ticketId: number; groupRef: string; threadRef: string; at: Date }) {
    await db
      .insert(ticketThreadsTable)
      .values({ ticketId, groupRef, threadRef, createdAt: at, updatedAt: at })
      .onConflictDoUpdate({
        target: [ticketThreadsTable.ticketId, ticketThreadsTable.groupRef],
        set: { threadRef, updatedAt: at },
      });
  }

  async function listThreads({ ticketId }: { ticketId: number }) {
    const threads = await db.select().from(ticketThreadsTable).where(eq(ticketThreadsTable.ticketId, ticketId));
    return { threads };
  }

  /**
   * The ticket whose own thread this is. Only forum topics are threads of their own (thread_ref differs
   * from group_ref); a plain group carries many tickets and identifies none.
   */
  async function findThreadByRef({ threadRef }: { threadRef: string }) {
    const rows = await db.select().from(ticketThreadsTable).where(eq(ticketThreadsTable.threadRef, threadRef));
    const own = rows.find((row) => row.threadRef !== row.groupRef);
    return { thread: own };
  }

  async function createFaqDraft(args: { ticketId: number; unitId: string; question: string; answer: string; createdByStaffId: string; at: Date }) {
    const { at, ...values } = args;
    const [draft] = await db
      .insert(ticketFaqDraftsTable)
      .values({ ...values, createdAt: at })
      .returning();
    if (!draft) throw new Error('insert into ticket_faq_drafts returned nothing');
    return { draft };
  }

  async function listFaqDrafts({ status = 'pending' }: { status?: 'pending' | 'accepted' | 'dismissed' } = {}) {
    const drafts = await db.select().from(ticketFaqDraftsTable).where(eq(ticketFaqDraftsTable.status, status));
    return { drafts };
  }

  return { addMessageLink, listMessageLinks, findTicketIdByMessage, saveThread, listThreads, findThreadByRef, createFaqDraft, listFaqDrafts };
}

/** An admin turned a staff `/faq` suggestion into an entry (accepted) or set it aside (dismissed). */
export async function setStaffFaqDraftStatus({ db, id, status }: { db: Database; id: number; status: 'pending' | 'accepted' | 'dismissed' }) {
  const [draft] = await db.update(ticketFaqDraftsTable).set({ status }).where(eq(ticketFaqDraftsTable.id, id)).returning();
  return { draft };
}
