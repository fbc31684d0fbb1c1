/**
 * The catalogue editor under /admin: list, edit (every save a draft revision), live check and
 * preview, publish (province admins; NOTIFY reloads every process), history with a diff, rollback,
 * and "try a question". Unit admins save drafts; province admins publish.
 */
import type { Express, Request, Response } from 'express';
import { FaqEditConflictError, FaqEntryNotFoundError } from '../faq/faq.editing.js';
import { FaqEntryInvalidError } from '../faq/faq.repository.js';
import { renderEntry } from '../faq/faq.render.js';
import type { LocalFaqEngine } from '../faq/faq.engine.js';
import type { FaqEntry } from '../faq/faq.types.js';
import { foldDiacritics } from '../faq/text.normalize.js';
import { unitsTable } from '../db/units.table.js';
import { checkEntry, entryFields, formToEntry, inSchemaOrder } from './catalogue.form.js';
import { diffEntries } from './catalogue.diff.js';
import { editorPage, historyPage, listPage, previewBlock, statusesOf, type StatusFilter } from './catalogue.views.js';
import { requireRole, type ConsoleRequest } from './console.auth.js';
import { setStaffFaqDraftStatus } from '../handoff/index.js';
import type { ConsoleDeps } from './console.deps.js';
import { html } from './console.html.js';
import { sendPage } from './console.page.js';
import { overridesBlock } from './overrides.routes.js';
import { tryPage, tryQuestion } from './try.views.js';

const CHANNEL_LIMITS = [
  { channel: 'Zalo', limit: 2000 },
  { channel: 'Telegram', limit: 4096 },
];

const fold = (text: string) => foldDiacritics(text.toLowerCase());
const isId = (id: string) => /^[a-z0-9]+(-[a-z0-9]+)*$/.test(id);

