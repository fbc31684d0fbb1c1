/**
 * Keeps a process's FAQ engine on the published catalogue: a publish anywhere sends NOTIFY
 * faq_changed and every listening process reloads at once; a TTL check (60 s, cheap signature
 * query) is the safety net for a lost notification.
 */
import type { DatabaseHandle } from '../db/client.js';
import type { Logger } from '../logger.js';
import type { FaqEngine } from './faq.engine.port.js';
import { FAQ_CHANGED_CHANNEL, type FaqRepository } from './faq.repository.js';

export const FAQ_TTL_MS = 60_000;

export async function startFaqSync({
  database,
  repository,
  engine,
  logger,
  ttlMs = FAQ_TTL_MS,
}: {
  database: Pick<DatabaseHandle, 'listen'>;
  repository: Pick<FaqRepository, 'listPublished' | 'listOverrides' | 'publishedSignature'>;
  engine: Pick<FaqEngine, 'reload'>;
  logger: Logger;
  ttlMs?: number;
}): Promise<{ reload(): Promise<void>; stop(): Promise<void> }> {
  let signature = (await repository.publishedSignature()).signature;
  let running: Promise<void> | null = null;
  let again = false;

  const reloadNow = async () => {
    const next = (await repository.publishedSignature()).signature;
    const { entries, invalid } = await repository.listPublished();
    const { overrides, invalid: badOverrides } = await repository.listOverrides();
    for (const { id, problems } of [...invalid, ...badOverrides]) logger.error({ entryId: id, problems }, 'FAQ entry in the database is invalid and is not served');
    engine.reload({ entries, overrides });
    signature = next;
    logger.info({ entries: entries.length, overrides: overrides.length }, 'FAQ catalogue reloaded');
  };
  // Notifications arriving during a reload are folded into one more reload after it.
  const reload = (): Promise<void> => {
    if (running) {
      again = true;
      return running;
    }
    running = reloadNow()
      .catch((error: unknown) => logger.error({ err: error }, 'FAQ reload failed; the previous catalogue stays in use'))
      .finally(() => {
        running = null;
        if (again) {
          again = false;
          void reload();
        }
      });
    return running;
  };

  const listener = await database.listen({ channel: FAQ_CHANGED_CHANNEL, onNotify: () => void reload() });
  const timer = setInterval(() => {
    repository
      .publishedSignature()
      .then(({ signature: now }) => (now !== signature ? reload() : undefined))
      .catch((error: unknown) => logger.warn({ err: error }, 'FAQ TTL check failed'));
  }, ttlMs);
  timer.unref();

  return {
    reload,
    async stop() {
      clearInterval(timer);
      await listener.stop();
      await running;
    },
  };
}
