/**
 * An answer that answers the question asked: an entry's short sub-questions ("Thứ bảy có làm việc
 * không?") are matched against the message, and the best one's one-line answer is shown first; a
 * death entry's condolence line comes first when the message mentions a death. Both read the
 * message's normalised words, so they work with or without diacritics. Pure, built with the index.
 */
import { normalizePrepared, type Lexicon, type NormalizedText } from './faq.lexicon.js';
import type { FaqDecision, FaqEntry } from './faq.types.js';
import type { PreparedText } from './text.normalize.js';

/** Share of a sub-question's own words (those not in the entry's title) the message must have. */
const MIN_SUBQUESTION_SHARE = 0.6;

export type AnswerDetails = {
  /** The sub-question the message asks (index into entry.subQuestions), or null. */
  subQuestion(args: { entryId: string; query: NormalizedText }): { index: number; share: number } | null;
  mentionsDeath(args: { entryId: string; query: NormalizedText }): boolean;
};

export function createAnswerDetails({ entries, lexicon, prepare }: { entries: FaqEntry[]; lexicon: Lexicon; prepare: (raw: string) => PreparedText }): AnswerDetails {
  const norm = (text: string) => normalizePrepared(prepare(text), lexicon);
  const subQuestions = new Map<string, Array<{ own: string[] }>>();
  const deathCues = new Map<string, string[]>();
  for (const entry of entries) {
    const title = new Set(norm(entry.title).unigrams);
    if (entry.subQuestions?.length) {
      subQuestions.set(entry.id, entry.subQuestions.map(({ q }) => ({ own: [...new Set(norm(q).unigrams.filter((w) => !title.has(w)))] })));
    }
    if (entry.condolence) deathCues.set(entry.id, entry.condolence.when.map((p) => ` ${norm(p).words.join(' ')} `));
  }
  return {
    subQuestion({ entryId, query }) {
      const words = new Set(query.unigrams);
      let best: { index: number; share: number; size: number } | null = null;
      (subQuestions.get(entryId) ?? []).forEach(({ own }, index) => {
        if (own.length === 0) return;
        const share = own.filter((w) => words.has(w)).length / own.length;
        if (share < MIN_SUBQUESTION_SHARE) return;
        if (!best || share > best.share || (share === best.share && own.length > best.size)) best = { index, share, size: own.length };
      });
      return best === null ? null : { index: (best as { index: number }).index, share: (best as { share: number }).share };
    },
    mentionsDeath({ entryId, query }) {
      const text = ` ${query.expanded.join(' ')} `;
      return (deathCues.get(entryId) ?? []).some((cue) => text.includes(cue));
    },
  };
}

/** The decision with the sub-question and condolence flags filled in (answers only). */
export function withAnswerDetails({ decision, query, details }: { decision: FaqDecision; query: NormalizedText; details: AnswerDetails }): FaqDecision {
  if (decision.kind !== 'answer') return decision;
  const sub = details.subQuestion({ entryId: decision.entryId, query });
  const condolence = details.mentionsDeath({ entryId: decision.entryId, query });
  return { ...decision, ...(sub ? { subQuestion: sub.index } : {}), ...(condolence ? { condolence } : {}) };
}
