/**
 * The in-memory retrieval index over a catalogue: MiniSearch (BM25 over folded unigrams,
 * bigrams and accented words) ranks entries; fuse.js token search re-scores the top few.
 * Long answer bodies are never indexed: only titles, questions and keywords.
 * Built from any list of entries in a few milliseconds, so admin edits rebuild it whole.
 */
import MiniSearch from 'minisearch';
import { createFuseRescorer, type FuseRescorer } from './faq.search.fuse.js';
import { normalizeForSearch, type Lexicon, type NormalizedText } from './faq.lexicon.js';
import type { FaqEntry } from './faq.types.js';
import { foldDiacritics, hasDiacritics } from './text.normalize.js';

export type RankedEntry = {
  entryId: string;
  title: string;
  /** BM25 score of the entry's title, questions and keywords taken as one document. */
  bm25: number;
  /** IDF-weighted share of the query's content words and word pairs the entry knows (0–1). */
  coverage: number;
  /** fuse.js token-search similarity of the query to the entry's best text (0–1); the top candidate only, 0 for others. */
  fuse: number;
  /** Best IDF-weighted share of one of the entry's title/keyword phrases found in the query (0–1). */
  topic: number;
  /** The ordering key (RANK_WEIGHTS). */
  rank: number;
};

export type FaqIndex = {
  entries: ReadonlyMap<string, FaqEntry>;
  search(args: { query: NormalizedText; limit?: number }): RankedEntry[];
  /** IDF-weighted share of the query's words and pairs that no entry knows (0–1): high for off-topic text. */
  unknownShare(query: NormalizedText): number;
  /** True when the entry's title, questions or keywords contain the folded phrase. */
  mentions(args: { entryId: string; phrase: string }): boolean;
  /** True when the folded phrase contains the entry's title or one of its keywords ("the tam tru" holds "tam tru"). */
  namedWithin(args: { entryId: string; phrase: string }): boolean;
};

type IndexDoc = { id: number; entryId: string; terms: string };

/** Terms of one text: folded content words, their pairs, and content words as typed with diacritics. */
export function termsOf(text: NormalizedText): string[] {
  const accented = text.accented
    .split(' ')
    .filter((w) => hasDiacritics(w) && text.unigrams.includes(foldDiacritics(w)));
  return [...text.unigrams, ...text.bigrams, ...accented];
}

/** Only the best candidate's fuse.js score feeds the confidence, so only it is re-scored. */
const RESCORE_TOP = 1;
/** BM25 picks this many candidates; the finer features are computed for them only (bounded cost at 2,000 entries). */
const CANDIDATES = 30;
/** How many of a message's rarest terms look for candidates. */
const MAX_CANDIDATE_TERMS = 16;
/** How many unknown words (possible typos) are looked up fuzzily. */
const MAX_TYPO_TERMS = 4;
/** Least IDF mass a title/keyword phrase needs for a full topic match (about one word and one pair). */
const MIN_TOPIC_IDF = 4;
/** Candidates are ordered mostly by entry-level evidence, with BM25 (relative to the best) breaking ties. */
const RANK_WEIGHTS = { coverage: 0.4, topic: 0.4, bm25: 0.2 };

