/**
 * The FAQ engine's vocabulary: catalogue entries (as validated from data/ or the database)
 * and the decision the engine takes for one resident message.
 */

/** Sections an entry may have; an "aspect" is the section a question asks about. */
export const SECTION_NAMES = ['documents', 'fee', 'duration', 'where', 'online', 'steps', 'notes'] as const;
export type SectionName = (typeof SECTION_NAMES)[number];
export type Aspect = Exclude<SectionName, 'steps' | 'notes'>;

/** A text a section rests on: a law on vanban.chinhphu.vn, a procedure page, a ministry page. */
export type FaqSource = { title: string; url: string; checked: string };

/** A law an entry knows to be replaced, so no other entry may still cite it. */
export type ReplacedLaw = { law: string; by: string };

export type FaqEntry = {
  id: string;
  title: string;
  category: string;
  procedureCode?: string;
  statutoryDays?: number;
  questions: string[];
  keywords: string[];
  subQuestions?: Array<{ q: string; a: string }>;
  condolence?: { text: string; when: string[] };
  summary: string;
  sections: Partial<Record<SectionName, string>>;
  /** The sources each section rests on (title, URL, date checked). */
  sources: Partial<Record<SectionName, FaqSource[]>>;
  legalBasis: string[];
  replaced?: ReplacedLaw[];
  /** The page the answer's footer links; absent when no page backs the entry as a whole. */
  sourceUrl?: string;
  reviewedAt: string;
  /** After this date the entry must be checked again; the lint fails and the console lists it. */
  reviewDue: string;
};

/**
 * A unit's own text for a province entry (a local fee note, the address, the hours): the fields
 * given replace the entry's for residents of that unit; retrieval still reads the province entry.
 */
export type EntryOverride = {
  summary?: string;
  sections?: Partial<Record<SectionName, string>>;
  sources?: Partial<Record<SectionName, FaqSource[]>>;
};
export type UnitOverride = { entryId: string; unitId: string; override: EntryOverride };

/** The entry as a unit's residents see it: the override's fields laid over the province entry's. */
export function withOverride(entry: FaqEntry, override: EntryOverride | undefined): FaqEntry {
  if (!override) return entry;
  return {
    ...entry,
    summary: override.summary ?? entry.summary,
    sections: { ...entry.sections, ...override.sections },
    sources: { ...entry.sources, ...override.sources },
  };
}

export type Candidate = { id: string; title: string; score: number };

export type HandoffReason = 'explicit_request' | 'complaint' | 'emergency' | 'personal_case' | 'out_of_scope' | 'low_confidence';
export type SmalltalkIntent = 'greeting' | 'thanks' | 'goodbye' | 'identity' | 'ack';

export type FaqDecision =
  | {
      kind: 'answer';
      entryId: string;
      aspect: Aspect | null;
      confidence: number;
      candidates: Candidate[];
      /** Index of the entry's sub-question the message asks, answered first. */
      subQuestion?: number;
      /** The message mentions a death: the entry's condolence line comes first. */
      condolence?: boolean;
    }
  | { kind: 'clarify'; confidence: number; candidates: Candidate[] }
  | { kind: 'handoff'; reason: HandoffReason; confidence: number; candidates: Candidate[] }
  | { kind: 'smalltalk'; intent: SmalltalkIntent; confidence: number; candidates: Candidate[] };

/** The texts an entry is found by: title, questions, keywords and its sub-questions. */
export function searchTextsOf(entry: FaqEntry): string[] {
  return [entry.title, ...entry.questions, ...entry.keywords, ...(entry.subQuestions ?? []).map((s) => s.q)];
}
