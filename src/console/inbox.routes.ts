/**
 * Câu hỏi chưa trả lời: what residents asked and did not get, grouped, most-asked first, with
 * one-click actions. Every action takes the group's questions out of the inbox (recording who and
 * why) and is audited; the catalogue changes go through the editor's own routes and repository.
 */
import type { Express, Response } from 'express';
import { forbidden, requireRole, type ConsoleRequest } from './console.auth.js';
import type { ConsoleDeps } from './console.deps.js';
import { sendPage } from './console.page.js';
import { scopeOf, scopeQuery } from './console.scope.js';
import { inboxPage, OUT_OF_SCOPE_REASONS, type InboxCluster } from './inbox.views.js';
import { mergeClusters, sumReasons } from '../querylog/index.js';

const ACTIONS = ['alternate', 'new_entry', 'out_of_scope', 'staff_answer', 'regression'] as const;
type Action = (typeof ACTIONS)[number];

export function registerInboxRoutes({ app, deps }: { app: Express; deps: ConsoleDeps }) {
  const admins = requireRole('province', 'unit');

  const load = async (req: ConsoleRequest) => {
    const account = req.session!.account;
    const scope = scopeOf({ query: req.query as Record<string, unknown>, account, now: deps.now() });
    const { groups } = await deps.queryLog.inboxGroups(scope);
    const clusters: InboxCluster[] = mergeClusters({ groups }).slice(0, 60).map((c) => {
      const examples = c.members.flatMap((m) => m.examples).sort((a, b) => b.askedAt.getTime() - a.askedAt.getTime());
      return {
        keys: c.keys,
        residents: c.residents,
        questions: c.members.reduce((sum, m) => sum + m.questions, 0),
        reasons: sumReasons(c.members),
        suggestedEntryId: c.members.find((m) => m.suggestedEntryId)?.suggestedEntryId ?? null,
        examples: examples.slice(0, 3),
        ticketId: examples.find((e) => e.ticketId !== null)?.ticketId ?? null,
      };
    });
    return { account, scope, clusters };
  };

  app.get('/admin/inbox', admins, async (req: ConsoleRequest, res) => {
    const { account, scope, clusters } = await load(req);
    const { items } = await deps.faq.listForConsole();
    const entries = items.map((i) => ({ id: i.id, title: String(i.data.title ?? i.id) }));
    // The staff answer of one ticket per cluster, shown beside it.
    const staffAnswers = new Map<number, string>();
    for (const c of clusters) {
      if (c.ticketId === null) continue;
      const { text } = await deps.queryLog.staffAnswerOf({ ticketId: c.ticketId, unitId: scope.unitId });
      if (text) staffAnswers.set(c.ticketId, text);
    }
    const done = typeof req.query.done === 'string' ? req.query.done : '';
    sendPage(req, res, {
      title: 'Câu hỏi chưa trả lời',
      active: 'inbox',
      flash: done ? { kind: 'ok', text: DONE_TEXT[done as Action] ?? 'Đã xử lý.' } : undefined,
      body: inboxPage({ clusters, entries, staffAnswers, scope, account, csrfToken: req.session!.csrfToken }),
    });
  });

  app.post('/admin/inbox/act', admins, async (req: ConsoleRequest, res: Response) => {
    const account = req.session!.account;
    const body = req.body as Record<string, unknown>;
    const scope = scopeOf({ query: body, account, now: deps.now() });
    if (account.role !== 'province' && typeof body.unit === 'string' && body.unit !== account.unitId) return forbidden(res);
    const action = ACTIONS.find((a) => a === body.action);
    let keys: string[] = [];
    try {
      const parsed: unknown = JSON.parse(String(body.keys ?? '[]'));
      if (Array.isArray(parsed)) keys = parsed.filter((k): k is string => typeof k === 'string' && k.length <= 700).slice(0, 100);
    } catch {
      keys = [];
    }
    const back = `/admin/inbox?${scopeQuery(scope, account)}`;
    if (!action || keys.length === 0) return res.redirect(303, back);
    const question = String(body.question ?? '').trim().slice(0, 500);
    const entryId = typeof body.entryId === 'string' && /^[a-z0-9-]{1,80}$/.test(body.entryId) ? body.entryId : null;
    const by = account.username;

    if (action === 'alternate' && (!entryId || !question)) return res.redirect(303, `${back}&done=missing`);
    if (action === 'staff_answer' && !question) return res.redirect(303, back);
    let note: string | null = null;
    if (action === 'out_of_scope') note = OUT_OF_SCOPE_REASONS.find((r) => r === body.reason) ?? OUT_OF_SCOPE_REASONS[0];
    if (action === 'alternate' || action === 'regression') note = entryId;
    if (action === 'staff_answer') note = `ticket ${String(body.ticketId ?? '')}`;

    if (action === 'regression') {
      await deps.queryLog.addRegressionCase({
        text: question,
        expectedDecision: entryId ? 'answer' : 'handoff',
        expectedEntryId: entryId,
        unitId: scope.unitId,
        createdBy: by,
        sourceQueryId: Number(body.queryId) || null,
      });
      await deps.regressions?.refresh();
    }
    const { resolved } = await deps.queryLog.resolve({ keys, scope, by, resolution: action, note });
    await deps.audit.record({ actor: by, action: `inbox.${action}`, target: keys[0]!, after: { keys, resolved, note, question } });

    if (action === 'alternate') {
      // The editor's own "add as an alternate question" route makes the draft revision (307 keeps the form: question, _csrf).
      return res.redirect(307, `/admin/entries/${entryId}/questions`);
    }
    if (action === 'new_entry') return res.redirect(303, `/admin/entries/new?${new URLSearchParams({ question })}`);
    if (action === 'staff_answer') {
      const { text } = await deps.queryLog.staffAnswerOf({ ticketId: Number(body.ticketId) || 0, unitId: scope.unitId });
      return res.redirect(303, `/admin/entries/new?${new URLSearchParams({ question, ...(text ? { answer: text } : {}) })}`);
    }
    res.redirect(303, `${back}&done=${action}`);
  });
}

const DONE_TEXT: Partial<Record<Action | 'missing', string>> = {
  out_of_scope: 'Đã đánh dấu ngoài phạm vi.',
  regression: 'Đã lưu làm ca kiểm thử: `npm run cli -- eval --db` sẽ chạy ca này.',
  missing: 'Hãy chọn mục hỏi đáp và nhập câu hỏi.',
};
