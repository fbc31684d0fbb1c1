/**
 * What each staff command does, once the caller has checked the staff member and found the ticket.
 * State changes go through the repository's optimistic transition; a refused transition becomes a
 * short explanation in the group ("HS-0042 was already claimed by Chị Lan"), never an exception.
 */
import { channelOf, isErasedConversationRef } from '../../bot/core/conversation-ref.js';
import type { HandoffContext } from '../handoff.context.js';
import { isHandoffError } from '../handoff.errors.js';
import type { HandoffOutboxMeta, HandoffStaffMember } from '../handoff.deps.js';
import type { OutboundMention } from '../../bot/core/message.types.js';
import {
  alreadyClaimedText,
  alreadyYoursText,
  claimedText,
  closedToResidentText,
  closedToStaffText,
  faqDraftNoAnswerText,
  faqDraftSavedText,
  heldReplyPointerText,
  helpText,
  invalidStateText,
  kindLabel,
  listLineText,
  listText,
  mentionsOf,
  noteSavedText,
  reopenedByStaffText,
  resentText,
  residentErasedText,
  staffTexts,
  staffMediaLostText,
  staffMediaNotRelayedText,
  staffReplyToResidentText,
  transferTargetText,
  transferredText,
} from '../handoff.texts.js';
import { formatLocalMoment } from '../resident/expected-reply.models.js';
import { residentTarget, sendToResident } from '../resident/resident.delivery.js';
import { ratingButtons } from '../resident/resident.usecases.js';
import { undeliveredReplies } from '../resident/resident-flow.models.js';
import { foldCommandWord } from './staff-commands.models.js';
import type { StaffActionArgs } from './staff.types.js';
import { ACTIVE_TICKET_STATUSES, type TicketEvent } from '../tickets/tickets.models.js';
import type { Ticket } from '../tickets/tickets.repository.js';
import { isUniqueViolation } from '../../db/db.errors.js';

/** What would reach the resident again; refused with an explanation once they erased their data. */
const REACHES_RESIDENT = new Set(['reply', 'text', 'reopen', 'resend']);

export async function runStaffAction(ctx: HandoffContext, args: StaffActionArgs): Promise<void> {
  const { command, ticket } = args;
  if (ticket && REACHES_RESIDENT.has(command.verb) && isErasedConversationRef(ticket.residentRef)) {
    return args.reply(residentErasedText({ code: ticket.code }), ticket.id);
  }
  switch (command.verb) {
    case 'help':
      return args.reply(helpText());
    case 'list':
      return listOpen(ctx, args);
    case 'claim':
      return claim(ctx, args, ticket!);
    case 'reply':
    case 'text':
      return relayReply(ctx, args, ticket!);
    case 'note':
      return note(ctx, args, ticket!);
    case 'transfer':
      return transfer(ctx, args, ticket!);
    case 'close':
      return close(ctx, args, ticket!);
    case 'reopen':
      return reopen(ctx, args, ticket!);
    case 'resend':
      return resend(ctx, args, ticket!);
    case 'faq':
      return faqDraft(ctx, args, ticket!);
    default:
      return;
  }
}

/** Applies the event; on a refused transition tells the staff member why and returns undefined. */
async function transition(ctx: HandoffContext, args: StaffActionArgs, ticket: Ticket, event: TicketEvent, text?: string) {
  try {
    return await ctx.tickets.transitionTicket({ ticketId: ticket.id, event, at: ctx.deps.clock.now(), text: text ?? null });
  } catch (error) {
    if (!isHandoffError(error, 'handoff.invalid_transition')) throw error;
    const { ticket: fresh } = await ctx.tickets.getTicketById({ ticketId: ticket.id });
    if (fresh.status === 'claimed' && fresh.assigneeStaffId && fresh.assigneeStaffId !== args.staff.id) {
      await tell(ctx, args, alreadyClaimedText({ code: fresh.code, staffName: await staffName(ctx, fresh.unitId, fresh.assigneeStaffId) }), fresh.id);
    } else {
      await tell(ctx, args, invalidStateText({ code: fresh.code, status: fresh.status }), fresh.id);
    }
    return undefined;
  }
}

/** To the staff member alone: a pop-up on the button they tapped where the channel has one, else a reply. */
async function tell(ctx: HandoffContext, args: StaffActionArgs, text: string, ticketId?: number) {
  const adapter = ctx.deps.channels.get(args.message.channel);
  if (args.command.fromButton && adapter?.answerAction) return adapter.answerAction({ externalMessageId: args.message.externalMessageId, text });
  return args.reply(text, ticketId);
}

