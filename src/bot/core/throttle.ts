/**
 * Per-sender flood guard: more than `limit` messages within `windowMs` and the sender is told
 * once, politely; the pipeline holds the messages over the limit and answers them (merged into one)
 * when the pause ends. Every typed arrival counts, so a flood keeps the sender paused; button taps
 * are not typing and the pipeline does not count them.
 *
 * Pure: the state (the last arrivals per sender of one conversation) is stored with the conversation
 * (conversations.flood_state, read with each stored message, written in the statement that queues its
 * replies) and read under the conversation's lock, so the limit holds across restarts and across
 * processes on one database.
 */
export type ThrottleVerdict = { allowed: true } | { allowed: false; notify: boolean; resumeAt: Date };

/** Per sender: arrival times (ms, the last `limit + 1` within the window) and whether they were told. */
export type FloodState = Record<string, { times: number[]; notified: boolean }>;

export type ThrottleLimits = { limit: number; windowMs: number };

/** The stored state, or an empty one when there is none or it no longer parses (the row outlives the code). */
export function floodFromStored({ value }: { value: Record<string, unknown> | null }): FloodState {
  if (!value) return {};
  const state: FloodState = {};
  for (const [sender, entry] of Object.entries(value)) {
    const { times, notified } = (entry ?? {}) as { times?: unknown; notified?: unknown };
    if (Array.isArray(times) && times.every((t) => typeof t === 'number')) state[sender] = { times: times as number[], notified: notified === true };
  }
  return state;
}

/** What to store (null: no sender within the window, the column is cleared). */
export function floodToStore(state: FloodState): Record<string, unknown> | null {
  return Object.keys(state).length > 0 ? state : null;
}

/** The instant enough arrivals have left the window for the count to be back at `limit`. */
function resumeAt(times: number[], { limit, windowMs }: ThrottleLimits): number | null {
  return times.length <= limit ? null : times[times.length - limit - 1]! + windowMs;
}

/** Counts an arrival of `sender` at `now`: the verdict, and the state to store. */
export function checkFlood({ state, sender, now, limits }: { state: FloodState; sender: string; now: Date; limits: ThrottleLimits }): { verdict: ThrottleVerdict; state: FloodState } {
  const at = now.getTime();
  const next: FloodState = {};
  // Senders whose last arrival left the window are forgotten: the stored state stays small.
  for (const [key, entry] of Object.entries(state)) if ((entry.times.at(-1) ?? 0) > at - limits.windowMs) next[key] = entry;
  const previous = next[sender] ?? { times: [], notified: false };
  const times = [...previous.times.filter((t) => t > at - limits.windowMs), at].slice(-(limits.limit + 1));
  const until = resumeAt(times, limits);
  if (until === null) {
    next[sender] = { times, notified: false };
    return { verdict: { allowed: true }, state: next };
  }
  next[sender] = { times, notified: true };
  return { verdict: { allowed: false, notify: !previous.notified, resumeAt: new Date(until) }, state: next };
}

/** Without counting: when the sender's pause ends (null: not paused at `now`). */
export function floodPausedUntil({ state, sender, now, limits }: { state: FloodState; sender: string; now: Date; limits: ThrottleLimits }): Date | null {
  const at = now.getTime();
  const times = (state[sender]?.times ?? []).filter((t) => t > at - limits.windowMs);
  const until = resumeAt(times, limits);
  return until === null || until <= at ? null : new Date(until);
}

/** The same rule kept in memory, for limits that need not outlive the process (the web chat's per-address limit). */
export function createThrottle({ limit, windowMs, clock }: { limit: number; windowMs: number; clock: { now(): Date } }): { check(args: { key: string }): ThrottleVerdict } {
  const keys = new Map<string, FloodState[string]>();
  let checks = 0;
  return {
    check({ key }) {
      const now = clock.now();
      checks += 1;
      if (checks % 1000 === 0) {
        // Bounded memory without a timer: keys idle for a whole window are dropped.
        for (const [k, entry] of keys) if ((entry.times.at(-1) ?? 0) <= now.getTime() - windowMs) keys.delete(k);
      }
      const previous = keys.get(key);
      const { verdict, state } = checkFlood({ state: previous ? { [key]: previous } : {}, sender: key, now, limits: { limit, windowMs } });
      keys.set(key, state[key]!);
      return verdict;
    },
  };
}
