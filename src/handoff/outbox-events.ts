/**
 * The handoff's reaction to what the outbox reports.
 *
 * Sent: link the platform's message id to the ticket (this is what routes a staff reply-to/quote of
 * ANY bot message back to its ticket), copy the resident's photo/file right after its header line,
 * and close a forum topic once its "closed" notice is out.
 *
 * Failed (permanently, or after the outbox gave up retrying):
 * - staff side, the topic is gone → re-create (deleted) or reopen (closed) it and send again;
 * - resident side → the ticket becomes undeliverable and staff are told in the ticket's thread;
 * - staff side, anything else → recorded for /healthz (the outbox already retried transient failures).
 */
import { ChannelApiError, isThreadGoneError } from '../bot/core/channel.errors.js';
import { channelOf } from '../bot/core/conversation-ref.js';
import type { OutboundMessage } from '../bot/core/message.types.js';
import type { HandoffContext } from './handoff.context.js';
import type { HandoffOutboxMeta } from './handoff.deps.js';
import { isHandoffError } from './handoff.errors.js';
import { residentMediaText, undeliverableText } from './handoff.texts.js';

/** The outbox row fields we read (structurally compatible with OutboxRow). */
export type SentRow = {
  conversationRef: string;
  payload: OutboundMessage;
  meta: Record<string, unknown> | null;
  externalMessageId: string | null;
  lastError?: string | null;
};

const RESIDENT_ROLES = new Set(['receipt', 'staff_reply', 'rating_request']);

function handoffMeta(row: SentRow): HandoffOutboxMeta | undefined {
  const meta = row.meta as Partial<HandoffOutboxMeta> | null;
  return meta?.handoff === true ? (meta as HandoffOutboxMeta) : undefined;
}

export type StaffGroupHealth = Record<string, { ok: boolean; lastError?: string; at: Date }>;

export function createOutboxEventHandlers(ctx: HandoffContext) {
  const groupHealth: StaffGroupHealth = {};

  async function handleSent(row: SentRow): Promise<void> {
    const meta = handoffMeta(row);
    if (!meta) return;
    if (meta.groupRef) groupHealth[meta.groupRef] = { ok: true, at: ctx.deps.clock.now() };
    if (meta.ticketId !== undefined && row.externalMessageId) {
      await ctx.links.addMessageLink({ ticketId: meta.ticketId, conversationRef: row.conversationRef, externalMessageId: row.externalMessageId, role: meta.role });
    }
    if (meta.copyFrom && meta.ticketId !== undefined) await copyAfterHeader({ row, meta, ticketId: meta.ticketId });
    if (meta.closeThreadAfter && meta.groupRef && row.conversationRef !== meta.groupRef) {
      const adapter = ctx.deps.channels.get(channelOf(row.conversationRef));
      await adapter?.closeThread?.({ conversationRef: row.conversationRef }).catch((error: unknown) => {
        ctx.log.warn({ err: error, threadRef: row.conversationRef }, 'could not close the forum topic');
      });
    }
  }

  /** Copies the original media; if the platform refuses, staff get a notice instead of silence. */
  async function copyAfterHeader({ row, meta, ticketId }: { row: SentRow; meta: HandoffOutboxMeta; ticketId: number }) {
    const from = meta.copyFrom!;
    const adapter = ctx.deps.channels.get(channelOf(row.conversationRef));
    try {
      if (!adapter?.copyMessage) throw new Error('this channel cannot copy messages');
      const { externalMessageId } = await adapter.copyMessage({
        from: { conversationRef: from.conversationRef, externalMessageId: from.externalMessageId },
        to: row.conversationRef,
      });
      await ctx.links.addMessageLink({ ticketId, conversationRef: row.conversationRef, externalMessageId, role: meta.role });
    } catch (error) {
      ctx.log.warn({ err: error, to: row.conversationRef, ticketId }, 'copying a media message failed; sending a notice instead');
      const { ticket } = await ctx.tickets.getTicketById({ ticketId });
      const text =
        meta.role === 'staff_reply'
          ? 'Cán bộ có gửi kèm một tệp nhưng bot chưa chuyển được. Anh/chị vui lòng chờ cán bộ nhắn lại.'
          : residentMediaText({ code: ticket.code, residentName: ticket.residentName, kind: from.kind, caption: '', copied: false });
      const { copyFrom: _dropped, ...rest } = meta;
      await ctx.deps.outbox.enqueue({
        message: { conversationRef: row.conversationRef, text },
        meta: rest,
        chatType: meta.groupRef ? 'group' : 'private',
      });
    }
  }

  async function handleFailed(row: SentRow, failure?: { error?: unknown }): Promise<void> {
    const meta = handoffMeta(row);
    if (!meta) return;
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
        meta,
        closed: error.details.reason === 'thread_closed',
      });
      if (recovered) return;
    }
    if (meta.groupRef) {
      groupHealth[meta.groupRef] = { ok: false, lastError: row.lastError ?? describe(error), at };
      ctx.log.error({ groupRef: meta.groupRef, ticketId: meta.ticketId, error: row.lastError ?? describe(error) }, 'a message to a staff group could not be delivered');
      return;
    }
    if (meta.ticketId === undefined || !RESIDENT_ROLES.has(meta.role)) return;
    await markUndeliverable({ ticketId: meta.ticketId, row, error, at });
  }

  async function markUndeliverable({ ticketId, row, error, at }: { ticketId: number; row: SentRow; error: unknown; at: Date }) {
    await ctx.tickets.recordEvent({
      ticketId,
      type: 'relay_failed',
      actor: { kind: 'system' },
      text: row.payload.text,
      isInternal: true,
      data: { error: row.lastError ?? describe(error) },
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

  return { handleSent, handleFailed, staffGroupHealth: (): StaffGroupHealth => ({ ...groupHealth }) };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : error === undefined ? 'unknown error' : String(error);
}
