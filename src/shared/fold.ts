/**
 * Diacritic folding, the one implementation: the FAQ normaliser, unit names, staff commands and
 * "delete my data" replies all compare Vietnamese typed with or without tone marks. Pure.
 */

/** Removes every diacritic, including đ → d (which NFD does not decompose). Case is kept. */
export function foldDiacritics(text: string): string {
  return text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd').replace(/Đ/g, 'D');
}

/** Lowercase, no diacritics, punctuation to spaces, single spaces: for matching short replies and names. */
export function foldForMatching(text: string): string {
  return foldDiacritics(text)
    .toLowerCase()
    .replace(/[^\p{L}\p{N}/]+/gu, ' ')
    .trim();
}
