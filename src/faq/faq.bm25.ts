/**
 * BM25 over one field of pre-split terms, with fuzzy matching for chosen query terms: the same
 * scores, in the same order, as MiniSearch 7 configured as faq.index.ts had it (one field, `OR`,
 * no prefix, no boosts), which it replaces for speed. MiniSearch builds a radix-tree entry for every
 * (document, term) pair and a result object per hit; at 2,000 entries that was half the build and
 * half of each query. Here postings are plain arrays and scores one typed array, and MiniSearch's
 * radix tree (SearchableMap) is kept only for the fuzzy lookups of a few unknown words.
 * tests/faq/faq.bm25.test.ts checks scores and order against MiniSearch itself.
 */
import SearchableMap from 'minisearch/SearchableMap';

export type Bm25Options = {
  /** Edit distance for a query term: a fraction of its length (rounded, at most 6), or false for none. */
  fuzzy: (term: string) => number | false;
  /** Weight of a fuzzy match, scaled by term length / (term length + distance). */
  fuzzyWeight: number;
};

export type Bm25Hit = {
  /** Index of the document in the list given to createBm25. */
  doc: number;
  score: number;
  /** The query terms that matched (exactly or fuzzily), each once. */
  queryTerms: string[];
};

export type Bm25 = {
  /**
   * Documents that match any term, best first (ties in order of first match), like MiniSearch's
   * `search`; only the first `limit` of them when given (picked without sorting every hit).
   */
  search(terms: readonly string[], limit?: number): Bm25Hit[];
};

// MiniSearch's defaults (BM25+).
const K = 1.2;
const B = 0.7;
const D = 0.5;
const MAX_FUZZY = 6;

/** `docs[i]`: the terms of document i (a term may repeat: its frequency counts). */
export function createBm25({ docs, options }: { docs: ReadonlyArray<readonly string[]>; options: Bm25Options }): Bm25 {
  const count = docs.length;
  // term → documents holding it, ascending, and how often each holds it.
  const postings = new Map<string, { docs: number[]; freqs: number[] }>();
  const lengths = new Float64Array(count);
  let avgLength = 0;
  docs.forEach((terms, doc) => {
    const unique = new Set(terms);
    lengths[doc] = unique.size;
    // MiniSearch's running mean, step for step, so the floating-point result is the same.
    avgLength = (avgLength * doc + unique.size) / (doc + 1);
    for (const term of terms) {
      let posting = postings.get(term);
      if (!posting) postings.set(term, (posting = { docs: [], freqs: [] }));
      const last = posting.docs.length - 1;
      if (posting.docs[last] === doc) posting.freqs[last]! += 1;
      else {
        posting.docs.push(doc);
        posting.freqs.push(1);
      }
    }
  });
  // Same terms inserted in the same order as MiniSearch did, so fuzzy matches come in the same order.
  const tree = new SearchableMap<{ docs: number[]; freqs: number[] }>();
  for (const [term, posting] of postings) tree.set(term, posting);

  // Work space reused by every query, so a query allocates little beyond its hits (less garbage
  // collection, steadier latency at 2,000 entries).
  const scores = new Float64Array(count); // accumulated over query terms
  const termScores = new Float64Array(count); // the current query term's score
  const matchCount = new Uint32Array(count); // distinct query terms matched; 0 = not matched yet
  const inTerm = new Uint8Array(count);
  const touched = new Int32Array(count); // documents the current term matched
  const order = new Int32Array(count); // matched documents in order of first match
  let masks = new Uint32Array(count); // per document, one bit per distinct query term matched

  return {
    search(terms, limit = Infinity) {
      // Distinct terms get a bit each (a repeated term scores again but counts once, as in MiniSearch).
      const bit = new Map<string, number>();
      for (const term of terms) if (!bit.has(term)) bit.set(term, bit.size);
      const words = Math.max(1, Math.ceil(bit.size / 32));
      if (masks.length < count * words) masks = new Uint32Array(count * words);
      let matchedDocs = 0;
      let touchedDocs = 0;
      const add = (list: number[], freqs: number[], weight: number) => {
        const df = list.length;
        const idf = Math.log(1 + (count - df + 0.5) / (df + 0.5));
        for (let i = 0; i < df; i++) {
          const doc = list[i]!;
          const tf = freqs[i]!;
          const score = weight * (idf * (D + (tf * (K + 1)) / (tf + K * (1 - B + (B * lengths[doc]!) / avgLength))));
          if (inTerm[doc]) termScores[doc]! += score;
          else {
            inTerm[doc] = 1;
            termScores[doc] = score;
            touched[touchedDocs++] = doc;
          }
        }
      };
      for (const term of terms) {
        touchedDocs = 0;
        const exact = postings.get(term);
        if (exact) add(exact.docs, exact.freqs, 1);
        const fuzzy = options.fuzzy(term);
        if (fuzzy !== false) {
          const maxDistance = fuzzy < 1 ? Math.min(MAX_FUZZY, Math.round(term.length * fuzzy)) : fuzzy;
          if (maxDistance) {
            for (const [derived, [posting, distance]] of tree.fuzzyGet(term, maxDistance)) {
              if (distance) add(posting.docs, posting.freqs, (options.fuzzyWeight * derived.length) / (derived.length + distance));
            }
          }
        }
        const id = bit.get(term)!;
        const slot = id >>> 5;
        const flag = 1 << (id & 31);
        for (let t = 0; t < touchedDocs; t++) {
          const doc = touched[t]!;
          inTerm[doc] = 0;
          const at = doc * words + slot;
          if (matchCount[doc]) scores[doc]! += termScores[doc]!;
          else {
            scores[doc] = termScores[doc]!;
            order[matchedDocs++] = doc;
          }
          if ((masks[at]! & flag) === 0) {
            masks[at] = masks[at]! | flag;
            matchCount[doc]! += 1;
          }
        }
      }
      const termList = [...bit.keys()];
      const hitOf = (doc: number, score: number): Bm25Hit => ({
        doc,
        score,
        // In order of first match, which is the order of the terms' first appearance.
        queryTerms: termList.filter((_, id) => (masks[doc * words + (id >>> 5)]! & (1 << (id & 31))) !== 0),
      });
      const scoreOf = (doc: number) => scores[doc]! * (matchCount[doc]! || 1);
      let hits: Bm25Hit[];
      if (limit >= matchedDocs) {
        hits = Array.from(order.subarray(0, matchedDocs), (doc) => hitOf(doc, scoreOf(doc))).sort((a, b) => b.score - a.score);
      } else {
        // The best `limit` in a list kept sorted: a newcomer goes after every hit scoring as much
        // (earlier matches win ties, as a stable sort keeps them), and most are skipped at a glance.
        const best: Array<{ doc: number; score: number }> = [];
        for (let i = 0; i < matchedDocs; i++) {
          const doc = order[i]!;
          const score = scoreOf(doc);
          if (best.length >= limit && score <= best[best.length - 1]!.score) continue;
          let at = best.length;
          while (at > 0 && best[at - 1]!.score < score) at--;
          best.splice(at, 0, { doc, score });
          if (best.length > limit) best.pop();
        }
        hits = best.map(({ doc, score }) => hitOf(doc, score));
      }
      // Clean the work space for the next query.
      for (let i = 0; i < matchedDocs; i++) {
        const doc = order[i]!;
        matchCount[doc] = 0;
        masks.fill(0, doc * words, doc * words + words);
      }
      return hits;
    },
  };
}
