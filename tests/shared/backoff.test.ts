import { describe, expect, it } from 'vitest';
import { backoffDelayMs } from '../../src/shared/backoff.js';

describe('backoffDelayMs', () => {
  const policy = { baseMs: 1000, maxMs: 60_000 };

  it('doubles per attempt within [ceiling/2, ceiling]', () => {
    expect([1, 2, 3, 4].map((attempt) => backoffDelayMs({ attempt, policy, random: () => 0 }))).toEqual([500, 1000, 2000, 4000]);
    expect([1, 2, 3, 4].map((attempt) => backoffDelayMs({ attempt, policy, random: () => 1 }))).toEqual([1000, 2000, 4000, 8000]);
  });

  it('is capped, also for absurd attempt counts', () => {
    expect(backoffDelayMs({ attempt: 50, policy, random: () => 1 })).toBe(60_000);
    expect(backoffDelayMs({ attempt: 10_000, policy, random: () => 0 })).toBe(30_000);
  });

  it('spreads reconnects (jitter)', () => {
    const values = new Set(Array.from({ length: 20 }, () => backoffDelayMs({ attempt: 3, policy })));
    expect(values.size).toBeGreaterThan(1);
  });
});
