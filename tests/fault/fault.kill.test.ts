/**
 * The fault run at CI size (one kill per scenario; `npm run fault` runs 60): the real bot process is
 * SIGKILLed during a question, a ticket opening and a send, restarted, and nothing is lost.
 */
import { describe, expect, it } from 'vitest';
import { runFaultScenario } from './fault.harness.js';

describe('the real bot process killed with SIGKILL and restarted', () => {
  it('loses no question and no ticket card', { timeout: 300_000 }, async () => {
    const lines: string[] = [];
    const figures = await runFaultScenario({ kills: 3, log: (line) => lines.push(line) });
    console.log([...lines, JSON.stringify(figures)].join('\n'));
    expect(figures.kills).toBe(3);
    expect(figures.lost).toBe(0);
  });
});
