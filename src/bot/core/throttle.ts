/**
 * Per-sender flood guard: more than `limit` messages within `windowMs` and the sender is told
 * once, politely; further messages are stored by the pipeline but not answered until the rate
 * falls back under the limit. Every arrival counts, so a flood keeps the sender throttled.
 */
import type { Clock } from '../../shared/clock.js';

export type ThrottleVerdict = { allowed: true } | { allowed: false; notify: boolean };

export type Throttle = { check(args: { key: string }): ThrottleVerdict };

export function createThrottle({ limit, windowMs, clock }: { limit: number; windowMs: number; clock: Clock }): Throttle {
  const senders = new Map<string, { times: number[]; notified: boolean }>();
  let checks = 0;

  function sweep(now: number) {
    for (const [key, state] of senders) {
      if ((state.times.at(-1) ?? 0) <= now - windowMs) senders.delete(key);
    }
  }

  return {
    check({ key }) {
      const now = clock.now().getTime();
      checks += 1;
      if (checks % 1000 === 0) sweep(now); // bounded memory without a timer
      const state = senders.get(key) ?? { times: [], notified: false };
      senders.set(key, state);
      state.times = state.times.filter((t) => t > now - windowMs);
      state.times.push(now);
      if (state.times.length <= limit) {
        state.notified = false;
        return { allowed: true };
      }
      const notify = !state.notified;
      state.notified = true;
      return { allowed: false, notify };
    },
  };
}
