/**
 * Resident → staff: a message of a resident with an active ticket is recorded on the ticket and
 * forwarded to every staff thread. Photos, files and voice notes are never silently dropped:
 * same channel → a header line, then a copy of the original as the next outbox row (a failed copy
 * becomes a notice, see handoff.outbox-events.ts); another channel → uploaded again where the staff side can
 * (capabilities.copiesAcrossChannels: by link, or from the media store for web uploads), else a
 * header saying what was sent and where staff can see it (the link when the platform gave one).
 */
import { channelOf } from '../../bot/core/conversation-ref.js';
import type { InboundMessage } from '../../bot/core/message.types.js';
import type { HandoffContext } from '../handoff.context.js';
import type { HandoffUnit } from '../handoff.deps.js';
import { kindLabel, residentFollowUpText, residentMediaText } from '../handoff.texts.js';
import type { Ticket } from '../tickets/tickets.repository.js';
import { platformRefOf } from './resident.delivery.js';

/** What relaying needs of a resident message: a live one, or one read back from the transcript. */
export type ForwardableMessage = Pick<InboundMessage, 'conversationRef' | 'channel' | 'externalMessageId' | 'kind' | 'text' | 'attachment'>;

export async function forwardResidentMessage(
  ctx: HandoffContext,
  { ticket, unit, message }: { ticket: Ticket; unit: HandoffUnit; message: ForwardableMessage },
) {
  const at = ctx.deps.clock.now();
  await ctx.tickets.recordEvent({
    ticketId: ticket.id,
    type: 'resident_message',
    actor: { kind: 'resident' },
    text: message.text,
    data: { kind: message.kind, externalMessageId: message.externalMessageId },
    at,
  });
  if (message.kind === 'text') {
    if (!message.text.trim()) return;
    await ctx.threads.sendToStaff({
      ticket,
      unit,
      text: residentFollowUpText({ code: ticket.code, residentName: ticket.residentName, text: message.text }),
      role: 'resident_message',
    });
    return;
  }
  await forwardMedia(ctx, { ticket, unit, message });
}

async function forwardMedia(ctx: HandoffContext, { ticket, unit, message }: { ticket: Ticket; unit: HandoffUnit; message: ForwardableMessage }) {
  const threads = await ctx.threads.ensureThreads({ ticket, unit });
  const link = message.attachment?.ref && /^https?:\/\//i.test(message.attachment.ref) ? message.attachment.ref : undefined;
  const about = { code: ticket.code, residentName: ticket.residentName, kind: message.kind, link };
  for (const thread of threads) {
    const channel = channelOf(thread.threadRef);
    // Same platform: a real copy. Another platform: uploaded again where the staff side can (a Zalo
    // photo by its link, a web upload from the store); a copy refused becomes the header's notice.
    const acrossChannels = message.attachment !== undefined && ctx.deps.channels.get(channel)?.capabilities.copiesAcrossChannels === true;
    const reachable = channel === message.channel || acrossChannels;
    const canCopy = reachable && ctx.deps.outbox.canCopy({ channel });
    await ctx.threads.enqueueTo({
      thread,
      ticketId: ticket.id,
      text: residentMediaText({ ...about, caption: message.text, copied: canCopy }),
      role: 'resident_message',
    });
    if (!canCopy) continue;
    // The copy is its own outbox row right behind the header: retried, and kept across a restart.
    await ctx.threads.enqueueCopyTo({
      thread,
      ticketId: ticket.id,
      copy: {
        from: { conversationRef: platformRefOf(message.conversationRef), externalMessageId: message.externalMessageId },
        kind: message.kind,
        ...(message.attachment ? { attachment: message.attachment } : {}),
        text: `(${kindLabel(message.kind)})`,
      },
      role: 'resident_message',
      fallbackText: residentMediaText({ ...about, caption: '', copied: false }),
    });
  }
}
