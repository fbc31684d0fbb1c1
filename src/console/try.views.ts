/**
 * "Thử câu hỏi": what the engine does with one message, published and draft catalogues side by side:
 * the decision, the normalised query, the candidates with their score parts, the thresholds, the reply.
 */
import type { LocalFaqEngine } from '../faq/faq.engine.js';
import { confidenceOf } from '../faq/faq.decide.js';
import { THRESHOLDS } from '../faq/faq.thresholds.js';
import type { FaqDecision } from '../faq/faq.types.js';
import { csrfField } from './console.layout.js';
import { html, type Html } from './console.html.js';

export type TryResult = {
  decision: FaqDecision;
  normalised: string[];
  candidates: Array<{ id: string; title: string; rank: number; bm25: number; coverage: number; topic: number; fuse: number; confidence: number }>;
  unknownShare: number | null;
  reply: string[];
};

const DECISION_LABEL: Record<FaqDecision['kind'], string> = { answer: 'Trả lời', clarify: 'Hỏi lại để chọn', handoff: 'Chuyển cán bộ', smalltalk: 'Chào hỏi / xã giao' };
const r3 = (n: number) => Math.round(n * 1000) / 1000;

/** Pure over the engine: runs the message once through analyse + policy + render. */
export function tryQuestion({ engine, text }: { engine: LocalFaqEngine; text: string }): TryResult {
  const analysis = engine.analyse({ text });
  const decision = engine.decide({ text });
  const ranked = analysis.final ? [] : analysis.ranked;
  const unknownShare = analysis.final ? null : analysis.unknownShare;
  return {
    decision,
    normalised: engine.normalise({ text }).unigrams,
    candidates: ranked.map((r) => ({
      id: r.entryId,
      title: r.title,
      rank: r3(r.rank),
      bm25: r3(r.bm25),
      coverage: r3(r.coverage),
      topic: r3(r.topic),
      fuse: r3(r.fuse),
      confidence: r3(confidenceOf(r, unknownShare ?? 0, THRESHOLDS.weights)),
    })),
    unknownShare: unknownShare === null ? null : r3(unknownShare),
    reply: engine.render({ decision, maxTextLength: 2000 }).parts,
  };
}

function describeDecision(d: FaqDecision): string {
  if (d.kind === 'answer') return `${DECISION_LABEL.answer}: ${d.entryId}${d.aspect ? ` (phần ${d.aspect})` : ''}`;
  if (d.kind === 'handoff') return `${DECISION_LABEL.handoff} (${d.reason})`;
  if (d.kind === 'smalltalk') return `${DECISION_LABEL.smalltalk} (${d.intent})`;
  return DECISION_LABEL.clarify;
}

function resultColumn({ heading, result, text, csrfToken, canAdd }: { heading: string; result: TryResult; text: string; csrfToken: string; canAdd: boolean }): Html {
  return html`<section class="try-col" data-catalogue="${heading}">
<h2>${heading}</h2>
<p class="decision"><strong>${describeDecision(result.decision)}</strong> · độ tin cậy ${result.decision.confidence}</p>
<p class="muted">Câu đã chuẩn hóa: <code>${result.normalised.join(' ')}</code>${result.unknownShare !== null ? ` · phần chưa biết ${result.unknownShare}` : ''}</p>
<div class="table-wrap"><table class="list compact">
<thead><tr><th>Mục</th><th title="thứ hạng">hạng</th><th>BM25</th><th title="độ phủ">phủ</th><th title="nêu đúng chủ đề">chủ đề</th><th>fuse</th><th title="độ tin cậy">tin cậy</th><th></th></tr></thead>
<tbody>${result.candidates.map(
  (c) => html`<tr><td><a href="/admin/entries/${c.id}">${c.title}</a></td><td>${c.rank}</td><td>${c.bm25}</td><td>${c.coverage}</td><td>${c.topic}</td><td>${c.fuse}</td><td>${c.confidence}</td>
  <td>${canAdd ? html`<form method="post" action="/admin/entries/${c.id}/questions">${csrfField(csrfToken)}<input type="hidden" name="question" value="${text}"><button class="secondary small" type="submit">Thêm làm câu hỏi phụ</button></form>` : ''}</td></tr>`,
)}</tbody></table></div>
<h3>Câu trả lời (Zalo)</h3>
${result.reply.map((part) => html`<div class="bubble"><pre>${part}</pre></div>`)}
</section>`;
}

export function tryPage({ text, published, draft, csrfToken, canAdd }: { text: string; published?: TryResult; draft?: TryResult; csrfToken: string; canAdd: boolean }): Html {
  const t = THRESHOLDS;
  return html`<h1>Thử câu hỏi</h1>
<form method="get" action="/admin/try" class="filters">
  <label class="grow">Câu hỏi của người dân <input name="q" value="${text}" placeholder="ví dụ: mấy giờ mở cửa vậy" autofocus></label>
  <button type="submit">Thử</button>
</form>
<p class="muted">Ngưỡng: trả lời khi độ tin cậy ≥ ${t.answer}; hỏi lại khi ≥ ${t.clarify}; mục thứ hai đạt ≥ ${t.ambiguousRankRatio} hạng của mục đầu thì hỏi lại. Trọng số: phủ ${t.weights.coverage}, chủ đề ${t.weights.topic}, fuse ${t.weights.fuse}, trừ phần chưa biết ${t.weights.unknown}.</p>
${published && draft ? html`<div class="try-grid">${resultColumn({ heading: 'Đang xuất bản', result: published, text, csrfToken, canAdd })}${resultColumn({ heading: 'Bản nháp', result: draft, text, csrfToken, canAdd })}</div>` : ''}`;
}