/**
 * A claim, transfer, close or reopen: every posted card is brought up to date where the channel can
 * edit it; a short line tells the threads whose card could not be edited, and every thread when the
 * action was typed (the card may be far up). A tap on the card itself gets a pop-up instead.
 */
async function announce(
  ctx: HandoffContext,
  args: StaffActionArgs,
  { ticket, text, mentions, extraMeta }: { ticket: Ticket; text: string; mentions?: OutboundMention[]; extraMeta?: Partial<HandoffOutboxMeta> },
) {
  const { notEdited } = await ctx.threads.refreshCards({ ticket });
  const tapped = args.command.fromButton && ctx.deps.channels.get(args.message.channel)?.answerAction !== undefined;
  if (tapped) await tell(ctx, args, text, ticket.id);
  // A close is always announced: the topic closes once its notice is out.
  const onlyThreads = tapped && !extraMeta?.closeThreadAfter ? notEdited : undefined;
  if (onlyThreads?.length === 0) return;
  await ctx.threads.sendToStaff({ ticket, unit: args.scope.unit, text, role: 'notice', ...(mentions ? { mentions } : {}), ...(extraMeta ? { extraMeta } : {}), ...(onlyThreads ? { onlyThreads } : {}) });
}

async function staffName(ctx: HandoffContext, unitId: string, staffId: string | null): Promise<string> {
  if (!staffId) return staffTexts.nobody;
  const { staff } = await ctx.deps.units.listStaff({ unitId });
  return staff.find((s) => s.id === staffId)?.name ?? staffId;
}

async function claim(ctx: HandoffContext, args: StaffActionArgs, ticket: Ticket) {
  const result = await transition(ctx, args, ticket, { type: 'claim', staffId: args.staff.id });
  if (!result) return;
  if (!result.changed) return tell(ctx, args, alreadyYoursText({ code: ticket.code }), ticket.id);
  await announce(ctx, args, { ticket: result.ticket, text: claimedText({ code: ticket.code, staffName: args.staff.name }) });
}

async function relayReply(ctx: HandoffContext, args: StaffActionArgs, ticket: Ticket) {
  const { message, scope, staff } = args;
  const hasMedia = message.kind !== 'text';
  const text = args.command.text.trim();
  if (!text && !hasMedia) return args.reply(staffTexts.emptyReply({ code: ticket.code }), ticket.id);
  const result = await transition(ctx, args, ticket, { type: 'reply', staffId: staff.id }, text || `(${kindLabel(message.kind)})`);
  if (!result) return;
  const unitName = scope.unit.name;
  // The staff member's own message is linked too, so a colleague can quote it to follow up.
  await ctx.links.addMessageLink({ ticketId: ticket.id, conversationRef: message.conversationRef, externalMessageId: message.externalMessageId, role: 'staff_message' });

  const target = residentTarget({ ticket });
  const residentChat = target.kind === 'direct' ? target.conversationRef : target.groupRef;
  const sameChannel = channelOf(residentChat) === message.channel;
  const canCopy = hasMedia && sameChannel && ctx.deps.outbox.canCopy({ channel: message.channel });
  if (text || canCopy) {
    const { held } = await queueStaffAnswer(ctx, { ticket: result.ticket, unitName, text: text || staffTexts.mediaOnlyReply({ kind: message.kind }), staffId: staff.id });
    if (held) return holdForPrivateChat(ctx, args, { ticket: result.ticket, previous: result.previous });
  }
  if (canCopy) {
    // Right behind the signed text, as its own outbox row (retried, kept across a restart).
    await ctx.deps.outbox.enqueueCopy({
      copy: {
        conversationRef: residentChat,
        from: { conversationRef: message.conversationRef, externalMessageId: message.externalMessageId },
        kind: message.kind,
        ...(message.attachment ? { attachment: message.attachment } : {}),
        text: `(${kindLabel(message.kind)})`,
      },
      meta: { handoff: true, ticketId: ticket.id, role: 'staff_reply', fallbackText: staffMediaLostText(), ...(target.kind === 'group' ? { requesterRef: ticket.residentRef } : {}) },
      ...(target.kind === 'group' ? { chatType: 'group' as const } : {}),
    });
  }
  if (hasMedia && !canCopy) await args.reply(staffMediaNotRelayedText({ code: ticket.code }), ticket.id);
  if (result.previous.status === 'open') {
    await announce(ctx, args, { ticket: result.ticket, text: claimedText({ code: ticket.code, staffName: staff.name, auto: true }) });
  }
}

