/**
 * "Thử câu hỏi": what the engine does with one message, published and draft catalogues side by side,
 * read from the engine's own explain() (src/faq/faq.explain.ts): the decision and where it was taken,
 * the normalised query, the candidates with their score parts and the weighted parts of the
 * confidence, every comparison the policy made with its threshold, and the reply (for a chosen unit,
 * with its own text for province entries).
 */
import type { Explanation, LocalFaqEngine } from '../faq/index.js';
import type { FaqDecision } from '../faq/faq.types.js';
import { csrfField } from './console.layout.js';
import { html, type Html } from './console.html.js';

export type TryResult = {
  explanation: Explanation;
  normalised: string[];
  reply: string[];
};

const DECISION_LABEL: Record<FaqDecision['kind'], string> = { answer: 'Trả lời', clarify: 'Hỏi lại để chọn', handoff: 'Chuyển cán bộ', smalltalk: 'Chào hỏi / xã giao' };
/** The policy's checks (faq.decide.ts tracePolicy), in words an officer reads. */
const CHECK_LABEL: Record<string, string> = {
  'focus.topic': 'câu hỏi sau câu chuyện nêu đúng chủ đề',
  focus: 'câu hỏi sau câu chuyện chắc hơn cả tin nhắn',
  story: 'kể việc riêng (mô hình), chuyển cán bộ khi đạt',
  'sibling.bestCoverage': 'mục đầu được nêu đủ',
  'sibling.coverage': 'mục anh em cũng được nêu đủ',
  'sibling.topic': 'mục anh em cùng chủ đề (hỏi lại khi đạt)',
  lead: 'mục đầu hơn hẳn mục thứ hai (tỉ lệ hạng)',
  'lead.bothNamed': 'nêu tên cả hai mục: mục đầu hơn hẳn',
  'dominant.topic': 'mục đầu được nêu đủ tên',
  'dominant.runnerUpTopic': 'mục thứ hai không được nêu tên',
  'dominant.lead': 'mục thứ hai kém xa (tỉ lệ hạng)',
  'dominant.confidence': 'độ tin cậy đủ cho mục vượt trội',
  answer: 'độ tin cậy đủ để trả lời',
  clarify: 'độ tin cậy đủ để hỏi lại',
  'clarify.option': 'được đưa vào lựa chọn hỏi lại',
};

/** Pure over the engine: one explain() call (the decision and its workings) and the rendered reply. */
export function tryQuestion({ engine, text, unitId }: { engine: LocalFaqEngine; text: string; unitId?: string | null }): TryResult {
  const explanation = engine.explain({ text });
  return {
    explanation,
    normalised: engine.normalise({ text }).unigrams,
    reply: engine.render({ decision: explanation.decision, maxTextLength: 2000, unitId }).parts,
  };
}

function describeDecision(d: FaqDecision): string {
  if (d.kind === 'answer') return `${DECISION_LABEL.answer}: ${d.entryId}${d.aspect ? ` (phần ${d.aspect})` : ''}`;
  if (d.kind === 'handoff') return `${DECISION_LABEL.handoff} (${d.reason})`;
  if (d.kind === 'smalltalk') return `${DECISION_LABEL.smalltalk} (${d.intent})`;
  return `${DECISION_LABEL.clarify}: ${d.candidates.map((c) => c.id).join(', ')}`;
}

const checkName = (name: string) => CHECK_LABEL[name] ?? name;

