/**
 * Phiếu: the ticket list with its filters, and one ticket's page (transcript, what the bot tried,
 * notes and events, rating, SLA timeline in working time, the answer form). Every figure is defined
 * on the page where it appears.
 */
import type { AdminAccount } from '../admin/admin.repository.js';
import type { Ticket, TicketEventRow, TicketListRow, TicketStatus, TranscriptLine } from '../handoff/index.js';
import type { Candidate } from '../faq/faq.types.js';
import { THRESHOLDS } from '../faq/faq.thresholds.js';
import { formatMinutes } from '../reports/reports.models.js';
import { formatWhen } from './catalogue.views.js';
import { html, type Html } from './console.html.js';
import { csrfField } from './console.layout.js';
import type { TicketListQuery } from './tickets.filter.js';

export const TICKET_STATUS_LABEL: Record<TicketStatus, string> = {
  open: 'Chưa ai nhận',
  claimed: 'Đang xử lý',
  closed: 'Đã đóng',
  undeliverable: 'Không liên lạc được',
};
const STATUS_BADGE: Record<TicketStatus, string> = { open: 'new', claimed: 'draft', closed: 'published', undeliverable: 'overdue' };

const EVENT_LABEL: Record<string, string> = {
  open: 'Mở phiếu',
  claim: 'Nhận phiếu',
  reply: 'Trả lời người dân',
  note: 'Ghi chú nội bộ',
  transfer: 'Chuyển phiếu',
  close: 'Đóng phiếu',
  reopen: 'Mở lại phiếu',
  mark_undeliverable: 'Không gửi được cho người dân',
  resident_message: 'Người dân nhắn thêm',
  rating: 'Người dân đánh giá',
  relay_failed: 'Tin trả lời không tới được người dân',
  relay_resent: 'Gửi lại tin trả lời',
  sla_reminder: 'Nhắc hạn trả lời',
  sla_escalation: 'Báo trưởng nhóm: quá hạn',
  faq_draft: 'Đề xuất thành mục hỏi đáp',
};

const DECISION_LABEL: Record<string, string> = { answer: 'Trả lời', clarify: 'Hỏi lại', handoff: 'Chuyển cán bộ', smalltalk: 'Chào hỏi' };
const FROM_LABEL: Record<TranscriptLine['from'], string> = { resident: 'Người dân', bot: 'Bot', staff: 'Cán bộ' };
const CHANNEL_LABEL: Record<string, string> = { telegram: 'Telegram', zalo: 'Zalo', web: 'Trang web' };

/** A staff member's name from their id (and unit, when the list spans units). */
export type NameOf = (staffId: string | null, unitId?: string) => string;

/** Waiting for a first reply past its due time (the list's "Quá hạn" filter uses the same rule). */
export const isOverdue = (t: Pick<TicketListRow, 'status' | 'firstStaffReplyAt' | 'slaDueAt'>, now: Date) =>
  (t.status === 'open' || t.status === 'claimed') && t.firstStaffReplyAt === null && t.slaDueAt !== null && t.slaDueAt <= now;

const statusBadge = (status: TicketStatus) => html`<span class="badge ${STATUS_BADGE[status]}" data-status="${status}">${TICKET_STATUS_LABEL[status]}</span>`;

