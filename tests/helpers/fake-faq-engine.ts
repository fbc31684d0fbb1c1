/**
 * A tiny, predictable FaqEngine for pipeline tests: keyword rules instead of retrieval, so a test
 * reads as "this text leads to that decision". `decided` records every text it was asked about.
 */
import type { FaqEngine } from '../../src/faq/faq.engine.port.js';
import type { Candidate, FaqDecision } from '../../src/faq/faq.types.js';

export const CLARIFY_CANDIDATES: Candidate[] = [
  { id: 'khai-sinh', title: 'Đăng ký khai sinh', score: 0.5 },
  { id: 'ket-hon', title: 'Đăng ký kết hôn', score: 0.45 },
  { id: 'khai-tu', title: 'Đăng ký khai tử', score: 0.4 },
];

/** What the engine found for a land question it could not settle ("thừa kế đất…"). */
export const LAND_CANDIDATES: Candidate[] = [
  { id: 'cap-so-do', title: 'Cấp sổ đỏ lần đầu', score: 0.3 },
  { id: 'bien-dong-dat', title: 'Đăng ký biến động đất đai', score: 0.25 },
];

export const KHAI_SINH_ANSWER = 'Đăng ký khai sinh cần: tờ khai, giấy chứng sinh, giấy tờ tùy thân của cha hoặc mẹ.';

/** `renderedWith`: the channel wording each render was asked for. */
export type FakeFaqEngine = FaqEngine & { decided: string[]; renderedWith: Array<{ buttons: boolean | undefined }> };

export function createFakeFaqEngine(): FakeFaqEngine {
  const decided: string[] = [];
  const renderedWith: Array<{ buttons: boolean | undefined }> = [];
  const none = { confidence: 0.9, candidates: [] };
  return {
    decided,
    renderedWith,
    decide({ text }) {
      decided.push(text);
      const t = text.toLowerCase();
      if (t.includes('boom')) throw new Error('engine exploded');
      if (t.includes('gặp cán bộ')) return { kind: 'handoff', reason: 'explicit_request', ...none };
      if (t.includes('khiếu nại')) return { kind: 'handoff', reason: 'complaint', ...none };
      if (t.includes('hồ sơ của tôi')) return { kind: 'handoff', reason: 'personal_case', confidence: 0.8, candidates: LAND_CANDIDATES };
      if (t.includes('thừa kế')) return { kind: 'handoff', reason: 'out_of_scope', confidence: 0.3, candidates: LAND_CANDIDATES };
      if (t.includes('xin chào')) return { kind: 'smalltalk', intent: 'greeting', ...none };
      if (t.includes('giấy tờ')) return { kind: 'clarify', confidence: 0.5, candidates: CLARIFY_CANDIDATES };
      if (/\bks\b|khai sinh/.test(t)) return { kind: 'answer', entryId: 'khai-sinh', aspect: 'documents', ...none };
      return { kind: 'handoff', reason: 'low_confidence', confidence: 0.1, candidates: [] };
    },
    render({ decision, buttons }: { decision: FaqDecision; buttons?: boolean }) {
      renderedWith.push({ buttons });
      switch (decision.kind) {
        case 'answer':
          return {
            parts: [decision.entryId === 'khai-sinh' ? KHAI_SINH_ANSWER : `Trả lời về ${decision.entryId}.`],
            buttons: [{ label: 'Lệ phí', data: `faq:${decision.entryId}:fee` }],
          };
        case 'clarify':
          return {
            parts: [`Anh/chị muốn hỏi về việc nào?\n${decision.candidates.map((c, i) => `${i + 1}. ${c.title}`).join('\n')}\nTrả lời 1, 2 hoặc 3.`],
            buttons: decision.candidates.map((c, i) => ({ label: `${i + 1}. ${c.title}`, data: `faq:${c.id}` })),
          };
        case 'handoff':
          if (decision.reason === 'personal_case') return { parts: ['Việc này cần cán bộ xem hồ sơ của anh/chị. Anh/chị nhắn «vâng» để tôi chuyển câu hỏi tới cán bộ trực.'], buttons: [] };
          return { parts: ['Xin lỗi, tôi chưa hiểu rõ câu hỏi.'], buttons: [] };
        case 'smalltalk':
          return { parts: ['Chào anh/chị!'], buttons: [] };
      }
    },
    renderAction({ action }) {
      const match = /^faq:([a-z-]+)(?::([a-z]+))?$/.exec(action);
      if (!match) return null;
      return { parts: [`Mục ${match[2] ?? 'chính'} của ${match[1]}.`], buttons: [] };
    },
    reload() {},
  };
}