export function createFaqIndex({ entries, lexicon }: { entries: FaqEntry[]; lexicon: Lexicon }): FaqIndex {
  // One BM25 document per entry (title, questions and keywords together): 2,000 entries stay 2,000
  // documents, so a query's OR search touches few documents and stays fast.
  const docs: IndexDoc[] = [];
  const fuseDocs: Array<{ entryId: string; text: string }> = [];
  const vocabulary = new Map<string, Set<string>>(); // entryId → folded words
  const accentedVocabulary = new Map<string, Set<string>>(); // entryId → words as written with diacritics
  const expandedText = new Map<string, string>(); // entryId → " all | expanded | texts "
  const topicTerms = new Map<string, string[][]>(); // entryId → title and keywords as term lists
  const topicWords = new Map<string, string[]>(); // entryId → title and keywords as folded words (" a b ")
  for (const entry of entries) {
    const words = new Set<string>();
    const accented = new Set<string>();
    const texts: string[] = [];
    const terms: string[] = [];
    const topics: string[][] = [];
    const topicWordList: string[] = [];
    const topicTexts = new Set([entry.title, ...entry.keywords]);
    for (const text of [entry.title, ...entry.questions, ...entry.keywords]) {
      const normalized = normalizeForSearch(text, lexicon);
      texts.push(normalized.expanded.join(' '));
      terms.push(...termsOf(normalized));
      fuseDocs.push({ entryId: entry.id, text: normalized.unigrams.join(' ') });
      for (const w of [...normalized.unigrams, ...normalized.bigrams]) words.add(w);
      for (const w of normalized.typed.values()) accented.add(w);
      const topic = [...new Set([...normalized.unigrams, ...normalized.bigrams])];
      if (topicTexts.has(text) && topic.length > 0) {
        topics.push(topic);
        topicWordList.push(` ${normalized.words.join(' ')} `);
      }
    }
    topicWords.set(entry.id, topicWordList);
    // Each term once per entry: a word repeated across an entry's questions says no more about the
    // entry, and indexing it once makes building 2,000 entries about a quarter faster.
    docs.push({ id: docs.length, entryId: entry.id, terms: [...new Set(terms)].join(' ') });
    accentedVocabulary.set(entry.id, accented);
    vocabulary.set(entry.id, words);
    expandedText.set(entry.id, ` ${texts.join(' | ')} `);
    topicTerms.set(entry.id, topics);
  }

  const documentFrequency = new Map<string, number>();
  for (const words of vocabulary.values()) for (const w of words) documentFrequency.set(w, (documentFrequency.get(w) ?? 0) + 1);
  const n = entries.length;
  const idf = (word: string) => {
    const df = documentFrequency.get(word) ?? 0;
    return Math.log(1 + (n - df + 0.5) / (df + 0.5));
  };

  const knownTerms = new Set([...vocabulary.values(), ...accentedVocabulary.values()].flatMap((set) => [...set]));
  const miniSearch = new MiniSearch<IndexDoc>({
    fields: ['terms'],
    storeFields: ['entryId'],
    tokenize: (s) => s.split(' ').filter(Boolean),
    processTerm: (t) => t,
    searchOptions: {
      combineWith: 'OR',
      // One typo per word of four letters or more, only for words the catalogue does not know
      // (a known word is not a typo, and fuzzy search over a large vocabulary is the costly part).
      fuzzy: (term) => (term.length >= 4 && !term.includes('_') && !knownTerms.has(term) ? 0.26 : false),
      weights: { fuzzy: 0.6, prefix: 0.3 },
    },
  });
  miniSearch.addAll(docs);
  const fuse: FuseRescorer = createFuseRescorer({ docs: fuseDocs });
  const byId = new Map(entries.map((e) => [e.id, e]));
  // What each entry is about: its title and keyword phrases, with their IDF mass precomputed.
  const topicPhrases = new Map(
    [...topicTerms].map(([id, phrases]) => [id, phrases.map((terms) => ({ terms, total: terms.reduce((s, t) => s + idf(t), 0) }))]),
  );
  function topicRecall(entryId: string, queryTerms: Set<string>): number {
    let best = 0;
    for (const { terms, total } of topicPhrases.get(entryId) ?? []) {
      const found = terms.filter((t) => queryTerms.has(t)).reduce((s, t) => s + idf(t), 0);
      // A one-word keyword ("già") must not count as naming the topic as fully as "khai tử" does.
      best = Math.max(best, found / Math.max(total, MIN_TOPIC_IDF));
    }
    return best;
  }

  /**
   * A query word counts for an entry when the entry has it; a word typed WITH diacritics must also
   * match them ("tăng" is not "táng"), since folding merges words that residents who type accents keep apart.
   */
  function covers(entryId: string, word: string, matched: Set<string>, query: NormalizedText): boolean {
    if (!matched.has(word) && !vocabulary.get(entryId)?.has(word)) return false;
    const typed = query.typed.get(word);
    return typed === undefined || (accentedVocabulary.get(entryId)?.has(typed) ?? false);
  }

  function search({ query, limit = 5 }: { query: NormalizedText; limit?: number }): RankedEntry[] {
    // Candidates come from the rarest terms: words in more than half of the entries find nothing worth
    // having, and a long rambling message is found by its distinctive words. All terms count in coverage.
    // Unknown words have the highest IDF but find nothing unless they are typos, so they come last
    // and only as a few single words for fuzzy matching.
    const unique = [...new Set(termsOf(query))];
    const known = unique
      .filter((t) => documentFrequency.has(t) && documentFrequency.get(t)! <= n / 2)
      .sort((a, b) => idf(b) - idf(a))
      .slice(0, MAX_CANDIDATE_TERMS);
    const typos = unique.filter((t) => !knownTerms.has(t) && !t.includes('_') && t.length >= 4).slice(0, MAX_TYPO_TERMS);
    const terms = [...known, ...typos];
    if (terms.length === 0) return [];
    const perEntry = new Map<string, { bm25: number; matched: Set<string> }>();
    for (const hit of miniSearch.search(terms.join(' '))) {
      const entryId = hit.entryId as string;
      const agg = perEntry.get(entryId) ?? { bm25: 0, matched: new Set<string>() };
      agg.bm25 = Math.max(agg.bm25, hit.score);
      for (const t of hit.queryTerms) agg.matched.add(t);
      perEntry.set(entryId, agg);
    }
    // Evidence is entry-level: every query word and word pair the entry knows, weighted by how
    // rare it is across entries. Pairs ("thuong_tru") disambiguate folded collisions (thương/thường).
    const unigrams = [...new Set(query.unigrams)];
    const pairs = [...new Set(query.bigrams)];
    const totalIdf = [...unigrams, ...pairs].reduce((sum, w) => sum + idf(w), 0);
    const maxBm25 = Math.max(...[...perEntry.values()].map((e) => e.bm25), 1e-9);
    const queryTerms = new Set([...unigrams, ...pairs]);
    const ranked = [...perEntry]
      .sort((a, b) => b[1].bm25 - a[1].bm25)
      .slice(0, CANDIDATES)
      .map(([entryId, { bm25, matched }]) => {
        // `matched` holds MiniSearch's matches (typos included); the entry's vocabulary holds the rest.
        const hasPair = (p: string) => matched.has(p) || (vocabulary.get(entryId)?.has(p) ?? false);
        const known = [...unigrams.filter((w) => covers(entryId, w, matched, query)), ...pairs.filter(hasPair)];
        return {
          entryId,
          title: byId.get(entryId)?.title ?? entryId,
          bm25,
          coverage: totalIdf > 0 ? known.reduce((s, w) => s + idf(w), 0) / totalIdf : 0,
          topic: topicRecall(entryId, queryTerms),
          fuse: 0,
          rank: 0,
        };
      })
      .map((r) => ({ ...r, rank: RANK_WEIGHTS.coverage * r.coverage + RANK_WEIGHTS.topic * r.topic + RANK_WEIGHTS.bm25 * (r.bm25 / maxBm25) }))
      .sort((a, b) => b.rank - a.rank)
      .slice(0, limit);
    const similarity = fuse.similarity({ query: query.unigrams.join(' '), entryIds: ranked.slice(0, RESCORE_TOP).map((r) => r.entryId) });
    for (const r of ranked) r.fuse = similarity.get(r.entryId) ?? 0;
    return ranked;
  }

  return {
    entries: byId,
    search,
    unknownShare(query) {
      const terms = [...new Set([...query.unigrams, ...query.bigrams])];
      const total = terms.reduce((sum, t) => sum + idf(t), 0);
      const unknown = terms.filter((t) => !documentFrequency.has(t)).reduce((sum, t) => sum + idf(t), 0);
      return total > 0 ? unknown / total : 0;
    },
    mentions: ({ entryId, phrase }) => expandedText.get(entryId)?.includes(` ${phrase} `) ?? false,
    namedWithin: ({ entryId, phrase }) => (topicWords.get(entryId) ?? []).some((words) => ` ${phrase} `.includes(words)),
  };
}
