/**
 * Short-lived context per conversation: the candidates of the last clarify question (so "1",
 * "2" or "3" picks the right entry where there are no buttons, or instead of tapping) and the
 * entry answered last (so "còn lệ phí?" continues it), and the open question a "Gặp cán bộ" refers
 * to (resident-handoff.flow.ts). In memory with a TTL and a size cap:
 * after a restart the resident's next question is simply answered afresh.
 */
import type { Candidate } from '../../faq/faq.types.js';
import type { Clock } from '../../shared/clock.js';
import type { HandoffOffer } from './resident-handoff.flow.js';

/** `offer`: the question a "Gặp cán bộ" (button, typed, or a plain yes) refers back to. */
export type ConversationContext = { clarify?: Candidate[]; lastEntryId?: string; offer?: HandoffOffer };

export type ConversationMemory = {
  recall(args: { conversationRef: string }): ConversationContext;
  /** Replaces the context (an empty object forgets it). */
  remember(args: { conversationRef: string; context: ConversationContext }): void;
};

export function createConversationMemory({
  clock,
  ttlMs = 30 * 60_000,
  maxEntries = 10_000,
}: {
  clock: Clock;
  ttlMs?: number;
  maxEntries?: number;
}): ConversationMemory {
  const entries = new Map<string, { context: ConversationContext; at: number }>();
  return {
    recall({ conversationRef }) {
      const entry = entries.get(conversationRef);
      if (!entry) return {};
      if (clock.now().getTime() - entry.at > ttlMs) {
        entries.delete(conversationRef);
        return {};
      }
      return entry.context;
    },
    remember({ conversationRef, context }) {
      entries.delete(conversationRef); // re-insert so Map order stays oldest-first
      if (!context.clarify && !context.lastEntryId && !context.offer) return;
      entries.set(conversationRef, { context, at: clock.now().getTime() });
      if (entries.size > maxEntries) {
        const oldest = entries.keys().next().value;
        if (oldest !== undefined) entries.delete(oldest);
      }
    },
  };
}
