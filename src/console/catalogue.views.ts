/** Pages of the catalogue editor: the list, the entry form with its preview, the history with a diff. */
import type { CatalogueListItem } from '../faq/faq.repository.js';
import type { FaqRevisionRow } from '../faq/faq.table.js';

type RevisionSummary = Pick<FaqRevisionRow, 'revision' | 'kind' | 'author' | 'note' | 'createdAt' | 'publishedAt' | 'publishedBy'>;
import { CATEGORY_LABEL, type FieldSpec } from './catalogue.form.js';
import type { FieldDiff } from './catalogue.diff.js';
import { csrfField } from './console.layout.js';
import { html, type Html } from './console.html.js';

export const STATUS_LABEL = { published: 'Đã xuất bản', draft: 'Bản nháp', review: 'Cần xem lại', overdue: 'Quá hạn rà soát' } as const;
export type StatusFilter = keyof typeof STATUS_LABEL;

export const KIND_LABEL: Record<string, string> = {
  seed: 'nạp từ data/',
  edit: 'sửa',
  rollback: 'khôi phục',
  import: 'nhập từ tệp',
  data: 'data/ thay đổi',
  staff: 'đề xuất của cán bộ',
  question: 'thêm câu hỏi',
};

const dateTime = new Intl.DateTimeFormat('vi-VN', { day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: 'Asia/Ho_Chi_Minh' });
export const formatWhen = (d: Date) => dateTime.format(d);

/** The review date has passed: `reviewDue` when the entry has one, else a year after `reviewedAt`. */
export function reviewOverdue(data: Record<string, unknown>, today: string): boolean {
  const due = typeof data.reviewDue === 'string' ? data.reviewDue : typeof data.reviewedAt === 'string' ? addYear(data.reviewedAt) : null;
  return due !== null && due < today;
}
const addYear = (date: string) => `${Number(date.slice(0, 4)) + 1}${date.slice(4)}`;

export function statusesOf(item: CatalogueListItem, today: string): StatusFilter[] {
  const out: StatusFilter[] = [];
  if (item.status === 'published') out.push('published');
  if (item.draftRevision) out.push('draft');
  if (item.needsReview) out.push('review');
  if (reviewOverdue(item.data, today)) out.push('overdue');
  return out;
}

export function listPage({
  items,
  filters,
  units,
  today,
  canCreate,
  total,
}: {
  items: CatalogueListItem[];
  filters: { q: string; category: string; status: string; unit: string };
  units: Array<{ id: string; name: string }>;
  today: string;
  canCreate: boolean;
  total: number;
}): Html {
  const option = (value: string, label: string, current: string) => html`<option value="${value}" ${value === current ? html`selected` : ''}>${label}</option>`;
  return html`<h1>Danh mục hỏi đáp</h1>
<form class="filters" method="get" action="/admin" role="search">
  <label>Tìm <input type="search" name="q" value="${filters.q}" placeholder="ví dụ: giờ làm việc, khai sinh" autofocus></label>
  <label>Nhóm <select name="category">${option('', 'Tất cả', filters.category)}${Object.entries(CATEGORY_LABEL).map(([v, l]) => option(v, l, filters.category))}</select></label>
  <label>Trạng thái <select name="status">${option('', 'Tất cả', filters.status)}${Object.entries(STATUS_LABEL).map(([v, l]) => option(v, l, filters.status))}</select></label>
  <label>Đơn vị <select name="unit">${option('', 'Tất cả', filters.unit)}${option('province', 'Dùng chung (tỉnh)', filters.unit)}${units.map((u) => option(u.id, u.name, filters.unit))}</select></label>
  <button type="submit">Lọc</button>
  ${canCreate ? html`<a class="button secondary" href="/admin/entries/new">+ Mục mới</a>` : ''}
</form>
<p class="muted">${items.length} / ${total} mục</p>
<div class="table-wrap"><table class="list">
<thead><tr><th>Mục</th><th>Nhóm</th><th>Trạng thái</th><th>Thay đổi gần nhất</th></tr></thead>
<tbody>
${items.map((item) => {
  const statuses = statusesOf(item, today);
  return html`<tr>
  <td><a href="/admin/entries/${item.id}">${String(item.data.title ?? item.id)}</a><br><small class="muted">${item.id}</small></td>
  <td>${CATEGORY_LABEL[item.data.category as keyof typeof CATEGORY_LABEL] ?? String(item.data.category ?? '')}</td>
  <td>${statuses.map((s) => html`<span class="badge ${s}">${STATUS_LABEL[s]}</span> `)}</td>
  <td>${KIND_LABEL[item.lastKind ?? ''] ?? item.lastKind ?? ''} · ${item.lastAuthor ?? ''}<br><small class="muted">${formatWhen(item.updatedAt)}${item.lastNote ? ` · ${item.lastNote}` : ''}</small></td>
</tr>`;
})}
</tbody></table></div>`;
}

