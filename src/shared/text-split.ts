/**
 * Splits a long reply into parts that each fit a channel's `maxTextLength`, cutting at the most
 * natural boundary available: paragraph, then line, then sentence, then word, then (last resort)
 * a hard cut that never breaks a surrogate pair. Pure.
 *
 * Guarantees: every part is non-empty, at most `maxLength` UTF-16 code units (what Telegram and
 * Zalo count), trimmed, and the parts in order hold all non-whitespace text of the input.
 */

// Each level cuts *after* its separator, so concatenating the pieces gives the input back.
const LEVELS: RegExp[] = [
  /(?<=\n[ \t]*\n)/, // paragraph: after a blank line
  /(?<=\n)/, // line
  /(?<=[.!?…;:]["'”’)\]]*[ \t]+)/, // sentence: after . ! ? … (and closing quotes/brackets) plus a space
  /(?<=[ \t])/, // word
];

export function splitText({ text, maxLength }: { text: string; maxLength: number }): { parts: string[] } {
  if (!Number.isInteger(maxLength) || maxLength < 1) {
    throw new RangeError(`splitText: maxLength must be a positive integer, got ${maxLength}`);
  }
  const trimmed = text.trim();
  if (trimmed === '') return { parts: [] };
  return { parts: splitAt({ text: trimmed, maxLength, level: 0 }) };
}

function splitAt({ text, maxLength, level }: { text: string; maxLength: number; level: number }): string[] {
  if (text.length <= maxLength) return text.trim() === '' ? [] : [text.trim()];
  const separator = LEVELS[level];
  if (!separator) return hardCut({ text, maxLength });

  const parts: string[] = [];
  let current = '';
  const flush = () => {
    const part = current.trim();
    if (part !== '') parts.push(part);
    current = '';
  };
  for (const piece of text.split(separator)) {
    if ((current + piece).trim().length <= maxLength) {
      current += piece;
      continue;
    }
    flush();
    if (piece.trim().length <= maxLength) {
      current = piece;
    } else {
      // This one piece is too long on its own: cut it at the next, finer boundary.
      parts.push(...splitAt({ text: piece, maxLength, level: level + 1 }));
    }
  }
  flush();
  return parts;
}

function hardCut({ text, maxLength }: { text: string; maxLength: number }): string[] {
  const parts: string[] = [];
  let rest = text.trim();
  while (rest.length > maxLength) {
    let end = maxLength;
    // Do not separate a high surrogate from its low surrogate (emoji, rare CJK).
    const code = rest.charCodeAt(end - 1);
    if (code >= 0xd800 && code <= 0xdbff && end > 1) end -= 1;
    parts.push(rest.slice(0, end).trim());
    rest = rest.slice(end).trim();
  }
  if (rest !== '') parts.push(rest);
  return parts.filter((p) => p !== '');
}
