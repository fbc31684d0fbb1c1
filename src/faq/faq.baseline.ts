/**
 * The plain fuse.js baseline printed beside our figures: default options over titles and
 * questions, raw text, no normalisation. It answers its top hit and hands off when it has none.
 */
import Fuse from 'fuse.js';
import type { Classification } from './faq.eval.js';
import type { FaqEntry } from './faq.types.js';

export function createFuseBaseline({ entries }: { entries: FaqEntry[] }) {
  const docs = entries.flatMap((e) => [e.title, ...e.questions].map((text) => ({ id: e.id, text })));
  const fuse = new Fuse(docs, { keys: ['text'], includeScore: true });
  return {
    classify(text: string): Classification {
      const hits = fuse.search(text, { limit: 10 });
      const ids = [...new Set(hits.map((h) => h.item.id))].slice(0, 3);
      const top = hits[0];
      return top
        ? { decision: 'answer', faqId: top.item.id, aspect: null, confidence: 1 - (top.score ?? 1), candidates: ids }
        : { decision: 'handoff', faqId: null, aspect: null, confidence: 0, candidates: [] };
    },
  };
}