function fieldInput({ spec, name, value, errors }: { spec: FieldSpec; name: string; value: unknown; errors: Record<string, string[]> }): Html {
  const id = `f-${name.replace(/\./g, '-')}`;
  const errorList = html`<p class="err" data-for="${name}" id="${id}-err" aria-live="polite">${(errors[name] ?? []).join(' ')}</p>`;
  const label = html`<label for="${id}">${spec.label}${spec.optional ? '' : html` <span class="req" title="bắt buộc">*</span>`}</label>`;
  const described = html`aria-describedby="${id}-err"`;
  switch (spec.kind) {
    case 'group':
      return html`<fieldset class="group"><legend>${spec.label}</legend>${errorList}${spec.fields.map((sub) =>
        fieldInput({ spec: sub, name: `${name}.${sub.key}`, value: (value as Record<string, unknown> | undefined)?.[sub.key], errors }),
      )}</fieldset>`;
    case 'lines': {
      const lines = Array.isArray(value) ? value.map(String) : [];
      return html`<div class="field">${label}<textarea id="${id}" name="${name}" rows="${Math.min(12, Math.max(3, lines.length + 1))}" ${spec.chips ? html`data-chips` : ''} ${described}>${lines.join('\n')}</textarea><small class="muted">Mỗi dòng một ${spec.chips ? 'câu' : 'mục'}${spec.min ? `; ít nhất ${spec.min}` : ''}.</small>${errorList}</div>`;
    }
    case 'choice':
      return html`<div class="field">${label}<select id="${id}" name="${name}" ${described}>${spec.optional ? html`<option value="">—</option>` : ''}${spec.options.map(
        (o) => html`<option value="${o.value}" ${o.value === value ? html`selected` : ''}>${o.label}</option>`,
      )}</select>${errorList}</div>`;
    case 'number':
      return html`<div class="field">${label}<input id="${id}" name="${name}" inputmode="numeric" value="${value === undefined ? '' : String(value)}" ${described}>${errorList}</div>`;
    case 'json':
      return html`<div class="field">${label}<textarea id="${id}" name="${name}" rows="6" class="mono" ${described}>${value === undefined ? '' : JSON.stringify(value, null, 2)}</textarea>${errorList}</div>`;
    case 'text': {
      const text = value === undefined || value === null ? '' : String(value);
      const max = spec.maxLength ? html` data-max="${spec.maxLength}"` : '';
      const input = spec.long
        ? html`<textarea id="${id}" name="${name}" rows="${Math.min(14, Math.max(3, text.split('\n').length + 1))}"${max} ${described}>${text}</textarea>`
        : html`<input id="${id}" name="${name}" value="${text}"${max} ${spec.format === 'url' ? html`type="url"` : ''} ${spec.format === 'date' ? html`placeholder="2026-11-22"` : ''} ${described}>`;
      return html`<div class="field">${label}${input}${spec.maxLength ? html`<small class="count muted" data-count-for="${id}"></small>` : ''}${errorList}</div>`;
    }
  }
}

export function previewBlock({ previews }: { previews: Array<{ channel: string; limit: number; parts: string[] }> }): Html {
  return html`${previews.map(
    (p) => html`<section class="preview" data-channel="${p.channel}"><h3>${p.channel} <small class="muted">(tối đa ${p.limit.toLocaleString('vi-VN')} ký tự mỗi tin, ${p.parts.length} tin)</small></h3>${p.parts.map(
      (part, i) => html`<div class="bubble"><small class="muted">Tin ${i + 1}/${p.parts.length} · ${part.length.toLocaleString('vi-VN')} ký tự</small><pre>${part}</pre></div>`,
    )}</section>`,
  )}`;
}

