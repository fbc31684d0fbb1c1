/**
 * The ticket list's filters from the query string, and back (links keep every other filter).
 * A unit admin or staff account always sees their own unit; a province admin picks one or sees all.
 * The period is optional here (unlike the reports): open tickets matter whenever they were opened.
 */
import type { AdminAccount } from '../admin/admin.repository.js';
import { TICKET_SLA_OUTCOMES, TICKET_STATUSES, type TicketListFilter, type TicketSlaOutcome, type TicketStatus } from '../handoff/index.js';
import { vnDayStart } from './console.scope.js';

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;
const ID = /^[a-z0-9][a-z0-9._-]{0,79}$/;

export type TicketListQuery = {
  status: TicketStatus | null;
  overdue: boolean;
  unitId: string | null;
  /** A staff id, or 'none' (nobody holds it). */
  staff: string | null;
  fromDay: string | null;
  toDay: string | null;
  sla: TicketSlaOutcome | null;
  rating: number | null;
  rated: boolean;
  replied: boolean;
  page: number;
};

export function ticketQueryOf({ query, account }: { query: Record<string, unknown>; account: AdminAccount }): TicketListQuery {
  const text = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
  const day = (v: unknown) => (DAY.test(text(v)) && !Number.isNaN(Date.parse(text(v))) ? text(v) : null);
  const status = TICKET_STATUSES.find((s) => s === query.status) ?? null;
  const staff = text(query.staff);
  const rating = Number(query.rating);
  let fromDay = day(query.from);
  let toDay = day(query.to);
  if (fromDay && toDay && fromDay > toDay) [fromDay, toDay] = [toDay, fromDay];
  const unit = text(query.unit);
  return {
    status,
    overdue: query.overdue === '1' || query.overdue === 'true',
    unitId: account.role === 'province' ? (/^[a-z0-9-]{1,60}$/.test(unit) ? unit : null) : account.unitId,
    staff: staff === 'none' || ID.test(staff) ? staff : null,
    fromDay,
    toDay,
    sla: TICKET_SLA_OUTCOMES.find((s) => s === query.sla) ?? null,
    rating: Number.isInteger(rating) && rating >= 1 && rating <= 5 ? rating : null,
    rated: query.rated === '1',
    replied: query.replied === '1',
    page: Math.min(10_000, Math.max(0, Math.floor(Number(query.page)) || 0)),
  };
}

/** The repository's filter: days are Asia/Ho_Chi_Minh calendar days, `to` included. */
export function ticketFilterOf(q: TicketListQuery): TicketListFilter {
  return {
    unitId: q.unitId,
    ...(q.status ? { statuses: [q.status] } : {}),
    ...(q.overdue ? { overdue: true } : {}),
    ...(q.staff ? { assigneeStaffId: q.staff } : {}),
    ...(q.fromDay ? { openedFrom: vnDayStart(q.fromDay) } : {}),
    ...(q.toDay ? { openedTo: new Date(vnDayStart(q.toDay).getTime() + DAY_MS) } : {}),
    ...(q.sla ? { sla: q.sla } : {}),
    ...(q.rating ? { rating: q.rating } : {}),
    ...(q.rated ? { rated: true } : {}),
    ...(q.replied ? { replied: true } : {}),
  };
}

/** The query string of a list, for links (empty values left out). */
export function ticketQueryString(q: TicketListQuery, account: AdminAccount): string {
  const params = new URLSearchParams();
  if (q.status) params.set('status', q.status);
  if (q.overdue) params.set('overdue', '1');
  if (account.role === 'province' && q.unitId) params.set('unit', q.unitId);
  if (q.staff) params.set('staff', q.staff);
  if (q.fromDay) params.set('from', q.fromDay);
  if (q.toDay) params.set('to', q.toDay);
  if (q.sla) params.set('sla', q.sla);
  if (q.rating) params.set('rating', String(q.rating));
  if (q.rated) params.set('rated', '1');
  if (q.replied) params.set('replied', '1');
  if (q.page > 0) params.set('page', String(q.page));
  return params.toString();
}