export function registerCatalogueRoutes({ app, deps }: { app: Express; deps: ConsoleDeps }) {
  const fields = entryFields();
  const anyone = requireRole('province', 'unit');
  const province = requireRole('province');
  const actor = (req: ConsoleRequest) => req.session!.account.username;
  const csrf = (req: ConsoleRequest) => req.session!.csrfToken;
  const today = () => deps.now().toISOString().slice(0, 10);

  const previewsOf = (raw: unknown) => {
    const checked = checkEntry(raw);
    if (!checked.ok) return [];
    return CHANNEL_LIMITS.map(({ channel, limit }) => ({
      channel,
      limit,
      parts: renderEntry({ entry: checked.entry as FaqEntry, first: null, unit: deps.unit, maxTextLength: limit }).parts,
    }));
  };

  // The list, re-read only when the catalogue's signature moved (any save, publish or import, in any process).
  let listCache: { key: string; items: Awaited<ReturnType<ConsoleDeps['faq']['listForConsole']>>['items'] } | undefined;
  const cachedList = async () => {
    const { signature } = await deps.faq.catalogueSignature();
    if (listCache?.key !== signature) listCache = { key: signature, items: (await deps.faq.listForConsole()).items };
    return listCache.items;
  };

  // Folded search text per entry revision (folding 60 entries' questions on every request is the list's main cost).
  const haystacks = new Map<string, { revision: number; text: string }>();
  const haystackOf = (item: { id: string; revision: number; data: Record<string, unknown> }) => {
    const cached = haystacks.get(item.id);
    if (cached?.revision === item.revision) return cached.text;
    const d = item.data;
    const text = fold([item.id, d.title, d.summary, ...(Array.isArray(d.questions) ? d.questions : []), ...(Array.isArray(d.keywords) ? d.keywords : [])].map(String).join('\n'));
    haystacks.set(item.id, { revision: item.revision, text });
    return text;
  };

  // Draft engine: rebuilt only when a working copy changed.
  let draftEngine: { key: string; engine: LocalFaqEngine } | undefined;
  const engineOfDrafts = async () => {
    // The published signature covers the units' overrides, which the draft engine renders with too.
    const [{ signature: entries }, { signature: served }] = await Promise.all([deps.faq.catalogueSignature(), deps.faq.publishedSignature()]);
    const key = `${entries}|${served}`;
    if (draftEngine?.key !== key) {
      const [{ entries: list }, { overrides }] = await Promise.all([deps.faq.listWorkingCopies(), deps.faq.listOverrides()]);
      draftEngine = { key, engine: deps.buildEngine({ entries: list, overrides }) };
    }
    return draftEngine.engine;
  };

  app.get('/admin', anyone, async (req: ConsoleRequest, res) => {
    const q = String(req.query.q ?? '').trim();
    const category = String(req.query.category ?? '');
    const status = String(req.query.status ?? '');
    const unit = String(req.query.unit ?? '');
    const [items, units] = await Promise.all([cachedList(), deps.db.select({ id: unitsTable.id, name: unitsTable.name }).from(unitsTable)]);
    const needle = fold(q);
    const day = today();
    const shown = items.filter((item) => {
      const d = item.data;
      if (category && d.category !== category) return false;
      if (status && !statusesOf(item, day).includes(status as StatusFilter)) return false;
      if (unit === 'province' && item.unitId !== null) return false;
      if (unit && unit !== 'province' && item.unitId !== unit) return false;
      if (!needle) return true;
      const hay = haystackOf(item);
      return needle.split(/\s+/).every((word) => hay.includes(word));
    });
    // Entries whose title holds the search come first.
    if (needle) shown.sort((a, b) => Number(fold(String(b.data.title ?? '')).includes(needle)) - Number(fold(String(a.data.title ?? '')).includes(needle)));
    sendPage(req, res, {
      title: 'Danh mục hỏi đáp',
      active: 'catalogue',
      body: listPage({ items: shown, filters: { q, category, status, unit }, units, today: day, canCreate: true, total: items.length }),
    });
  });

  app.get('/admin/entries/new', anyone, (req: ConsoleRequest, res) => {
    const value: Record<string, unknown> = { reviewedAt: today(), sections: {} };
    if (typeof req.query.question === 'string') value.questions = [req.query.question];
    if (typeof req.query.answer === 'string') value.sections = { notes: req.query.answer };
    if (typeof req.query.fromDraft === 'string') value._fromDraft = req.query.fromDraft;
    sendPage(req, res, {
      title: 'Mục mới',
      active: 'catalogue',
      body: editorPage({ id: '', isNew: true, fields, value, errors: {}, csrfToken: csrf(req), canPublish: false, previews: [] }),
    });
  });

  const save = async (req: ConsoleRequest, res: Response, id: string | null) => {
    const body = req.body as Record<string, unknown>;
    const { raw, jsonProblems } = formToEntry({ body, fields });
    if (id) raw.id = id;
    const checked = checkEntry(raw);
    const problems = { ...(checked.ok ? {} : checked.problems), ...Object.fromEntries(Object.entries(jsonProblems).map(([k, v]) => [k, [v]])) };
    const rerender = async (status: number, errors: Record<string, string[]>) => {
      const current = id ? await deps.faq.getEntry({ id }) : undefined;
      res.status(status);
      sendPage(req, res, {
        title: String(raw.title || 'Mục hỏi đáp'),
        active: 'catalogue',
        body: editorPage({ id: id ?? '', isNew: !id, fields, value: raw, errors, csrfToken: csrf(req), state: current?.row ? stateOf(current.row, null) : undefined, canPublish: false, previews: previewsOf(raw) }),
        flash: { kind: 'error', text: 'Chưa lưu: hãy sửa các ô được đánh dấu.' },
      });
    };
    if (Object.keys(problems).length > 0) return rerender(422, problems);
    const before = id ? await deps.faq.getEntry({ id }) : undefined;
    if (!id && (await deps.faq.getEntry({ id: String(raw.id) })).row) return rerender(409, { id: ['Mã này đã có: chọn mã khác.'] });
    const expected = Number(body._revision);
    try {
      const note = typeof body._note === 'string' && body._note.trim() ? body._note.trim() : undefined;
      const saved = await deps.editing.saveDraft({
        entry: raw,
        author: actor(req),
        note,
        expectedRevision: id && Number.isInteger(expected) ? expected : undefined,
        unitId: req.session!.account.role === 'unit' ? req.session!.account.unitId : null,
      });
      await deps.audit.record({ actor: actor(req), action: 'faq.save_draft', target: saved.entry.id, before: before?.draft?.data ?? before?.published ?? null, after: saved.entry });
      const fromDraft = Number(body._fromDraft);
      if (Number.isInteger(fromDraft) && fromDraft > 0) await markStaffDraft({ deps, id: fromDraft, status: 'accepted', actor: actor(req) });
      res.redirect(303, `/admin/entries/${saved.entry.id}?ok=saved`);
    } catch (error) {
      if (error instanceof FaqEditConflictError) return rerender(409, { '(entry)': [`Người khác vừa lưu bản ${error.current} của mục này. Hãy mở lại trang để xem bản mới rồi sửa tiếp (nội dung của anh/chị chưa được lưu).`] });
      if (error instanceof FaqEntryInvalidError) return rerender(422, { '(entry)': error.problems });
      throw error;
    }
  };

  app.post('/admin/entries', anyone, (req: ConsoleRequest, res) => save(req, res, null));

  app.get('/admin/entries/:id', anyone, async (req: ConsoleRequest, res) => {
    const id = String(req.params.id);
    const { row, draft, published } = await deps.faq.getEntry({ id });
    if (!row) return notFound(req, res);
    const value = inSchemaOrder((draft?.data ?? published ?? row.data) as Record<string, unknown>);
    const { revisions } = await deps.faq.listRevisionSummaries({ entryId: id, limit: 1 });
    const lastNote = revisions[0]?.note ?? null;
    const lint = draft ? lintBlock(draft.data) : undefined;
    // A published province entry can be given a unit's own text (local fee note, address, hours).
    const overrides = row.unitId === null && published ? await overridesBlock({ deps, req, entryId: id }) : '';
    sendPage(req, res, {
      title: String(value.title ?? id),
      active: 'catalogue',
      flash: flashOf(req),
      body: html`${editorPage({
        id,
        isNew: false,
        fields,
        value,
        errors: {},
        csrfToken: csrf(req),
        state: stateOf(row, lastNote),
        canPublish: req.session!.account.role === 'province',
        previews: previewsOf(value),
        lint: lint?.block,
      })}${overrides}`,
    });
  });

  app.post('/admin/entries/:id', anyone, (req: ConsoleRequest, res) => save(req, res, isId(String(req.params.id)) ? String(req.params.id) : null));

  // Live validation and preview for the form script (same schema, same rendering as a save).
  app.post('/admin/entries/:id/check', anyone, (req: ConsoleRequest, res) => {
    const { raw, jsonProblems } = formToEntry({ body: req.body as Record<string, unknown>, fields });
    if (req.params.id !== '_new') raw.id = req.params.id;
    const checked = checkEntry(raw);
    const problems = { ...(checked.ok ? {} : checked.problems), ...Object.fromEntries(Object.entries(jsonProblems).map(([k, v]) => [k, [v]])) };
    res.json({ problems, preview: previewBlock({ previews: previewsOf(raw) }).value });
  });

  const lintBlock = (data: Record<string, unknown>) => {
    if (!deps.lint) return undefined;
    const checked = checkEntry(data);
    if (!checked.ok) return undefined;
    const findings = deps.lint({ entry: checked.entry as FaqEntry, catalogue: deps.engine.index().entries ? [...deps.engine.index().entries.values()] : [] });
    const block = html`<div class="lint">${findings.errors.length ? html`<p class="flash error">Lỗi phải sửa trước khi xuất bản:</p><ul>${findings.errors.map((e) => html`<li>${e}</li>`)}</ul>` : ''}${
      findings.warnings.length
        ? html`<p class="flash">Cảnh báo:</p><ul>${findings.warnings.map((w) => html`<li>${w}</li>`)}</ul><label>Ghi chú chấp nhận cảnh báo <input name="_lintNote" required></label>`
        : ''
    }</div>`;
    return { findings, block };
  };

  app.post('/admin/entries/:id/publish', province, async (req: ConsoleRequest, res) => {
    const id = String(req.params.id);
    const { row, draft } = await deps.faq.getEntry({ id });
    if (!row) return notFound(req, res);
    const lint = draft ? lintBlock(draft.data) : undefined;
    const note = String((req.body as Record<string, unknown>)._lintNote ?? '').trim();
    if (lint && (lint.findings.errors.length > 0 || (lint.findings.warnings.length > 0 && !note))) {
      return res.redirect(303, `/admin/entries/${id}?error=lint`);
    }
    const result = await deps.editing.publish({ entryId: id, author: actor(req) });
    if (result.published) {
      await deps.audit.record({ actor: actor(req), action: 'faq.publish', target: id, before: result.before, after: { revision: result.revision, ...(note ? { lintNote: note } : {}), ...result.after } });
    }
    res.redirect(303, `/admin/entries/${id}?ok=${result.published ? 'published' : 'nothing'}`);
  });

  app.post('/admin/entries/:id/discard', province, async (req: ConsoleRequest, res) => {
    const id = String(req.params.id);
    const { row, draft } = await deps.faq.getEntry({ id });
    if (!row) return notFound(req, res);
    await deps.editing.discardDraft({ entryId: id, author: actor(req) });
    await deps.audit.record({ actor: actor(req), action: 'faq.discard_draft', target: id, before: draft?.data ?? null, after: null });
    res.redirect(303, `/admin/entries/${id}?ok=discarded`);
  });

  app.get('/admin/entries/:id/history', anyone, async (req: ConsoleRequest, res) => {
    const id = String(req.params.id);
    const { row } = await deps.faq.getEntry({ id });
    if (!row) return notFound(req, res);
    const { revisions } = await deps.faq.listRevisionSummaries({ entryId: id });
    const newest = revisions[0]?.revision ?? 1;
    const b = Number(req.query.b) || newest;
    const a = Number(req.query.a) || Math.max(1, b - 1);
    const [ra, rb] = await Promise.all([deps.faq.getRevision({ entryId: id, revision: a }), deps.faq.getRevision({ entryId: id, revision: b })]);
    sendPage(req, res, {
      title: `Lịch sử ${id}`,
      active: 'catalogue',
      flash: flashOf(req),
      body: historyPage({
        id,
        title: String((row.data as Record<string, unknown>).title ?? id),
        revisions,
        a,
        b,
        diff: diffEntries(ra.revision?.data, rb.revision?.data),
        csrfToken: csrf(req),
        canRollback: req.session!.account.role === 'province',
        publishedRevision: row.status === 'published' ? (row.publishedRevision ?? row.revision) : null,
      }),
    });
  });

  app.post('/admin/entries/:id/rollback', province, async (req: ConsoleRequest, res) => {
    const id = String(req.params.id);
    const to = Number((req.body as Record<string, unknown>).to);
    try {
      const result = await deps.editing.rollback({ entryId: id, toRevision: to, author: actor(req) });
      await deps.audit.record({ actor: actor(req), action: 'faq.rollback', target: id, before: result.before, after: { revision: result.revision, from: to, ...result.after } });
      res.redirect(303, `/admin/entries/${id}/history?ok=rolled_back`);
    } catch (error) {
      if (error instanceof FaqEntryNotFoundError) return notFound(req, res);
      throw error;
    }
  });

  // "Add as an alternate question": a draft revision of the entry with the question appended.
  app.post('/admin/entries/:id/questions', anyone, async (req: ConsoleRequest, res) => {
    const id = String(req.params.id);
    const question = String((req.body as Record<string, unknown>).question ?? '').trim().slice(0, 500);
    const { row, draft, published } = await deps.faq.getEntry({ id });
    if (!row) return notFound(req, res);
    if (!question) return res.redirect(303, `/admin/try?entry=${id}`);
    const working = (draft?.data ?? published ?? row.data) as Record<string, unknown>;
    const questions = Array.isArray(working.questions) ? working.questions.map(String) : [];
    if (!questions.some((q) => fold(q) === fold(question))) {
      const entry = { ...working, questions: [...questions, question] };
      const saved = await deps.editing.saveDraft({ entry, author: actor(req), kind: 'question', note: `Thêm câu hỏi: ${question}` });
      await deps.audit.record({ actor: actor(req), action: 'faq.add_question', target: id, before: { questions }, after: { questions: saved.entry.questions } });
    }
    res.redirect(303, `/admin/entries/${id}?ok=question`);
  });

  app.get('/admin/try', anyone, async (req: ConsoleRequest, res) => {
    const text = String(req.query.q ?? '').trim().slice(0, 600);
    const account = req.session!.account;
    const allUnits = await deps.db.select({ id: unitsTable.id, name: unitsTable.name }).from(unitsTable);
    const units = account.role === 'province' ? allUnits : allUnits.filter((u) => u.id === account.unitId);
    // The reply as that unit's residents see it (its own text for province entries).
    const unitId = units.find((u) => u.id === req.query.unit)?.id ?? units[0]?.id ?? null;
    const results = text ? { published: tryQuestion({ engine: deps.engine, text, unitId }), draft: tryQuestion({ engine: await engineOfDrafts(), text, unitId }) } : {};
    sendPage(req, res, { title: 'Thử câu hỏi', active: 'try', body: tryPage({ text, ...results, csrfToken: csrf(req), canAdd: true, units, unitId }) });
  });
}

