/**
 * Builds the FAQ engine for CLI commands from data/ (`--files`) or from the database's published
 * catalogue, the one the bot serves (`--db`); without a flag, `defaultSource` decides.
 */
import { loadCatalogueFiles } from '../faq/catalogue.loader.js';
import { createFaqEngine, type LocalFaqEngine } from '../faq/faq.engine.js';
import type { FaqEntry } from '../faq/faq.types.js';

export async function engineForCli({
  args,
  defaultSource = 'files',
}: {
  args: string[];
  defaultSource?: 'files' | 'db';
}): Promise<{ engine: LocalFaqEngine; entries: FaqEntry[]; rest: string[] }> {
  const { loadConfig } = await import('../config.js');
  const config = loadConfig();
  const files = loadCatalogueFiles({ dataDir: config.dataDir });
  let entries = files.entries;
  if (args.includes('--db') || (defaultSource === 'db' && !args.includes('--files'))) {
    const { createDatabase } = await import('../db/client.js');
    const { createFaqRepository } = await import('../faq/faq.repository.js');
    const handle = await createDatabase({ url: config.database.url, pgliteDataDir: config.database.pgliteDataDir });
    try {
      const published = (await createFaqRepository({ db: handle.db }).listPublished()).entries;
      if (published.length > 0) entries = published;
      else console.error('The database has no published catalogue yet (start the bot once to seed it): using data/ instead.');
    } finally {
      await handle.close();
    }
  }
  const engine = createFaqEngine({ entries, lexicon: files.lexicon, smalltalk: files.smalltalk, unit: files.unit, officeHours: files.officeHours });
  return { engine, entries, rest: args.filter((a) => a !== '--db' && a !== '--files') };
}
