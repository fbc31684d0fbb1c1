// The shipped catalogue, loaded once per test file.
import { loadCatalogueFiles } from '../../src/faq/catalogue.loader.js';
import { createFaqEngine } from '../../src/faq/faq.engine.js';
import { RETRIEVAL_STOP_PHRASES } from '../../src/faq/faq.intents.js';
import { compileLexicon } from '../../src/faq/faq.lexicon.js';
import { searchTextsOf } from '../../src/faq/faq.types.js';

export const dataDir = new URL('../../data', import.meta.url).pathname;
export const files = loadCatalogueFiles({ dataDir });
export const engine = createFaqEngine(files);
export const lexicon = compileLexicon(files.lexicon, {
  stopPhrases: RETRIEVAL_STOP_PHRASES,
  catalogueTexts: files.entries.flatMap(searchTextsOf),
});