function stateOf(row: { status: string; revision: number; publishedRevision: number | null; draftRevision: number | null; needsReview: boolean }, note: string | null) {
  return { status: row.status, revision: row.revision, publishedRevision: row.publishedRevision, draftRevision: row.draftRevision, needsReview: row.needsReview, note };
}

const FLASH: Record<string, string> = {
  saved: 'Đã lưu bản nháp. Bot vẫn trả lời theo bản đã xuất bản cho đến khi xuất bản bản nháp.',
  published: 'Đã xuất bản: bot trả lời theo nội dung mới ngay bây giờ.',
  nothing: 'Không có bản nháp nào để xuất bản.',
  discarded: 'Đã bỏ bản nháp (vẫn còn trong lịch sử).',
  rolled_back: 'Đã khôi phục và xuất bản bản cũ thành một bản mới.',
  question: 'Đã thêm câu hỏi vào bản nháp của mục này.',
};
const ERRORS: Record<string, string> = { lint: 'Chưa xuất bản: còn lỗi kiểm tra, hoặc cảnh báo chưa có ghi chú chấp nhận.' };

export function flashOf(req: Request): { kind: 'ok' | 'error'; text: string } | undefined {
  const ok = FLASH[String(req.query.ok ?? '')];
  if (ok) return { kind: 'ok', text: ok };
  const error = ERRORS[String(req.query.error ?? '')];
  return error ? { kind: 'error', text: error } : undefined;
}

function notFound(req: ConsoleRequest, res: Response) {
  res.status(404);
  sendPage(req, res, { title: 'Không tìm thấy', body: html`<h1>Không tìm thấy mục này</h1><p><a href="/admin">Về danh mục</a></p>` });
}

async function markStaffDraft({ deps, id, status, actor }: { deps: ConsoleDeps; id: number; status: 'accepted' | 'dismissed'; actor: string }) {
  await setStaffFaqDraftStatus({ db: deps.db, id, status });
  await deps.audit.record({ actor, action: `staff_draft.${status}`, target: String(id) });
}