export function ticketListPage({
  tickets,
  total,
  query,
  linkFor,
  account,
  staff,
  nameOf,
  now,
  pageSize,
}: {
  tickets: TicketListRow[];
  total: number;
  query: TicketListQuery;
  /** The list's URL with some filters changed (page reset unless given). */
  linkFor: (change: Partial<TicketListQuery>) => string;
  account: AdminAccount;
  /** The chosen unit's staff (a select), or null when every unit is listed (a text field for the id). */
  staff: Array<{ id: string; name: string }> | null;
  nameOf: NameOf;
  now: Date;
  pageSize: number;
}): Html {
  const quick: Array<{ label: string; change: Partial<TicketListQuery>; on: boolean }> = [
    { label: 'Tất cả', change: { status: null, overdue: false }, on: !query.status && !query.overdue },
    { label: 'Chưa ai nhận', change: { status: 'open', overdue: false }, on: query.status === 'open' && !query.overdue },
    { label: 'Đang xử lý', change: { status: 'claimed', overdue: false }, on: query.status === 'claimed' && !query.overdue },
    { label: 'Quá hạn', change: { status: null, overdue: true }, on: query.overdue },
    { label: 'Đã đóng', change: { status: 'closed', overdue: false }, on: query.status === 'closed' && !query.overdue },
  ];
  const pages = Math.max(1, Math.ceil(total / pageSize));
  return html`<h1>Phiếu chuyển cán bộ</h1>
<p class="muted">Mỗi phiếu là một câu hỏi bot chuyển cho cán bộ trực. <strong>Quá hạn</strong>: phiếu đang mở hoặc đang xử lý, chưa có câu trả lời đầu tiên của cán bộ và đã qua hạn trả lời (hạn tính theo giờ làm việc của đơn vị). Mới nhất ở trên.</p>
<p class="actions" id="quick">${quick.map((q) => html`<a class="button ${q.on ? '' : 'secondary'}" href="${linkFor(q.change)}" ${q.on ? html`aria-current="page"` : ''}>${q.label}</a> `)}</p>
<form method="get" action="/admin/tickets" class="filters">
  <label>Trạng thái<select name="status"><option value="">tất cả</option>${(Object.keys(TICKET_STATUS_LABEL) as TicketStatus[]).map(
    (s) => html`<option value="${s}" ${query.status === s ? html`selected` : ''}>${TICKET_STATUS_LABEL[s]}</option>`,
  )}</select></label>
  <label><input type="checkbox" name="overdue" value="1" ${query.overdue ? html`checked` : ''}> Quá hạn</label>
  ${account.role === 'province' ? html`<label>Đơn vị (mã)<input name="unit" value="${query.unitId ?? ''}" placeholder="tất cả"></label>` : ''}
  ${
    staff
      ? html`<label>Cán bộ<select name="staff"><option value="">tất cả</option><option value="none" ${query.staff === 'none' ? html`selected` : ''}>chưa ai nhận</option>${staff.map(
          (s) => html`<option value="${s.id}" ${query.staff === s.id ? html`selected` : ''}>${s.name}</option>`,
        )}</select></label>`
      : html`<label>Cán bộ (mã)<input name="staff" value="${query.staff ?? ''}" placeholder="tất cả"></label>`
  }
  <label>Mở từ ngày<input type="date" name="from" value="${query.fromDay ?? ''}"></label>
  <label>đến ngày<input type="date" name="to" value="${query.toDay ?? ''}"></label>
  ${query.sla ? html`<input type="hidden" name="sla" value="${query.sla}">` : ''}${query.rating ? html`<input type="hidden" name="rating" value="${query.rating}">` : ''}${query.rated ? html`<input type="hidden" name="rated" value="1">` : ''}${query.replied ? html`<input type="hidden" name="replied" value="1">` : ''}
  <button type="submit" class="secondary">Lọc</button>
</form>
${query.sla || query.rating || query.rated || query.replied ? html`<p class="muted" id="report-filter">Đang lọc theo báo cáo: ${[query.sla ? SLA_FILTER_LABEL[query.sla] : '', query.rating ? `đánh giá ${query.rating} sao` : '', query.rated ? 'đã được đánh giá' : '', query.replied ? 'đã có câu trả lời đầu tiên' : ''].filter(Boolean).join(', ')} · <a href="${linkFor({ sla: null, rating: null, rated: false, replied: false })}">bỏ lọc này</a></p>` : ''}
<p><strong data-figure="total">${total.toLocaleString('vi-VN')}</strong> phiếu</p>
<div class="table-wrap"><table class="list" id="tickets"><thead><tr><th>Phiếu</th><th>Trạng thái</th><th>Người dân</th><th>Câu hỏi</th><th>Đơn vị</th><th>Cán bộ</th><th>Mở lúc</th><th>Hạn trả lời</th><th>Đánh giá</th></tr></thead><tbody>
${tickets.map(
  (t) => html`<tr data-code="${t.code}"><td><a href="/admin/tickets/${t.code}">${t.code}</a></td><td>${statusBadge(t.status)}${isOverdue(t, now) ? html` <span class="badge overdue" data-overdue="1">Quá hạn</span>` : ''}</td>
  <td>${t.residentName ?? 'Người dân'} <small class="muted">${CHANNEL_LABEL[t.residentChannel] ?? t.residentChannel}</small></td><td>${clip(t.question, 120)}</td><td>${t.unitId}</td>
  <td>${t.assigneeStaffId ? nameOf(t.assigneeStaffId, t.unitId) : html`<span class="muted">chưa ai nhận</span>`}</td><td>${formatWhen(t.openedAt)}</td><td>${t.slaDueAt ? formatWhen(t.slaDueAt) : '—'}</td><td class="num">${t.rating ? `${t.rating}/5` : ''}</td></tr>`,
)}
</tbody></table></div>
${tickets.length === 0 ? html`<p>Không có phiếu nào khớp bộ lọc.</p>` : ''}
<p class="pager">${query.page > 0 ? html`<a href="${linkFor({ page: query.page - 1 })}" rel="prev">← Trang trước</a> ` : ''}Trang ${query.page + 1}/${pages}${query.page + 1 < pages ? html` <a href="${linkFor({ page: query.page + 1 })}" rel="next">Trang sau →</a>` : ''}</p>`;
}

