/**
 * The resident side of the handoff: opening a ticket (receipt + card), appending follow-ups to the
 * active ticket, and the 1–5 rating after close.
 */
import type { InboundMessage, OutboundButton } from '../bot/core/message.types.js';
import type { FaqDecision } from '../faq/faq.types.js';
import { describeExpectedReply } from './expected-reply.js';
import { sendTo, type HandoffContext } from './handoff.context.js';
import { createHandoffNoStaffGroupError } from './handoff.errors.js';
import { alreadyOpenText, receiptText, reopenedToStaffText, thanksForRatingText } from './handoff.texts.js';
import { forwardResidentMessage } from './resident-relay.js';

/** How long after close a lone digit is read as the rating (afterwards it is an ordinary message). */
export const RATING_WINDOW_MS = 3 * 24 * 60 * 60_000;
const RATE_ACTION = /^rate:(\d{1,15}):([1-5])$/;

export function ratingButtons(ticketId: number): OutboundButton[] {
  return [1, 2, 3, 4, 5].map((n) => ({ label: '⭐'.repeat(n), data: `rate:${ticketId}:${n}` }));
}

export async function openTicket(
  ctx: HandoffContext,
  { message, conversationId, decision }: { message: InboundMessage; conversationId: number; decision: FaqDecision | null },
): Promise<void> {
  const { deps, tickets } = ctx;
  const now = deps.clock.now();
  const { unit } = await deps.units.getResidentUnit({ conversationId });
  if (unit.staffGroups.length === 0) {
    // Configuration error: say it loudly in the log, and be honest with the resident.
    ctx.log.error({ unitId: unit.id }, createHandoffNoStaffGroupError({ unitId: unit.id }).message);
    await sendTo(ctx, {
      message: { conversationRef: message.conversationRef, text: `Xin lỗi, hiện chưa kết nối được với cán bộ ${unit.name}. Anh/chị vui lòng liên hệ trực tiếp trụ sở trong giờ làm việc.` },
      meta: { role: 'receipt' },
    });
    return;
  }

  const { calendar } = await deps.units.getCalendar({ unitId: unit.id });
  const expected = describeExpectedReply({ calendar, now, slaMinutes: unit.slaMinutes });
  const earlier = await earlierTexts(ctx, { conversationId, message });
  // A tap on "Gặp cán bộ" carries no question: the question is what the resident asked just before.
  const question = message.action ? (earlier.at(-1) ?? '') : message.text;
  const { ticket, created } = await tickets.createTicket({
    unitId: unit.id,
    conversationId,
    residentChannel: message.channel,
    residentRef: message.conversationRef,
    residentName: message.sender.displayName || null,
    reason: decision?.kind === 'handoff' ? decision.reason : 'explicit_request',
    question,
    botGuesses: (decision?.candidates ?? []).slice(0, 3),
    openedAt: now,
    slaDueAt: expected.dueAt,
  });

  if (!created) {
    // A second request while one is active: keep one ticket, pass the message on.
    await forwardResidentMessage(ctx, { ticket, unit, message });
    await sendTo(ctx, {
      message: { conversationRef: message.conversationRef, text: alreadyOpenText({ code: ticket.code }) },
      meta: { ticketId: ticket.id, role: 'receipt' },
    });
    return;
  }

  await sendTo(ctx, {
    message: { conversationRef: message.conversationRef, text: receiptText({ code: ticket.code, unitName: unit.name, expected: expected.text }) },
    meta: { ticketId: ticket.id, role: 'receipt' },
  });
  const { staff: onDuty } = await deps.units.listOnDuty({ unitId: unit.id, at: now });
  const context = (message.action ? earlier.slice(0, -1) : earlier).map((t) => `  · ${t.slice(0, 200)}`);
  await ctx.threads.sendCard({ ticket, unit, onDuty, context: context.length > 0 ? `Tin trước đó:\n${context.join('\n')}` : undefined });
  // The opening message itself may be a photo: staff get the picture too, not just "(no text)".
  if (message.kind !== 'text') await forwardResidentMessage(ctx, { ticket, unit, message });
}

/** Up to three earlier resident texts (oldest first), so staff see what led here without asking again. */
async function earlierTexts(ctx: HandoffContext, { conversationId, message }: { conversationId: number; message: InboundMessage }) {
  if (!ctx.conversations) return [];
  const { messages } = await ctx.conversations.listMessages({ conversationId, limit: 12 });
  return messages
    .filter((m) => m.direction === 'in' && m.externalId !== message.externalMessageId && m.kind === 'text' && m.text.trim())
    .slice(-3)
    .map((m) => m.text.trim());
}

/**
 * Offered every resident message first. Takes it when the resident has an active ticket (append and
 * forward; an undeliverable ticket is reopened since the resident is evidently reachable again) or
 * when it is the rating of a just-closed ticket.
 */
export async function interceptResidentMessage(
  ctx: HandoffContext,
  { message, conversationId, activeTicket }: { message: InboundMessage; conversationId: number; activeTicket?: boolean },
): Promise<{ handled: boolean }> {
  const { tickets, deps } = ctx;
  // activeTicket === false: the pipeline read, while storing the message, that there is none.
  const { ticket: active } = activeTicket === false ? { ticket: undefined } : await tickets.findActiveTicket({ conversationId });
  if (active) {
    let ticket = active;
    const unit = (await deps.units.getUnit({ unitId: ticket.unitId })).unit;
    if (ticket.status === 'undeliverable') {
      ({ ticket } = await tickets.transitionTicket({ ticketId: ticket.id, event: { type: 'reopen', staffId: null }, at: deps.clock.now() }));
      await ctx.threads.sendToStaff({ ticket, unit, text: reopenedToStaffText({ code: ticket.code, byResident: true }), role: 'notice' });
    }
    if (isRatingAction(message.action)) return { handled: true }; // a stale rating button while a new ticket is open
    await forwardResidentMessage(ctx, { ticket, unit, message });
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
    ticket.conversationId === conversationId &&
    ticket.status === 'closed' &&
    ticket.rating === null &&
    ticket.closedAt !== null &&
    now.getTime() - ticket.closedAt.getTime() <= RATING_WINDOW_MS;
  if (!ratable) return { handled: fromButton !== null }; // a stale button is swallowed; a digit goes on to the bot
  const { saved } = await tickets.saveRating({ ticketId: ticket.id, rating, at: now });
  if (saved) {
    await tickets.recordEvent({ ticketId: ticket.id, type: 'rating', actor: { kind: 'resident' }, data: { rating }, at: now });
    await sendTo(ctx, { message: { conversationRef: message.conversationRef, text: thanksForRatingText({ rating }) }, meta: { ticketId: ticket.id, role: 'receipt' } });
  }
  return { handled: true };
}