export function editorPage({
  id,
  isNew,
  fields,
  value,
  errors,
  csrfToken,
  state,
  canPublish,
  previews,
  lint,
}: {
  id: string;
  isNew: boolean;
  fields: FieldSpec[];
  value: Record<string, unknown>;
  errors: Record<string, string[]>;
  csrfToken: string;
  state?: { status: string; revision: number; publishedRevision: number | null; draftRevision: number | null; needsReview: boolean; note: string | null };
  canPublish: boolean;
  previews: Array<{ channel: string; limit: number; parts: string[] }>;
  lint?: Html;
}): Html {
  const action = isNew ? '/admin/entries' : `/admin/entries/${id}`;
  return html`<div class="editor">
<div class="editor-main">
<h1>${isNew ? 'Mục hỏi đáp mới' : String(value.title ?? id)}</h1>
${
  state
    ? html`<p class="state">${state.status === 'published' ? html`<span class="badge published">Đã xuất bản bản ${state.publishedRevision ?? state.revision}</span>` : html`<span class="badge draft">Chưa xuất bản</span>`}
  ${state.draftRevision ? html` <span class="badge draft">Đang sửa: bản nháp ${state.draftRevision}</span>` : ''}
  ${state.needsReview ? html` <span class="badge review">Cần xem lại${state.note ? `: ${state.note}` : ''}</span>` : ''}
  · <a href="/admin/entries/${id}/history">Lịch sử</a> · <a href="/admin/try?entry=${id}">Thử câu hỏi</a></p>`
    : ''
}
${errors['(entry)'] ? html`<p class="flash error">${errors['(entry)'].join(' ')}</p>` : ''}
<form method="post" action="${action}" class="entry-form" data-check="/admin/entries/${isNew ? '_new' : id}/check" novalidate>
  ${csrfField(csrfToken)}
  ${state ? html`<input type="hidden" name="_revision" value="${state.revision}">` : ''}
  ${value._fromDraft ? html`<input type="hidden" name="_fromDraft" value="${String(value._fromDraft)}">` : ''}
  ${fields.map((spec) =>
    spec.key === 'id' && !isNew
      ? html`<input type="hidden" name="id" value="${id}">`
      : fieldInput({ spec, name: spec.key, value: value[spec.key], errors }),
  )}
  <div class="field"><label for="f-note">Ghi chú cho lần sửa này</label><input id="f-note" name="_note" placeholder="ví dụ: cập nhật lệ phí theo quyết định mới"></div>
  <div class="actions sticky">
    <button type="submit">Lưu bản nháp</button>
  </div>
</form>
${
  state && state.draftRevision
    ? html`<div class="actions">
  ${
    canPublish
      ? html`<form method="post" action="/admin/entries/${id}/publish">${csrfField(csrfToken)}${lint ?? ''}<button type="submit" class="primary">Xuất bản bản nháp ${state.draftRevision}</button></form>`
      : html`<p class="muted">Quản trị tỉnh sẽ duyệt và xuất bản bản nháp này.</p>`
  }
  ${state.status === 'published' ? html`<form method="post" action="/admin/entries/${id}/discard">${csrfField(csrfToken)}<button type="submit" class="secondary">Bỏ bản nháp</button></form>` : ''}
</div>`
    : ''
}
</div>
<aside class="editor-side">
<h2>Người dân sẽ thấy</h2>
<div id="preview">${previewBlock({ previews })}</div>
</aside>
</div>`;
}

export function historyPage({
  id,
  title,
  revisions,
  a,
  b,
  diff,
  csrfToken,
  canRollback,
  publishedRevision,
}: {
  id: string;
  title: string;
  revisions: RevisionSummary[];
  a: number;
  b: number;
  diff: FieldDiff[];
  csrfToken: string;
  canRollback: boolean;
  publishedRevision: number | null;
}): Html {
  const pick = (name: string, current: number) =>
    html`<select name="${name}">${revisions.map((r) => html`<option value="${r.revision}" ${r.revision === current ? html`selected` : ''}>Bản ${r.revision}</option>`)}</select>`;
  return html`<h1>Lịch sử: ${title}</h1>
<p><a href="/admin/entries/${id}">← Về trang sửa</a></p>
<form method="get" class="filters" action="/admin/entries/${id}/history">
  <label>So sánh ${pick('a', a)}</label><label>với ${pick('b', b)}</label><button type="submit">Xem khác biệt</button>
</form>
<section class="diff" aria-label="Khác biệt giữa bản ${a} và bản ${b}">
<h2>Bản ${a} → bản ${b}</h2>
${
  diff.length === 0
    ? html`<p class="muted">Hai bản giống nhau.</p>`
    : diff.map(
        (d) => html`<div class="diff-field"><h3>${d.label}</h3><pre>${d.lines.map((l) => html`<span class="${l.op}">${l.op === 'add' ? '+ ' : l.op === 'del' ? '− ' : '  '}${l.text}</span>`)}</pre></div>`,
      )
}
</section>
<h2>Các bản</h2>
<div class="table-wrap"><table class="list">
<thead><tr><th>Bản</th><th>Loại</th><th>Người sửa</th><th>Lúc</th><th>Ghi chú</th><th></th></tr></thead>
<tbody>${revisions.map(
  (r) => html`<tr>
  <td>${r.revision}${r.revision === publishedRevision ? html` <span class="badge published">đang dùng</span>` : ''}</td>
  <td>${KIND_LABEL[r.kind] ?? r.kind}</td><td>${r.author ?? ''}</td><td>${formatWhen(r.createdAt)}</td><td>${r.note ?? ''}${r.publishedAt ? html`<br><small class="muted">xuất bản ${formatWhen(r.publishedAt)} (${r.publishedBy ?? ''})</small>` : ''}</td>
  <td>${
    canRollback && r.revision !== publishedRevision
      ? html`<form method="post" action="/admin/entries/${id}/rollback">${csrfField(csrfToken)}<input type="hidden" name="to" value="${r.revision}"><button type="submit" class="secondary">Khôi phục bản này</button></form>`
      : ''
  }</td>
</tr>`,
)}</tbody></table></div>`;
}
