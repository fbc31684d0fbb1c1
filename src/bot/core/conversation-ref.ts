/**
 * Conversation refs are opaque strings beginning with the channel name. Only adapters build
 * or read the part after the first colon; the core uses the prefix to pick the adapter.
 */
import type { ChannelName } from './message.types.js';

const CHANNELS: readonly ChannelName[] = ['telegram', 'zalo', 'web', 'memory'];

export class InvalidConversationRefError extends Error {
  readonly code = 'bot.invalid_conversation_ref';
  constructor(ref: string) {
    super(`Invalid conversation ref "${ref}": expected "<channel>:<id>" with channel one of ${CHANNELS.join(', ')}.`);
    this.name = 'InvalidConversationRefError';
  }
}

export function channelOf(conversationRef: string): ChannelName {
  const prefix = conversationRef.slice(0, conversationRef.indexOf(':'));
  if (!(CHANNELS as readonly string[]).includes(prefix) || conversationRef.length <= prefix.length + 1) {
    throw new InvalidConversationRefError(conversationRef);
  }
  return prefix as ChannelName;
}

/** conversation_ref of an erased conversation ("delete my data"): no channel prefix, so nothing can ever send to it. */
export const erasedConversationRef = (conversationId: number) => `deleted:${conversationId}`;
/** True for the ref of an erased conversation (a ticket's resident_ref after "delete my data"). */
export const isErasedConversationRef = (conversationRef: string) => conversationRef.startsWith('deleted:');