const SLA_FILTER_LABEL: Record<string, string> = { met: 'trả lời đúng hạn', missed: 'trả lời trễ hạn hoặc quá hạn chưa trả lời', pending: 'chưa đến hạn, chưa trả lời' };

export type TicketTimeline = {
  firstResponseMinutes: number | null;
  closeMinutes: number | null;
  /** Working minutes from opening to now for a ticket still waiting (null otherwise). */
  waitingMinutes: number | null;
  sla: 'met' | 'missed' | 'pending' | null;
};

export type BotAttempt = { askedAt: Date; text: string; via: string; decision: string; reason: string | null; entryId: string | null; aspect: string | null; confidence: number; candidates: Candidate[] };

export function ticketPage({
  ticket,
  timeline,
  lines,
  attempts,
  events,
  nameOf,
  csrfToken,
  answer,
  draft = '',
  now,
}: {
  ticket: Ticket;
  timeline: TicketTimeline;
  lines: TranscriptLine[];
  attempts: BotAttempt[];
  events: TicketEventRow[];
  nameOf: NameOf;
  csrfToken: string;
  /** Whether this account may answer, and why not. */
  answer: { allowed: true; as: string } | { allowed: false; why: string };
  /** The text of an answer that was refused, kept in the form. */
  draft?: string;
  now: Date;
}): Html {
  const notes = events.filter((e) => e.type === 'note');
  const slaText = { met: 'đúng hạn', missed: 'trễ hạn', pending: 'chưa đến hạn' } as const;
  return html`<p><a href="/admin/tickets">← Danh sách phiếu</a></p>
<h1>Phiếu ${ticket.code} ${statusBadge(ticket.status)}${isOverdue(ticket, now) ? html` <span class="badge overdue">Quá hạn</span>` : ''}</h1>
<p>${ticket.residentName ?? 'Người dân'} · ${CHANNEL_LABEL[ticket.residentChannel] ?? ticket.residentChannel} · đơn vị <code>${ticket.unitId}</code> · ${ticket.assigneeStaffId ? html`cán bộ xử lý: <strong>${nameOf(ticket.assigneeStaffId)}</strong>` : 'chưa ai nhận'}</p>
<section class="card"><h2>Câu hỏi</h2><div class="bubble"><pre>${ticket.question || '(không có nội dung chữ)'}</pre></div></section>

<div class="try-grid">
<section class="card"><h2>Thời hạn (SLA)</h2>
<table class="list compact" id="timeline"><tbody>
<tr><th scope="row">Mở phiếu</th><td>${formatWhen(ticket.openedAt)}</td><td class="muted">lúc bot chuyển câu hỏi cho cán bộ</td></tr>
<tr><th scope="row">Hạn trả lời</th><td>${ticket.slaDueAt ? formatWhen(ticket.slaDueAt) : '—'}</td><td class="muted">lúc mở cộng số phút làm việc của đơn vị (bỏ ngoài giờ, ngày nghỉ, lễ; tính ngày làm bù)</td></tr>
<tr><th scope="row">Nhận phiếu</th><td>${ticket.claimedAt ? formatWhen(ticket.claimedAt) : '—'}</td><td class="muted">lần đầu có cán bộ nhận (hoặc trả lời)</td></tr>
<tr><th scope="row">Trả lời đầu tiên</th><td data-figure="first-response">${ticket.firstStaffReplyAt ? html`${formatWhen(ticket.firstStaffReplyAt)} · sau ${formatMinutes(timeline.firstResponseMinutes)} làm việc` : timeline.waitingMinutes !== null ? `chưa có · đã chờ ${formatMinutes(timeline.waitingMinutes)} làm việc` : 'chưa có'}</td><td class="muted">câu trả lời đầu tiên của cán bộ tới người dân (gõ trong nhóm hoặc viết ở trang này); thời gian tính theo giờ làm việc từ lúc mở</td></tr>
<tr><th scope="row">Đúng hạn</th><td data-figure="sla">${timeline.sla ? slaText[timeline.sla] : '—'}</td><td class="muted">đúng hạn: trả lời đầu tiên trước hạn; trễ: sau hạn, hoặc chưa trả lời mà đã qua hạn</td></tr>
<tr><th scope="row">Đóng phiếu</th><td>${ticket.closedAt ? html`${formatWhen(ticket.closedAt)} · sau ${formatMinutes(timeline.closeMinutes)} làm việc${ticket.closedByStaffId ? ` · ${nameOf(ticket.closedByStaffId)}` : ''}` : '—'}</td><td class="muted">thời gian từ lúc mở đến lúc đóng, giờ làm việc</td></tr>
<tr><th scope="row">Đánh giá</th><td data-figure="rating">${ticket.rating ? `${ticket.rating}/5${ticket.ratedAt ? ` · ${formatWhen(ticket.ratedAt)}` : ''}` : '—'}</td><td class="muted">người dân chấm 1–5 sau khi phiếu đóng; 1–2 là không hài lòng</td></tr>
</tbody></table></section>

<section class="card"><h2>Bot đã thử</h2>
${ticket.botGuesses.length > 0 ? html`<p>Lúc chuyển phiếu bot đã tìm: ${ticket.botGuesses.map((c, i) => html`${i ? '; ' : ''}<a href="/admin/entries/${c.id}">${c.title}</a> <small class="muted">(${score(c.score)})</small>`)}</p>` : html`<p>Lúc chuyển phiếu bot không tìm thấy mục hỏi đáp phù hợp.</p>`}
${
  attempts.length === 0
    ? html`<p class="muted">Không có câu hỏi nào trong nhật ký câu hỏi của cuộc trò chuyện này.</p>`
    : html`<div class="table-wrap"><table class="list compact" id="attempts"><thead><tr><th>Lúc</th><th>Câu hỏi</th><th>Bot quyết định</th><th>Độ tin cậy</th><th>Ứng viên (điểm)</th></tr></thead><tbody>
${attempts.map(
  (a) => html`<tr><td>${formatWhen(a.askedAt)}</td><td>${a.text}${a.via === 'clarify' ? html` <small class="muted">(chọn từ câu hỏi lại)</small>` : ''}</td><td>${DECISION_LABEL[a.decision] ?? a.decision}${a.entryId ? html` · <a href="/admin/entries/${a.entryId}">${a.entryId}</a>` : ''}${a.reason ? html` <small class="muted">${a.reason}</small>` : ''}</td><td class="num">${score(a.confidence)}</td><td>${a.candidates.map((c, i) => html`${i ? ', ' : ''}${c.title} <small class="muted">${score(c.score)}</small>`)}</td></tr>`,
)}</tbody></table></div>
<p class="muted">Độ tin cậy và điểm ứng viên do bộ máy hỏi đáp tính (0–1); bot chỉ trả lời thẳng khi độ tin cậy từ ${score(THRESHOLDS.answer)} trở lên và ứng viên đầu vượt rõ các ứng viên khác (src/faq/faq.thresholds.ts).</p>`
}</section>
</div>

<section class="card"><h2>Cuộc trò chuyện</h2>
<p class="muted">Tin nhắn của người dân, câu trả lời của bot và của cán bộ (như người dân nhận được), từ một ngày trước khi mở phiếu (hoặc từ khi phiếu trước kết thúc) đến phiếu sau của cùng cuộc trò chuyện.</p>
${ticket.conversationId === null ? html`<p>Người dân đã xóa dữ liệu của mình (hoặc đã quá thời hạn lưu): nội dung trò chuyện không còn.</p>` : ''}
<ol class="transcript" id="transcript">${lines.map(
  (l) => html`<li class="bubble from-${l.from}" data-from="${l.from}"><small class="muted"><strong>${FROM_LABEL[l.from]}</strong> · ${formatWhen(l.at)}</small><pre>${l.text || (l.kind === 'text' ? '' : `(${l.kind})`)}</pre></li>`,
)}</ol></section>

<section class="card"><h2>Ghi chú nội bộ</h2>
${notes.length === 0 ? html`<p class="muted">Chưa có ghi chú. Cán bộ ghi chú trong nhóm bằng /ghichu ${ticket.code} nội dung; người dân không thấy.</p>` : html`<ul id="notes">${notes.map((n) => html`<li><strong>${nameOf(n.actorStaffId)}</strong> <small class="muted">${formatWhen(n.createdAt)}</small>: ${n.text ?? ''}</li>`)}</ul>`}
</section>

<section class="card"><h2>Diễn biến phiếu</h2>
<div class="table-wrap"><table class="list compact" id="events"><thead><tr><th>Lúc</th><th>Việc</th><th>Ai</th><th>Nội dung</th></tr></thead><tbody>
${events.map((e) => html`<tr data-type="${e.type}"><td>${formatWhen(e.createdAt)}</td><td>${EVENT_LABEL[e.type] ?? e.type}${viaConsole(e) ? html` <span class="badge review">từ trang quản trị (${viaConsole(e)})</span>` : ''}</td><td>${actor(e, nameOf)}</td><td>${eventDetail(e, nameOf)}</td></tr>`)}
</tbody></table></div></section>

${answerForm({ ticket, csrfToken, answer, draft })}`;
}

