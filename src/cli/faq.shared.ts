/** Builds the FAQ engine for CLI commands: from data/ by default, from the live database with --db. */
import { loadCatalogueFiles } from '../faq/catalogue.loader.js';
import { createFaqEngine, type LocalFaqEngine } from '../faq/faq.engine.js';
import type { FaqEntry } from '../faq/faq.types.js';

export async function engineForCli({ args }: { args: string[] }): Promise<{ engine: LocalFaqEngine; entries: FaqEntry[]; rest: string[] }> {
  const { loadConfig } = await import('../config.js');
  const config = loadConfig();
  const files = loadCatalogueFiles({ dataDir: config.dataDir });
  let entries = files.entries;
  if (args.includes('--db')) {
    const { createDatabase } = await import('../db/client.js');
    const { createFaqRepository } = await import('../faq/faq.repository.js');
    const handle = await createDatabase({ url: config.database.url, pgliteDataDir: config.database.pgliteDataDir });
    try {
      ({ entries } = await createFaqRepository({ db: handle.db }).listPublished());
    } finally {
      await handle.close();
    }
  }
  const engine = createFaqEngine({ entries, lexicon: files.lexicon, smalltalk: files.smalltalk, unit: files.unit, officeHours: files.officeHours });
  return { engine, entries, rest: args.filter((a) => a !== '--db') };
}
