/** Báo cáo at /admin/reports: the page, its CSV and XLSX exports, and the conversations behind a figure. */
import type { Express } from 'express';
import { mergeClusters, sumReasons } from '../querylog/index.js';
import { OUTCOME_LABEL, OUTCOMES } from '../reports/reports.models.js';
import { buildReport } from '../reports/reports.usecases.js';
import { formatWhen, reviewOverdue } from './catalogue.views.js';
import { requireRole, type ConsoleRequest } from './console.auth.js';
import type { ConsoleDeps } from './console.deps.js';
import { html } from './console.html.js';
import { sendPage } from './console.page.js';
import { scopeOf, scopeQuery, vnDay } from './console.scope.js';
import { reportRows, reportsPage, type CatalogueHealth } from './reports.views.js';

const csvCell = (v: string | number) => (typeof v === 'number' ? String(v) : /[",\n;]/.test(v) || /^[=+\-@]/.test(v) ? `"${v.replace(/^([=+\-@])/, "'$1").replace(/"/g, '""')}"` : v);

export function registerReportRoutes({ app, deps }: { app: Express; deps: ConsoleDeps }) {
  const admins = requireRole('province', 'unit');
  const reportFor = async (req: ConsoleRequest) => {
    const account = req.session!.account;
    const scope = scopeOf({ query: req.query as Record<string, unknown>, account, now: deps.now() });
    const report = await buildReport({ scope, reports: deps.reports, calendarOf: deps.calendarOf, now: deps.now() });
    return { account, scope, report };
  };

  app.get('/admin/reports', admins, async (req: ConsoleRequest, res) => {
    const { account, scope, report } = await reportFor(req);
    const { groups } = await deps.queryLog.inboxGroups({ ...scope, limit: 100 });
    const topics = mergeClusters({ groups })
      .slice(0, 10)
      .map((c) => ({ keys: c.keys, residents: c.residents, questions: 0, reasons: sumReasons(c.members), suggestedEntryId: null, examples: c.members.flatMap((m) => m.examples).slice(0, 1), ticketId: null }));
    const { items } = await deps.faq.listForConsole();
    const today = vnDay(deps.now());
    const visible = items.filter((i) => !scope.unitId || i.unitId === null || i.unitId === scope.unitId);
    const entry = (i: (typeof items)[number]) => ({ id: i.id, title: String(i.data.title ?? i.id) });
    const health: CatalogueHealth = {
      overdue: visible.filter((i) => reviewOverdue(i.data, today)).map(entry),
      withoutSources: visible.filter((i) => !i.data.sourceUrl && !(Array.isArray(i.data.legalBasis) && i.data.legalBasis.length > 0) && !i.data.sources).map(entry),
    };
    sendPage(req, res, { title: 'Báo cáo', active: 'reports', body: reportsPage({ report, topics, health, scope, scopeQuery: scopeQuery(scope, account), account }) });
  });

  app.get('/admin/reports.csv', admins, async (req: ConsoleRequest, res) => {
    const { scope, report } = await reportFor(req);
    const lines = [['mục', 'đơn vị', 'chỉ tiêu', 'giá trị'], ...reportRows(report)].map((r) => r.map(csvCell).join(','));
    res.set('Content-Disposition', `attachment; filename="bao-cao-${scope.fromDay}-${scope.toDay}.csv"`);
    res.type('text/csv; charset=utf-8').send(`\uFEFF${lines.join('\r\n')}\r\n`);
  });

  app.get('/admin/reports.xlsx', admins, async (req: ConsoleRequest, res) => {
    const { scope, report } = await reportFor(req);
    const { Workbook } = await loadExcel();
    const workbook = new Workbook();
    const sheet = workbook.addWorksheet('Báo cáo');
    sheet.addRow(['mục', 'đơn vị', 'chỉ tiêu', 'giá trị']).font = { bold: true };
    for (const row of reportRows(report)) sheet.addRow(row);
    sheet.columns.forEach((c, i) => (c.width = [12, 16, 40, 14][i] ?? 12));
    res.set('Content-Disposition', `attachment; filename="bao-cao-${scope.fromDay}-${scope.toDay}.xlsx"`);
    res.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').send(Buffer.from(await workbook.xlsx.writeBuffer()));
  });

  app.get('/admin/reports/conversations', admins, async (req: ConsoleRequest, res) => {
    const account = req.session!.account;
    const scope = scopeOf({ query: req.query as Record<string, unknown>, account, now: deps.now() });
    const outcome = [...OUTCOMES, 'resolved_without_staff' as const].find((o) => o === req.query.outcome) ?? 'answered';
    const { rows } = await deps.reports.conversationsWith({ scope, outcome });
    sendPage(req, res, {
      title: OUTCOME_LABEL[outcome],
      active: 'reports',
      body: html`<h1>${OUTCOME_LABEL[outcome]}: ${rows.length === 200 ? '200 cuộc trò chuyện mới nhất' : `${rows.length} cuộc trò chuyện`}</h1>
<p><a href="/admin/reports?${scopeQuery(scope, account)}">← Báo cáo</a></p>
<div class="table-wrap"><table class="list" id="behind"><thead><tr><th>Cuộc trò chuyện</th><th>Đơn vị</th><th>Câu hỏi đầu tiên trong kỳ</th><th>Lúc</th></tr></thead><tbody>
${rows.map((r) => html`<tr><td>#${r.conversationId}</td><td>${r.unitId ?? ''}</td><td>${r.text}</td><td>${formatWhen(r.askedAt)}</td></tr>`)}
</tbody></table></div>`,
    });
  });
}

/** exceljs takes a third of a second to import: loaded on the first export, not at every bot start. */
const loadExcel = async () => (await import('exceljs')).default;
