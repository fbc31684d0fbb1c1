/**
 * The period and unit a report or the inbox covers, from the query string and the account:
 * `from`/`to` are calendar days in Asia/Ho_Chi_Minh (UTC+7, no daylight saving), `to` included;
 * the default is the last 30 days. A unit admin always sees their own unit only; a province admin
 * picks one (`unit`) or sees all.
 */
import type { AdminAccount } from '../admin/admin.repository.js';

export const VN_OFFSET_MS = 7 * 3_600_000;
const DAY_MS = 86_400_000;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** "2026-11-30" for the Vietnamese calendar day `at` falls on. */
export const vnDay = (at: Date) => new Date(at.getTime() + VN_OFFSET_MS).toISOString().slice(0, 10);
/** The instant a Vietnamese calendar day starts. */
export const vnDayStart = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) - VN_OFFSET_MS);

export type ConsoleScope = { from: Date; to: Date; fromDay: string; toDay: string; unitId: string | null };

export function scopeOf({ query, account, now }: { query: Record<string, unknown>; account: AdminAccount; now: Date }): ConsoleScope {
  const today = vnDay(now);
  const text = (v: unknown) => (typeof v === 'string' && DAY.test(v) && !Number.isNaN(Date.parse(v)) ? v : null);
  let toDay = text(query.to) ?? today;
  let fromDay = text(query.from) ?? vnDay(new Date(vnDayStart(toDay).getTime() - 29 * DAY_MS));
  if (fromDay > toDay) [fromDay, toDay] = [toDay, fromDay];
  // At most two years per request: bounded work whatever is asked.
  const earliest = vnDay(new Date(vnDayStart(toDay).getTime() - 730 * DAY_MS));
  if (fromDay < earliest) fromDay = earliest;
  const unitId = account.role === 'province' ? (typeof query.unit === 'string' && /^[a-z0-9-]{1,60}$/.test(query.unit) ? query.unit : null) : account.unitId;
  return { from: vnDayStart(fromDay), to: new Date(vnDayStart(toDay).getTime() + DAY_MS), fromDay, toDay, unitId };
}

/** The same scope as query-string fields (for links and forms). */
export const scopeQuery = (scope: ConsoleScope, account: AdminAccount) =>
  new URLSearchParams({ from: scope.fromDay, to: scope.toDay, ...(account.role === 'province' && scope.unitId ? { unit: scope.unitId } : {}) }).toString();
