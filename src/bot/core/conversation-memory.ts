/**
 * Short-lived context per conversation: the candidates of the last clarify question (so "1",
 * "2" or "3" picks the right entry where there are no buttons, or instead of tapping), the entry
 * answered last (so "còn lệ phí?" continues it), and the open question a "Gặp cán bộ" refers to
 * (resident-handoff.flow.ts). It lives in the database (conversations.context): read with every
 * stored message, written in the statement that queues that message's replies, so a restart, a crash
 * or another process behind the same load balancer keeps it. It expires 30 minutes after it was set.
 * Pure: these functions only translate between the stored value and the pipeline's view.
 */
import type { Candidate } from '../../faq/faq.types.js';
import type { HandoffOffer } from './resident-handoff.flow.js';

/** `offer`: the question a "Gặp cán bộ" (button, typed, or a plain yes) refers back to. */
export type ConversationContext = { clarify?: Candidate[]; lastEntryId?: string; offer?: HandoffOffer };

export const CONTEXT_TTL_MS = 30 * 60_000;

/** The stored value as the pipeline sees it now: empty when missing, malformed or older than the TTL. */
export function contextFromStored({ value, now, ttlMs = CONTEXT_TTL_MS }: { value: unknown; now: Date; ttlMs?: number }): ConversationContext {
  if (typeof value === 'string') return contextFromStored({ value: safeJson(value), now, ttlMs });
  if (!value || typeof value !== 'object') return {};
  const { at, clarify, lastEntryId, offer } = value as { at?: unknown; clarify?: unknown; lastEntryId?: unknown; offer?: unknown };
  const setAt = typeof at === 'string' ? Date.parse(at) : NaN;
  if (!Number.isFinite(setAt) || now.getTime() - setAt > ttlMs) return {};
  const context: ConversationContext = {};
  if (Array.isArray(clarify)) context.clarify = clarify as Candidate[];
  if (typeof lastEntryId === 'string') context.lastEntryId = lastEntryId;
  if (offer && typeof offer === 'object') context.offer = offer as HandoffOffer;
  return context;
}

/** What to store (null forgets it): the context stamped with the time it was set. */
export function contextToStore({ context, now }: { context: ConversationContext; now: Date }): Record<string, unknown> | null {
  if (!context.clarify && !context.lastEntryId && !context.offer) return null;
  return { ...context, at: now.toISOString() };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
