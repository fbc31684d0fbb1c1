/**
 * The FAQ engine: the catalogue, its index and the decision policy behind one small object.
 * Pure and in-memory; `reload` swaps the catalogue (admin edits) without a restart.
 */
import type { FaqEngine } from './faq.engine.port.js';
import { analyse, applyPolicy, type Analysis, type DecideContext } from './faq.decide.js';
import { explainAnalysis, type Explanation } from './faq.explain.js';
import { openingFacts, type OfficeHours } from './faq.hours.js';
import { createAnswerDetails, withAnswerDetails } from './faq.subquestions.js';
import { createFaqIndex, type FaqIndex } from './faq.index.js';
import { RETRIEVAL_STOP_PHRASES } from './faq.intents.js';
import { compileLexicon, normalizeForSearch, type LexiconFile, type NormalizedText } from './faq.lexicon.js';
import { parseFaqAction, renderDecision, renderEntry, type UnitFacts } from './faq.render.js';
import { compileSmalltalk, type SmalltalkFile } from './faq.smalltalk.js';
import { THRESHOLDS, type Thresholds } from './faq.thresholds.js';
import { searchTextsOf, type FaqEntry } from './faq.types.js';
import { createTextPreparer } from './text.normalize.js';

export type LocalFaqEngine = FaqEngine & {
  /** The index in use (for benchmarks and diagnostics). */
  index(): FaqIndex;
  /** Retrieval without the threshold policy, for calibration (see faq.thresholds.ts). */
  analyse(args: { text: string; context?: DecideContext }): Analysis;
  /** The decision with its workings: score parts per candidate and the thresholds they met (faq.explain.ts). */
  explain(args: { text: string; context?: DecideContext }): Explanation;
  /** The message as retrieval sees it (folded, lexicon-expanded words), for the console's "try a question". */
  normalise(args: { text: string }): NormalizedText;
};

export function createFaqEngine({
  entries,
  lexicon: lexiconFile,
  smalltalk: smalltalkFile,
  unit: unitFacts,
  officeHours,
  thresholds = THRESHOLDS,
}: {
  entries: FaqEntry[];
  lexicon: LexiconFile;
  smalltalk: SmalltalkFile;
  unit: UnitFacts;
  /** The unit's office hours: fill `{{unit.open.sat}}`, `{{unit.lunch}}`… in sub-question answers. */
  officeHours?: OfficeHours;
  thresholds?: Thresholds;
}): LocalFaqEngine {
  const unit: UnitFacts = { ...(officeHours ? openingFacts(officeHours) : {}), ...unitFacts };
  const smalltalk = compileSmalltalk(smalltalkFile);
  // The lexicon learns the catalogue's word pairs (to tell "can cuoc" from "can giay"), so it is
  // rebuilt with the index whenever entries change.
  const build = (list: FaqEntry[]) => {
    const catalogueTexts = list.flatMap(searchTextsOf);
    // Both passes read the same texts: each is cleaned and folded once, for this build only.
    const prepare = createTextPreparer();
    const lexicon = compileLexicon(lexiconFile, { stopPhrases: RETRIEVAL_STOP_PHRASES, catalogueTexts, prepare });
    return { lexicon, index: createFaqIndex({ entries: list, lexicon, prepare }), details: createAnswerDetails({ entries: list, lexicon, prepare }) };
  };
  let { lexicon, index, details } = build(entries);
  const decideAnalysed = (analysis: Analysis) => {
    const decision = applyPolicy(analysis, thresholds);
    return analysis.final ? decision : withAnswerDetails({ decision, query: analysis.query, details });
  };
  const decide = ({ text, context }: { text: string; context?: DecideContext }) => decideAnalysed(analyse({ text, context }, { index, lexicon, smalltalk }));

  return {
    decide,
    analyse: ({ text, context }) => analyse({ text, context }, { index, lexicon, smalltalk }),
    explain({ text, context }) {
      const analysis = analyse({ text, context }, { index, lexicon, smalltalk });
      return explainAnalysis({ analysis, thresholds, decision: decideAnalysed(analysis) });
    },
    normalise: ({ text }) => normalizeForSearch(text, lexicon),
    render: ({ decision, maxTextLength, buttons }) => renderDecision({ decision, entries: index.entries, unit, smalltalk, maxTextLength, ...(buttons === undefined ? {} : { buttons }) }),
    renderAction({ action, maxTextLength }) {
      const parsed = parseFaqAction(action);
      const entry = parsed && index.entries.get(parsed.entryId);
      if (!parsed || !entry) return null;
      return renderEntry({ entry, first: parsed.section, unit, maxTextLength });
    },
    reload({ entries: next }) {
      ({ lexicon, index, details } = build(next));
    },
    index: () => index,
  };
}