/**
 * The staff answer as the resident receives it, signed with the centre's name, through the outbox
 * (role staff_reply: linked to the ticket when sent, the ticket turns undeliverable if it bounces).
 * The one way an answer reaches a resident, typed in the staff group or written in the console.
 * A personal case asked in a group whose member has no private chat with the bot yet: the group
 * gets only a pointer, the answer waits (a `reply_held` event) and is delivered the moment the
 * member writes to the bot (deliverHeldReplies); `held: true` tells the caller to say so to staff.
 */
export async function queueStaffAnswer(
  ctx: HandoffContext,
  { ticket, unitName, text, staffId = null }: { ticket: Ticket; unitName: string; text: string; staffId?: string | null },
): Promise<{ held: boolean }> {
  const signed = staffReplyToResidentText({ text, unitName });
  const { held } = await sendToResident(ctx, { ticket, send: { text: signed, role: 'staff_reply' } });
  if (!held) return { held };
  const actor = staffId ? { kind: 'staff' as const, staffId } : { kind: 'system' as const };
  await ctx.tickets.recordEvent({ ticketId: ticket.id, type: 'reply_held', actor, text: signed, isInternal: true, at: ctx.deps.clock.now() });
  await sendToResident(ctx, { ticket, send: { text: heldReplyPointerText({ code: ticket.code }), role: 'staff_reply', safeForGroup: true } });
  return { held };
}

/** Staff hear why the resident saw only a pointer; the auto-claim is announced as after any reply. */
async function holdForPrivateChat(ctx: HandoffContext, args: StaffActionArgs, { ticket, previous }: { ticket: Ticket; previous: Ticket }) {
  await args.reply(staffTexts.heldForPrivate({ code: ticket.code }), ticket.id);
  if (previous.status === 'open') {
    await announce(ctx, args, { ticket, text: claimedText({ code: ticket.code, staffName: args.staff.name, auto: true }) });
  }
}

async function note(ctx: HandoffContext, args: StaffActionArgs, ticket: Ticket) {
  const text = args.command.text.trim();
  if (!text) return args.reply(staffTexts.emptyNote({ code: ticket.code }), ticket.id);
  const result = await transition(ctx, args, ticket, { type: 'note', staffId: args.staff.id }, text);
  if (!result) return;
  // Linked like a reply: erasing the resident's data finds the note's message through it (privacy.repository.ts).
  await ctx.links.addMessageLink({ ticketId: ticket.id, conversationRef: args.message.conversationRef, externalMessageId: args.message.externalMessageId, role: 'staff_message' });
  await args.reply(noteSavedText({ code: ticket.code }), ticket.id);
}

/** Exact id, then exact folded name, then folded-name substring; anything ambiguous is asked back. */
export function matchStaff({ staff, query }: { staff: HandoffStaffMember[]; query: string }): { matches: HandoffStaffMember[] } {
  const q = foldCommandWord(query.trim().replace(/^@/, ''));
  if (!q) return { matches: [] };
  const byId = staff.filter((s) => foldCommandWord(s.id) === q);
  if (byId.length > 0) return { matches: byId };
  const exact = staff.filter((s) => foldCommandWord(s.name) === q);
  if (exact.length > 0) return { matches: exact };
  return { matches: staff.filter((s) => foldCommandWord(s.name).includes(q)) };
}

async function transfer(ctx: HandoffContext, args: StaffActionArgs, ticket: Ticket) {
  const { staff } = await ctx.deps.units.listStaff({ unitId: ticket.unitId });
  const { matches } = matchStaff({ staff, query: args.command.text });
  if (matches.length !== 1) return args.reply(transferTargetText({ query: args.command.text, candidates: matches }), ticket.id);
  const to = matches[0]!;
  const result = await transition(ctx, args, ticket, { type: 'transfer', staffId: args.staff.id, toStaffId: to.id });
  if (!result) return;
  await announce(ctx, args, { ticket: result.ticket, text: transferredText({ code: ticket.code, fromName: args.staff.name, to }), mentions: mentionsOf([to]) });
}

async function close(ctx: HandoffContext, args: StaffActionArgs, ticket: Ticket) {
  const result = await transition(ctx, args, ticket, { type: 'close', staffId: args.staff.id });
  if (!result) return;
  const residentButtons = ctx.deps.channels.get(channelOf(ticket.residentRef))?.capabilities.buttons ?? false;
  // In a group the rating buttons answer only for the member they are for (handleRating checks the tapper).
  await sendToResident(ctx, {
    ticket,
    send: { text: closedToResidentText({ code: ticket.code }), role: 'rating_request', safeForGroup: true, ...(residentButtons ? { buttons: ratingButtons(ticket.id) } : {}) },
  });
  // The forum topic is closed once this notice is out (handoff.outbox-events.ts), not before: a closed topic refuses it.
  await announce(ctx, args, { ticket: result.ticket, text: closedToStaffText({ code: ticket.code, staffName: args.staff.name }), extraMeta: { closeThreadAfter: true } });
}

