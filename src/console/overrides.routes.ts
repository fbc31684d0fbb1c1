/**
 * A unit's own text for a province entry (a local fee note, the address, the hours): the unit's
 * admin (or a province admin) writes the summary or sections that differ for that unit; its
 * residents get them at once, other units keep the province text. Every save is a revision (with
 * restore) and an audit row. Unit admins reach only their own unit (403 otherwise).
 */
import type { Express, Response } from 'express';
import { FaqEntryInvalidError } from '../faq/faq.repository.js';
import { renderEntry, SECTION_LABEL } from '../faq/faq.render.js';
import { SECTION_NAMES, withOverride, type EntryOverride, type FaqEntry, type SectionName } from '../faq/faq.types.js';
import { unitsTable } from '../db/units.table.js';
import { checkEntry } from './catalogue.form.js';
import { diffEntries } from './catalogue.diff.js';
import { formatWhen } from './catalogue.views.js';
import { forbidden, requireRole, type ConsoleRequest } from './console.auth.js';
import type { ConsoleDeps } from './console.deps.js';
import { csrfField } from './console.layout.js';
import { html, type Html } from './console.html.js';
import { sendPage } from './console.page.js';

type OverrideForm = { summary: string; sections: Partial<Record<SectionName, string>>; sources: string; note: string };

/** A form post → the override the schema judges (empty fields keep the province text). */
export function formToOverride(body: Record<string, unknown>): { override: Record<string, unknown>; problems: Record<string, string> } {
  const read = (name: string) => (typeof body[name] === 'string' ? (body[name] as string).replace(/\r\n/g, '\n').trim() : '');
  const override: Record<string, unknown> = {};
  const problems: Record<string, string> = {};
  if (read('summary')) override.summary = read('summary');
  const sections = Object.fromEntries(SECTION_NAMES.map((name) => [name, read(`sections.${name}`)]).filter(([, v]) => v));
  if (Object.keys(sections).length > 0) override.sections = sections;
  if (read('sources')) {
    try {
      override.sources = JSON.parse(read('sources'));
    } catch {
      problems.sources = 'Không đọc được: cần viết đúng dạng JSON.';
    }
  }
  return { override, problems };
}

const PROBLEM_VI: Array<[RegExp, string]> = [
  [/changes nothing/, 'Chưa có nội dung riêng nào: hãy điền tóm tắt hoặc ít nhất một phần.'],
  [/longer than 1,500|too_big|<=1500|1500/, 'Dài quá 1.500 ký tự: hãy rút gọn.'],
  [/names a section the override does not replace/, 'Nguồn này gắn với một phần chưa có nội dung riêng.'],
  [/url|URL/, 'Cần một đường dẫn đầy đủ, bắt đầu bằng https://'],
];
const vietnamese = (problem: string) => PROBLEM_VI.find(([re]) => re.test(problem))?.[1] ?? problem;

