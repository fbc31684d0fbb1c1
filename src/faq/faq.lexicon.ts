/**
 * The search lexicon (data/lexicon.yaml) and the full query/index normalisation that uses it:
 * clean → fold → expand abbreviations → resolve ambiguous ones by context → add phrase synonyms
 * → drop stopwords → unigrams + bigrams. The same function runs on catalogue text at index time.
 */
import { z } from 'zod';
import { bigrams, cleanText, foldDiacritics, prepareText, splitTokens, type PreparedText } from './text.normalize.js';

const ambiguousRuleSchema = z.union([
  z.object({ prev: z.string().min(1), means: z.string().min(1) }).strict(),
  z.object({ next: z.string().min(1), means: z.string().min(1) }).strict(),
]);

export const lexiconFileSchema = z
  .object({
    abbreviations: z.record(z.string().min(1), z.string().min(1)),
    ambiguous: z.record(
      z.string().min(1),
      z.object({ default: z.string().min(1), rules: z.array(ambiguousRuleSchema).default([]) }).strict(),
    ),
    /**
     * Regional and spoken words matched as written WITH diacritics, and only in a message typed with
     * diacritics: Central "mô" (đâu) or "chừ" (bây giờ) fold to "mo"/"chu", which are other words.
     */
    regional: z.record(z.string().min(1), z.string().min(1)).default({}),
    phrases: z.record(z.string().min(1), z.string().min(1)),
    stopwords: z.array(z.string().min(1)),
  })
  .strict();

export type LexiconFile = z.infer<typeof lexiconFileSchema>;

type AmbiguousRule = { prev?: string; next?: string; means: string[] };

export type Lexicon = {
  /** Abbreviations by their folded key (for words typed without tone or vowel marks). */
  abbreviations: Map<string, string[]>;
  /** Abbreviations whose key is written with tone or vowel marks ("hông", "mún"), by that key. */
  accentedAbbreviations: Map<string, string[]>;
  /**
   * Words the catalogue writes with tone or vowel marks ("hồng", "cả"): typed so, they are the word
   * itself and not an unaccented abbreviation that folds the same ("sổ hồng" is not "sổ không").
   */
  catalogueAccented: Set<string>;
  /** Regional words by their accented, lowercase form → folded words (see lexiconFileSchema). */
  regional: Map<string, string[]>;
  ambiguous: Map<string, { default: string[]; rules: AmbiguousRule[] }>;
  /** Phrase synonyms by their first folded word; each list longest phrase first. */
  phrases: Map<string, Array<{ tokens: string[]; adds: string[] }>>;
  /** Stopwords as written with diacritics: a word typed with diacritics is dropped only on an exact match. */
  stopAccented: Set<string>;
  /** Folded stopwords, for words typed without diacritics. */
  stopFolded: Set<string>;
  /**
   * Folded stopwords that are also content words once folded (đang/đăng, cần/căn, thế/thẻ, từ/tử,
   * bạn/bản): typed without diacritics, they are kept when they form a catalogue word pair with a
   * neighbour ("can cuoc", "dang ky") and dropped otherwise ("can giay").
   */
  ambiguousStops: Set<string>;
  contentPairs: Set<string>;
  /** Phrases dropped from retrieval text (question cues such as "bao lâu") by first word, longest first. */
  stopPhrases: Map<string, string[][]>;
};

const VOWEL_MARK = /[\u0300-\u036f]/;
/** Tone or vowel marks (not the bar of "đ", which abbreviations such as "đk" carry). */
const hasVowelMark = (word: string) => VOWEL_MARK.test(word.normalize('NFD'));
const foldWords = (text: string) => splitTokens(foldDiacritics(cleanText(text)));

/**
 * Folds every key and value so lookups work on folded tokens.
 * `stopPhrases` are cue phrases another module reads (aspect cues) and retrieval must ignore.
 * `prepare` may be a build's shared `createTextPreparer()` so the index reuses this pass's work.
 */
