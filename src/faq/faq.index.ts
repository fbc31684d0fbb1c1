/**
 * The in-memory retrieval index over a catalogue: BM25 (faq.bm25.ts, scored as MiniSearch does,
 * over folded unigrams, bigrams and accented words) ranks entries; fuse.js token search re-scores
 * the top few. Long answer bodies are never indexed: only titles, questions and keywords.
 * Built from any list of entries in well under a second, so admin edits rebuild it whole.
 */
import { createBm25 } from './faq.bm25.js';
import { createFuseRescorer, type FuseRescorer } from './faq.search.fuse.js';
import { normalizePrepared, type Lexicon, type NormalizedText } from './faq.lexicon.js';
import { searchTextsOf, type FaqEntry } from './faq.types.js';
import { createTextPreparer, foldDiacritics, type PreparedText } from './text.normalize.js';

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
  /** True when `specific`'s title is `general`'s plus a qualifier ("… có yếu tố nước ngoài"), see `refinements`. */
  refines(args: { specific: string; general: string }): boolean;
  /** True when the folded phrase contains the entry's title or one of its keywords ("the tam tru" holds "tam tru"). */
  namedWithin(args: { entryId: string; phrase: string }): boolean;
};


/** Terms of one text: folded content words, their pairs, and content words as typed with diacritics. */
export function termsOf(text: NormalizedText): string[] {
  const terms = [...text.unigrams, ...text.bigrams];
  for (const w of text.accented.split(' ')) {
    const folded = foldDiacritics(w);
    if (folded !== w && text.unigrams.includes(folded)) terms.push(w);
  }
  return terms;
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
/**
 * A general entry whose sibling refines it (see `refinements`) keeps this share of its rank when the
 * message names the sibling's qualifier: below the policy's ambiguity ratios, above its clarify ratio.
 */
const REFINED_RANK = 0.8;

/** What one catalogue text adds to its entry; computed once per distinct text in a build. */
type TextFacts = {
  expanded: string;
  terms: string[];
  fuseText: string;
  /** Folded words and pairs. */
  words: string[];
  /** Words as typed with diacritics. */
  accented: string[];
  /** The folded words (before synonyms and stopwords), " a b ". */
  spaced: string;
};

export function createFaqIndex({
  entries,
  lexicon,
  prepare = createTextPreparer(),
}: {
  entries: FaqEntry[];
  lexicon: Lexicon;
  /** The build's shared preparer (see compileLexicon), so each distinct text is cleaned and folded once. */
  prepare?: (raw: string) => PreparedText;
}): FaqIndex {
  // One BM25 document per entry (title, questions and keywords together): 2,000 entries stay 2,000
  // documents, so a query's OR search touches few documents and stays fast.
  const docs: Array<{ entryId: string; terms: string[] }> = [];
  const fuseDocs: Array<{ entryId: string; text: string }> = [];
  const vocabulary = new Map<string, Set<string>>(); // entryId → folded words
  const accentedVocabulary = new Map<string, Set<string>>(); // entryId → words as written with diacritics
  const expandedText = new Map<string, string>(); // entryId → " all | expanded | texts "
  const topicTerms = new Map<string, string[][]>(); // entryId → title and keywords as term lists
  const topicWords = new Map<string, string[]>(); // entryId → title and keywords as folded words (" a b ")
  const titleWords = new Map<string, string[]>(); // entryId → the title's folded content words, in order
  // Entries share many texts (keywords, common questions): each distinct text is normalised once.
  const factsByText = new Map<string, TextFacts>();
  const factsOf = (text: string): TextFacts => {
    let facts = factsByText.get(text);
    if (facts === undefined) {
      const normalized = normalizePrepared(prepare(text), lexicon);
      facts = {
        expanded: normalized.expanded.join(' '),
        terms: termsOf(normalized),
        fuseText: normalized.unigrams.join(' '),
        words: [...new Set([...normalized.unigrams, ...normalized.bigrams])],
        accented: [...normalized.typed.values()],
        spaced: ` ${normalized.words.join(' ')} `,
      };
      factsByText.set(text, facts);
    }
    return facts;
  };
  for (const entry of entries) {
    const words = new Set<string>();
    const accented = new Set<string>();
    const texts: string[] = [];
    const terms = new Set<string>();
    const topics: string[][] = [];
    const topicWordList: string[] = [];
    const topicTexts = new Set([entry.title, ...entry.keywords]);
    for (const text of searchTextsOf(entry)) {
      const facts = factsOf(text);
      texts.push(facts.expanded);
      for (const t of facts.terms) terms.add(t);
      fuseDocs.push({ entryId: entry.id, text: facts.fuseText });
      for (const w of facts.words) words.add(w);
      for (const w of facts.accented) accented.add(w);
      if (text === entry.title) titleWords.set(entry.id, facts.spaced.trim().split(' ').filter(Boolean));
      if (topicTexts.has(text) && facts.words.length > 0) {
        topics.push(facts.words);
        topicWordList.push(facts.spaced);
      }
    }
    topicWords.set(entry.id, topicWordList);
    // Each term once per entry: a word repeated across an entry's questions says no more about the
    // entry, and indexing it once makes building 2,000 entries about a quarter faster.
    docs.push({ entryId: entry.id, terms: [...terms] });
    accentedVocabulary.set(entry.id, accented);
    vocabulary.set(entry.id, words);
    expandedText.set(entry.id, ` ${texts.join(' | ')} `);
    topicTerms.set(entry.id, topics);
  }

  const documentFrequency = new Map<string, number>();
  for (const words of vocabulary.values()) for (const w of words) documentFrequency.set(w, (documentFrequency.get(w) ?? 0) + 1);
  const n = entries.length;
  const idfOf = (df: number) => Math.log(1 + (n - df + 0.5) / (df + 0.5));
  // Computed once per known word: queries sort and sum by IDF many times over.
  const idfByWord = new Map<string, number>();
  for (const [word, df] of documentFrequency) idfByWord.set(word, idfOf(df));
  const unknownIdf = idfOf(0);
  const idf = (word: string) => idfByWord.get(word) ?? unknownIdf;

  const knownTerms = new Set<string>();
  for (const set of [...vocabulary.values(), ...accentedVocabulary.values()]) for (const t of set) knownTerms.add(t);
  const bm25 = createBm25({
    docs: docs.map((d) => d.terms),
    options: {
      // One typo per word of four letters or more, only for words the catalogue does not know
      // (a known word is not a typo, and fuzzy search over a large vocabulary is the costly part).
      fuzzy: (term) => (term.length >= 4 && !term.includes('_') && !knownTerms.has(term) ? 0.26 : false),
      fuzzyWeight: 0.6,
    },
  });
  const fuse: FuseRescorer = createFuseRescorer({ docs: fuseDocs });
  const byId = new Map(entries.map((e) => [e.id, e]));
  const uniqueIds = byId.size === entries.length;
  // What each entry is about: its title and keyword phrases, with their IDF mass precomputed.
  const topicPhrases = new Map(
    [...topicTerms].map(([id, phrases]) => [id, phrases.map((terms) => ({ terms, total: terms.reduce((s, t) => s + idf(t), 0) }))]),
  );
  /**
   * Siblings that refine another entry: the specific title is the general one plus a qualifier before
   * or after it ("Đăng ký kết hôn" + "có yếu tố nước ngoài"); the qualifier's word pairs ("nuoc_ngoai")
   * name the refinement. A title that holds the general one in the middle of a list ("Liên thông:
   * đăng ký khai sinh – đăng ký thường trú – …") refines nothing. Computed from the titles, once per build.
   */
  const refinements = new Map<string, Array<{ specific: string; qualifier: Set<string> }>>();
  // Only titles sharing the first or the last word can hold one another at an end (bounded work at 2,000 entries).
  const byEnd = new Map<string, string[]>();
  for (const [id, words] of titleWords) {
    for (const key of new Set([`^${words[0]}`, `$${words.at(-1)}`])) {
      const ids = byEnd.get(key);
      if (ids) ids.push(id);
      else byEnd.set(key, [id]);
    }
  }
  for (const [general, words] of titleWords) {
    if (words.length === 0) continue;
    const others = new Set([...(byEnd.get(`^${words[0]}`) ?? []), ...(byEnd.get(`$${words.at(-1)}`) ?? [])]);
    for (const specific of others) {
      const longer = titleWords.get(specific)!;
      if (specific === general || longer.length <= words.length) continue;
      const prefix = words.every((w, i) => longer[i] === w);
      const suffix = words.every((w, i) => longer[longer.length - words.length + i] === w);
      if (!prefix && !suffix) continue;
      const rest = prefix ? longer.slice(words.length) : longer.slice(0, longer.length - words.length);
      const qualifier = new Set(rest.slice(1).map((w, i) => `${rest[i]}_${w}`));
      if (qualifier.size > 0) refinements.set(general, [...(refinements.get(general) ?? []), { specific, qualifier }]);
    }
  }

  /**
   * A message naming a general entry's topic and a refining sibling's qualifier names the sibling's
   * topic as fully: the sibling takes the general entry's topic recall, and at the top the general
   * entry gives way to it (keeping REFINED_RANK of its rank).
   */
  function preferRefinement(ranked: RankedEntry[], queryTerms: Set<string>): RankedEntry[] {
    const named = (general: RankedEntry) =>
      refinements.get(general.entryId)?.find(({ specific, qualifier }) => ranked.some((r) => r.entryId === specific) && [...qualifier].some((p) => queryTerms.has(p)));
    let out = ranked;
    for (const general of ranked) {
      const sibling = named(general);
      if (!sibling) continue;
      const specific = out.find((r) => r.entryId === sibling.specific)!;
      const top = out[0] === general || out.indexOf(general) < out.indexOf(specific);
      const promoted = { ...specific, topic: Math.max(specific.topic, general.topic), rank: top ? Math.max(general.rank, specific.rank) : specific.rank };
      const demoted = top ? { ...general, rank: general.rank * REFINED_RANK } : general;
      out = out.map((r) => (r === specific ? promoted : r === general ? demoted : r)).sort((a, b) => b.rank - a.rank);
      break;
    }
    return out;
  }

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
    // One document per entry: only the CANDIDATES best documents can become candidates, and the
    // best of them has the highest score. (Repeated ids would merge documents: all are needed then.)
    for (const hit of bm25.search(terms, uniqueIds ? CANDIDATES : Infinity)) {
      const entryId = docs[hit.doc]!.entryId;
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
    const scored = [...perEntry]
      .sort((a, b) => b[1].bm25 - a[1].bm25)
      .slice(0, CANDIDATES)
      .map(([entryId, { bm25, matched }]) => {
        // `matched` holds BM25's matches (typos included); the entry's vocabulary holds the rest.
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
      .sort((a, b) => b.rank - a.rank);
    const ranked = preferRefinement(scored, queryTerms).slice(0, limit);
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
    refines: ({ specific, general }) => refinements.get(general)?.some((r) => r.specific === specific) ?? false,
    mentions: ({ entryId, phrase }) => expandedText.get(entryId)?.includes(` ${phrase} `) ?? false,
    namedWithin: ({ entryId, phrase }) => (topicWords.get(entryId) ?? []).some((words) => ` ${phrase} `.includes(words)),
  };
}