export function registerOverrideRoutes({ app, deps }: { app: Express; deps: ConsoleDeps }) {
  const anyone = requireRole('province', 'unit');
  const mayEdit = (req: ConsoleRequest, unitId: string) => req.session!.account.role === 'province' || req.session!.account.unitId === unitId;
  const actor = (req: ConsoleRequest) => req.session!.account.username;

  /** The province entry and the unit, or a 403/404 already sent. */
  const load = async (req: ConsoleRequest, res: Response) => {
    const entryId = String(req.params.id);
    const unitId = String(req.params.unitId);
    if (!mayEdit(req, unitId)) return void forbidden(res);
    const { row, published } = await deps.faq.getEntry({ id: entryId });
    const units = await deps.db.select({ id: unitsTable.id, name: unitsTable.name }).from(unitsTable);
    const unit = units.find((u) => u.id === unitId);
    const parsed = published ? checkEntry(published) : undefined;
    if (!row || row.unitId !== null || !unit || !parsed?.ok) {
      res.status(404);
      return void sendPage(req, res, { title: 'Không tìm thấy', body: html`<h1>Không có mục hoặc đơn vị này</h1><p>Chỉ mục chung của tỉnh đã xuất bản mới có nội dung riêng theo đơn vị. <a href="/admin">Về danh mục</a></p>` });
    }
    return { entryId, unit, entry: parsed.entry as FaqEntry };
  };

  const page = async (
    req: ConsoleRequest,
    res: Response,
    { entryId, unit, entry }: { entryId: string; unit: { id: string; name: string }; entry: FaqEntry },
    { form, errors = {}, status = 200, flash }: { form?: OverrideForm; errors?: Record<string, string[]>; status?: number; flash?: { kind: 'ok' | 'error'; text: string } } = {},
  ) => {
    const { row, revisions } = await deps.faq.getOverride({ entryId, unitId: unit.id });
    const current = (row?.data ?? null) as EntryOverride | null;
    const value: OverrideForm = form ?? {
      summary: current?.summary ?? '',
      sections: current?.sections ?? {},
      sources: current?.sources ? JSON.stringify(current.sources, null, 2) : '',
      note: '',
    };
    const merged = withOverride(entry, current ?? undefined);
    const preview = renderEntry({ entry: merged, first: null, unit: deps.unit, maxTextLength: 2000 }).parts;
    res.status(status);
    sendPage(req, res, {
      title: `${entry.title} · ${unit.name}`,
      active: 'catalogue',
      flash: flash ?? (req.query.ok === 'saved' ? { kind: 'ok', text: `Đã lưu: người dân của ${unit.name} nhận nội dung này ngay bây giờ.` } : req.query.ok === 'removed' ? { kind: 'ok', text: `Đã bỏ nội dung riêng: ${unit.name} dùng lại nội dung chung của tỉnh.` } : undefined),
      body: overridePage({ entry, unit, value, errors, revisions, csrfToken: req.session!.csrfToken, preview, active: current !== null }),
    });
  };

  app.get('/admin/entries/:id/units/:unitId', anyone, async (req: ConsoleRequest, res) => {
    const found = await load(req, res);
    if (found) await page(req, res, found);
  });

  const save = async (req: ConsoleRequest, res: Response, found: NonNullable<Awaited<ReturnType<typeof load>>>, override: Record<string, unknown> | null, note: string, form?: OverrideForm) => {
    const { entryId, unit, entry } = found;
    if (override) {
      // The unit's residents get the entry with the override laid over: it must pass the same checks as any entry.
      const merged = checkEntry(withOverride(entry, override as EntryOverride));
      const lint = merged.ok && deps.lint ? deps.lint({ entry: merged.entry as FaqEntry, catalogue: [...deps.engine.index().entries.values()] }) : { errors: [], warnings: [] };
      const errors = merged.ok ? (lint.errors.length > 0 ? { '(override)': lint.errors } : {}) : merged.problems;
      if (Object.keys(errors).length > 0) return page(req, res, found, { form, errors, status: 422, flash: { kind: 'error', text: 'Chưa lưu: hãy sửa các ô được đánh dấu.' } });
    }
    try {
      const saved = await deps.editing.saveOverride({ entryId, unitId: unit.id, override, author: actor(req), ...(note ? { note } : {}) });
      await deps.audit.record({ actor: actor(req), action: override ? 'faq.override' : 'faq.override_remove', target: `${entryId}@${unit.id}`, before: saved.before, after: saved.after });
      res.redirect(303, `/admin/entries/${entryId}/units/${unit.id}?ok=${override ? 'saved' : 'removed'}`);
    } catch (error) {
      if (error instanceof FaqEntryInvalidError) {
        const errors: Record<string, string[]> = {};
        for (const problem of error.problems) (errors[problem.split(':')[0]!.replace(/^sources\..*/, 'sources')] ??= []).push(vietnamese(problem));
        return page(req, res, found, { form, errors, status: 422, flash: { kind: 'error', text: 'Chưa lưu: hãy sửa các ô được đánh dấu.' } });
      }
      throw error;
    }
  };

  app.post('/admin/entries/:id/units/:unitId', anyone, async (req: ConsoleRequest, res) => {
    const found = await load(req, res);
    if (!found) return;
    const body = req.body as Record<string, unknown>;
    const { override, problems } = formToOverride(body);
    const note = String(body._note ?? '').trim().slice(0, 300);
    const form: OverrideForm = {
      summary: String(body.summary ?? ''),
      sections: Object.fromEntries(SECTION_NAMES.map((n) => [n, String(body[`sections.${n}`] ?? '')])),
      sources: String(body.sources ?? ''),
      note,
    };
    if (Object.keys(problems).length > 0) return page(req, res, found, { form, errors: { sources: [problems.sources!] }, status: 422, flash: { kind: 'error', text: 'Chưa lưu: hãy sửa các ô được đánh dấu.' } });
    await save(req, res, found, override, note, form);
  });

  app.post('/admin/entries/:id/units/:unitId/remove', anyone, async (req: ConsoleRequest, res) => {
    const found = await load(req, res);
    if (found) await save(req, res, found, null, 'Bỏ nội dung riêng');
  });

  app.post('/admin/entries/:id/units/:unitId/restore', anyone, async (req: ConsoleRequest, res) => {
    const found = await load(req, res);
    if (!found) return;
    const to = Number((req.body as Record<string, unknown>).to);
    const { revisions } = await deps.faq.getOverride({ entryId: found.entryId, unitId: found.unit.id });
    const old = revisions.find((r) => r.revision === to);
    if (!old) return res.status(404).type('text/plain').send('Không có bản này.');
    await save(req, res, found, old.data ?? null, `Khôi phục bản ${to}`);
  });
}

