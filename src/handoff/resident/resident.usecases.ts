/**
 * The resident side of the handoff: opening a ticket (receipt + card), appending follow-ups to the
 * active ticket, and the 1–5 rating after close.
 */
import type { InboundMessage, OutboundButton } from '../../bot/core/message.types.js';
import { BUTTON_ACTIONS } from '../../shared/actions.js';
import type { FaqDecision } from '../../faq/faq.types.js';
import { describeExpectedReply } from './expected-reply.models.js';
import { sendTo, type HandoffContext } from '../handoff.context.js';
import { createHandoffNoStaffGroupError } from '../handoff.errors.js';
import { alreadyOpenText, noStaffGroupText, receiptText, reopenedToStaffText, thanksForRatingText } from '../handoff.texts.js';
import { forwardResidentMessage, type ForwardableMessage } from './resident.relay.js';

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
  { message, conversationId, decision }: { message: InboundMessage; conversationId: number; decision: FaqDecision | null },
): Promise<void> {
  const { deps, tickets } = ctx;
  const now = deps.clock.now();
  const { unit } = await deps.units.getResidentUnit({ conversationId });
  if (unit.staffGroups.length === 0) {
    // Configuration error: say it loudly in the log, and be honest with the resident.
    ctx.log.error({ unitId: unit.id }, createHandoffNoStaffGroupError({ unitId: unit.id }).message);
    await sendTo(ctx, {
      message: { conversationRef: message.conversationRef, text: noStaffGroupText({ unitName: unit.name, info: unit.info ?? {} }) },
      meta: { role: 'receipt' },
    });
    return;
  }

  const { calendar } = await deps.units.getCalendar({ unitId: unit.id });
  const expected = describeExpectedReply({ calendar, now, slaMinutes: unit.slaMinutes });
  const { texts: earlier, media: earlierMedia } = await earlierMessages(ctx, { conversationId, message, now });
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
  // Photos/files sent just before, then the opening message itself if it is one: staff get the
  // pictures too (copied through the outbox like any relayed photo), not just "(no text)".
  for (const media of earlierMedia) await forwardResidentMessage(ctx, { ticket, unit, message: media });
  if (message.kind !== 'text') await forwardResidentMessage(ctx, { ticket, unit, message });
}

/**
 * What led here, from the stored transcript (oldest first): up to three earlier resident texts for
 * the card, and the photos/files of the last EARLIER_MEDIA_WINDOW_MS (at most EARLIER_MEDIA_MAX) not
 * already passed on with the previous ticket. A stored row keeps no attachment link, so such media is
 * copied by its platform message id (same channel); across channels staff get its header instead.
 */
async function earlierMessages(
  ctx: HandoffContext,
  { conversationId, message, now }: { conversationId: number; message: InboundMessage; now: Date },
): Promise<{ texts: string[]; media: ForwardableMessage[] }> {
  if (!ctx.conversations) return { texts: [], media: [] };
  const { messages } = await ctx.conversations.listMessages({ conversationId, limit: 12 });
  const earlier = messages.filter((m) => m.direction === 'in' && m.externalId !== message.externalMessageId);
  const texts = earlier
    .filter((m) => m.kind === 'text' && m.text.trim())
    .slice(-3)
    .map((m) => m.text.trim());

  const since = now.getTime() - EARLIER_MEDIA_WINDOW_MS;
  const recent = earlier.filter((m) => m.kind !== 'text' && m.externalId && (m.receivedAt ?? m.createdAt).getTime() >= since);
  if (recent.length === 0) return { texts, media: [] };
  // Already relayed with the previous ticket (its resident_message events name the message ids).
  const { ticket: previous } = await ctx.tickets.findLatestTicket({ conversationId });
  const { events } = previous ? await ctx.tickets.listEvents({ ticketId: previous.id }) : { events: [] };
  const relayed = new Set(events.filter((e) => e.type === 'resident_message').map((e) => e.data?.externalMessageId));
  const media = recent
    .filter((m) => !relayed.has(m.externalId!))
    .slice(-EARLIER_MEDIA_MAX)
    .map((m) => ({ conversationRef: message.conversationRef, channel: message.channel, externalMessageId: m.externalId!, kind: m.kind as InboundMessage['kind'], text: m.text }));
  return { texts, media };
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
