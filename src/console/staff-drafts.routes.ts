/** Staff `/faq HS-…` suggestions: the ticket's question and answer, turned into a new entry or an alternate question, or set aside. */
import { asc, eq } from 'drizzle-orm';
import type { Express } from 'express';
import { setStaffFaqDraftStatus, ticketFaqDraftsTable, ticketsTable } from '../handoff/index.js';
import { requireRole, type ConsoleRequest } from './console.auth.js';
import type { ConsoleDeps } from './console.deps.js';
import { csrfField } from './console.layout.js';
import { html } from './console.html.js';
import { sendPage } from './console.page.js';
import { formatWhen } from './catalogue.views.js';

export function registerStaffDraftRoutes({ app, deps }: { app: Express; deps: ConsoleDeps }) {
  const anyone = requireRole('province', 'unit');

  app.get('/admin/staff-drafts', anyone, async (req: ConsoleRequest, res) => {
    const account = req.session!.account;
    const rows = await deps.db
      .select({ draft: ticketFaqDraftsTable, code: ticketsTable.code })
      .from(ticketFaqDraftsTable)
      .innerJoin(ticketsTable, eq(ticketsTable.id, ticketFaqDraftsTable.ticketId))
      .where(eq(ticketFaqDraftsTable.status, 'pending'))
      .orderBy(asc(ticketFaqDraftsTable.createdAt));
    const visible = rows.filter((r) => account.role === 'province' || r.draft.unitId === account.unitId);
    const { items } = await deps.faq.listForConsole();
    const token = req.session!.csrfToken;
    sendPage(req, res, {
      title: 'Đề xuất của cán bộ',
      active: 'drafts',
      flash: req.query.ok === 'dismissed' ? { kind: 'ok', text: 'Đã bỏ qua đề xuất.' } : undefined,
      body: html`<h1>Đề xuất của cán bộ (/faq)</h1>
${visible.length === 0 ? html`<p class="muted">Chưa có đề xuất nào đang chờ.</p>` : ''}
${visible.map(
  ({ draft, code }) => html`<article class="card staff-draft">
  <h2>${code} <small class="muted">${draft.unitId} · ${formatWhen(draft.createdAt)}</small></h2>
  <p><strong>Người dân hỏi:</strong> ${draft.question}</p>
  <p><strong>Cán bộ trả lời:</strong> ${draft.answer}</p>
  <div class="actions">
    <a class="button" href="/admin/entries/new?${new URLSearchParams({ question: draft.question, answer: draft.answer, fromDraft: String(draft.id) }).toString()}">Tạo mục mới</a>
    <form method="post" action="/admin/staff-drafts/${draft.id}/question" class="inline">${csrfField(token)}
      <select name="entry" aria-label="Mục hỏi đáp">${items.map((i) => html`<option value="${i.id}">${String(i.data.title ?? i.id)}</option>`)}</select>
      <button type="submit" class="secondary">Thêm làm câu hỏi phụ</button></form>
    <form method="post" action="/admin/staff-drafts/${draft.id}/dismiss" class="inline">${csrfField(token)}<button type="submit" class="secondary">Bỏ qua</button></form>
  </div>
</article>`,
)}`,
    });
  });

  const load = async (req: ConsoleRequest) => {
    const [row] = await deps.db.select().from(ticketFaqDraftsTable).where(eq(ticketFaqDraftsTable.id, Number(req.params.id)));
    const account = req.session!.account;
    return row && (account.role === 'province' || row.unitId === account.unitId) ? row : undefined;
  };

  app.post('/admin/staff-drafts/:id/dismiss', anyone, async (req: ConsoleRequest, res) => {
    const draft = await load(req);
    if (!draft) return res.status(404).type('text/plain').send('Không tìm thấy đề xuất này.');
    await setStaffFaqDraftStatus({ db: deps.db, id: draft.id, status: 'dismissed' });
    await deps.audit.record({ actor: req.session!.account.username, action: 'staff_draft.dismissed', target: String(draft.id), before: { question: draft.question } });
    res.redirect(303, '/admin/staff-drafts?ok=dismissed');
  });

  app.post('/admin/staff-drafts/:id/question', anyone, async (req: ConsoleRequest, res) => {
    const draft = await load(req);
    const entryId = String((req.body as Record<string, unknown>).entry ?? '');
    const { row, draft: entryDraft, published } = await deps.faq.getEntry({ id: entryId });
    if (!draft || !row) return res.status(404).type('text/plain').send('Không tìm thấy đề xuất hoặc mục hỏi đáp này.');
    const working = (entryDraft?.data ?? published ?? row.data) as Record<string, unknown>;
    const questions = Array.isArray(working.questions) ? working.questions.map(String) : [];
    const saved = await deps.editing.saveDraft({ entry: { ...working, questions: [...questions, draft.question.slice(0, 500)] }, author: req.session!.account.username, kind: 'staff', note: `Câu hỏi từ phiếu đề xuất ${draft.id}` });
    await setStaffFaqDraftStatus({ db: deps.db, id: draft.id, status: 'accepted' });
    await deps.audit.record({ actor: req.session!.account.username, action: 'faq.add_question', target: entryId, before: { questions }, after: { questions: saved.entry.questions } });
    res.redirect(303, `/admin/entries/${entryId}?ok=question`);
  });
}
