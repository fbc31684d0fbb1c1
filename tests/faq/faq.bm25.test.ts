// faq.bm25.ts replaces MiniSearch for speed and must score exactly like it: same hits, same
// scores to the bit, same order (ties included), same matched terms, fuzzy matches included.
import MiniSearch from 'minisearch';
import { searchTextsOf } from '../../src/faq/faq.types.js';
import { describe, expect, it } from 'vitest';
import { createBm25 } from '../../src/faq/faq.bm25.js';
import { termsOf } from '../../src/faq/faq.index.js';
import { normalizeForSearch } from '../../src/faq/faq.lexicon.js';
import { files, lexicon } from './faq.helpers.js';

const fuzzyFor = (known: Set<string>) => (term: string) => (term.length >= 4 && !term.includes('_') && !known.has(term) ? 0.26 : false);

function bothOver(docs: string[][]) {
  const known = new Set(docs.flat());
  const fuzzy = fuzzyFor(known);
  const mini = new MiniSearch<{ id: number; terms: string }>({
    fields: ['terms'],
    tokenize: (s) => s.split(' ').filter(Boolean),
    processTerm: (t) => t,
    searchOptions: { combineWith: 'OR', fuzzy, weights: { fuzzy: 0.6, prefix: 0.3 } },
  });
  mini.addAll(docs.map((terms, id) => ({ id, terms: terms.join(' ') })));
  const ours = createBm25({ docs, options: { fuzzy, fuzzyWeight: 0.6 } });
  return {
    expected: (terms: string[]) => mini.search(terms.join(' ')).map((h) => ({ doc: h.id as number, score: h.score, queryTerms: h.queryTerms })),
    actual: (terms: string[], limit?: number) => ours.search(terms, limit),
  };
}

describe('createBm25', () => {
  // One document per entry, as the index builds them (each term once), plus repeated terms.
  const docs = files.entries.map((e) => [...new Set(searchTextsOf(e).flatMap((t) => termsOf(normalizeForSearch(t, lexicon))))]);
  docs.push(['khai_sinh', 'khai', 'khai', 'sinh', 'sinh']);
  docs.push([...docs[0]!], [...docs[1]!]); // exact ties: the earlier document first
  const { expected, actual } = bothOver(docs);

  it('matches MiniSearch on catalogue queries, typos and unknown words included', () => {
    const queries = [
      'đăng ký khai sinh cho con ở đâu',
      'lam so do lan dau het bao nhieu tien',
      'xin giay xac nhan tinh trang hon nhan',
      'dang kyy tam tru onlinee', // typos: fuzzy matches
      'chung thucc ban sao giay khai sinhh',
      'gia vang hom nay', // mostly unknown
      'khai khai sinh',
    ];
    for (const q of queries) {
      const terms = [...new Set(termsOf(normalizeForSearch(q, lexicon)))];
      const want = expected(terms);
      expect(want.length).toBeGreaterThan(0);
      expect(actual(terms)).toEqual(want);
      // The best few only, picked without sorting everything: the same prefix, ties included.
      for (const limit of [1, 2, 5, 30]) expect(actual(terms, limit)).toEqual(want.slice(0, limit));
    }
  });

  it('matches MiniSearch when a term is repeated and when nothing matches', () => {
    for (const terms of [['khai', 'khai', 'sinh'], ['zzzz'], []]) expect(actual(terms)).toEqual(expected(terms));
  });

  it('matches MiniSearch with more than 32 distinct terms (several words of bits per document)', () => {
    const many = [...new Set(docs.slice(0, 6).flat())].filter((_, i) => i % 3 === 0).slice(0, 45);
    expect(many.length).toBeGreaterThan(32);
    for (const terms of [many, [...many, 'chung thucc'.split(' ')[1]!, many[0]!]]) {
      expect(actual(terms)).toEqual(expected(terms));
      expect(actual(terms, 7)).toEqual(expected(terms).slice(0, 7));
    }
    expect(actual(['khai', 'sinh'])).toEqual(expected(['khai', 'sinh']));
  });

  it('gives the same results when searched again (no state left over between queries)', () => {
    const terms = ['tam', 'tru', 'tam_tru', 'onlinee'];
    const first = actual(terms);
    actual(['khai', 'sinh']);
    expect(actual(terms)).toEqual(first);
  });
});
