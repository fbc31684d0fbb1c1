/**
 * Small talk detection: a message is small talk when filler words aside, it consists only of
 * known phrases (greeting, thanks…). A greeting followed by a real question is not small talk:
 * `stripGreeting` hands the question part on to retrieval.
 */
import { z } from 'zod';
import type { SmalltalkIntent } from './faq.types.js';
import { cleanText, foldDiacritics, splitTokens } from './text.normalize.js';

const INTENTS = ['greeting', 'thanks', 'goodbye', 'identity', 'ack'] as const satisfies readonly SmalltalkIntent[];
// When a message mixes intents ("ok cảm ơn nhé"), the most specific one answers.
const PRIORITY: SmalltalkIntent[] = ['identity', 'thanks', 'goodbye', 'greeting', 'ack'];

export const smalltalkFileSchema = z
  .object({
    fillers: z.array(z.string().min(1)),
    intents: z
      .object(Object.fromEntries(INTENTS.map((i) => [i, z.object({ phrases: z.array(z.string().min(1)).min(1), reply: z.string().min(1) })])) as Record<
        SmalltalkIntent,
        z.ZodObject<{ phrases: z.ZodArray<z.ZodString>; reply: z.ZodString }>
      >)
      .strict(),
  })
  .strict();

export type SmalltalkFile = z.infer<typeof smalltalkFileSchema>;

export type Smalltalk = {
  /** `words`: the message's folded words with abbreviations expanded ("r" → "roi"). */
  match(args: { words: string[] }): { intent: SmalltalkIntent } | null;
  /** The words left after leading greetings/fillers ("chào ad, cho hỏi …" → "cho hỏi …"). */
  stripGreeting(args: { text: string }): string;
  reply(args: { intent: SmalltalkIntent }): string;
};

/** Longer messages are never small talk (a thank-you with a wish for the officer's health fits). */
const MAX_WORDS = 24;

const fold = (s: string) => splitTokens(foldDiacritics(cleanText(s)));

export function compileSmalltalk(file: SmalltalkFile): Smalltalk {
  const fillers = new Set(file.fillers.flatMap(fold));
  const phrases = INTENTS.flatMap((intent) =>
    file.intents[intent].phrases.map((p) => ({ intent, tokens: fold(p).filter((t) => !fillers.has(t)) })),
  )
    .filter((p) => p.tokens.length > 0)
    .sort((a, b) => b.tokens.length - a.tokens.length);

  /** Greedy longest-phrase cover of the non-filler tokens; null when a token is left over. */
  function cover(tokens: string[]): SmalltalkIntent[] | null {
    const found: SmalltalkIntent[] = [];
    let i = 0;
    while (i < tokens.length) {
      const hit = phrases.find((p) => p.tokens.every((t, k) => tokens[i + k] === t));
      if (!hit) return null;
      found.push(hit.intent);
      i += hit.tokens.length;
    }
    return found;
  }

  return {
    match({ words }) {
      const all = words.flatMap((w) => w.split(' '));
      if (all.length === 0 || all.length > MAX_WORDS) return null;
      const tokens = all.filter((t) => !fillers.has(t));
      // Only fillers ("dạ", "ok ạ", "ừ"): an acknowledgement.
      if (tokens.length === 0) return { intent: 'ack' };
      const intents = cover(tokens);
      if (!intents) return null;
      return { intent: PRIORITY.find((p) => intents.includes(p)) ?? 'ack' };
    },
    stripGreeting({ text }) {
      const words = cleanText(text).split(' ');
      const greetings = phrases.filter((p) => p.intent === 'greeting');
      let i = 0;
      let greeted = false;
      for (;;) {
        const folded = words.slice(i).map((w) => foldDiacritics(w));
        const hit = greetings.find((p) => p.tokens.every((t, k) => folded[k] === t));
        if (hit) {
          i += hit.tokens.length;
          greeted = true;
        } else if (folded[0] !== undefined && fillers.has(folded[0])) {
          i += 1;
        } else {
          break;
        }
      }
      // Fillers alone are never stripped: folded, "lắm" is "làm" and "làm sao …" must keep its first word.
      return greeted ? words.slice(i).join(' ') : cleanText(text);
    },
    reply: ({ intent }) => file.intents[intent].reply.trim(),
  };
}
