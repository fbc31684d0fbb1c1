/**
 * A staff member answers a ticket from the console's ticket page. It is the same answer as one typed
 * in the staff group: the same `reply` transition (auto-claims an open ticket, sets the first
 * response time the SLA and the reports read), the same signed text through the outbox to the
 * resident (queueStaffAnswer), the same card update. The staff threads get one line saying the
 * answer was written in the console and by whom, with its text, since nobody saw it typed there.
 *
 * Refusals come back as a stable reason (the console words them); nothing is sent then.
 */
import { isErasedConversationRef } from '../../bot/core/conversation-ref.js';
import { getUnit, type HandoffContext } from '../handoff.context.js';
import { isHandoffError } from '../handoff.errors.js';
import { claimedText, consoleAnsweredText } from '../handoff.texts.js';
import type { Ticket } from '../tickets/tickets.repository.js';
import type { TicketStatus } from '../tickets/tickets.models.js';
import { queueStaffAnswer } from './staff.actions.js';

/** Longest answer accepted from the console (a Zalo message holds 2,000 characters; the outbox splits longer ones). */
export const CONSOLE_ANSWER_MAX = 3000;

export type ConsoleAnswerRefusal =
  | { reason: 'not_found' }
  /** The account's staff member is not an active staff member of the ticket's unit. */
  | { reason: 'not_staff' }
  | { reason: 'empty' }
  | { reason: 'too_long'; max: number }
  /** The resident erased their data: nothing can reach them. */
  | { reason: 'erased' }
  /** Closed or undeliverable: reopen it in the group first (as a typed answer would be told). */
  | { reason: 'invalid_state'; status: TicketStatus };

export type ConsoleAnswerResult = { ok: true; ticket: Ticket; claimed: boolean } | ({ ok: false } & ConsoleAnswerRefusal);

export async function answerFromConsole(
  ctx: HandoffContext,
  { ticketId, staffId, username, text }: { ticketId: number; staffId: string; username: string; text: string },
): Promise<ConsoleAnswerResult> {
  const { ticket } = await ctx.tickets.findTicketById({ ticketId });
  if (!ticket) return { ok: false, reason: 'not_found' };
  const { staff } = await ctx.deps.units.listStaff({ unitId: ticket.unitId });
  const member = staff.find((s) => s.id === staffId);
  if (!member) return { ok: false, reason: 'not_staff' };
  const body = text.replace(/\r\n/g, '\n').trim();
  if (!body) return { ok: false, reason: 'empty' };
  if (body.length > CONSOLE_ANSWER_MAX) return { ok: false, reason: 'too_long', max: CONSOLE_ANSWER_MAX };
  if (isErasedConversationRef(ticket.residentRef)) return { ok: false, reason: 'erased' };

  let result;
  try {
    result = await ctx.tickets.transitionTicket({
      ticketId,
      event: { type: 'reply', staffId: member.id },
      at: ctx.deps.clock.now(),
      text: body,
      data: { via: 'console', consoleUser: username },
    });
  } catch (error) {
    if (!isHandoffError(error, 'handoff.invalid_transition')) throw error;
    const { ticket: fresh } = await ctx.tickets.getTicketById({ ticketId });
    return { ok: false, reason: 'invalid_state', status: fresh.status };
  }
  const unit = await getUnit(ctx, ticket.unitId);
  await queueStaffAnswer(ctx, { ticket: result.ticket, unitName: unit.name, text: body });
  await ctx.threads.sendToStaff({ ticket: result.ticket, unit, text: consoleAnsweredText({ code: ticket.code, staffName: member.name, username, text: body }), role: 'notice' });
  const claimed = result.previous.status === 'open';
  if (claimed) {
    // As in the group: the cards show the new status where they can be edited, a line tells the others.
    const { notEdited } = await ctx.threads.refreshCards({ ticket: result.ticket });
    if (notEdited.length > 0) {
      await ctx.threads.sendToStaff({ ticket: result.ticket, unit, text: claimedText({ code: ticket.code, staffName: member.name, auto: true }), role: 'notice', onlyThreads: notEdited });
    }
  }
  return { ok: true, ticket: result.ticket, claimed };
}