function resultColumn({ heading, result, text, csrfToken, canAdd }: { heading: string; result: TryResult; text: string; csrfToken: string; canAdd: boolean }): Html {
  const e = result.explanation;
  const chosen = e.decision.kind === 'answer' ? e.decision.entryId : null;
  return html`<section class="try-col" data-catalogue="${heading}">
<h2>${heading}</h2>
<p class="decision"><strong>${describeDecision(e.decision)}</strong> · độ tin cậy ${e.decision.confidence}</p>
<p class="muted">${e.stage === 'before_retrieval' ? 'Quyết định trước khi tìm mục (chào hỏi, yêu cầu gặp cán bộ, khẩn cấp, khiếu nại…).' : 'Quyết định theo ngưỡng.'}
Câu đã chuẩn hóa: <code>${result.normalised.join(' ')}</code>${e.unknownShare !== null ? ` · phần chưa biết ${e.unknownShare}` : ''}${e.offTopic ? ' · ngoài phạm vi của mục' : ''}${e.story ? ` · xác suất kể chuyện riêng ${e.story.probability} (ngưỡng ${e.story.handoff})` : ''}</p>
<div class="table-wrap"><table class="list compact candidates">
<thead><tr><th>Mục</th><th title="thứ hạng">hạng</th><th>BM25</th><th title="độ phủ">phủ</th><th title="nêu đúng chủ đề">chủ đề</th><th>fuse</th><th title="độ tin cậy = phủ + chủ đề + fuse − chưa biết, đã nhân trọng số">tin cậy (phần)</th><th></th></tr></thead>
<tbody>${e.candidates.map(
  (c) => html`<tr${c.id === chosen ? html` class="chosen"` : ''}><td><a href="/admin/entries/${c.id}">${c.title}</a></td><td>${c.rank}</td><td>${c.bm25}</td><td>${c.coverage}</td><td>${c.topic}</td><td>${c.fuse}</td>
  <td><strong>${c.confidence}</strong> <small class="muted">= ${c.confidenceParts.coverage} + ${c.confidenceParts.topic} + ${c.confidenceParts.fuse} ${c.confidenceParts.unknown}</small></td>
  <td>${canAdd ? html`<form method="post" action="/admin/entries/${c.id}/questions">${csrfField(csrfToken)}<input type="hidden" name="question" value="${text}"><button class="secondary small" type="submit">Thêm làm câu hỏi phụ</button></form>` : ''}</td></tr>`,
)}</tbody></table></div>
${
  e.checks.length > 0
    ? html`<details class="checks" open><summary>Các phép so với ngưỡng (${e.checks.length})</summary><table class="list compact"><thead><tr><th>Kiểm tra</th><th>Mục</th><th>Giá trị</th><th>Ngưỡng</th><th>Kết quả</th></tr></thead><tbody>
${e.checks.map((k) => html`<tr><td title="${k.name}">${checkName(k.name)}</td><td>${k.entryId ?? ''}</td><td>${k.value}</td><td>${k.op} ${k.threshold}</td><td>${k.passed ? '✓ đạt' : '✗ không đạt'}</td></tr>`)}
</tbody></table></details>`
    : ''
}
<h3>Câu trả lời (Zalo)</h3>
${result.reply.map((part) => html`<div class="bubble"><pre>${part}</pre></div>`)}
</section>`;
}

export function tryPage({
  text,
  published,
  draft,
  csrfToken,
  canAdd,
  units,
  unitId,
}: {
  text: string;
  published?: TryResult;
  draft?: TryResult;
  csrfToken: string;
  canAdd: boolean;
  units: Array<{ id: string; name: string }>;
  unitId: string | null;
}): Html {
  const t = (published ?? draft)?.explanation.thresholds;
  return html`<h1>Thử câu hỏi</h1>
<form method="get" action="/admin/try" class="filters">
  <label class="grow">Câu hỏi của người dân <input name="q" value="${text}" placeholder="ví dụ: mấy giờ mở cửa vậy" autofocus></label>
  ${units.length > 0 ? html`<label>Người dân của <select name="unit">${units.map((u) => html`<option value="${u.id}" ${u.id === unitId ? html`selected` : ''}>${u.name}</option>`)}</select></label>` : ''}
  <button type="submit">Thử</button>
</form>
${
  t
    ? html`<p class="muted thresholds">Ngưỡng: trả lời khi độ tin cậy ≥ ${t.answer}; hỏi lại khi ≥ ${t.clarify}; mục thứ hai đạt ≥ ${t.ambiguousRankRatio} hạng của mục đầu thì hỏi lại (≥ ${t.bothNamedRankRatio} khi nêu đủ tên cả hai); mục đầu vượt trội khi mục sau dưới ${t.dominantRankRatio} hạng. Trọng số: phủ ${t.weights.coverage}, chủ đề ${t.weights.topic}, fuse ${t.weights.fuse}, trừ phần chưa biết ${t.weights.unknown}.</p>`
    : ''
}
${published && draft ? html`<div class="try-grid">${resultColumn({ heading: 'Đang xuất bản', result: published, text, csrfToken, canAdd })}${resultColumn({ heading: 'Bản nháp', result: draft, text, csrfToken, canAdd })}</div>` : ''}`;
}
