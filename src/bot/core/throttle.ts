/**
 * Per-sender flood guard: more than `limit` messages within `windowMs` and the sender is told
 * once, politely; the pipeline holds the messages over the limit and answers them (merged into one)
 * when the pause ends. Every typed arrival counts, so a flood keeps the sender paused; button taps
 * are not typing and the pipeline does not count them.
 */
import type { Clock } from '../../shared/clock.js';

export type ThrottleVerdict = { allowed: true } | { allowed: false; notify: boolean; resumeAt: Date };

export type Throttle = {
  /** Counts an arrival and says whether it may be answered now. */
  check(args: { key: string }): ThrottleVerdict;
  /** Without counting: when the sender's pause ends (null: not paused now). */
  pausedUntil(args: { key: string }): { resumeAt: Date | null };
};

export function createThrottle({ limit, windowMs, clock }: { limit: number; windowMs: number; clock: Clock }): Throttle {
  const senders = new Map<string, { times: number[]; notified: boolean }>();
  let checks = 0;

  function sweep(now: number) {
    for (const [key, state] of senders) {
      if ((state.times.at(-1) ?? 0) <= now - windowMs) senders.delete(key);
    }
  }

  /** The instant enough arrivals have left the window for the count to be back at `limit`. */
  function resumeAt(times: number[]): number | null {
    return times.length <= limit ? null : times[times.length - limit - 1]! + windowMs;
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
      const until = resumeAt(state.times);
      if (until === null) {
        state.notified = false;
        return { allowed: true };
      }
      const notify = !state.notified;
      state.notified = true;
      return { allowed: false, notify, resumeAt: new Date(until) };
    },
    pausedUntil({ key }) {
      const now = clock.now().getTime();
      const state = senders.get(key);
      if (!state) return { resumeAt: null };
      const until = resumeAt(state.times.filter((t) => t > now - windowMs));
      return { resumeAt: until === null || until <= now ? null : new Date(until) };
    },
  };
}
