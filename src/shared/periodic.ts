/**
 * A job that runs at start and then every `intervalMs` (the retention purge, the uploads' upkeep).
 * A failed run is logged and retried at the next tick; it never stops the bot. Runs never overlap:
 * `runNow` during a run returns that run. `stop` clears the timer and waits for a run in flight.
 */
import type { Logger } from '../logger.js';

export type PeriodicJob = { stop(): Promise<void>; runNow(): Promise<void> };

export function startPeriodicJob({
  run,
  log,
  failure,
  intervalMs,
}: {
  run: () => Promise<void>;
  log: Logger;
  /** The error line's message, saying what failed (a retry follows at the next tick). */
  failure: string;
  intervalMs: number;
}): PeriodicJob {
  let running: Promise<void> | undefined;

  const runNow = (): Promise<void> => {
    running ??= (async () => {
      try {
        await run();
      } catch (error) {
        log.error({ err: error }, failure);
      } finally {
        running = undefined;
      }
    })();
    return running;
  };

  void runNow();
  const timer = setInterval(() => void runNow(), intervalMs);
  timer.unref();
  return {
    runNow,
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
