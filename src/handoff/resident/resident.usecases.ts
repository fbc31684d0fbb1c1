/**
 * The resident side of the handoff: opening a ticket (receipt + card), appending follow-ups to the
 * active ticket, and the 1–5 rating after close.
 */
import type { InboundMessage, OutboundButton } from '../../bot/core/message.types.js';
import type { TicketRequest } from '../../bot/core/resident-handoff.flow.js';
import { BUTTON_ACTIONS } from '../../shared/actions.js';
import { describeExpectedReply } from './expected-reply.models.js';
import { sendTo, type HandoffContext } from '../handoff.context.js';
import type { HandoffStaffMember } from '../handoff.deps.js';
import { createHandoffNoStaffGroupError } from '../handoff.errors.js';
import { alreadyOpenText, earlierLabel, mentionsOf, followUpAckText, noStaffGroupText, ratingToStaffText, staffTexts, receiptText, reopenedToStaffText, thanksForRatingText } from '../handoff.texts.js';
import { forwardResidentMessage, type ForwardableMessage } from './resident.relay.js';
import { shouldAcknowledge, undeliveredReplies } from './resident-flow.models.js';
import { toButtonData } from '../staff/staff-commands.models.js';
import { parseRequesterRef } from '../../bot/core/requester.js';
import { channelOf } from '../../bot/core/conversation-ref.js';
import { addressInGroup, platformRefOf, sendToResident } from './resident.delivery.js';
import { groupReceiptText, inGroupCardText, personalPointerText } from '../handoff.texts.js';
import type { Ticket } from '../tickets/tickets.repository.js';

/** How a ticket asked for in a residents' group is handled (the pipeline reads the group's policy). */
export type GroupTicketOptions = {
  /** The own dossier, a phone or ID number: nothing of it is posted in the group. */
  personal: boolean;
  /** The unit's officers answer in this group: the card is a mention of the on-duty officers here. */
  staffInGroup: boolean;
};

/** How long after close a lone digit is read as the rating (afterwards it is an ordinary message). */
export const RATING_WINDOW_MS = 3 * 24 * 60 * 60_000;
const RATE_ACTION = /^rate:(\d{1,15}):([1-5])$/;
/**
 * Photos/files sent shortly before the ticket opened ("here is my paper" → "Gặp cán bộ") follow the
 * card to staff, like the earlier texts do. Bounded: only this recent, only this many.
 */
export const EARLIER_MEDIA_WINDOW_MS = 10 * 60_000;
export const EARLIER_MEDIA_MAX = 3;

export function ratingButtons(ticketId: number): OutboundButton[] {
  return [1, 2, 3, 4, 5].map((n) => ({ label: '⭐'.repeat(n), data: `${BUTTON_ACTIONS.rate}${ticketId}:${n}` }));
}

