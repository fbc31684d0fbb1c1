/**
 * Upload files' upkeep, started by main.ts: at start, the bytes still in the database (uploads made
 * before migration 0010) move to files, then files no row names any more are removed (a crash
 * between a file and its row, or between an erasure and its unlink); the sweep repeats daily. A
 * failure is logged and retried at the next run; it never stops the bot.
 */
import type { Logger } from '../logger.js';
import { startPeriodicJob, type PeriodicJob } from '../shared/periodic.js';
import type { WebUploadsRepository } from './uploads.repository.js';

const DAY_MS = 86_400_000;

export function startUploadsHousekeeping({
  uploads,
  logger,
  intervalMs = DAY_MS,
}: {
  uploads: Pick<WebUploadsRepository, 'moveBytesToFiles' | 'sweepFiles'>;
  logger: Logger;
  intervalMs?: number;
}): PeriodicJob {
  const log = logger.child({ module: 'web-uploads' });
  let moved = false;
  return startPeriodicJob({
    log,
    intervalMs,
    failure: 'web chat uploads upkeep failed; will retry at the next run',
    run: async () => {
      if (!moved) {
        const result = await uploads.moveBytesToFiles();
        moved = true;
        if (result.moved > 0) log.info(result, 'web chat uploads moved from the database to files');
      }
      const { removed } = await uploads.sweepFiles();
      if (removed > 0) log.info({ removed }, 'upload files no row names any more were removed');
    },
  });
}
