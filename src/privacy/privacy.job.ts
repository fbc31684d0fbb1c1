/**
 * Runs the retention purge at start and then every day. A failed run is logged and retried at the
 * next tick; it never stops the bot. Several processes may run it at once: the purge is idempotent.
 */
import type { Logger } from '../logger.js';
import { startPeriodicJob, type PeriodicJob } from '../shared/periodic.js';
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
}): PeriodicJob {
  const log = logger.child({ module: 'privacy' });
  return startPeriodicJob({
    log,
    intervalMs,
    failure: 'retention purge failed; will retry at the next run',
    run: async () => {
      const result = await privacy.purgeExpired();
      log.info({ ...result, retentionDays: privacy.retentionDays }, 'retention purge done');
    },
  });
}
