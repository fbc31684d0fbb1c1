/**
 * Vietnamese text normalisation for search (shared/reference/retrieval.md §2).
 * Pure and lexicon-free: Unicode cleanup, tone-placement unification, diacritic folding, tokens.
 * Lexicon-dependent steps (abbreviations, phrases, stopwords) live in faq.lexicon.ts.
 */
import { foldDiacritics } from '../shared/fold.js';

/** Longest input we look at for retrieval; the whole message is still stored. */
export const MAX_QUERY_CHARS = 600;

// Zero-width and bidi marks, BOM, soft hyphen: invisible characters that split words in copy-paste.
const INVISIBLE = /[\u00AD\u200B-\u200F\u202A-\u202E\u2060-\u2064\uFEFF]/g;
// Control characters become spaces so "khai\u0007sinh" does not fuse into one word.
const CONTROL = /\p{Cc}/gu;
// Emoji, skin-tone modifiers, the emoji variation selector and the keycap mark.
const PICTOGRAPHS = /\p{Extended_Pictographic}|[\u{1F3FB}-\u{1F3FF}]|\uFE0F|\u20E3/gu;

/** Combines a base vowel with the tone mark carried by another letter (both NFC). */
const moveTone = (base: string, toned: string) => (base + toned.normalize('NFD').slice(1)).normalize('NFC');

/**
 * Old-style tone placement to new style, for the open syllables oa, oe, uy only (hòa → hoà, thủy → thuỷ).
 * Closed syllables (hoàn, thuyền) and "qu" syllables (quý) are the same in both styles.
 */
export function toNewTonePlacement(text: string): string {
  return text
    .replace(/([òóỏõọ])([ae])(?![\p{L}])/gu, (_, o: string, v: string) => 'o' + moveTone(v, o))
    .replace(/(?<![qQ])([ùúủũụ])y(?![\p{L}])/gu, (_, u: string) => 'u' + moveTone('y', u));
}

export { foldDiacritics };

/**
 * NFC, invisible/control/emoji removal, lowercase, new tone placement, punctuation to spaces.
 * Keeps diacritics: the result is the "accented" form of the text.
 */
export function cleanText(raw: string): string {
  const text = raw.slice(0, MAX_QUERY_CHARS * 2).normalize('NFC');
  const cleaned = toNewTonePlacement(
    text.replace(INVISIBLE, '').replace(CONTROL, ' ').replace(PICTOGRAPHS, ' ').toLocaleLowerCase('vi'),
  )
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
  // Long messages are answered from their start; drop the word the cut lands in.
  return cleaned.length > MAX_QUERY_CHARS ? cleaned.slice(0, MAX_QUERY_CHARS).replace(/\s+\S*$/, '') : cleaned;
}

export function splitTokens(text: string): string[] {
  return text.split(/\s+/).filter(Boolean);
}

/** A cleaned text and its words, as typed (with diacritics) and folded. */
export type PreparedText = { accented: string; accentedWords: string[]; foldedWords: string[] };

export function prepareText(raw: string): PreparedText {
  const accented = cleanText(raw);
  // Folding keeps word boundaries, so the whole text is folded once.
  return { accented, accentedWords: splitTokens(accented), foldedWords: splitTokens(foldDiacritics(accented)) };
}

/**
 * `prepareText` memoised per distinct text, folding each distinct word once: building an index
 * prepares every title, question and keyword twice (lexicon pass, index) and a catalogue repeats
 * the same few thousand syllables. For one build only (the caches grow with every new string);
 * the results are shared, so callers must not modify them.
 */
export function createTextPreparer(): (raw: string) => PreparedText {
  const texts = new Map<string, PreparedText>();
  const folds = new Map<string, string>();
  const fold = (word: string) => {
    let folded = folds.get(word);
    if (folded === undefined) folds.set(word, (folded = foldDiacritics(word)));
    return folded;
  };
  return (raw) => {
    let prepared = texts.get(raw);
    if (prepared === undefined) {
      const accented = cleanText(raw);
      // cleanText leaves words separated by single spaces and folding never adds or removes one,
      // so folding word by word gives the same words as folding the whole text.
      const accentedWords = splitTokens(accented);
      prepared = { accented, accentedWords, foldedWords: accentedWords.map(fold) };
      texts.set(raw, prepared);
    }
    return prepared;
  };
}

/** Adjacent pairs joined with "_": ["dang","ky","khai"] → ["dang_ky","ky_khai"]. */
export function bigrams(tokens: readonly string[]): string[] {
  const pairs: string[] = [];
  for (let i = 0; i + 1 < tokens.length; i++) pairs.push(`${tokens[i]}_${tokens[i + 1]}`);
  return pairs;
}

/** True when the text has at least one Vietnamese diacritic (the resident typed with accents). */
export function hasDiacritics(text: string): boolean {
  return foldDiacritics(text) !== text;
}
