/**
 * Phiếu at /admin/tickets: the filtered list, a ticket's page, and answering from it. Province admins
 * see every unit; unit admins and staff accounts their own unit (another unit's ticket is "not found").
 * Only an account linked to an active staff member of the ticket's unit may answer; the answer goes
 * through the bot's handoff exactly as if it were typed in the staff group (Handoff.answerFromConsole).
 */
import type { Express, Response } from 'express';
import type { AdminAccount } from '../admin/admin.repository.js';
import { CONSOLE_ANSWER_MAX, type ConsoleAnswerResult, type Ticket } from '../handoff/index.js';
import { createUnitsRepository } from '../units/index.js';
import { requireRole, type ConsoleRequest } from './console.auth.js';
import type { ConsoleDeps } from './console.deps.js';
import { sendPage } from './console.page.js';
import { ticketFilterOf, ticketQueryOf, ticketQueryString, type TicketListQuery } from './tickets.filter.js';
import { ticketListPage, ticketPage, type NameOf, type TicketTimeline } from './tickets.views.js';

const PAGE_SIZE = 50;
const CODE = /^HS-\d{4,9}$/;

type AnswerPermission = { allowed: true; as: string } | { allowed: false; why: string };

export function registerTicketRoutes({ app, deps }: { app: Express; deps: ConsoleDeps }) {
  const anyone = requireRole('province', 'unit', 'staff');
  // A fresh units repository per request: its cache would otherwise miss edits made by other processes.
  const staffNames = async (unitIds: Iterable<string>) => {
    const units = createUnitsRepository({ db: deps.db });
    const names = new Map<string, string>();
    for (const unitId of new Set(unitIds)) for (const s of (await units.listStaff({ unitId, includeInactive: true })).staff) names.set(`${unitId}/${s.id}`, s.name);
    return names;
  };

  app.get('/admin/tickets', anyone, async (req: ConsoleRequest, res) => {
    const account = req.session!.account;
    const query = ticketQueryOf({ query: req.query as Record<string, unknown>, account });
    const now = deps.now();
    const { tickets, total } = await deps.tickets.listTickets({ filter: ticketFilterOf(query), now, limit: PAGE_SIZE, offset: query.page * PAGE_SIZE });
    const names = await staffNames([...tickets.map((t) => t.unitId), ...(query.unitId ? [query.unitId] : [])]);
    const nameOf: NameOf = (id, unitId) => (id ? (names.get(`${unitId ?? query.unitId}/${id}`) ?? id) : '');
    const staff = query.unitId ? [...names].filter(([key]) => key.startsWith(`${query.unitId}/`)).map(([key, name]) => ({ id: key.slice(query.unitId!.length + 1), name })) : null;
    const linkFor = (change: Partial<TicketListQuery>) => {
      const qs = ticketQueryString({ ...query, page: 0, ...change }, account);
      return `/admin/tickets${qs ? `?${qs}` : ''}`;
    };
    sendPage(req, res, { title: 'Phiếu', active: 'tickets', body: ticketListPage({ tickets, total, query, linkFor, account, staff, nameOf, now, pageSize: PAGE_SIZE }) });
  });

  /** The ticket of the URL if this account may see it. */
  const visibleTicket = async (req: ConsoleRequest): Promise<Ticket | undefined> => {
    const code = String(req.params.code ?? '').toUpperCase();
    if (!CODE.test(code)) return undefined;
    const { ticket } = await deps.tickets.findTicketByCode({ code });
    const account = req.session!.account;
    if (!ticket || (account.role !== 'province' && ticket.unitId !== account.unitId)) return undefined;
    return ticket;
  };
  const notFound = (res: Response) => res.status(404).type('text/plain').send('Không có phiếu này (hoặc phiếu thuộc đơn vị khác).');

  const permission = async (account: AdminAccount, ticket: Ticket): Promise<AnswerPermission> => {
    if (!deps.handoff) return { allowed: false, why: 'Trang quản trị này không chạy cùng bot nên không gửi được tin; hãy trả lời trong nhóm trực.' };
    if (!account.staffId || account.unitId !== ticket.unitId) {
      return { allowed: false, why: 'Chỉ cán bộ trực của đơn vị trả lời được từ đây. Tài khoản của anh/chị chưa gắn với cán bộ nào của đơn vị này nên chỉ xem được phiếu (quản trị tỉnh tạo tài khoản cán bộ bằng: npm run cli -- admin add <tên> --role staff --unit <mã đơn vị> --staff <mã cán bộ>).' };
    }
    if (ticket.status === 'closed') return { allowed: false, why: `Phiếu đã đóng. Muốn trả lời thêm, mở lại phiếu trong nhóm trực (/mo ${ticket.code}).` };
    if (ticket.status === 'undeliverable') return { allowed: false, why: 'Người dân đang không nhận được tin của bot (đã chặn hoặc rời cuộc trò chuyện); phiếu tự mở lại khi họ nhắn lại.' };
    const { staff } = await createUnitsRepository({ db: deps.db }).listStaff({ unitId: ticket.unitId });
    const member = staff.find((s) => s.id === account.staffId);
    if (!member) return { allowed: false, why: `Cán bộ "${account.staffId}" gắn với tài khoản này không còn trong danh sách cán bộ của đơn vị.` };
    return { allowed: true, as: member.name };
  };

  const renderTicket = async (req: ConsoleRequest, res: Response, ticket: Ticket, extra: { flash?: { kind: 'ok' | 'error'; text: string }; draft?: string } = {}) => {
    const account = req.session!.account;
    const now = deps.now();
    const [{ lines, from, to }, { events }, names, calendar] = await Promise.all([
      deps.tickets.transcript({ ticket }),
      deps.tickets.listEvents({ ticketId: ticket.id }),
      staffNames([ticket.unitId]),
      deps.calendarOf({ unitId: ticket.unitId }).catch(() => null),
    ]);
    const { rows: attempts } = ticket.conversationId === null ? { rows: [] } : await deps.queryLog.listForConversation({ conversationId: ticket.conversationId, from, to });
    const minutes = (end: Date | null) => (end ? (calendar ? calendar.workingMinutesBetween({ from: ticket.openedAt, to: end }) : (end.getTime() - ticket.openedAt.getTime()) / 60_000) : null);
    const waiting = ticket.firstStaffReplyAt === null && ticket.status !== 'closed';
    const timeline: TicketTimeline = {
      firstResponseMinutes: minutes(ticket.firstStaffReplyAt),
      closeMinutes: minutes(ticket.closedAt),
      waitingMinutes: waiting ? minutes(now) : null,
      // The dashboard's SLA definition (src/reports/reports.models.ts slaOf).
      sla: !ticket.slaDueAt ? null : ticket.firstStaffReplyAt ? (ticket.firstStaffReplyAt <= ticket.slaDueAt ? 'met' : 'missed') : ticket.slaDueAt <= now ? 'missed' : 'pending',
    };
    const nameOf: NameOf = (id) => (id ? (names.get(`${ticket.unitId}/${id}`) ?? id) : 'Hệ thống');
    sendPage(req, res, {
      title: `Phiếu ${ticket.code}`,
      active: 'tickets',
      flash: extra.flash,
      body: ticketPage({ ticket, timeline, lines, attempts, events, nameOf, csrfToken: req.session!.csrfToken, answer: await permission(account, ticket), draft: extra.draft ?? '', now }),
    });
  };

  app.get('/admin/tickets/:code', anyone, async (req: ConsoleRequest, res) => {
    const ticket = await visibleTicket(req);
    if (!ticket) return notFound(res);
    await renderTicket(req, res, ticket, req.query.ok === 'answered' ? { flash: { kind: 'ok', text: 'Đã gửi câu trả lời cho người dân (qua hàng đợi gửi tin của bot); nhóm trực đã được báo.' } } : {});
  });

  app.post('/admin/tickets/:code/answer', anyone, async (req: ConsoleRequest, res) => {
    const ticket = await visibleTicket(req);
    if (!ticket) return notFound(res);
    const account = req.session!.account;
    const text = String((req.body as Record<string, unknown>).text ?? '').slice(0, CONSOLE_ANSWER_MAX + 1);
    const allowed = await permission(account, ticket);
    if (!allowed.allowed) {
      res.status(403);
      return renderTicket(req, res, ticket, { flash: { kind: 'error', text: allowed.why }, draft: text });
    }
    const result = await deps.handoff!.answerFromConsole({ ticketId: ticket.id, staffId: account.staffId!, username: account.username, text });
    if (!result.ok) {
      res.status(result.reason === 'empty' || result.reason === 'too_long' ? 400 : 409);
      const { ticket: fresh } = await deps.tickets.findTicketByCode({ code: ticket.code });
      return renderTicket(req, res, fresh ?? ticket, { flash: { kind: 'error', text: refusalText(result, ticket.code) }, draft: text });
    }
    await deps.audit.record({ actor: account.username, action: 'ticket.answer', target: ticket.code, after: { staffId: account.staffId, claimed: result.claimed, characters: text.trim().length } });
    res.redirect(303, `/admin/tickets/${ticket.code}?ok=answered`);
  });
}

function refusalText(result: Extract<ConsoleAnswerResult, { ok: false }>, code: string): string {
  switch (result.reason) {
    case 'empty':
      return 'Câu trả lời đang trống: anh/chị nhập nội dung cần gửi người dân.';
    case 'too_long':
      return `Câu trả lời dài quá ${result.max.toLocaleString('vi-VN')} ký tự; anh/chị rút gọn hoặc chia làm hai lần gửi.`;
    case 'erased':
      return `Người dân của phiếu ${code} đã xóa dữ liệu của mình; không gửi được tin nào cho họ nữa.`;
    case 'invalid_state':
      return result.status === 'closed' ? `Phiếu ${code} vừa được đóng. Muốn trả lời thêm, mở lại phiếu trong nhóm trực (/mo ${code}).` : `Phiếu ${code} đang ở trạng thái không trả lời được (người dân không nhận được tin).`;
    case 'not_staff':
      return 'Tài khoản này không gắn với cán bộ đang làm việc của đơn vị; không gửi được.';
    case 'not_found':
      return `Không còn phiếu ${code}.`;
  }
}