export async function openTicket(
  ctx: HandoffContext,
  {
    message,
    conversationId,
    request,
    messageId,
    group,
  }: { message: InboundMessage; conversationId: number; request: TicketRequest; messageId?: number; group?: GroupTicketOptions },
): Promise<void> {
  const { deps, tickets } = ctx;
  const now = deps.clock.now();
  const { unit } = await deps.units.getResidentUnit({ conversationId });
  const requester = parseRequesterRef(message.conversationRef);
  const staffInGroup = requester !== undefined && group?.staffInGroup === true;
  if (unit.staffGroups.length === 0 && !staffInGroup) {
    // Configuration error: say it loudly in the log, and be honest with the resident.
    ctx.log.error({ unitId: unit.id }, createHandoffNoStaffGroupError({ unitId: unit.id }).message);
    const text = noStaffGroupText({ unitName: unit.name, info: unit.info ?? {} });
    await sendTo(ctx, {
      message: requester
        ? addressInGroup({ ...requester, name: message.sender.displayName || null, replyTo: message.externalMessageId, text })
        : { conversationRef: message.conversationRef, text },
      meta: { role: 'receipt' },
      ...(requester ? { chatType: 'group' as const } : {}),
    });
    return;
  }
  // A personal case in a group goes to the member's private chat when the bot can write there.
  const personal = requester !== undefined && group?.personal === true;
  const privateRef = personal && requester ? await reachablePrivateRef(ctx, { channel: message.channel, userId: requester.userId }) : undefined;

  const { calendar } = await deps.units.getCalendar({ unitId: unit.id });
  const expected = describeExpectedReply({ calendar, now, slaMinutes: unit.slaMinutes });
  // A group member's earlier messages are mostly chatter with the group, never addressed to the bot: none of it goes to staff.
  const { texts: earlier, media: earlierMedia } = requester ? { texts: [], media: [] } : await earlierMessages(ctx, { conversationId, message, request, now });
  // Without a known question (the button after a restart), the resident's last text since the
  // previous ticket is the best guess; the opening message itself when it is a question.
  const question = request.question || (message.action ? (earlier.at(-1) ?? '') : message.text);
  const { ticket, created } = await tickets.createTicket({
    unitId: unit.id,
    conversationId,
    residentChannel: message.channel,
    residentRef: message.conversationRef,
    residentName: message.sender.displayName || null,
    reason: request.reason,
    question,
    botGuesses: request.guesses.slice(0, 3),
    openedAt: now,
    slaDueAt: expected.dueAt,
    sourceMessageId: messageId ?? null,
    sourceExternalId: request.sourceExternalId ?? message.externalMessageId,
    privateOnly: personal,
    deliverToRef: privateRef ?? null,
  });
  // The same message handled again after a crash: its ticket exists, but the receipt and the card were
  // queued in the unit that never committed, so the opening goes on as if the ticket were new.
  const resumed = !created && messageId !== undefined && ticket.sourceMessageId === messageId;

  if (!created && !resumed) {
    // A second request while one is active: keep one ticket, pass the message on.
    await forwardResidentMessage(ctx, { ticket, unit, message });
    await sendToResident(ctx, { ticket, send: { text: alreadyOpenText({ code: ticket.code }), role: 'receipt', replyTo: message.externalMessageId, safeForGroup: true } });
    return;
  }

  const receipt = receiptText({ code: ticket.code, unitName: unit.name, expected: expected.text, question });
  if (!requester) {
    await sendTo(ctx, { message: { conversationRef: message.conversationRef, text: receipt }, meta: { ticketId: ticket.id, role: 'receipt' } });
  } else if (personal) {
    // In the group only the code and where the details go; the full receipt in the private chat.
    const pointer = personalPointerText({ code: ticket.code, privately: privateRef !== undefined });
    const asked = { ...ticket, deliverToRef: null };
    await sendToResident(ctx, { ticket: asked, send: { text: pointer, role: 'receipt', replyTo: message.externalMessageId, safeForGroup: true } });
    if (privateRef) await sendTo(ctx, { message: { conversationRef: privateRef, text: receipt }, meta: { ticketId: ticket.id, role: 'receipt' } });
  } else {
    const text = groupReceiptText({ code: ticket.code, expected: expected.text });
    await sendToResident(ctx, { ticket: { ...ticket, deliverToRef: null }, send: { text, role: 'receipt', replyTo: message.externalMessageId } });
  }
  const { staff: onDuty } = await deps.units.listOnDuty({ unitId: unit.id, at: now });
  const context = earlier.filter((t) => t !== question).map((t) => `  · ${t.slice(0, 200)}`);
  if (unit.staffGroups.length > 0) await ctx.threads.sendCard({ ticket, unit, onDuty, context: context.length > 0 ? `${earlierLabel()}\n${context.join('\n')}` : undefined });
  if (staffInGroup && requester) await sendInGroupCard(ctx, { ticket, onDuty, groupRef: requester.groupRef });
  // Photos/files sent just before, then the opening message itself if it is one: staff get the
  // pictures too (copied through the outbox like any relayed photo), not just "(no text)".
  for (const media of earlierMedia) await forwardResidentMessage(ctx, { ticket, unit, message: media });
  if (message.kind !== 'text') await forwardResidentMessage(ctx, { ticket, unit, message });
}

/**
 * The officers on duty, mentioned in the residents' group under the resident's message (the unit
 * option for centres whose officers answer there). Linked to the ticket like a card, so an officer
 * quoting it answers the ticket; never edited into the full card (that would post the question).
 */
async function sendInGroupCard(ctx: HandoffContext, { ticket, onDuty, groupRef }: { ticket: Ticket; onDuty: HandoffStaffMember[]; groupRef: string }) {
  await sendTo(ctx, {
    message: {
      conversationRef: groupRef,
      text: inGroupCardText({ code: ticket.code, onDuty, privateOnly: ticket.privateOnly }),
      mentions: mentionsOf(onDuty),
      ...(ticket.sourceExternalId ? { replyToExternalId: ticket.sourceExternalId } : {}),
    },
    meta: { ticketId: ticket.id, role: 'notice', requesterRef: ticket.residentRef },
    chatType: 'group',
  });
}

/**
 * The member's private chat when the bot may write there: the platform lets it write first, or the
 * member has written to the bot before (their private conversation exists).
 */
