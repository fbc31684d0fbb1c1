/**
 * Vietnamese text normalisation for search (Unicode NFC; old and new tone placement, both in use).
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

const TONE_MARKS = /[\u0300\u0301\u0303\u0309\u0323]/g;
/** Circumflex, breve, horn: the marks that make â ê ô ă ơ ư, which carry the tone when present. */
const QUALITY_MARK = /[\u0302\u0306\u031B]/;
const VOWELS = new Set(['a', 'e', 'i', 'o', 'u', 'y']);
/** Open two-vowel syllables whose tone sits on the second vowel in the new style (hoà, hoè, thuỷ). */
const SECOND_VOWEL_PAIRS = new Set(['oa', 'oe', 'uy']);
const NOT_ASCII_LETTER = /[^a-zA-Z]/;

/**
 * Where the tone mark of one syllable belongs (new style), as an index into its letters, or null
 * when the word does not look like one Vietnamese syllable. `letters` are NFD base letters with their marks.
 */
function toneIndex(letters: Array<{ base: string; marks: string }>): number | null {
  const isVowel = (i: number) => letters[i] !== undefined && VOWELS.has(letters[i]!.base);
  let start = letters.findIndex((_, i) => isVowel(i));
  if (start < 0) return null;
  // "qu" and "gi" before another vowel are onsets: quý, giấy (but gì, gìn keep their i).
  const onset = letters.slice(0, start + 1).map((l) => l.base).join('');
  if ((onset === 'qu' || onset === 'gi') && isVowel(start + 1)) start += 1;
  let end = start;
  while (isVowel(end + 1)) end += 1;
  if (letters.slice(end + 1).some((l) => VOWELS.has(l.base))) return null;
  const cluster = letters.slice(start, end + 1);
  const marked = cluster.map((l, i) => (QUALITY_MARK.test(l.marks) ? i : -1)).filter((i) => i >= 0);
  if (marked.length > 0) return start + marked.at(-1)!; // ươ, iê, uô: the second one
  if (end < letters.length - 1) return end; // closed syllable: the last vowel (hoàn, toán)
  if (cluster.length === 1) return start;
  if (cluster.length === 3) return start + 1; // ngoài, xoáy
  if (cluster.length === 2) return SECOND_VOWEL_PAIRS.has(cluster.map((l) => l.base).join('')) ? end : start;
  return null;
}

/**
 * Puts a syllable's one tone mark where the new style places it: old style (hòa → hoà, thủy → thuỷ)
 * and misplaced marks typed on the wrong letter (chaò → chào, hiêủ → hiểu, giâý → giấy).
 * Words with no tone, several tones or no Vietnamese syllable shape are left as they are. Lowercase input.
 */
export function placeToneMark(word: string): string {
  if (!NOT_ASCII_LETTER.test(word)) return word;
  const letters: Array<{ base: string; marks: string }> = [];
  for (const ch of word.normalize('NFD')) {
    if (/\p{M}/u.test(ch) && letters.length > 0) letters.at(-1)!.marks += ch;
    else letters.push({ base: ch, marks: '' });
  }
  const toned = letters.filter((l) => l.marks.match(TONE_MARKS));
  if (toned.length !== 1 || toned[0]!.marks.match(TONE_MARKS)!.length !== 1) return word;
  const target = toneIndex(letters);
  if (target === null) return word;
  const tone = toned[0]!.marks.match(TONE_MARKS)![0]!;
  toned[0]!.marks = toned[0]!.marks.replace(TONE_MARKS, '');
  letters[target]!.marks += tone;
  return letters.map((l) => l.base + l.marks).join('').normalize('NFC');
}

/** New tone placement for every word of a lowercase text (see placeToneMark). */
export function toNewTonePlacement(text: string): string {
  return text.replace(/\p{L}+/gu, placeToneMark);
}

/**
 * Letters typed twice or more for emphasis ("ơnn", "khônggg", "đâuu", "ạaa") become one. Words
 * without a vowel are abbreviations (cccd, tthc) and stay; "oo" before ng/c is Vietnamese (xoong, soóc);
 * a vowel is merged only with a copy that differs by its tone alone, so "ưu" (hưu, cứu) stays. Lowercase input.
 */
export function collapseRepeats(word: string): string {
  if (!/[aeiouyàáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]/.test(word)) return word;
  const chars = [...word];
  const out: string[] = [];
  chars.forEach((ch, i) => {
    const prev = out.at(-1);
    if (prev === undefined) return void out.push(ch);
    const untoned = (c: string) => c.normalize('NFD').replace(TONE_MARKS, '').normalize('NFC');
    const sameLetter = prev === ch || (untoned(prev) === ch && VOWELS.has(foldDiacritics(ch)));
    const xoong = ch === 'o' && untoned(prev) === 'o' && /^(ng|c)/.test(chars.slice(i + 1).join(''));
    if (sameLetter && !xoong) return;
    out.push(ch);
  });
  return out.join('');
}

/**
 * A message that repeats the same sentence ("cho hỏi … ạ? cho hỏi … ạ? …") keeps it once, so a
 * long pasted repetition reads as the one question it is.
 */
function dropRepeatedSentences(text: string): string {
  const sentences = text.split(/(?<=[.?!\n])\s*/);
  if (sentences.length < 2) return text;
  const seen = new Set<string>();
  return sentences
    .filter((s) => {
      const key = s.replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
      if (key === '') return true;
      // The cut at the length limit may leave the start of a sentence already seen.
      if (seen.has(key) || [...seen].some((k) => k.startsWith(key))) return false;
      seen.add(key);
      return true;
    })
    .join(' ');
}

export { foldDiacritics };

/**
 * NFC, invisible/control/emoji removal, lowercase, new tone placement, punctuation to spaces.
 * Keeps diacritics: the result is the "accented" form of the text.
 */
export function cleanText(raw: string): string {
  const text = raw.slice(0, MAX_QUERY_CHARS * 2).normalize('NFC');
  const lower = text.replace(INVISIBLE, '').replace(CONTROL, ' ').replace(PICTOGRAPHS, ' ').toLocaleLowerCase('vi');
  const cleaned = toNewTonePlacement(dropRepeatedSentences(lower).replace(/\p{L}+/gu, collapseRepeats))
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
