/** Time as a dependency, so tests can move it (throttle windows, retries, leases). */
export type Clock = { now(): Date };

export const systemClock: Clock = { now: () => new Date() };

/** Real time moved by `offsetMs` (CLOCK_OFFSET): operators try out-of-hours flows without editing office hours. */
export function createOffsetClock({ offsetMs, base = systemClock }: { offsetMs: number; base?: Clock }): Clock {
  return offsetMs === 0 ? base : { now: () => new Date(base.now().getTime() + offsetMs) };
}