/** On the editor of a province entry: each unit's own text, or a way to add one. */
export async function overridesBlock({ deps, req, entryId }: { deps: ConsoleDeps; req: ConsoleRequest; entryId: string }): Promise<Html> {
  const account = req.session!.account;
  const [{ overrides }, units] = await Promise.all([deps.faq.overridesOf({ entryId }), deps.db.select({ id: unitsTable.id, name: unitsTable.name }).from(unitsTable)]);
  const visible = account.role === 'province' ? units : units.filter((u) => u.id === account.unitId);
  if (visible.length === 0) return html``;
  const byUnit = new Map(overrides.filter((o) => o.data).map((o) => [o.unitId, o]));
  return html`<section class="card overrides" id="noi-dung-rieng">
<h2>Nội dung riêng của đơn vị</h2>
<p class="muted">Một đơn vị có thể thay tóm tắt hoặc từng phần (lệ phí tại địa phương, địa chỉ, giờ làm việc…) cho người dân của đơn vị mình; các đơn vị khác vẫn nhận nội dung chung này.</p>
<div class="table-wrap"><table class="list compact"><thead><tr><th>Đơn vị</th><th>Nội dung riêng</th><th>Sửa lần cuối</th><th></th></tr></thead><tbody>
${visible.map((u) => {
  const o = byUnit.get(u.id);
  const data = (o?.data ?? null) as EntryOverride | null;
  const fields = data ? [...(data.summary ? ['Tóm tắt'] : []), ...Object.keys(data.sections ?? {}).map((k) => SECTION_LABEL[k as SectionName])] : [];
  return html`<tr data-unit="${u.id}"><td>${u.name}</td><td>${fields.length ? fields.join(', ') : html`<span class="muted">Dùng nội dung chung</span>`}</td><td>${o ? `${formatWhen(o.updatedAt)} · ${o.updatedBy ?? ''}` : ''}</td><td><a class="button secondary small" href="/admin/entries/${entryId}/units/${u.id}">${data ? 'Sửa' : 'Thêm nội dung riêng'}</a></td></tr>`;
})}
</tbody></table></div>
</section>`;
}

