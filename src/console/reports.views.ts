/** Báo cáo: figures as tables with the SVG chart of the same numbers beside, each figure defined. */
import type { AdminAccount } from '../admin/admin.repository.js';
import { INBOX_REASON_LABEL, type InboxReason } from '../querylog/index.js';
import { barChart, shareBar } from '../reports/reports.charts.js';
import { formatMinutes, formatPercent, OUTCOME_DEFINITION, OUTCOME_LABEL, OUTCOMES, type Outcome } from '../reports/reports.models.js';
import type { Report, UnitFigures } from '../reports/reports.usecases.js';
import { html, type Html } from './console.html.js';
import type { ConsoleScope } from './console.scope.js';
import type { InboxCluster } from './inbox.views.js';
import { periodFilter } from './inbox.views.js';

export type CatalogueHealth = { overdue: Array<{ id: string; title: string }>; withoutSources: Array<{ id: string; title: string }> };

const n = (v: number) => v.toLocaleString('vi-VN');

export function reportsPage({ report, topics, health, scope, scopeQuery, account }: { report: Report; topics: InboxCluster[]; health: CatalogueHealth; scope: ConsoleScope; scopeQuery: string; account: AdminAccount }): Html {
  const t = report.total;
  // The tickets behind a ticket figure: the same period and unit, plus the figure's own filter.
  const tickets = (filter: string, value: number, figure?: string) =>
    html`<a href="/admin/tickets?${scopeQuery}${filter ? `&${filter}` : ''}" ${figure ? html`data-tickets="${figure}"` : ''}>${n(value)}</a>`;
  const drill = (outcome: string, value: number) => html`<a href="/admin/reports/conversations?${scopeQuery}&outcome=${outcome}" data-figure="${outcome}">${n(value)}</a>`;
  const rateRows = [...OUTCOMES, 'resolved_without_staff' as const].map(
    (o) => html`<tr><th scope="row">${OUTCOME_LABEL[o]}</th><td class="num">${drill(o, t.outcomes[o])}</td><td class="num" data-rate="${o}">${formatPercent(t.rates.rates[o])}</td><td class="muted">${OUTCOME_DEFINITION[o]}</td></tr>`,
  );
  return html`<h1>Báo cáo ${scope.unitId ? html`đơn vị <code>${scope.unitId}</code>` : 'toàn tỉnh'}</h1>
${periodFilter({ action: '/admin/reports', scope, account })}
<p class="actions"><a class="button secondary" href="/admin/reports.csv?${scopeQuery}">Tải CSV</a> <a class="button secondary" href="/admin/reports.xlsx?${scopeQuery}">Tải Excel (XLSX)</a>
<span class="muted">Ngày theo giờ Việt Nam (Asia/Ho_Chi_Minh); tuần bắt đầu thứ Hai.</span></p>

<section class="card"><h2>Câu hỏi theo ngày</h2>
${barChart({ title: 'Số câu hỏi mỗi ngày', points: report.days.map((d) => ({ label: d.start.slice(5), value: d.questions })) })}
<details><summary>Bảng số liệu theo ngày và theo tuần</summary>
<table class="list compact" id="per-day"><thead><tr><th>Ngày</th><th>Câu hỏi</th><th>Người hỏi</th></tr></thead><tbody>${report.days.map((d) => html`<tr><td>${d.start}</td><td class="num">${n(d.questions)}</td><td class="num">${n(d.residents)}</td></tr>`)}</tbody></table>
<table class="list compact" id="per-week"><thead><tr><th>Tuần từ thứ Hai</th><th>Câu hỏi</th><th>Người hỏi</th></tr></thead><tbody>${report.weeks.map((d) => html`<tr><td>${d.start}</td><td class="num">${n(d.questions)}</td><td class="num">${n(d.residents)}</td></tr>`)}</tbody></table>
</details></section>

<section class="card"><h2>Kết quả các cuộc trò chuyện</h2>
<p class="muted">Mỗi cuộc trò chuyện có ít nhất một câu hỏi trong kỳ được tính <strong>một lần</strong>, vào đúng một nhóm (theo thứ tự trong bảng), nên năm nhóm đầu cộng lại đúng 100 %. Tổng: <strong data-figure="conversations">${n(t.rates.total)}</strong> cuộc trò chuyện.</p>
${shareBar({ title: 'Tỷ lệ kết quả cuộc trò chuyện', parts: OUTCOMES.map((o) => ({ label: OUTCOME_LABEL[o], value: t.outcomes[o] })) })}
<table class="list" id="rates"><thead><tr><th>Kết quả</th><th>Cuộc trò chuyện</th><th>Tỷ lệ</th><th>Định nghĩa</th></tr></thead><tbody>${rateRows}</tbody></table></section>

<section class="card"><h2>Phiếu chuyển cán bộ</h2>
<p class="muted">Mỗi số phiếu dẫn tới danh sách các phiếu đó.</p>
<table class="list" id="tickets"><tbody>
<tr><th scope="row">Phiếu mở trong kỳ</th><td class="num" data-figure="tickets">${tickets('', t.tickets)}</td><td class="muted">phiếu có thời điểm mở trong kỳ</td></tr>
<tr><th scope="row">Thời gian phản hồi đầu tiên</th><td class="num">trung vị ${formatMinutes(t.firstResponse.median)} · p90 ${formatMinutes(t.firstResponse.p90)}</td><td class="muted">từ lúc mở phiếu đến câu trả lời đầu tiên của cán bộ, tính theo giờ làm việc của đơn vị (bỏ ngoài giờ, ngày nghỉ, lễ; tính ngày làm bù); ${tickets('replied=1', t.firstResponse.count, 'replied')} phiếu đã được trả lời</td></tr>
<tr><th scope="row">Thời gian đến khi đóng</th><td class="num">trung vị ${formatMinutes(t.toClose.median)} · p90 ${formatMinutes(t.toClose.p90)}</td><td class="muted">từ lúc mở đến lúc đóng phiếu, giờ làm việc; ${tickets('status=closed', t.toClose.count, 'closed')} phiếu đã đóng</td></tr>
<tr><th scope="row">Đúng hạn trả lời (SLA)</th><td class="num" data-figure="sla">${formatPercent(t.sla.share)}</td><td class="muted">đúng hạn: trả lời đầu tiên trước hạn; trễ: sau hạn hoặc quá hạn chưa trả lời; chưa đến hạn không tính (${tickets('sla=met', t.sla.met, 'sla-met')} đúng hạn, ${tickets('sla=missed', t.sla.missed, 'sla-missed')} trễ, ${tickets('sla=pending', t.sla.pending, 'sla-pending')} chưa đến hạn)</td></tr>
</tbody></table></section>

<section class="card"><h2>Đánh giá của người dân</h2>
${barChart({ title: 'Số phiếu theo số sao', points: t.ratings.counts.map((c, i) => ({ label: `${i + 1} sao`, value: c })), height: 150 })}
<table class="list compact" id="ratings"><thead><tr>${[1, 2, 3, 4, 5].map((s) => html`<th>${s} sao</th>`)}<th>Tổng</th><th>Tỷ lệ hài lòng</th></tr></thead>
<tbody><tr>${t.ratings.counts.map((c, i) => html`<td class="num">${tickets(`rating=${i + 1}`, c, `rating-${i + 1}`)}</td>`)}<td class="num">${tickets('rated=1', t.ratings.total, 'rated')}</td><td class="num" data-figure="satisfied">${formatPercent(t.ratings.satisfiedShare)}</td></tr></tbody></table>
<p class="muted">Tỷ lệ hài lòng = (tổng lượt đánh giá − lượt không hài lòng) / tổng lượt đánh giá, "không hài lòng" là 1–2 sao. Cùng dạng công thức với chỉ số hài lòng của Quyết định 766/QĐ-TTg, nhưng đây là <strong>chỉ số nội bộ</strong> từ đánh giá phiếu trên bot, <strong>không phải điểm chính thức</strong> của Bộ chỉ số 766.</p></section>

${
  account.role === 'province' && !scope.unitId
    ? html`<section class="card"><h2>So sánh đơn vị</h2><div class="table-wrap"><table class="list compact" id="units"><thead><tr><th>Đơn vị</th><th>Cuộc trò chuyện</th><th>Bot trả lời</th><th>Chuyển cán bộ</th><th>Xong không cần cán bộ</th><th>Phiếu</th><th>Phản hồi đầu (trung vị)</th><th>Đúng hạn</th><th>Hài lòng</th></tr></thead><tbody>
${report.units.map((u) => unitRow(u, scope))}</tbody></table></div></section>`
    : ''
}

<section class="card"><h2>Chủ đề chưa trả lời nhiều nhất</h2>
${topics.length === 0 ? html`<p>Không có.</p>` : html`<ol>${topics.map((c) => html`<li><a href="/admin/inbox?${scopeQuery}">“${c.examples[0]?.text ?? c.keys[0]}”</a> — ${n(c.residents)} người hỏi <small class="muted">${(Object.keys(c.reasons) as InboxReason[]).filter((r) => c.reasons[r] > 0).map((r) => INBOX_REASON_LABEL[r]).join(', ')}</small></li>`)}</ol>`}</section>

<section class="card"><h2>Sức khỏe danh mục hỏi đáp</h2>
<p>Quá hạn rà soát: <strong data-figure="overdue">${health.overdue.length}</strong> mục${health.overdue.length ? html` — ${health.overdue.map((e, i) => html`${i ? ', ' : ''}<a href="/admin/entries/${e.id}">${e.title}</a>`)}` : ''}</p>
<p>Chưa có nguồn (không có đường dẫn nguồn, căn cứ pháp lý): <strong data-figure="without-sources">${health.withoutSources.length}</strong> mục${health.withoutSources.length ? html` — ${health.withoutSources.map((e, i) => html`${i ? ', ' : ''}<a href="/admin/entries/${e.id}">${e.title}</a>`)}` : ''}</p></section>`;
}

