/** Time as a dependency, so tests can move it (throttle windows, retries, leases). */
export type Clock = { now(): Date };

export const systemClock: Clock = { now: () => new Date() };
