/**
 * Per-conversation context of the resident flow: the candidates of the last clarify question (so
 * "1", "2" or "3" picks the right entry where there are no buttons), the entry answered last (so
 * "còn lệ phí?" continues it), and the open question a "Gặp cán bộ" refers back to, with what the
 * engine found for it (resident-handoff.flow.ts).
 *
 * Kept in conversations.resident_flow: read by the statement that stores each message, written by
 * the statement that queues its replies (pipeline.ts), so an offer made before a restart is still
 * accepted after it. It expires after `CONTEXT_TTL_MS`: a "vâng" the next day is not an answer to
 * yesterday's offer. Pure: reading checks the shape, since the row outlives the code that wrote it.
 */
import { z } from 'zod';
import type { Candidate } from '../../faq/faq.types.js';
import type { HandoffOffer } from './resident-handoff.flow.js';

/** `offer`: the question a "Gặp cán bộ" (button, typed, or a plain yes) refers back to. */
export type ConversationContext = { clarify?: Candidate[]; lastEntryId?: string; offer?: HandoffOffer };

export const CONTEXT_TTL_MS = 30 * 60_000;

const candidate = z.object({ id: z.string(), title: z.string(), score: z.number() });
const reason = z.enum(['explicit_request', 'complaint', 'emergency', 'personal_case', 'out_of_scope', 'low_confidence']);
const stored = z.object({
  at: z.string(),
  clarify: z.array(candidate).optional(),
  lastEntryId: z.string().optional(),
  offer: z
    .object({
      question: z.string(),
      sourceExternalId: z.string(),
      guesses: z.array(candidate),
      reason: reason.nullable(),
      plainYesAccepts: z.boolean(),
    })
    .optional(),
});

/** The stored context, or an empty one when there is none, it expired, or it no longer parses. */
export function readContext({ residentFlow, now, ttlMs = CONTEXT_TTL_MS }: { residentFlow: Record<string, unknown> | null; now: Date; ttlMs?: number }): ConversationContext {
  if (!residentFlow) return {};
  const parsed = stored.safeParse(residentFlow);
  if (!parsed.success) return {};
  const at = Date.parse(parsed.data.at);
  if (!Number.isFinite(at) || now.getTime() - at > ttlMs) return {};
  const { clarify, lastEntryId, offer } = parsed.data;
  return {
    ...(clarify ? { clarify } : {}),
    ...(lastEntryId ? { lastEntryId } : {}),
    ...(offer ? { offer } : {}),
  };
}

/** What to store (null: nothing worth keeping, the column is cleared). */
export function toStoredContext({ context, now }: { context: ConversationContext; now: Date }): Record<string, unknown> | null {
  if (!context.clarify && !context.lastEntryId && !context.offer) return null;
  return JSON.parse(JSON.stringify({ at: now.toISOString(), ...context })) as Record<string, unknown>;
}