export async function reachablePrivateRef(ctx: HandoffContext, { channel, userId }: { channel: InboundMessage['channel']; userId: string }): Promise<string | undefined> {
  const adapter = ctx.deps.channels.get(channel);
  const privateRef = adapter?.privateRefOf?.({ userId });
  if (!privateRef || channelOf(privateRef) !== channel) return undefined;
  if (adapter?.capabilities.writesFirst) return privateRef;
  const found = await ctx.conversations?.findConversationByRef?.({ conversationRef: privateRef });
  return found?.conversation ? privateRef : undefined;
}

/** A lone rating digit or a plain yes carries nothing staff need on a card. */
const NOT_CONTEXT = /^\s*[1-5]\s*$/;

/**
 * What led here, from the stored transcript (oldest first): up to three resident texts sent since
 * the previous ticket ended (its messages, its rating, belong to it) and before the question, for
 * the card; and the photos/files of the last EARLIER_MEDIA_WINDOW_MS (at most EARLIER_MEDIA_MAX) not
 * already passed on with the previous ticket. Same channel: copied by its platform message id; another
 * channel: uploaded again from the attachment the row keeps (messages.attachment), else its header.
 */
async function earlierMessages(
  ctx: HandoffContext,
  { conversationId, message, request, now }: { conversationId: number; message: InboundMessage; request: TicketRequest; now: Date },
): Promise<{ texts: string[]; media: ForwardableMessage[] }> {
  if (!ctx.conversations) return { texts: [], media: [] };
  const { messages } = await ctx.conversations.listMessages({ conversationId, limit: 12 });
  const { ticket: previous } = await ctx.tickets.findLatestTicket({ conversationId });
  const previousEnd = previous ? (previous.ratedAt ?? previous.closedAt ?? previous.undeliverableAt ?? previous.openedAt).getTime() : -Infinity;
  const at = (m: (typeof messages)[number]) => (m.receivedAt ?? m.createdAt).getTime();
  const sourceIndex = request.sourceExternalId ? messages.findIndex((m) => m.direction === 'in' && m.externalId === request.sourceExternalId) : -1;
  const before = sourceIndex >= 0 ? messages.slice(0, sourceIndex) : messages;
  const earlier = before.filter((m) => m.direction === 'in' && m.externalId !== message.externalMessageId && at(m) > previousEnd);
  const texts = earlier
    .filter((m) => m.kind === 'text' && m.text.trim() && !NOT_CONTEXT.test(m.text) && !m.text.trim().startsWith('/'))
    .slice(-3)
    .map((m) => m.text.trim());

  const since = Math.max(now.getTime() - EARLIER_MEDIA_WINDOW_MS, previousEnd);
  const recent = messages.filter((m) => m.direction === 'in' && m.kind !== 'text' && m.externalId && m.externalId !== message.externalMessageId && at(m) >= since);
  if (recent.length === 0) return { texts, media: [] };
  // Already relayed with the previous ticket (its resident_message events name the message ids).
  const { events } = previous ? await ctx.tickets.listEvents({ ticketId: previous.id }) : { events: [] };
  const relayed = new Set(events.filter((e) => e.type === 'resident_message').map((e) => e.data?.externalMessageId));
  const media = recent
    .filter((m) => !relayed.has(m.externalId!))
    .slice(-EARLIER_MEDIA_MAX)
    .map((m) => ({
      conversationRef: platformRefOf(message.conversationRef),
      channel: message.channel,
      externalMessageId: m.externalId!,
      kind: m.kind as InboundMessage['kind'],
      text: m.text,
      // The stored link/ref lets another platform's staff group get the file itself, not a header.
      ...(m.attachment ? { attachment: m.attachment } : {}),
    }));
  return { texts, media };
}

/**
 * Offered every resident message first. Takes it when the resident has an active ticket (append and
 * forward; an undeliverable ticket is reopened since the resident is evidently reachable again) or
 * when it is the rating of a just-closed ticket.
 */
