/** A clock that only moves when a test says so. */
export type FakeClock = { now(): Date; advance(ms: number): void; set(date: Date): void };

export function createFakeClock(start = new Date('2026-03-02T02:00:00Z')): FakeClock {
  let current = start.getTime();
  return {
    now: () => new Date(current),
    advance: (ms) => {
      current += ms;
    },
    set: (date) => {
      current = date.getTime();
    },
  };
}