function answerForm({ ticket, csrfToken, answer, draft }: { ticket: Ticket; csrfToken: string; answer: { allowed: true; as: string } | { allowed: false; why: string }; draft: string }): Html {
  if (!answer.allowed) return html`<section class="card"><h2>Trả lời người dân</h2><p class="muted" id="answer-disabled">${answer.why}</p></section>`;
  return html`<section class="card"><h2>Trả lời người dân</h2>
<form method="post" action="/admin/tickets/${ticket.code}/answer" id="answer">
  ${csrfField(csrfToken)}
  <div class="field"><label for="answer-text">Câu trả lời (gửi với tư cách ${answer.as}, ký tên trung tâm, như khi gõ trong nhóm trực)</label>
  <textarea id="answer-text" name="text" rows="5" maxlength="3000" required>${draft}</textarea></div>
  <p class="muted">Người dân nhận được đúng như khi cán bộ trả lời trong nhóm trực; nhóm trực thấy một dòng ghi rõ câu trả lời viết từ trang quản trị và của ai. Phiếu chưa ai nhận sẽ được nhận cho anh/chị.</p>
  <button type="submit" class="primary">Gửi câu trả lời</button>
</form></section>`;
}

function viaConsole(e: TicketEventRow): string | null {
  const data = e.data as { via?: unknown; consoleUser?: unknown } | null;
  return data?.via === 'console' && typeof data.consoleUser === 'string' ? data.consoleUser : null;
}

function actor(e: TicketEventRow, nameOf: NameOf): string {
  if (e.actorKind === 'staff') return nameOf(e.actorStaffId);
  return e.actorKind === 'resident' ? 'Người dân' : 'Hệ thống';
}

function eventDetail(e: TicketEventRow, nameOf: NameOf): Html | string {
  const data = (e.data ?? {}) as Record<string, unknown>;
  if (e.type === 'transfer' && typeof data.toStaffId === 'string') return `cho ${nameOf(data.toStaffId)}`;
  if (e.type === 'rating' && data.rating !== undefined) return `${String(data.rating)}/5`;
  return e.text ? clip(e.text, 500) : '';
}

const score = (v: number) => v.toLocaleString('vi-VN', { maximumFractionDigits: 2, minimumFractionDigits: 2 });

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
