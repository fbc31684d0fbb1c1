/**
 * Where a ticket is discussed on the staff side, and how messages get there. Each staff group of
 * the unit carries the ticket either in its own forum topic (Telegram forum group with an adapter
 * that can create threads) or in the group itself (card + reply-to routing).
 *
 * Every send goes through the outbox with meta { ticketId, role, groupRef }, so the sent message is
 * linked to the ticket when the outbox reports it sent, and a topic that vanished (deleted by an admin)
 * is re-created when the outbox reports the failure: see recoverThread.
 */
import type { OutboundButton, OutboundCopy, OutboundMention, OutboundMessage } from '../../bot/core/message.types.js';
import { channelOf } from '../../bot/core/conversation-ref.js';
import type { HandoffDeps, HandoffOutboxMeta, HandoffStaffMember, HandoffUnit } from '../handoff.deps.js';
import { describeOutOfHours, formatLocalMoment } from '../resident/expected-reply.models.js';
import { mentionsOf, staffTexts, ticketCardText, topicRecreatedText, topicTitle, type CardStatus } from '../handoff.texts.js';
import type { MessageLinkRole, TicketLinksRepository } from '../tickets/ticket-links.repository.js';
import type { Ticket } from '../tickets/tickets.repository.js';
import { toButtonData } from './staff-commands.models.js';
import { wordFor, type Wording } from '../../shared/wording.js';

export type StaffThread = { groupRef: string; threadRef: string; ownThread: boolean };

/** How many times one payload may follow its thread to a re-created topic before we give up. */
const MAX_THREAD_RETRIES = 2;

export type StaffThreads = ReturnType<typeof createStaffThreads>;