export function compileLexicon(
  file: LexiconFile,
  {
    stopPhrases = [],
    catalogueTexts = [],
    prepare = prepareText,
  }: { stopPhrases?: string[]; catalogueTexts?: string[]; prepare?: (raw: string) => PreparedText } = {},
): Lexicon {
  const stopAccented = new Set(file.stopwords.flatMap((w) => splitTokens(cleanText(w))));
  const stopFolded = new Set([...stopAccented].map(foldDiacritics));
  const abbreviations = new Map(Object.entries(file.abbreviations).map(([k, v]) => [foldWords(k).join(' '), foldWords(v)]));
  const accentedAbbreviations = new Map(
    Object.entries(file.abbreviations)
      .filter(([k]) => hasVowelMark(k))
      .map(([k, v]) => [cleanText(k), foldWords(v)]),
  );
  const catalogueAccented = new Set<string>();
  // Which folded stopwords collide with catalogue content words, and which word pairs the catalogue uses.
  const contentFolds = new Set<string>();
  const contentPairs = new Set<string>();
  // Only sets are learnt, so a text repeated across entries is read once.
  for (const text of new Set(catalogueTexts)) {
    const { accentedWords, foldedWords: folded } = prepare(text);
    // Only words that are certainly content teach pairs: a stopword as written, or a word typed
    // without diacritics that folds to a stopword ("can" in "can giay to gi"), is left out.
    // Plain loops: this runs over every word of the catalogue at each build.
    let previous: string | null = null;
    const learn = (word: string | null) => {
      if (word !== null) {
        contentFolds.add(word);
        if (previous !== null) contentPairs.add(`${previous}_${word}`);
      }
      previous = word;
    };
    for (let i = 0; i < accentedWords.length; i++) {
      const w = accentedWords[i]!;
      const f = folded[i]!;
      const marked = w !== f && hasVowelMark(w);
      if (marked) catalogueAccented.add(w);
      if (stopAccented.has(w) || (w === f && stopFolded.has(w))) learn(null);
      else {
        // The catalogue's own accented words are themselves (see expandTyped).
        const expansion = marked ? accentedAbbreviations.get(w) : abbreviations.get(f);
        if (expansion === undefined) learn(f);
        else for (const word of expansion) learn(word);
      }
    }
  }
  return {
    stopAccented,
    stopFolded,
    ambiguousStops: new Set([...stopFolded].filter((f) => contentFolds.has(f))),
    contentPairs,
    stopPhrases: byFirstWord(stopPhrases.map(foldWords).filter((p) => p.length > 0), (p) => p),
    abbreviations,
    accentedAbbreviations,
    catalogueAccented,
    regional: new Map(Object.entries(file.regional).map(([k, v]) => [cleanText(k), foldWords(v)])),
    ambiguous: new Map(
      Object.entries(file.ambiguous).map(([k, v]) => [
        foldWords(k).join(' '),
        {
          default: foldWords(v.default),
          rules: v.rules.map((r) => ({
            ...('prev' in r ? { prev: foldWords(r.prev).join(' ') } : { next: foldWords(r.next).join(' ') }),
            means: foldWords(r.means),
          })),
        },
      ]),
    ),
    phrases: byFirstWord(
      Object.entries(file.phrases).map(([k, v]) => ({ tokens: foldWords(k), adds: foldWords(v) })),
      (p) => p.tokens,
    ),
  };
}

/** Groups phrases by their first word, longest first, so matching looks only at candidates. */
function byFirstWord<T>(items: T[], tokensOf: (item: T) => string[]): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const item of [...items].sort((a, b) => tokensOf(b).length - tokensOf(a).length)) {
    const first = tokensOf(item)[0];
    if (first !== undefined) map.set(first, [...(map.get(first) ?? []), item]);
  }
  return map;
}

/** The longest phrase starting at position i, or undefined. */
function phraseAt<T>(words: string[], i: number, index: Map<string, T[]>, tokensOf: (item: T) => string[]): T | undefined {
  return index.get(words[i]!)?.find((p) => tokensOf(p).every((t, k) => words[i + k] === t));
}

export type NormalizedText = {
  /** Cleaned text with diacritics (lowercase, NFC, new tone placement). */
  accented: string;
  /** Folded word → the word as typed, for words typed with diacritics (not abbreviations). */
  typed: Map<string, string>;
  /** Folded words after abbreviation expansion, before synonyms and stopwords (for small talk). */
  words: string[];
  /** `words` plus phrase synonyms, stopwords kept (for intent cues). */
  expanded: string[];
  /** Content words: `expanded` minus stopwords. */
  unigrams: string[];
  /** Adjacent content-word pairs, "a_b". */
  bigrams: string[];
};

/** Expands abbreviations; ambiguous ones look at their already-expanded neighbours.
 * `from` is the index of the input token a word is (unchanged), or null for expansion words. */
function expandWithOrigin(
  tokens: string[],
  typedWords: string[],
  lexicon: Lexicon,
  regionalOf: (i: number) => string[] | undefined,
): Array<{ word: string; from: number | null }> {
  const out: Array<{ word: string; from: number | null }> = [];
  const done: string[] = [];
  tokens.forEach((token, i) => {
    const words = regionalOf(i) ?? expandTyped(tokens, typedWords[i] ?? token, i, done, lexicon);
    const unchanged = words.length === 1 && words[0] === token;
    for (const word of words) {
      out.push({ word, from: unchanged ? i : null });
      done.push(word);
    }
  });
  return out;
}

