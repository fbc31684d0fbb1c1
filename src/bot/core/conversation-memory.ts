/**
 * Short-lived context per conversation: the candidates of the last clarify question (so "1",
 * "2" or "3" picks the right entry where there are no buttons, or instead of tapping), the entry
 * answered last (so "còn lệ phí?" continues it), and the open question a "Gặp cán bộ" refers to
 * (resident-handoff.flow.ts). It lives in the database (conversations.context): read with every
 * stored message, written in the statement that queues that message's replies, so a restart, a crash
 * or another process behind the same load balancer keeps it. It expires 30 minutes after it was set.
 * The same column keeps the flood throttle's recent arrivals (throttle.ts), for the same reasons.
 * Pure: these functions only translate between the stored value and the pipeline's view.
 */
import type { Candidate } from '../../faq/faq.types.js';
import type { HandoffOffer } from './resident-handoff.flow.js';
import type { FloodState } from './throttle.js';

/** `offer`: the question a "Gặp cán bộ" (button, typed, or a plain yes) refers back to. */
export type ConversationContext = { clarify?: Candidate[]; lastEntryId?: string; offer?: HandoffOffer };

export const CONTEXT_TTL_MS = 30 * 60_000;

/** The stored column: the context stamped with when it was set, and the flood state. */
type StoredValue = { memory?: ConversationContext & { at?: string }; flood?: FloodState };

function parseStored(value: unknown): StoredValue {
  const parsed = typeof value === 'string' ? safeJson(value) : value;
  return parsed && typeof parsed === 'object' ? (parsed as StoredValue) : {};
}

/** The stored context as the pipeline sees it now: empty when missing, malformed or older than the TTL. */
export function contextFromStored({ value, now, ttlMs = CONTEXT_TTL_MS }: { value: unknown; now: Date; ttlMs?: number }): ConversationContext {
  const stored = parseStored(value).memory;
  if (!stored || typeof stored !== 'object') return {};
  const { at, clarify, lastEntryId, offer } = stored;
  const setAt = typeof at === 'string' ? Date.parse(at) : NaN;
  if (!Number.isFinite(setAt) || now.getTime() - setAt > ttlMs) return {};
  const context: ConversationContext = {};
  if (Array.isArray(clarify)) context.clarify = clarify;
  if (typeof lastEntryId === 'string') context.lastEntryId = lastEntryId;
  if (offer && typeof offer === 'object') context.offer = offer;
  return context;
}

/** When the stored context was set (null: none). */
export function contextSetAt({ value }: { value: unknown }): Date | null {
  const at = parseStored(value).memory?.at;
  const ms = typeof at === 'string' ? Date.parse(at) : NaN;
  return Number.isFinite(ms) ? new Date(ms) : null;
}

export function floodFromStored({ value }: { value: unknown }): FloodState {
  const flood = parseStored(value).flood;
  return flood && typeof flood === 'object' ? flood : {};
}

/** What to store (null: nothing to keep), the context stamped with the time it was set (its TTL runs from then). */
export function contextToStore({ context, flood, setAt }: { context: ConversationContext; flood: FloodState; setAt: Date }): Record<string, unknown> | null {
  const hasContext = Boolean(context.clarify || context.lastEntryId || context.offer);
  const hasFlood = Object.keys(flood).length > 0;
  if (!hasContext && !hasFlood) return null;
  return { ...(hasContext ? { memory: { ...context, at: setAt.toISOString() } } : {}), ...(hasFlood ? { flood } : {}) };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