export function createStaffThreads({ deps, links }: { deps: HandoffDeps; links: TicketLinksRepository }) {
  const { outbox, channels, clock, logger } = deps;
  const log = logger.child({ module: 'handoff' });
  // Serialises topic creation per ticket in this process, so a burst of failures re-creates once.
  const locks = new Map<number, Promise<unknown>>();

  function withTicketLock<T>(ticketId: number, work: () => Promise<T>): Promise<T> {
    const previous = locks.get(ticketId) ?? Promise.resolve();
    const next = previous.then(work, work);
    locks.set(ticketId, next);
    void next.finally(() => {
      if (locks.get(ticketId) === next) locks.delete(ticketId);
    }).catch(() => {});
    return next;
  }

  function hasButtons(conversationRef: string): boolean {
    return channels.get(channelOf(conversationRef))?.capabilities.buttons ?? false;
  }

  /** Opens a forum topic for the ticket, or returns undefined when the group/adapter cannot. */
  async function createTopic({ ticket, groupRef }: { ticket: Ticket; groupRef: string }): Promise<string | undefined> {
    const adapter = channels.get(channelOf(groupRef));
    if (!adapter?.createThread || !adapter.capabilities.threads) return undefined;
    try {
      const { conversationRef } = await adapter.createThread({
        conversationRef: groupRef,
        title: topicTitle({ code: ticket.code, residentName: ticket.residentName }),
      });
      return conversationRef;
    } catch (error) {
      // Missing "Manage Topics" right, Telegram down…: the card goes to the group itself instead.
      log.warn({ err: error, groupRef, ticket: ticket.code }, 'could not create a forum topic; using the group itself');
      return undefined;
    }
  }

  /** The ticket's threads in every staff group of its unit, creating topics on first use. */
  async function ensureThreads({ ticket, unit }: { ticket: Ticket; unit: HandoffUnit }): Promise<StaffThread[]> {
    return withTicketLock(ticket.id, async () => {
      const { threads: existing } = await links.listThreads({ ticketId: ticket.id });
      const result: StaffThread[] = [];
      for (const group of unit.staffGroups) {
        const groupRef = group.conversationRef;
        let threadRef = existing.find((t) => t.groupRef === groupRef)?.threadRef;
        if (!threadRef) {
          threadRef = (group.forum ? await createTopic({ ticket, groupRef }) : undefined) ?? groupRef;
          await links.saveThread({ ticketId: ticket.id, groupRef, threadRef, at: clock.now() });
        }
        result.push({ groupRef, threadRef, ownThread: threadRef !== groupRef });
      }
      return result;
    });
  }

  async function enqueueTo({
    thread,
    ticketId,
    text,
    role,
    buttons,
    replyToExternalId,
    mentions,
    extraMeta,
  }: {
    thread: Pick<StaffThread, 'groupRef' | 'threadRef'>;
    ticketId: number | undefined;
    text: string;
    role: MessageLinkRole;
    buttons?: OutboundButton[];
    replyToExternalId?: string;
    mentions?: OutboundMention[];
    extraMeta?: Partial<HandoffOutboxMeta>;
  }) {
    const message: OutboundMessage = { conversationRef: thread.threadRef, text };
    if (buttons && buttons.length > 0 && hasButtons(thread.threadRef)) message.buttons = buttons;
    if (replyToExternalId) message.replyToExternalId = replyToExternalId;
    if (mentions && mentions.length > 0) message.mentions = mentions;
    const meta: HandoffOutboxMeta = { handoff: true, ticketId, role, groupRef: thread.groupRef, ...extraMeta };
    await outbox.enqueue({ message, meta, chatType: 'group' });
  }

  /**
   * Queues a copy of a resident's photo/file into the thread, right behind what was queued before it
   * (its header line). `fallbackText` is sent instead if the copy fails for good.
   */
  async function enqueueCopyTo({
    thread,
    ticketId,
    copy,
    role,
    fallbackText,
  }: {
    thread: Pick<StaffThread, 'groupRef' | 'threadRef'>;
    ticketId: number;
    copy: Omit<OutboundCopy, 'conversationRef'>;
    role: MessageLinkRole;
    fallbackText: string;
  }) {
    const meta: HandoffOutboxMeta = { handoff: true, ticketId, role, groupRef: thread.groupRef, fallbackText };
    await outbox.enqueueCopy({ copy: { ...copy, conversationRef: thread.threadRef }, meta, chatType: 'group' });
  }

  /** Open: claim or close; claimed: close; closed: reopen. */
  function cardButtons(ticket: Pick<Ticket, 'id' | 'status'>): OutboundButton[] {
    const claim = { label: staffTexts.claimButton, data: toButtonData({ verb: 'claim', ticketId: ticket.id }) };
    const close = { label: staffTexts.closeButton, data: toButtonData({ verb: 'close', ticketId: ticket.id }) };
    const reopen = { label: staffTexts.reopenButton, data: toButtonData({ verb: 'reopen', ticketId: ticket.id }) };
    if (ticket.status === 'open') return [claim, close];
    if (ticket.status === 'closed') return [reopen];
    return [close];
  }

  /** The card as it stands now: the facts at opening, the on-duty staff then, the current status. */
  async function composeCard({ ticket, thread }: { ticket: Ticket; thread: Pick<StaffThread, 'threadRef' | 'ownThread'> }) {
    const { calendar } = await deps.units.getCalendar({ unitId: ticket.unitId });
    const { staff: onDuty } = await deps.units.listOnDuty({ unitId: ticket.unitId, at: ticket.openedAt });
    const { staff } = await deps.units.listStaff({ unitId: ticket.unitId });
    const nameOf = (id: string | null) => (id ? (staff.find((s) => s.id === id)?.name ?? id) : null);
    const at = (date: Date | null) => (date ? formatLocalMoment({ calendar, at: date }) : '');
    const status: CardStatus =
      ticket.status === 'claimed'
        ? { kind: 'claimed', staffName: nameOf(ticket.assigneeStaffId) ?? '', at: at(ticket.claimedAt ?? ticket.updatedAt) }
        : ticket.status === 'closed'
          ? { kind: 'closed', staffName: nameOf(ticket.closedByStaffId), at: at(ticket.closedAt), rating: ticket.rating }
          : { kind: ticket.status };
    const text = ticketCardText({
      code: ticket.code,
      residentName: ticket.residentName,
      channel: ticket.residentChannel,
      question: ticket.question,
      guesses: ticket.botGuesses,
      onDuty,
      inOwnThread: thread.ownThread,
      hasButtons: hasButtons(thread.threadRef),
      receivedAt: at(ticket.openedAt),
      dueAt: ticket.slaDueAt ? at(ticket.slaDueAt) : null,
      outOfHours: describeOutOfHours({ calendar, at: ticket.openedAt }),
      status,
      link: deps.ticketLink?.({ code: ticket.code }) ?? null,
    });
    return { text, buttons: cardButtons(ticket), mentions: mentionsOf(onDuty) };
  }

  /** Posts the ticket card in every staff group (in the ticket's topic where there is one). */
  async function sendCard({ ticket, unit, context }: { ticket: Ticket; unit: HandoffUnit; onDuty?: HandoffStaffMember[]; context?: string }) {
    const threads = await ensureThreads({ ticket, unit });
    for (const thread of threads) {
      await enqueueCard({ ticket, thread, context });
    }
    return { threads };
  }

  async function enqueueCard({ ticket, thread, context }: { ticket: Ticket; thread: StaffThread; context?: string }) {
    const card = await composeCard({ ticket, thread });
    await enqueueTo({ thread, ticketId: ticket.id, text: context ? `${card.text}\n${context}` : card.text, role: 'card', buttons: card.buttons, mentions: card.mentions });
  }

  /**
   * Brings every posted card of the ticket up to date (status line, buttons) where the channel can
   * edit a sent message; returns the staff threads where it cannot, which need a follow-up line.
   * Best effort: a card that cannot be edited (deleted, too old) is logged, the follow-up line still tells.
   */
  async function refreshCards({ ticket }: { ticket: Ticket }): Promise<{ notEdited: string[] }> {
    const { threads } = await links.listThreads({ ticketId: ticket.id });
    const { links: cards } = await links.listMessageLinks({ ticketId: ticket.id, role: 'card' });
    const notEdited: string[] = [];
    for (const thread of threads) {
      const adapter = channels.get(channelOf(thread.threadRef));
      const posted = cards.filter((c) => c.conversationRef === thread.threadRef);
      if (!adapter?.editMessage || posted.length === 0) {
        notEdited.push(thread.threadRef);
        continue;
      }
      const card = await composeCard({ ticket, thread: { threadRef: thread.threadRef, ownThread: thread.threadRef !== thread.groupRef } });
      for (const link of posted) {
        await adapter
          .editMessage({ conversationRef: thread.threadRef, externalMessageId: link.externalMessageId, text: card.text, buttons: hasButtons(thread.threadRef) ? card.buttons : [], mentions: card.mentions })
          .catch((error: unknown) => log.warn({ err: error, ticket: ticket.code, threadRef: thread.threadRef }, 'could not update the ticket card; the follow-up line tells staff instead'));
      }
    }
    return { notEdited };
  }

  /** Sends one message into all of the ticket's staff threads (or only those in `onlyThreads`). */
  async function sendToStaff(args: {
    ticket: Ticket;
    unit: HandoffUnit;
    /** A text that names a button is worded per thread, for what that group's channel shows. */
    text: Wording;
    role: MessageLinkRole;
    mentions?: OutboundMention[];
    extraMeta?: Partial<HandoffOutboxMeta>;
    onlyThreads?: readonly string[];
    buttons?: OutboundButton[];
  }) {
    const threads = (await ensureThreads({ ticket: args.ticket, unit: args.unit })).filter((t) => !args.onlyThreads || args.onlyThreads.includes(t.threadRef));
    for (const thread of threads) {
      const text = wordFor(args.text, { buttons: hasButtons(thread.threadRef) });
      await enqueueTo({ thread, ticketId: args.ticket.id, text, role: args.role, mentions: args.mentions, extraMeta: args.extraMeta, buttons: args.buttons });
    }
    return { threads };
  }

  /**
   * A send into a topic failed because the topic is gone. Closed → reopen it; deleted → open a new
   * topic, post the card again, then the message that failed. Idempotent per failed row: when the
   * thread was already replaced (by an earlier failure), only the payload is re-sent.
   */
  async function recoverThread({
    ticket,
    failedRef,
    payload,
    kind,
    meta,
    closed,
  }: {
    ticket: Ticket;
    /** The ticket's unit (kept for callers; the card reads what it needs itself). */
    unit?: HandoffUnit;
    failedRef: string;
    payload: OutboundMessage | OutboundCopy;
    /** The failed row's kind: a copy is re-queued as a copy. */
    kind?: string;
    meta: HandoffOutboxMeta;
    closed: boolean;
  }): Promise<{ recovered: boolean; threadRef?: string }> {
    const retries = meta.threadRetries ?? 0;
    if (!meta.groupRef || retries >= MAX_THREAD_RETRIES) return { recovered: false };
    const groupRef = meta.groupRef;
    return withTicketLock(ticket.id, async () => {
      const { threads } = await links.listThreads({ ticketId: ticket.id });
      const current = threads.find((t) => t.groupRef === groupRef);
      let threadRef = current?.threadRef;
      let freshTopic = false;
      if (!threadRef || threadRef === failedRef) {
        const adapter = channels.get(channelOf(groupRef));
        let reopened = false;
        if (closed && adapter?.reopenThread) {
          try {
            await adapter.reopenThread({ conversationRef: failedRef });
            reopened = true;
          } catch (error) {
            log.warn({ err: error, failedRef }, 'could not reopen the topic; creating a new one');
          }
        }
        if (reopened) {
          threadRef = failedRef;
        } else {
          threadRef = (await createTopic({ ticket, groupRef })) ?? groupRef;
          freshTopic = true;
          await links.saveThread({ ticketId: ticket.id, groupRef, threadRef, at: clock.now() });
          log.info({ ticket: ticket.code, groupRef, threadRef }, 'staff topic was gone; re-created it');
        }
      }
      const thread: StaffThread = { groupRef, threadRef, ownThread: threadRef !== groupRef };
      if (freshTopic && meta.role !== 'card') {
        await enqueueCard({ ticket, thread, context: topicRecreatedText() });
      }
      const retryMeta = { ...meta, threadRetries: retries + 1 };
      if (kind === 'copy') {
        await outbox.enqueueCopy({ copy: { ...(payload as OutboundCopy), conversationRef: threadRef }, meta: retryMeta, chatType: 'group' });
        return { recovered: true, threadRef };
      }
      const message: OutboundMessage = { ...(payload as OutboundMessage), conversationRef: threadRef };
      delete message.replyToExternalId; // the quoted message lived in the old topic
      await outbox.enqueue({ message, meta: retryMeta, chatType: 'group' });
      return { recovered: true, threadRef };
    });
  }

  return { ensureThreads, sendCard, refreshCards, sendToStaff, enqueueTo, enqueueCopyTo, recoverThread, hasButtons };
}
