/**
 * The handoff's reaction to what the outbox reports.
 *
 * Sent: link the platform's message id to the ticket (this is what routes a staff reply-to/quote of
 * ANY bot message back to its ticket, copies included), and close a forum topic once its "closed"
 * notice is out.
 *
 * Failed (permanently, or after the outbox gave up retrying):
 * - staff side, the topic is gone → re-create (deleted) or reopen (closed) it and send again (a copy
 *   as a copy);
 * - a photo/file copy refused while the chat is reachable → its notice text instead;
 * - resident side → the ticket becomes undeliverable and staff are told in the ticket's thread;
 * - staff side, anything else → logged; /healthz shows it from the outbox row (the outbox already
 *   retried transient failures).
 */
import { ChannelApiError, isRetryable, isThreadGoneError } from '../bot/core/channel.errors.js';
import { channelOf } from '../bot/core/conversation-ref.js';
import type { OutboundCopy, OutboundMessage } from '../bot/core/message.types.js';
import type { HandoffContext } from './handoff.context.js';
import type { HandoffOutboxMeta } from './handoff.deps.js';
import { isHandoffError } from './handoff.errors.js';
import { undeliverableText } from './handoff.texts.js';

/** The outbox row fields we read (structurally compatible with OutboxRow). */
export type SentRow = {
  conversationRef: string;
  /** 'message' or 'copy' (OutboxKind); absent means 'message'. */
  kind?: string;
  payload: OutboundMessage | OutboundCopy;
  meta: Record<string, unknown> | null;
  externalMessageId: string | null;
  lastError?: string | null;
};

const RESIDENT_ROLES = new Set(['receipt', 'staff_reply', 'rating_request']);

function handoffMeta(row: SentRow): HandoffOutboxMeta | undefined {
  const meta = row.meta as Partial<HandoffOutboxMeta> | null;
  return meta?.handoff === true ? (meta as HandoffOutboxMeta) : undefined;
}

export function createOutboxEventHandlers(ctx: HandoffContext) {
  async function handleSent(row: SentRow): Promise<void> {
    const meta = handoffMeta(row);
    if (!meta) return;
    if (meta.ticketId !== undefined && row.externalMessageId) {
      await ctx.links.addMessageLink({ ticketId: meta.ticketId, conversationRef: row.conversationRef, externalMessageId: row.externalMessageId, role: meta.role });
    }
    if (meta.closeThreadAfter && meta.groupRef && row.conversationRef !== meta.groupRef) {
      const adapter = ctx.deps.channels.get(channelOf(row.conversationRef));
      await adapter?.closeThread?.({ conversationRef: row.conversationRef }).catch((error: unknown) => {
        ctx.log.warn({ err: error, threadRef: row.conversationRef }, 'could not close the forum topic');
      });
    }
  }

  /** Returns `recovered` when the failure was made up for (the outbox then logs it as info, not error). */
  async function handleFailed(row: SentRow, failure?: { error?: unknown }): Promise<{ recovered?: string }> {
    const meta = handoffMeta(row);
    if (!meta) return {};
    const error = failure?.error;
    const at = ctx.deps.clock.now();
    if (meta.groupRef && meta.ticketId !== undefined && isThreadGoneError(error)) {
      const { ticket } = await ctx.tickets.getTicketById({ ticketId: meta.ticketId });
      const { unit } = await ctx.deps.units.getUnit({ unitId: ticket.unitId });
      const { recovered } = await ctx.threads.recoverThread({
        ticket,
        unit,
        failedRef: row.conversationRef,
        payload: row.payload,
        kind: row.kind,
        meta,
        closed: error.details.reason === 'thread_closed',
      });
      if (recovered) {
        const what = error.details.reason === 'thread_closed' ? 'the ticket topic was closed; reopened it' : 'the ticket topic was deleted; re-created it with the card';
        return { recovered: `${what} and queued the message again` };
      }
    }
    // A copy the platform refused (original out of reach, file too big…) while the chat itself is
    // fine: the other side gets the notice text instead, never silence.
    if (row.kind === 'copy' && meta.fallbackText && !chatUnreachable(error)) {
      const { fallbackText, ...rest } = meta;
      ctx.log.warn({ to: row.conversationRef, ticketId: meta.ticketId, error: row.lastError ?? describe(error) }, 'copying a photo/file failed; sending a notice instead');
      await ctx.deps.outbox.enqueue({
        message: { conversationRef: row.conversationRef, text: fallbackText },
        meta: rest,
        chatType: meta.groupRef ? 'group' : 'private',
      });
      return { recovered: 'the copy was refused; sent its notice text instead' };
    }
    if (meta.groupRef) {
      // /healthz reads this outcome from the outbox itself (bot/outbox/outbox.group-health.ts).
      ctx.log.error({ groupRef: meta.groupRef, ticketId: meta.ticketId, error: row.lastError ?? describe(error) }, 'a message to a staff group could not be delivered');
      return {};
    }
    if (meta.ticketId === undefined || !RESIDENT_ROLES.has(meta.role)) return {};
    await markUndeliverable({ ticketId: meta.ticketId, row, error, at });
    return {};
  }

  async function markUndeliverable({ ticketId, row, error, at }: { ticketId: number; row: SentRow; error: unknown; at: Date }) {
    await ctx.tickets.recordEvent({
      ticketId,
      type: 'relay_failed',
      actor: { kind: 'system' },
      text: row.payload.text,
      isInternal: true,
      data: { error: row.lastError ?? describe(error), role: handoffMeta(row)?.role },
      at,
    });
    let result;
    try {
      result = await ctx.tickets.transitionTicket({ ticketId, event: { type: 'mark_undeliverable' }, at });
    } catch (transitionError) {
      // Already closed (e.g. the rating request bounced): nothing to change, staff need no alarm.
      if (isHandoffError(transitionError, 'handoff.invalid_transition')) return;
      throw transitionError;
    }
    if (!result.changed) return; // several relays bounced: staff were told once
    const { ticket } = result;
    const { unit } = await ctx.deps.units.getUnit({ unitId: ticket.unitId });
    const blocked = error instanceof ChannelApiError && (error.details.reason === 'recipient_blocked' || error.details.reason === 'chat_not_found');
    await ctx.threads.sendToStaff({ ticket, unit, text: undeliverableText({ code: ticket.code, reason: blocked ? 'blocked' : 'failed' }), role: 'notice' });
  }

  return { handleSent, handleFailed };
}

const UNREACHABLE = new Set(['recipient_blocked', 'chat_not_found', 'unauthorized', 'thread_deleted', 'thread_closed']);

/** The person blocked us, the chat or topic is gone, or the outbox gave up retrying: no point in a notice there. */
function chatUnreachable(error: unknown): boolean {
  if (isRetryable(error)) return true;
  return error instanceof ChannelApiError && error.details.reason !== undefined && UNREACHABLE.has(error.details.reason);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : error === undefined ? 'unknown error' : String(error);
}
