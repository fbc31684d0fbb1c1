/**
 * The staff side: every message from a configured staff group (or one of its ticket topics) comes here.
 *
 * Routing, in order: a button tap; a command (/nhan, /dong…, or #HS-0042 text); a reply/quote of any
 * message the bot linked to a ticket; plain text inside a ticket's own topic. Anything else is staff
 * talking among themselves and is ignored — the bot never chatters in the staff group — and so is a
 * line starting with "!" (INTERNAL_MARKER), wherever it is written.
 * Only registered staff of the group's unit may act; others get one polite refusal. `/id` works for
 * everyone, because it is how a commune finds the ids to register.
 */
import type { InboundMessage } from '../../bot/core/message.types.js';
import { sendTo, type HandoffContext } from '../handoff.context.js';
import { idText, refusalText, whichTicketText, ticketNotFoundText } from '../handoff.texts.js';
import { parseStaffCommand, type StaffCommand } from './staff-commands.models.js';
import { runStaffAction } from './staff.actions.js';
import type { StaffScope } from './staff.types.js';
import type { Ticket } from '../tickets/tickets.repository.js';

/** Staff lines starting with this stay among staff (documented on every card and in /help). */
export const INTERNAL_MARKER = '!';

/** The unit and group of a staff conversation: a configured group, or a ticket topic inside one. */
export async function resolveStaffScope(ctx: HandoffContext, { conversationRef }: { conversationRef: string }): Promise<StaffScope | undefined> {
  const { thread } = await ctx.links.findThreadByRef({ threadRef: conversationRef });
  const groupRef = thread?.groupRef ?? conversationRef;
  const found = (await ctx.deps.units.findStaffGroup({ conversationRef: groupRef })) ?? (await findParentGroup(ctx, groupRef));
  if (!found) return undefined;
  return { unit: found.unit, group: found.group, groupRef: found.group.conversationRef, ...(thread ? { threadTicketId: thread.ticketId } : {}) };
}

/** A thread of a staff group that no ticket owns (a topic staff opened themselves, "General"…). */
async function findParentGroup(ctx: HandoffContext, conversationRef: string) {
  if (!ctx.deps.units.listUnits) return undefined;
  const { units } = await ctx.deps.units.listUnits();
  for (const unit of units) {
    const group = unit.staffGroups.find((g) => conversationRef.startsWith(`${g.conversationRef}:`));
    if (group) return { unit, group };
  }
  return undefined;
}

export async function handleStaffMessage(ctx: HandoffContext, { message }: { message: InboundMessage }): Promise<void> {
  const scope = await resolveStaffScope(ctx, { conversationRef: message.conversationRef });
  if (!scope) return;
  const { command } = parseStaffCommand({ text: message.text, action: message.action });
  if (command.verb === 'unknown') return;
  const reply = (text: string, ticketId?: number) => replyInPlace(ctx, { message, scope, text, ticketId, quote: !command.fromButton });

  if (command.verb === 'id') {
    await reply(idText({ conversationRef: message.conversationRef, externalUserId: message.sender.externalUserId, displayName: message.sender.displayName }));
    return;
  }

  // Staff talking among themselves inside a ticket's topic (or quoting a ticket message): a line
  // that starts with the internal marker never reaches the resident (the card says so).
  if (command.verb === 'text' && message.text.trimStart().startsWith(INTERNAL_MARKER)) return;
  const target = await findTargetTicket(ctx, { message, scope, command });
  // Plain chatter that quotes nothing of ours and is not in a ticket topic: not for the bot.
  if (command.verb === 'text' && !target.ticket) return;

  const { staff } = await ctx.deps.units.findStaffMember({
    unitId: scope.unit.id,
    channel: message.channel,
    externalUserId: message.sender.externalUserId,
  });
  if (!staff) {
    await reply(refusalText());
    return;
  }

  if (target.missingCode) {
    await reply(ticketNotFoundText({ code: target.missingCode }));
    return;
  }
  const needsTicket = command.verb !== 'list' && command.verb !== 'help';
  if (needsTicket && !target.ticket) {
    await reply(whichTicketText({ verb: verbWord(command.verb) }));
    return;
  }
  await runStaffAction(ctx, { message, scope, staff, command, ticket: target.ticket, reply });
}