function overridePage({
  entry,
  unit,
  value,
  errors,
  revisions,
  csrfToken,
  preview,
  active,
}: {
  entry: FaqEntry;
  unit: { id: string; name: string };
  value: OverrideForm;
  errors: Record<string, string[]>;
  revisions: Array<{ revision: number; data: Record<string, unknown> | null; author: string | null; note: string | null; createdAt: Date }>;
  csrfToken: string;
  preview: string[];
  active: boolean;
}): Html {
  const errorsOf = (key: string) => (errors[key] ? html`<ul class="errors" role="alert">${errors[key].map((e) => html`<li>${e}</li>`)}</ul>` : '');
  const provinceText = (text: string | undefined) => (text ? html`<details><summary>Nội dung chung của tỉnh</summary><pre class="muted">${text}</pre></details>` : html`<small class="muted">Mục chung không có phần này.</small>`);
  const base = `/admin/entries/${entry.id}/units/${unit.id}`;
  return html`<div class="editor">
<div class="editor-main">
<p><a href="/admin/entries/${entry.id}">← ${entry.title}</a></p>
<h1>Nội dung riêng: ${unit.name}</h1>
<p class="muted">Để trống ô nào thì người dân của ${unit.name} nhận nội dung chung của tỉnh ở ô đó. Lưu là áp dụng ngay cho đơn vị này (không cần xuất bản); mọi lần lưu đều có trong lịch sử bên dưới.</p>
${errorsOf('(override)')}
<form method="post" action="${base}" class="entry-form override-form" novalidate>
  ${csrfField(csrfToken)}
  <div class="field"><label for="o-summary">Tóm tắt</label><textarea id="o-summary" name="summary" rows="3" maxlength="600">${value.summary}</textarea>${errorsOf('summary')}${provinceText(entry.summary)}</div>
  ${SECTION_NAMES.map(
    (name) => html`<div class="field"><label for="o-${name}">${SECTION_LABEL[name]}</label><textarea id="o-${name}" name="sections.${name}" rows="3" data-max="1500">${value.sections[name] ?? ''}</textarea>${errorsOf(`sections.${name}`)}${provinceText(entry.sections[name])}</div>`,
  )}
  <div class="field"><label for="o-sources">Nguồn cho các phần riêng (JSON, không bắt buộc)</label><textarea id="o-sources" name="sources" rows="4" class="mono" placeholder='{"fee": [{"title": "Nghị quyết HĐND tỉnh …", "url": "https://…", "checked": "2026-12-01"}]}'>${value.sources}</textarea>${errorsOf('sources')}<small class="muted">Lệ phí hoặc thời hạn riêng của địa phương cần ghi nguồn (nghị quyết, quyết định của tỉnh).</small></div>
  <div class="field"><label for="o-note">Ghi chú thay đổi</label><input id="o-note" name="_note" value="${value.note}" maxlength="300"></div>
  <div class="actions"><button type="submit" class="primary">Lưu và áp dụng cho ${unit.name}</button></div>
</form>
${active ? html`<form method="post" action="${base}/remove" class="inline">${csrfField(csrfToken)}<button type="submit" class="secondary">Bỏ nội dung riêng (dùng lại nội dung chung)</button></form>` : ''}
<h2>Lịch sử</h2>
${
  revisions.length === 0
    ? html`<p class="muted">Chưa có lần sửa nào.</p>`
    : html`<div class="table-wrap"><table class="list compact"><thead><tr><th>Bản</th><th>Lúc</th><th>Ai</th><th>Ghi chú</th><th>Thay đổi</th><th></th></tr></thead><tbody>
${revisions.map((r, i) => {
  const previous = revisions[i + 1]?.data ?? null;
  const diff = diffEntries(previous, r.data);
  return html`<tr><td>${r.revision}${i === 0 ? ' (đang dùng)' : ''}</td><td>${formatWhen(r.createdAt)}</td><td>${r.author ?? ''}</td><td>${r.note ?? ''}</td><td>${r.data === null ? 'Bỏ nội dung riêng' : diff.map((d) => d.label).join(', ')}</td><td>${
    i > 0 ? html`<form method="post" action="${base}/restore">${csrfField(csrfToken)}<input type="hidden" name="to" value="${r.revision}"><button class="secondary small" type="submit">Khôi phục</button></form>` : ''
  }</td></tr>`;
})}
</tbody></table></div>`
}
</div>
<aside class="editor-side"><h2>Người dân ${unit.name} thấy (Zalo)</h2>${preview.map((part) => html`<div class="bubble"><pre>${part}</pre></div>`)}</aside>
</div>`;
}
