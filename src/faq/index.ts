/**
 * The FAQ module's public surface. Other modules (pipeline, console, CLI) import from here.
 */
// The engine and what it decides
export { createFaqEngine, type LocalFaqEngine } from './faq.engine.js';
export type { FaqEngine, RenderedReply } from './faq.engine.port.js';
export type { Aspect, Candidate, FaqDecision, FaqEntry, HandoffReason, SmalltalkIntent } from './faq.types.js';
// Why it decided (the console's "try a question" pane, `cli classify --explain`)
export { explainAnalysis, type ExplainedCandidate, type Explanation } from './faq.explain.js';
export type { PolicyCheck } from './faq.decide.js';
// The catalogue
export { loadCatalogueFiles, type CatalogueFiles } from './catalogue.loader.js';
export { CatalogueInvalidError, parseFaqEntry, validateCatalogue } from './catalogue.schema.js';