function verbWord(verb: StaffCommand['verb']): string {
  const words: Partial<Record<StaffCommand['verb'], string>> = {
    claim: '/nhan',
    close: '/dong',
    note: '/ghichu',
    transfer: '/chuyen',
    reopen: '/mo',
    resend: '/guilai',
    faq: '/faq',
  };
  return words[verb] ?? '#';
}

/**
 * Which ticket the message is about: an explicit id/code wins, then the quoted message's link, then
 * the topic the message was written in. A ticket of another unit is treated as not found.
 */
async function findTargetTicket(
  ctx: HandoffContext,
  { message, scope, command }: { message: InboundMessage; scope: StaffScope; command: StaffCommand },
): Promise<{ ticket?: Ticket; missingCode?: string }> {
  const ownUnit = (ticket: Ticket | undefined) => (ticket && ticket.unitId === scope.unit.id ? ticket : undefined);
  if ('ticketId' in command && command.ticketId !== undefined) {
    return { ticket: ownUnit((await ctx.tickets.findTicketById({ ticketId: command.ticketId })).ticket) };
  }
  if ('code' in command && command.code) {
    const ticket = ownUnit((await ctx.tickets.findTicketByCode({ code: command.code })).ticket);
    return ticket ? { ticket } : { missingCode: command.code };
  }
  if (message.replyToExternalId) {
    const { ticketId } = await ctx.links.findTicketIdByMessage({
      conversationRef: message.conversationRef,
      externalMessageId: message.replyToExternalId,
    });
    if (ticketId !== undefined) return { ticket: ownUnit((await ctx.tickets.findTicketById({ ticketId })).ticket) };
  }
  if (scope.threadTicketId !== undefined) {
    return { ticket: ownUnit((await ctx.tickets.findTicketById({ ticketId: scope.threadTicketId })).ticket) };
  }
  return {};
}

/**
 * `/id` in a group that is not (yet) a staff group: the ids a centre needs to register it, answered
 * whoever asks (the ids are visible to every member anyway). Other messages are not ours to take.
 */
export async function answerIdRequest(ctx: HandoffContext, { message }: { message: InboundMessage }): Promise<{ handled: boolean }> {
  if (message.chatType !== 'group' || message.action !== undefined) return { handled: false };
  const { command } = parseStaffCommand({ text: message.text });
  if (command.verb !== 'id') return { handled: false };
  ctx.log.info({ conversationRef: message.conversationRef, userId: message.sender.externalUserId }, '/id asked in a group that is not a staff group');
  await sendTo(ctx, {
    message: {
      conversationRef: message.conversationRef,
      text: idText({ conversationRef: message.conversationRef, externalUserId: message.sender.externalUserId, displayName: message.sender.displayName }),
      replyToExternalId: message.externalMessageId,
    },
    meta: { role: 'notice' },
    chatType: 'group',
  });
  return { handled: true };
}

/** Answers in the conversation the staff message came from (the topic, or the group quoting it). */
async function replyInPlace(
  ctx: HandoffContext,
  { message, scope, text, ticketId, quote }: { message: InboundMessage; scope: StaffScope; text: string; ticketId?: number; quote: boolean },
) {
  await sendTo(ctx, {
    message: { conversationRef: message.conversationRef, text, ...(quote ? { replyToExternalId: message.externalMessageId } : {}) },
    meta: { role: 'notice', groupRef: scope.groupRef, ...(ticketId !== undefined ? { ticketId } : {}) },
    chatType: 'group',
  });
}
