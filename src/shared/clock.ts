/** Time as a dependency, so tests can move it (throttle windows, retries, leases). */
export type Clock = { now(): Date };

export const systemClock: Clock = { now: () => new Date() };

/** Real time moved by `offsetMs` (CLOCK_OFFSET): operators try out-of-hours flows without editing office hours. */
export function createOffsetClock({ offsetMs, base = systemClock }: { offsetMs: number; base?: Clock }): Clock {
  return offsetMs === 0 ? base : { now: () => new Date(base.now().getTime() + offsetMs) };
}

/**
 * A platform's timestamp of a message (Telegram `date`, Zalo `ts`: real time) on the bot's clock: as
 * long before `clock.now()` as the platform says it was sent before real time. So CLOCK_OFFSET (or a
 * test's fake clock) moves received times like every other time, and a message delivered late (the
 * bot was down) keeps its age. A platform time ahead of real time (skew) counts as just now.
 */
export function platformTimeOnClock({ clock, at, realNowMs = Date.now() }: { clock: Clock; at: Date; realNowMs?: number }): Date {
  if (clock === systemClock) return at; // the same time; no second reading of the clock to differ by a millisecond
  const ageMs = Math.max(0, realNowMs - at.getTime());
  return new Date(clock.now().getTime() - ageMs);
}
