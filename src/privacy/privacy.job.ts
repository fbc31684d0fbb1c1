/**
 * Runs the retention purge at start and then every day. A failed run is logged and retried at the
 * next tick; it never stops the bot. Several processes may run it at once: the purge is idempotent.
 */
import type { Logger } from '../logger.js';
import type { PrivacyUsecases } from './privacy.usecases.js';

const DAY_MS = 86_400_000;

export function startRetentionJob({
  privacy,
  logger,
  intervalMs = DAY_MS,
}: {
  privacy: Pick<PrivacyUsecases, 'purgeExpired' | 'retentionDays'>;
  logger: Logger;
  intervalMs?: number;
}): { stop(): Promise<void>; runNow(): Promise<void> } {
  const log = logger.child({ module: 'privacy' });
  let running: Promise<void> | undefined;

  const runNow = (): Promise<void> => {
    running ??= (async () => {
      try {
        const result = await privacy.purgeExpired();
        log.info({ ...result, retentionDays: privacy.retentionDays }, 'retention purge done');
      } catch (error) {
        log.error({ err: error }, 'retention purge failed; will retry at the next run');
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
