/**
 * Where each mention of an OutboundMessage sits in its text, for one channel. Pure; adapters turn the
 * spans into their platform's form (Zalo { pos, uid, len }, Telegram text_mention entities).
 *
 * A mention's span is the first occurrence of its `text` at or after the end of the previous one, so
 * "@Lan, @Lan Anh" finds both; a mention without an id on this channel, or whose text is not in the
 * message, is skipped (the plain name stays in the text, which is the honest fallback).
 * Offsets are JavaScript string indices (UTF-16 code units), which is what both platforms count.
 */
import type { ChannelName, OutboundMessage } from './message.types.js';

export type MentionSpan = { offset: number; length: number; userId: string };

export function locateMentions({ message, channel }: { message: Pick<OutboundMessage, 'text' | 'mentions'>; channel: ChannelName }): {
  spans: MentionSpan[];
} {
  const spans: MentionSpan[] = [];
  let from = 0;
  for (const mention of message.mentions ?? []) {
    const userId = mention.userIds[channel];
    if (!userId || mention.text === '') continue;
    const offset = message.text.indexOf(mention.text, from);
    if (offset < 0) continue;
    spans.push({ offset, length: mention.text.length, userId });
    from = offset + mention.text.length;
  }
  return { spans };
}