function unitRow(u: UnitFigures, scope: ConsoleScope): Html {
  const period = `from=${scope.fromDay}&to=${scope.toDay}&unit=${encodeURIComponent(u.unitId)}`;
  return html`<tr><td><a href="/admin/reports?${period}">${u.unitId}</a></td><td class="num">${n(u.rates.total)}</td><td class="num">${formatPercent(u.rates.rates.answered)}</td><td class="num">${formatPercent(u.rates.rates.handed_off)}</td><td class="num">${formatPercent(u.rates.rates.resolved_without_staff)}</td><td class="num"><a href="/admin/tickets?${period}" data-tickets="unit-${u.unitId}">${n(u.tickets)}</a></td><td class="num">${formatMinutes(u.firstResponse.median)}</td><td class="num">${formatPercent(u.sla.share)}</td><td class="num">${formatPercent(u.ratings.satisfiedShare)}</td></tr>`;
}

/** The figures as rows (CSV and XLSX share them): section, unit, figure, value. */
export function reportRows(report: Report): Array<[string, string, string, string | number]> {
  const rows: Array<[string, string, string, string | number]> = [];
  for (const d of report.days) rows.push(['ngày', '', d.start, d.questions]);
  for (const w of report.weeks) rows.push(['tuần', '', w.start, w.questions]);
  for (const u of [{ ...report.total, unitId: 'tổng' }, ...report.units]) {
    for (const o of [...OUTCOMES, 'resolved_without_staff' as const]) {
      rows.push(['kết quả', u.unitId, OUTCOME_LABEL[o as Outcome | 'resolved_without_staff'], u.outcomes[o]]);
      rows.push(['tỷ lệ', u.unitId, OUTCOME_LABEL[o as Outcome | 'resolved_without_staff'], u.rates.rates[o] === null ? '' : Math.round(u.rates.rates[o]! * 10_000) / 10_000]);
    }
    rows.push(['phiếu', u.unitId, 'phiếu mở', u.tickets]);
    rows.push(['phiếu', u.unitId, 'phản hồi đầu trung vị (phút làm việc)', u.firstResponse.median === null ? '' : Math.round(u.firstResponse.median)]);
    rows.push(['phiếu', u.unitId, 'phản hồi đầu p90 (phút làm việc)', u.firstResponse.p90 === null ? '' : Math.round(u.firstResponse.p90)]);
    rows.push(['phiếu', u.unitId, 'đóng phiếu trung vị (phút làm việc)', u.toClose.median === null ? '' : Math.round(u.toClose.median)]);
    rows.push(['phiếu', u.unitId, 'đóng phiếu p90 (phút làm việc)', u.toClose.p90 === null ? '' : Math.round(u.toClose.p90)]);
    rows.push(['phiếu', u.unitId, 'đúng hạn (tỷ lệ)', u.sla.share === null ? '' : Math.round(u.sla.share * 10_000) / 10_000]);
    u.ratings.counts.forEach((c, i) => rows.push(['đánh giá', u.unitId, `${i + 1} sao`, c]));
    rows.push(['đánh giá', u.unitId, 'tỷ lệ hài lòng (chỉ số nội bộ)', u.ratings.satisfiedShare === null ? '' : Math.round(u.ratings.satisfiedShare * 10_000) / 10_000]);
  }
  return rows;
}
