/**
 * Exponential backoff, the one implementation (Zalo reconnects, Telegram polling, outbox retries):
 * doubling from `baseMs`, capped at `maxMs`, by default with "equal jitter" (half fixed, half
 * random) so many bots behind one NAT do not reconnect in lock-step, yet never hammer a platform
 * with near-zero delays. Pure: `random` is injected; `noJitter` gives the exact doubling.
 */
export type BackoffPolicy = { baseMs: number; maxMs: number };

/** Zalo's reconnect policy. */
export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 1_000, maxMs: 5 * 60_000 };

/** For `random`: always the ceiling, i.e. base, 2·base, 4·base… up to max. */
export const noJitter = () => 1;

/** attempt 1 → [base/2, base], attempt 2 → [base, 2·base], … up to [max/2, max]. */
export function backoffDelayMs({
  attempt,
  policy = DEFAULT_BACKOFF,
  random = Math.random,
}: {
  attempt: number;
  policy?: BackoffPolicy;
  random?: () => number;
}): number {
  const exponent = Math.min(Math.max(attempt, 1) - 1, 30);
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** exponent);
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}
