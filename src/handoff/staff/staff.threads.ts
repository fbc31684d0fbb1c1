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
import { mentionsOf, ticketCardText, topicTitle } from '../handoff.texts.js';
import type { MessageLinkRole, TicketLinksRepository } from '../tickets/ticket-links.repository.js';
import type { Ticket } from '../tickets/tickets.repository.js';
import { toButtonData } from './staff-commands.models.js';

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

  function cardButtons(ticketId: number): OutboundButton[] {
    return [
      { label: '✋ Nhận', data: toButtonData({ verb: 'claim', ticketId }) },
      { label: '✅ Đóng', data: toButtonData({ verb: 'close', ticketId }) },
    ];
  }

  /** Posts the ticket card in every staff group (in the ticket's topic where there is one). */
  async function sendCard({
    ticket,
    unit,
    onDuty,
    context,
  }: {
    ticket: Ticket;
    unit: HandoffUnit;
    onDuty: HandoffStaffMember[];
    context?: string;
  }) {
    const threads = await ensureThreads({ ticket, unit });
    for (const thread of threads) {
      await enqueueCard({ ticket, thread, onDuty, context });
    }
    return { threads };
  }

  async function enqueueCard({
    ticket,
    thread,
    onDuty,
    context,
  }: {
    ticket: Ticket;
    thread: StaffThread;
    onDuty: HandoffStaffMember[];
    context?: string;
  }) {
    const text = ticketCardText({
      code: ticket.code,
      residentName: ticket.residentName,
      channel: ticket.residentChannel,
      question: ticket.question,
      guesses: ticket.botGuesses,
      onDuty,
      inOwnThread: thread.ownThread,
      hasButtons: hasButtons(thread.threadRef),
    });
    await enqueueTo({
      thread,
      ticketId: ticket.id,
      text: context ? `${text}\n${context}` : text,
      role: 'card',
      buttons: cardButtons(ticket.id),
      mentions: mentionsOf(onDuty),
    });
  }

  /** Sends one message into all of the ticket's staff threads. */
  async function sendToStaff(args: {
    ticket: Ticket;
    unit: HandoffUnit;
    text: string;
    role: MessageLinkRole;
    mentions?: OutboundMention[];
    extraMeta?: Partial<HandoffOutboxMeta>;
  }) {
    const threads = await ensureThreads({ ticket: args.ticket, unit: args.unit });
    for (const thread of threads) {
      await enqueueTo({ thread, ticketId: args.ticket.id, text: args.text, role: args.role, mentions: args.mentions, extraMeta: args.extraMeta });
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
    unit,
    failedRef,
    payload,
    kind,
    meta,
    closed,
  }: {
    ticket: Ticket;
    unit: HandoffUnit;
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
        const { staff: onDuty } = await deps.units.listOnDuty({ unitId: unit.id, at: clock.now() });
        await enqueueCard({ ticket, thread, onDuty, context: '(Chủ đề cũ đã bị xoá hoặc đóng; bot tạo lại chủ đề này.)' });
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

  return { ensureThreads, sendCard, sendToStaff, enqueueTo, enqueueCopyTo, recoverThread, hasButtons };
}
