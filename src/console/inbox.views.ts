/** The unanswered inbox page: period filter, one card per cluster with its examples and actions. */
import type { AdminAccount } from '../admin/admin.repository.js';
import { INBOX_REASON_LABEL, type InboxGroup, type InboxReason } from '../querylog/index.js';
import { formatWhen } from './catalogue.views.js';
import { html, type Html } from './console.html.js';
import { csrfField } from './console.layout.js';
import type { ConsoleScope } from './console.scope.js';

export const OUT_OF_SCOPE_REASONS = ['hỏi cán bộ', 'không thuộc xã', 'không phải câu hỏi'] as const;

export type InboxCluster = {
  keys: string[];
  residents: number;
  questions: number;
  reasons: Record<InboxReason, number>;
  suggestedEntryId: string | null;
  examples: InboxGroup['examples'];
  ticketId: number | null;
};

export function periodFilter({ action, scope, account, extra }: { action: string; scope: ConsoleScope; account: AdminAccount; extra?: Html }): Html {
  return html`<form method="get" action="${action}" class="filters">
  <label>Từ ngày<input type="date" name="from" value="${scope.fromDay}"></label>
  <label>Đến ngày<input type="date" name="to" value="${scope.toDay}"></label>
  ${account.role === 'province' ? html`<label>Đơn vị (mã)<input name="unit" value="${scope.unitId ?? ''}" placeholder="tất cả"></label>` : ''}
  ${extra ?? ''}
  <button type="submit" class="secondary">Xem</button>
</form>`;
}

export function inboxPage({
  clusters,
  entries,
  staffAnswers,
  scope,
  account,
  csrfToken,
}: {
  clusters: InboxCluster[];
  entries: Array<{ id: string; title: string }>;
  staffAnswers: Map<number, string>;
  scope: ConsoleScope;
  account: AdminAccount;
  csrfToken: string;
}): Html {
  const hidden = html`${csrfField(csrfToken)}<input type="hidden" name="from" value="${scope.fromDay}"><input type="hidden" name="to" value="${scope.toDay}">${
    scope.unitId && account.role === 'province' ? html`<input type="hidden" name="unit" value="${scope.unitId}">` : ''
  }`;
  const entryOptions = (selected: string | null) => entries.map((e) => html`<option value="${e.id}" ${e.id === selected ? html`selected` : ''}>${e.title}</option>`);
  return html`<h1>Câu hỏi chưa trả lời</h1>
<p class="muted">Câu hỏi bot chuyển cán bộ, hỏi lại mà người dân không chọn, trả lời với độ tin cậy thấp, trả lời rồi người dân vẫn xin gặp cán bộ trong hai tin nhắn sau, và phiếu bị chấm 1–2 sao. Câu hỏi cùng các từ chính được gộp một nhóm; nhóm nhiều người hỏi nhất ở trên. Xử lý một nhóm thì nhóm rời khỏi danh sách.</p>
${periodFilter({ action: '/admin/inbox', scope, account })}
<p>${clusters.length === 0 ? 'Không còn câu hỏi nào cần xem trong khoảng thời gian này.' : html`${clusters.length} nhóm`}</p>
${clusters.map((c, index) => {
  const newest = c.examples[0];
  const keys = JSON.stringify(c.keys);
  const answer = c.ticketId !== null ? staffAnswers.get(c.ticketId) : undefined;
  return html`<section class="card inbox-item" data-keys="${keys}">
  <h2><span class="count" data-residents="${c.residents}">${c.residents} người hỏi</span> · ${c.questions} câu · <small class="muted">mới nhất ${newest ? formatWhen(newest.askedAt) : ''}</small></h2>
  <p>${(Object.keys(c.reasons) as InboxReason[]).filter((r) => c.reasons[r] > 0).map((r) => html`<span class="badge review">${INBOX_REASON_LABEL[r]}: ${c.reasons[r]}</span> `)}</p>
  <ul class="examples">${c.examples.map(
    (e) => html`<li>“${e.text}” <small class="muted">${formatWhen(e.askedAt)}${e.unitId ? ` · ${e.unitId}` : ''}${e.ticketCode ? html` · phiếu <a href="/admin/tickets/${e.ticketCode}">${e.ticketCode}</a>` : ''}</small></li>`,
  )}</ul>
  ${answer ? html`<p><strong>Cán bộ đã trả lời:</strong> ${answer}</p>` : ''}
  <div class="actions">
    <form method="post" action="/admin/inbox/act" class="inline">${hidden}<input type="hidden" name="keys" value="${keys}"><input type="hidden" name="action" value="alternate">
      <label class="sr" for="q-${index}">Câu hỏi</label><input id="q-${index}" name="question" value="${newest?.text ?? ''}" maxlength="500">
      <select name="entryId" aria-label="Mục hỏi đáp">${c.suggestedEntryId ? '' : html`<option value="">— chọn mục —</option>`}${entryOptions(c.suggestedEntryId)}</select>
      <button type="submit">Thêm làm câu hỏi khác</button></form>
    <form method="post" action="/admin/inbox/act" class="inline">${hidden}<input type="hidden" name="keys" value="${keys}"><input type="hidden" name="action" value="new_entry"><input type="hidden" name="question" value="${newest?.text ?? ''}">
      <button type="submit" class="secondary">Tạo mục mới</button></form>
    <form method="post" action="/admin/inbox/act" class="inline">${hidden}<input type="hidden" name="keys" value="${keys}"><input type="hidden" name="action" value="out_of_scope">
      <select name="reason" aria-label="Lý do">${OUT_OF_SCOPE_REASONS.map((r) => html`<option>${r}</option>`)}</select>
      <button type="submit" class="secondary">Ngoài phạm vi</button></form>
    ${
      answer && c.ticketId !== null
        ? html`<form method="post" action="/admin/inbox/act" class="inline">${hidden}<input type="hidden" name="keys" value="${keys}"><input type="hidden" name="action" value="staff_answer"><input type="hidden" name="ticketId" value="${c.ticketId}"><input type="hidden" name="question" value="${newest?.text ?? ''}">
      <button type="submit" class="secondary">Dùng câu trả lời của cán bộ</button></form>`
        : ''
    }
    <form method="post" action="/admin/inbox/act" class="inline">${hidden}<input type="hidden" name="keys" value="${keys}"><input type="hidden" name="action" value="regression"><input type="hidden" name="question" value="${newest?.text ?? ''}"><input type="hidden" name="queryId" value="${newest?.id ?? ''}">
      <select name="entryId" aria-label="Kết quả đúng"><option value="">phải chuyển cán bộ</option>${entryOptions(null)}</select>
      <button type="submit" class="secondary">Lưu làm ca kiểm thử</button></form>
  </div>
</section>`;
})}`;
}