/**
 * A word typed with tone or vowel marks is expanded only by a key written with the same marks, or,
 * when the catalogue does not know it as written, by its folded key ("kí" → ký); a catalogue word
 * as typed stays itself ("hồng" in "sổ hồng" is never "hong" → không).
 */
function expandTyped(tokens: string[], typed: string, i: number, done: string[], lexicon: Lexicon): string[] {
  if (typed === tokens[i] || !hasVowelMark(typed)) return expandOne(tokens, i, done, lexicon);
  const accented = lexicon.accentedAbbreviations.get(typed);
  if (accented) return accented;
  return lexicon.catalogueAccented.has(typed) ? [tokens[i]!] : expandOne(tokens, i, done, lexicon);
}

function expandOne(tokens: string[], i: number, done: string[], lexicon: Lexicon): string[] {
  const token = tokens[i]!;
  const ambiguous = lexicon.ambiguous.get(token);
  if (!ambiguous) return lexicon.abbreviations.get(token) ?? [token];
  const prev1 = done.at(-1) ?? '';
  const prev2 = done.slice(-2).join(' ');
  const nextToken = tokens[i + 1];
  const next = nextToken === undefined ? '' : (lexicon.abbreviations.get(nextToken) ?? [nextToken]).join(' ');
  const rule = ambiguous.rules.find((r) =>
    r.prev !== undefined ? r.prev === prev1 || r.prev === prev2 : next === r.next || next.startsWith(`${r.next} `),
  );
  return rule?.means ?? ambiguous.default;
}

function isFoldedStopword(word: string, prev: string | undefined, next: string | undefined, lexicon: Lexicon): boolean {
  if (!lexicon.stopFolded.has(word)) return false;
  if (!lexicon.ambiguousStops.has(word)) return true;
  return !(lexicon.contentPairs.has(`${prev}_${word}`) || lexicon.contentPairs.has(`${word}_${next}`));
}

/**
 * Removes cue phrases (matched on all words) from the words that survived stopword removal
 * (`kept`, null where a stopword was); returns the content words in order.
 */
function dropStopPhrases(kept: Array<string | null>, all: string[], phrases: Lexicon['stopPhrases']): string[] {
  const out: string[] = [];
  for (let i = 0; i < all.length; ) {
    const hit = phraseAt(all, i, phrases, (p) => p);
    if (hit) {
      i += hit.length;
      continue;
    }
    const word = kept[i++];
    if (word !== null && word !== undefined) out.push(word);
  }
  return out;
}

/** The canonical words of every phrase synonym found, one group per phrase. */
function phraseSynonyms(tokens: string[], lexicon: Lexicon): string[][] {
  const groups: string[][] = [];
  tokens.forEach((_, i) => {
    for (const { tokens: phrase, adds } of lexicon.phrases.get(tokens[i]!) ?? []) {
      if (phrase.every((t, k) => tokens[i + k] === t) && !groups.includes(adds)) groups.push(adds);
    }
  });
  return groups;
}

export function normalizeForSearch(raw: string, lexicon: Lexicon): NormalizedText {
  return normalizePrepared(prepareText(raw), lexicon);
}

/** `normalizeForSearch` of an already prepared text (index builds share one preparer with the lexicon). */
export function normalizePrepared({ accented, accentedWords, foldedWords }: PreparedText, lexicon: Lexicon): NormalizedText {
  // Regional words are read as written only when the resident types tone or vowel marks at all
  // (an "đ" inside an abbreviation such as "vpđk" does not count).
  const accentedMessage = lexicon.regional.size > 0 && accentedWords.some(hasVowelMark);
  const withOrigin = expandWithOrigin(foldedWords, accentedWords, lexicon, (i) => (accentedMessage ? lexicon.regional.get(accentedWords[i]!) : undefined));
  const base = withOrigin.map((w) => w.word);
  const typed = new Map<string, string>();
  const stop = withOrigin.map(({ word, from }, i) => {
    const original = from === null ? undefined : accentedWords[from];
    if (original !== undefined && original !== foldedWords[from!]) {
      typed.set(word, original);
      return lexicon.stopAccented.has(original);
    }
    return isFoldedStopword(word, base[i - 1], base[i + 1], lexicon);
  });
  // Synonym groups are added after the original words; bigrams never join two different groups.
  const synonyms = phraseSynonyms(base, lexicon);
  const content = [
    dropStopPhrases(base.map((w, i) => (stop[i] ? null : w)), base, lexicon.stopPhrases),
    ...synonyms.map((group) => group.filter((w, i) => !isFoldedStopword(w, group[i - 1], group[i + 1], lexicon))),
  ];
  return {
    accented,
    typed,
    words: base,
    expanded: [base, ...synonyms].flat(),
    unigrams: content.flat(),
    bigrams: [...new Set(content.flatMap((words) => bigrams(words)))],
  };
}