async function reopen(ctx: HandoffContext, args: StaffActionArgs, ticket: Ticket) {
  let result;
  try {
    result = await transition(ctx, args, ticket, { type: 'reopen', staffId: args.staff.id });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    return args.reply(staffTexts.otherTicketOpen({ code: ticket.code }), ticket.id);
  }
  if (!result) return;
  const { threads } = await ctx.links.listThreads({ ticketId: ticket.id });
  for (const thread of threads.filter((t) => t.threadRef !== t.groupRef)) {
    const adapter = ctx.deps.channels.get(channelOf(thread.threadRef));
    await adapter?.reopenThread?.({ conversationRef: thread.threadRef }).catch((error: unknown) => {
      ctx.log.warn({ err: error, threadRef: thread.threadRef }, 'could not reopen the topic; the next send re-creates it');
    });
  }
  await announce(ctx, args, { ticket: result.ticket, text: reopenedByStaffText({ code: ticket.code }) });
}

/** Re-sends the staff replies that bounced while the resident had blocked the bot (once they are back). */
async function resend(ctx: HandoffContext, args: StaffActionArgs, ticket: Ticket) {
  const { ticket: fresh } = await ctx.tickets.getTicketById({ ticketId: ticket.id });
  if (fresh.status !== 'open' && fresh.status !== 'claimed') return tell(ctx, args, invalidStateText({ code: fresh.code, status: fresh.status }), fresh.id);
  const { events } = await ctx.tickets.listEvents({ ticketId: ticket.id });
  const { texts } = undeliveredReplies({ events });
  for (const text of texts) await sendToResident(ctx, { ticket: fresh, send: { text, role: 'staff_reply' } });
  const at = ctx.deps.clock.now();
  await ctx.tickets.recordEvent({ ticketId: ticket.id, type: 'relay_resent', actor: { kind: 'staff', staffId: args.staff.id }, data: { count: texts.length }, isInternal: true, at });
  await args.reply(resentText({ code: ticket.code, count: texts.length }), ticket.id);
}

async function faqDraft(ctx: HandoffContext, args: StaffActionArgs, ticket: Ticket) {
  const { event } = await ctx.tickets.findLastStaffReply({ ticketId: ticket.id });
  if (!event?.text) return args.reply(faqDraftNoAnswerText({ code: ticket.code }), ticket.id);
  const at = ctx.deps.clock.now();
  await ctx.links.createFaqDraft({ ticketId: ticket.id, unitId: ticket.unitId, question: ticket.question, answer: event.text, createdByStaffId: args.staff.id, at });
  await ctx.tickets.recordEvent({ ticketId: ticket.id, type: 'faq_draft', actor: { kind: 'staff', staffId: args.staff.id }, at, isInternal: true });
  await args.reply(faqDraftSavedText({ code: ticket.code }), ticket.id);
}

async function listOpen(ctx: HandoffContext, args: StaffActionArgs) {
  const unitId = args.scope.unit.id;
  const { tickets } = await ctx.tickets.listTickets({ unitIds: [unitId], statuses: ACTIVE_TICKET_STATUSES });
  const { staff } = await ctx.deps.units.listStaff({ unitId });
  const { calendar } = await ctx.deps.units.getCalendar({ unitId });
  const now = ctx.deps.clock.now();
  const lines = tickets.slice(0, 30).map((t) => {
    const who = t.assigneeStaffId ? (staff.find((s) => s.id === t.assigneeStaffId)?.name ?? t.assigneeStaffId) : staffTexts.unclaimed;
    const minutes = Math.max(0, Math.round((now.getTime() - t.openedAt.getTime()) / 60_000));
    return listLineText({
      code: t.code,
      residentName: t.residentName,
      channel: t.residentChannel,
      who,
      age: formatAge(minutes),
      dueAt: t.slaDueAt && !t.firstStaffReplyAt ? formatLocalMoment({ calendar, at: t.slaDueAt }) : null,
      overdue: t.slaDueAt !== null && !t.firstStaffReplyAt && t.slaDueAt.getTime() < now.getTime(),
      outOfHours: !calendar.isWorkingTime({ at: t.openedAt }),
      undeliverable: t.status === 'undeliverable',
    });
  });
  if (tickets.length > 30) lines.push(staffTexts.moreTickets({ count: tickets.length - 30 }));
  await args.reply(listText({ lines }));
}

function formatAge(minutes: number): string {
  return staffTexts.age({ minutes });
}
