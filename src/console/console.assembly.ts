/** Builds the console's dependencies from what main.ts already has (one call, one place). */
import { createAuditLog } from '../admin/admin.audit.js';
import { createAdminRepository } from '../admin/admin.repository.js';
import { createAdminSessions } from '../admin/admin.sessions.js';
import { createLoginThrottle } from '../admin/admin.throttle.js';
import type { Database } from '../db/client.js';
import type { CatalogueFiles } from '../faq/catalogue.loader.js';
import { createFaqEditing } from '../faq/faq.editing.js';
import { createFaqEngine, type LocalFaqEngine } from '../faq/faq.engine.js';
import { createFaqRepository } from '../faq/faq.repository.js';
import type { Logger } from '../logger.js';
import type { ConsoleDeps, EntryLint } from './console.deps.js';
import { createEntryLint } from './console.lint.js';

export function createConsoleDeps({
  db,
  engine,
  catalogue,
  logger,
  now = () => new Date(),
  lint = createEntryLint({ now }),
}: {
  db: Database;
  engine: LocalFaqEngine;
  catalogue: Pick<CatalogueFiles, 'lexicon' | 'smalltalk' | 'unit' | 'officeHours'>;
  logger: Logger;
  lint?: EntryLint;
  now?: () => Date;
}): ConsoleDeps {
  return {
    db,
    faq: createFaqRepository({ db }),
    editing: createFaqEditing({ db }),
    accounts: createAdminRepository({ db }),
    sessions: createAdminSessions({ db }),
    throttle: createLoginThrottle({ db }),
    audit: createAuditLog({ db }),
    engine,
    buildEngine: ({ entries }) =>
      createFaqEngine({ entries, lexicon: catalogue.lexicon, smalltalk: catalogue.smalltalk, unit: catalogue.unit, ...(catalogue.officeHours ? { officeHours: catalogue.officeHours } : {}) }),
    unit: catalogue.unit,
    lint,
    now,
    logger: logger.child({ module: 'console' }),
  };
}