export async function interceptResidentMessage(
  ctx: HandoffContext,
  { message, conversationId, activeTicket, messageId }: { message: InboundMessage; conversationId: number; activeTicket?: boolean; messageId?: number },
): Promise<{ handled: boolean }> {
  const { tickets, deps } = ctx;
  // activeTicket === false: the pipeline read, while storing the message, that there is none.
  const deliveredTo = message.chatType === 'private' ? { deliveredTo: message.conversationRef } : {};
  const { ticket: active } = activeTicket === false ? { ticket: undefined } : await tickets.findActiveTicket({ conversationId, ...deliveredTo });
  // This very message opened the ticket before a crash: the pipeline goes on to openTicket, which resumes it.
  if (active && messageId !== undefined && active.sourceMessageId === messageId) return { handled: false };
  if (active) {
    let ticket = active;
    const unit = (await deps.units.getUnit({ unitId: ticket.unitId })).unit;
    const { events } = await tickets.listEvents({ ticketId: ticket.id });
    if (ticket.status === 'undeliverable') {
      ({ ticket } = await tickets.transitionTicket({ ticketId: ticket.id, event: { type: 'reopen', staffId: null }, at: deps.clock.now() }));
      // Replies that bounced while the resident had blocked the bot are offered again, not lost.
      const { texts: undelivered } = undeliveredReplies({ events });
      const buttons = undelivered.length > 0 ? [{ label: staffTexts.resendButton, data: toButtonData({ verb: 'resend', ticketId: ticket.id }) }] : undefined;
      await ctx.threads.sendToStaff({
        ticket,
        unit,
        text: reopenedToStaffText({ code: ticket.code, undelivered }),
        role: 'notice',
        ...(buttons ? { buttons } : {}),
      });
    }
    if (isRatingAction(message.action)) return { handled: true }; // a stale rating button while a new ticket is open
    await forwardResidentMessage(ctx, { ticket, unit, message });
    // Once per burst: the resident hears the message reached staff, and does not send it again.
    if (shouldAcknowledge({ events, now: deps.clock.now() })) {
      // Acknowledged where it was written: the private chat it came from, or the group.
      const here = message.conversationRef === ticket.deliverToRef ? ticket : { ...ticket, deliverToRef: null };
      await sendToResident(ctx, { ticket: here, send: { text: followUpAckText({ code: ticket.code, kind: message.kind }), role: 'receipt', replyTo: message.externalMessageId, safeForGroup: true } });
    }
    return { handled: true };
  }
  return handleRating(ctx, { message, conversationId });
}

function isRatingAction(action: string | undefined): boolean {
  return action !== undefined && RATE_ACTION.test(action);
}

async function handleRating(ctx: HandoffContext, { message, conversationId }: { message: InboundMessage; conversationId: number }) {
  const { tickets, deps } = ctx;
  const now = deps.clock.now();
  let ticketId: number | undefined;
  let rating: number | undefined;
  const fromButton = message.action ? RATE_ACTION.exec(message.action) : null;
  if (fromButton) {
    ticketId = Number(fromButton[1]);
    rating = Number(fromButton[2]);
  } else if (/^\s*[1-5]\s*$/.test(message.text) && message.kind === 'text') {
    rating = Number(message.text.trim());
  } else {
    return { handled: false };
  }
  const { ticket } = ticketId ? await tickets.findTicketById({ ticketId }) : await tickets.findLatestTicket({ conversationId });
  const ratable =
    ticket &&
    // The resident's own ticket, or a group member's ticket answered in this private chat.
    (ticket.conversationId === conversationId || (ticket.deliverToRef !== null && ticket.deliverToRef === message.conversationRef)) &&
    ticket.status === 'closed' &&
    ticket.rating === null &&
    ticket.closedAt !== null &&
    now.getTime() - ticket.closedAt.getTime() <= RATING_WINDOW_MS;
  if (!ratable) return { handled: fromButton !== null }; // a stale button is swallowed; a digit goes on to the bot
  const { saved } = await tickets.saveRating({ ticketId: ticket.id, rating, at: now });
  if (saved) {
    await tickets.recordEvent({ ticketId: ticket.id, type: 'rating', actor: { kind: 'resident' }, data: { rating }, at: now });
    const here = message.conversationRef === ticket.deliverToRef ? ticket : { ...ticket, deliverToRef: null };
    await sendToResident(ctx, { ticket: here, send: { text: thanksForRatingText({ rating }), role: 'receipt', replyTo: message.externalMessageId, safeForGroup: true } });
    // Staff see the rating: on the card where it can be edited (a closed topic refuses new messages), else a line.
    const { ticket: rated } = await tickets.getTicketById({ ticketId: ticket.id });
    const { notEdited } = await ctx.threads.refreshCards({ ticket: rated });
    if (notEdited.length > 0) {
      const { unit } = await deps.units.getUnit({ unitId: rated.unitId });
      await ctx.threads.sendToStaff({ ticket: rated, unit, text: ratingToStaffText({ code: rated.code, rating }), role: 'notice', onlyThreads: notEdited });
    }
  }
  return { handled: true };
}
