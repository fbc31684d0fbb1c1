/**
 * The handoff inside a residents' group (the bot as a member of a ward's Zalo/Telegram group):
 * - an officer of the group's unit answering a resident right there closes the loop: it is the
 *   ticket's first staff reply (SLA, dashboard), recorded with its text, and the bot stays silent;
 * - `/rieng`: a member's answers go to their private chat instead of the group;
 * - a member who writes to the bot privately gets the personal-case answers that waited for it.
 */
import type { InboundMessage } from '../../bot/core/message.types.js';
import { parseRequesterRef } from '../../bot/core/requester.js';
import { sendTo, type HandoffContext } from '../handoff.context.js';
import { isHandoffError } from '../handoff.errors.js';
import { answeredInGroupText, claimedText, heldRepliesIntroText, privateChosenText, privateNothingOpenText, privateUnavailableText } from '../handoff.texts.js';
import type { Ticket } from '../tickets/tickets.repository.js';
import { reachablePrivateRef } from './resident.usecases.js';
import { addressInGroup, sendToResident } from './resident.delivery.js';

/**
 * A message in a residents' group from a registered officer of `unitId`. `officer: false` when the
 * sender is not one (the pipeline treats them as a resident). A reply to a resident's message, or
 * to the bot's receipt or card of a ticket, answers that resident's active ticket.
 */
export async function handleOfficerInGroup(
  ctx: HandoffContext,
  { message, unitId }: { message: InboundMessage; unitId: string },
): Promise<{ officer: false } | { officer: true; answered?: { externalMessageId: string; ticketCode?: string } }> {
  const { staff } = await ctx.deps.units.findStaffMember({ unitId, channel: message.channel, externalUserId: message.sender.externalUserId });
  if (!staff) return { officer: false };
  // A command ("/bot" on a member's message) is an instruction to the bot, not an answer to anyone.
  if (!message.replyToExternalId || message.text.trim().startsWith('/')) return { officer: true };
  const quoted = message.replyToExternalId;
  const ticket = await ticketOfQuoted(ctx, { message, quoted });
  if (!ticket || (ticket.status !== 'open' && ticket.status !== 'claimed') || message.text.trim() === '') return { officer: true, answered: { externalMessageId: quoted } };
  const at = ctx.deps.clock.now();
  let result;
  try {
    result = await ctx.tickets.transitionTicket({ ticketId: ticket.id, event: { type: 'reply', staffId: staff.id }, at, text: message.text.trim(), data: { inGroup: true } });
  } catch (error) {
    if (!isHandoffError(error, 'handoff.invalid_transition')) throw error;
    return { officer: true, answered: { externalMessageId: quoted, ticketCode: ticket.code } };
  }
  // The officer's message is the ticket's now: a colleague quoting it follows up on the same ticket.
  await ctx.links.addMessageLink({ ticketId: ticket.id, conversationRef: message.conversationRef, externalMessageId: message.externalMessageId, role: 'staff_message' });
  const { unit } = await ctx.deps.units.getUnit({ unitId: ticket.unitId });
  await ctx.threads.refreshCards({ ticket: result.ticket });
  if (unit.staffGroups.length > 0) {
    await ctx.threads.sendToStaff({ ticket: result.ticket, unit, text: answeredInGroupText({ code: ticket.code, staffName: staff.name, text: message.text }), role: 'notice' });
    if (result.previous.status === 'open') await ctx.threads.sendToStaff({ ticket: result.ticket, unit, text: claimedText({ code: ticket.code, staffName: staff.name, auto: true }), role: 'notice' });
  }
  return { officer: true, answered: { externalMessageId: quoted, ticketCode: ticket.code } };
}

/** The ticket a quoted message belongs to: one of the bot's (receipt, in-group card), or a resident's message with an active ticket. */
async function ticketOfQuoted(ctx: HandoffContext, { message, quoted }: { message: InboundMessage; quoted: string }): Promise<Ticket | undefined> {
  const { ticketId } = await ctx.links.findTicketIdByMessage({ conversationRef: message.conversationRef, externalMessageId: quoted });
  if (ticketId !== undefined) return (await ctx.tickets.findTicketById({ ticketId })).ticket;
  const found = await ctx.conversations?.findInboundByExternalId?.({ channel: message.channel, externalId: quoted });
  if (!found || !parseRequesterRef(found.conversationRef)) return undefined;
  return (await ctx.tickets.findActiveTicket({ conversationId: found.message.conversationId })).ticket;
}

/** `/rieng` in the group: the member's active ticket is answered in their private chat from now on. */
export async function choosePrivateAnswers(ctx: HandoffContext, { message, conversationId }: { message: InboundMessage; conversationId: number }): Promise<void> {
  const requester = parseRequesterRef(message.conversationRef);
  if (!requester) return;
  const reply = (text: string) =>
    sendTo(ctx, {
      message: addressInGroup({ ...requester, name: message.sender.displayName || null, replyTo: message.externalMessageId, text }),
      meta: { role: 'notice', requesterRef: message.conversationRef },
      chatType: 'group',
    });
  const { ticket } = await ctx.tickets.findActiveTicket({ conversationId });
  if (!ticket) return void (await reply(privateNothingOpenText()));
  const privateRef = await reachablePrivateRef(ctx, { channel: message.channel, userId: requester.userId });
  if (!privateRef) return void (await reply(privateUnavailableText()));
  await ctx.tickets.setDeliverTo({ ticketId: ticket.id, deliverToRef: privateRef, at: ctx.deps.clock.now() });
  await sendToResident(ctx, { ticket: { ...ticket, deliverToRef: null }, send: { text: privateChosenText({ code: ticket.code }), role: 'receipt', replyTo: message.externalMessageId, safeForGroup: true } });
}

/**
 * The member now writes to the bot privately: their personal-case tickets from groups are answered
 * here from now on, and the staff answers that waited (reply_held events) are delivered.
 */
export async function deliverHeldReplies(ctx: HandoffContext, { message }: { message: InboundMessage }): Promise<{ delivered: number }> {
  if (message.chatType !== 'private') return { delivered: 0 };
  const { tickets } = await ctx.tickets.listHeldForMember({ residentChannel: message.channel, memberSuffix: `#member:${message.sender.externalUserId}` });
  let delivered = 0;
  for (const ticket of tickets) {
    await ctx.tickets.setDeliverTo({ ticketId: ticket.id, deliverToRef: message.conversationRef, at: ctx.deps.clock.now() });
    const { events } = await ctx.tickets.listEvents({ ticketId: ticket.id });
    const held = events.filter((e) => e.type === 'reply_held' && e.text).map((e) => e.text!);
    if (held.length === 0) continue;
    const meta = { ticketId: ticket.id, role: 'staff_reply' as const };
    await sendTo(ctx, { message: { conversationRef: message.conversationRef, text: heldRepliesIntroText({ code: ticket.code }) }, meta });
    for (const text of held) await sendTo(ctx, { message: { conversationRef: message.conversationRef, text }, meta });
    delivered += held.length;
  }
  return { delivered };
}
