/**
 * Where a message for a ticket's resident goes. One place decides it, so nothing for a group member
 * can reach the group by accident:
 * - `deliver_to_ref` set (the member chose their private chat, or their personal case moved there):
 *   the private chat;
 * - a requester in a group (src/bot/core/requester.ts): the group, as a reply to the resident's
 *   message with a real mention of them (Telegram text_mention, Zalo tag); a personal case
 *   (`private_only`) gets only a pointer there, and staff answers wait for the private chat;
 * - anything else: the resident's own chat, as before.
 */
import { parseRequesterRef } from '../../bot/core/requester.js';
import { channelOf } from '../../bot/core/conversation-ref.js';
import type { OutboundButton, OutboundMessage } from '../../bot/core/message.types.js';
import { sendTo, type HandoffContext } from '../handoff.context.js';
import type { HandoffOutboxMeta } from '../handoff.deps.js';
import { groupAddressText } from '../handoff.texts.js';
import type { Ticket } from '../tickets/tickets.repository.js';

export type ResidentSend = {
  text: string;
  buttons?: OutboundButton[];
  role: HandoffOutboxMeta['role'];
  /** In a group: quote this message instead of the ticket's question (the follow-up just sent). */
  replyTo?: string;
  /** A pointer that may be posted in the group even for a personal case (it names nothing personal). */
  safeForGroup?: boolean;
};

/** The target of a ticket's resident-side message: a chat ref plus how to address them there. */
export function residentTarget({ ticket }: { ticket: Pick<Ticket, 'residentRef' | 'deliverToRef' | 'privateOnly' | 'residentName' | 'sourceExternalId'> }):
  | { kind: 'direct'; conversationRef: string }
  | { kind: 'group'; groupRef: string; userId: string; name: string | null; replyTo: string | null; privateOnly: boolean } {
  if (ticket.deliverToRef) return { kind: 'direct', conversationRef: ticket.deliverToRef };
  const requester = parseRequesterRef(ticket.residentRef);
  if (!requester) return { kind: 'direct', conversationRef: ticket.residentRef };
  return { kind: 'group', ...requester, name: ticket.residentName, replyTo: ticket.sourceExternalId, privateOnly: ticket.privateOnly };
}

/** A text addressed to one member in a group: "@Tên" first (a real mention where the channel has ids), then the text. */
export function addressInGroup({ groupRef, userId, name, replyTo, text, buttons }: { groupRef: string; userId: string; name: string | null; replyTo: string | null; text: string; buttons?: OutboundButton[] }): OutboundMessage {
  const channel = channelOf(groupRef);
  const mention = name ? `@${name}` : undefined;
  return {
    conversationRef: groupRef,
    text: groupAddressText({ mention, text }),
    ...(mention ? { mentions: [{ text: mention, userIds: { [channel]: userId } }] } : {}),
    ...(replyTo ? { replyToExternalId: replyTo } : {}),
    ...(buttons && buttons.length > 0 ? { buttons } : {}),
  };
}

/**
 * Sends to the ticket's resident wherever residentTarget says. Returns `held: true` when the text
 * could not go anywhere private yet (a personal case in a group without a private chat): the caller
 * posts a pointer in the group and keeps the text for the private chat.
 */
export async function sendToResident(ctx: HandoffContext, { ticket, send }: { ticket: Ticket; send: ResidentSend }): Promise<{ held: boolean }> {
  const target = residentTarget({ ticket });
  const meta = { ticketId: ticket.id, role: send.role };
  if (target.kind === 'direct') {
    await sendTo(ctx, { message: { conversationRef: target.conversationRef, text: send.text, ...(send.buttons ? { buttons: send.buttons } : {}) }, meta });
    return { held: false };
  }
  if (target.privateOnly && !send.safeForGroup) return { held: true };
  const message = addressInGroup({ ...target, replyTo: send.replyTo ?? target.replyTo, text: send.text, ...(send.buttons ? { buttons: send.buttons } : {}) });
  // The requester ref rides along so erasing this member's data finds the group rows meant for them.
  await sendTo(ctx, { message, meta: { ...meta, requesterRef: ticket.residentRef }, chatType: 'group' });
  return { held: false };
}

/** The platform chat a resident's message was posted in (a requester's messages live in their group). */
export function platformRefOf(conversationRef: string): string {
  return parseRequesterRef(conversationRef)?.groupRef ?? conversationRef;
}
