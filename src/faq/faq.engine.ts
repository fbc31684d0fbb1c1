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
import { searchTextsOf, withOverride, type FaqEntry, type UnitOverride } from './faq.types.js';
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
  overrides = [],
  thresholds = THRESHOLDS,
}: {
  entries: FaqEntry[];
  /** Units' own text for province entries, used when rendering for a resident of that unit. */
  overrides?: UnitOverride[];
  lexicon: LexiconFile;
  smalltalk: SmalltalkFile;
  unit: UnitFacts;
  /** The unit's office hours: fill `{{unit.open.sat}}`, `{{unit.lunch}}`… in sub-question answers. */
  officeHours?: OfficeHours;
  thresholds?: Thresholds;
}): LocalFaqEngine {
  const unit: UnitFacts = { ...(officeHours ? openingFacts(officeHours) : {}), ...unitFacts };
  // Per unit, its own facts (the console's settings page edits them; setUnits after each change).
  let factsByUnit = new Map<string, UnitFacts>();
  const factsFor = (unitId: string | null | undefined): UnitFacts => (unitId ? factsByUnit.get(unitId) : undefined) ?? unit;
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
  // Per unit, the entries with that unit's overrides laid over; built on first use after a reload.
  let overridesByUnit = groupOverrides(overrides);
  let unitEntries = new Map<string, ReadonlyMap<string, FaqEntry>>();
  const entriesFor = (unitId: string | null | undefined): ReadonlyMap<string, FaqEntry> => {
    const own = unitId ? overridesByUnit.get(unitId) : undefined;
    if (!unitId || !own) return index.entries;
    let map = unitEntries.get(unitId);
    if (!map) {
      const merged = new Map(index.entries);
      for (const [entryId, override] of own) {
        const entry = merged.get(entryId);
        if (entry) merged.set(entryId, withOverride(entry, override));
      }
      map = merged;
      unitEntries.set(unitId, map);
    }
    return map;
  };
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
    render: ({ decision, maxTextLength, unitId, buttons }) =>
      renderDecision({ decision, entries: entriesFor(unitId), unit: factsFor(unitId), smalltalk, maxTextLength, ...(buttons === undefined ? {} : { buttons }) }),
    renderAction({ action, maxTextLength, unitId }) {
      const parsed = parseFaqAction(action);
      const entry = parsed && entriesFor(unitId).get(parsed.entryId);
      if (!parsed || !entry) return null;
      return renderEntry({ entry, first: parsed.section, unit: factsFor(unitId), maxTextLength });
    },
    setUnits({ units }) {
      factsByUnit = new Map(units.map((u) => [u.id, { ...(u.officeHours ? openingFacts(u.officeHours as OfficeHours) : {}), ...u.facts }]));
    },
    reload({ entries: next, overrides: nextOverrides }) {
      ({ lexicon, index, details } = build(next));
      if (nextOverrides) overridesByUnit = groupOverrides(nextOverrides);
      unitEntries = new Map();
    },
    index: () => index,
  };
}

function groupOverrides(overrides: UnitOverride[]): Map<string, Map<string, UnitOverride['override']>> {
  const byUnit = new Map<string, Map<string, UnitOverride['override']>>();
  for (const { unitId, entryId, override } of overrides) {
    let own = byUnit.get(unitId);
    if (!own) byUnit.set(unitId, (own = new Map()));
    own.set(entryId, override);
  }
  return byUnit;
}
