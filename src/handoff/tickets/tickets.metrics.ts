/**
 * Dashboard numbers for tickets opened in [from, to): time to claim, to first staff reply and to close
 * (wall-clock seconds, average and median), and the 1–5 rating — per unit and per staff member
 * (the assignee at the time of reading).
 */
import { and, gte, lt, eq, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import { ticketsTable } from './tickets.table.js';

export type TicketMetricsRow = {
  unitId: string;
  /** null in the per-unit rows; in per-staff rows, null means "never claimed". */
  staffId: string | null;
  opened: number;
  claimed: number;
  replied: number;
  closed: number;
  undeliverable: number;
  avgSecondsToClaim: number | null;
  medianSecondsToClaim: number | null;
  avgSecondsToFirstReply: number | null;
  medianSecondsToFirstReply: number | null;
  avgSecondsToClose: number | null;
  medianSecondsToClose: number | null;
  ratingCount: number;
  ratingAverage: number | null;
};

const seconds = (end: SQL | typeof ticketsTable.claimedAt) => sql`extract(epoch from (${end} - ${ticketsTable.openedAt}))`;

const aggregates = {
  opened: sql<number>`count(*)::int`,
  claimed: sql<number>`count(${ticketsTable.claimedAt})::int`,
  replied: sql<number>`count(${ticketsTable.firstStaffReplyAt})::int`,
  closed: sql<number>`count(*) filter (where ${ticketsTable.status} = 'closed')::int`,
  undeliverable: sql<number>`count(*) filter (where ${ticketsTable.status} = 'undeliverable')::int`,
  avgSecondsToClaim: sql<number | null>`avg(${seconds(ticketsTable.claimedAt)})::float8`,
  medianSecondsToClaim: sql<number | null>`percentile_cont(0.5) within group (order by ${seconds(ticketsTable.claimedAt)})`,
  avgSecondsToFirstReply: sql<number | null>`avg(${seconds(ticketsTable.firstStaffReplyAt)})::float8`,
  medianSecondsToFirstReply: sql<number | null>`percentile_cont(0.5) within group (order by ${seconds(ticketsTable.firstStaffReplyAt)})`,
  avgSecondsToClose: sql<number | null>`avg(${seconds(ticketsTable.closedAt)})::float8`,
  medianSecondsToClose: sql<number | null>`percentile_cont(0.5) within group (order by ${seconds(ticketsTable.closedAt)})`,
  ratingCount: sql<number>`count(${ticketsTable.rating})::int`,
  ratingAverage: sql<number | null>`avg(${ticketsTable.rating})::float8`,
};

export async function getTicketMetrics({
  db,
  unitId,
  from,
  to,
}: {
  db: Database;
  unitId?: string;
  from: Date;
  to: Date;
}): Promise<{ units: TicketMetricsRow[]; staff: TicketMetricsRow[] }> {
  const where = and(
    gte(ticketsTable.openedAt, from),
    lt(ticketsTable.openedAt, to),
    unitId ? eq(ticketsTable.unitId, unitId) : undefined,
  );
  const units = await db
    .select({ unitId: ticketsTable.unitId, staffId: sql<null>`null`, ...aggregates })
    .from(ticketsTable)
    .where(where)
    .groupBy(ticketsTable.unitId)
    .orderBy(ticketsTable.unitId);
  const staff = await db
    .select({ unitId: ticketsTable.unitId, staffId: ticketsTable.assigneeStaffId, ...aggregates })
    .from(ticketsTable)
    .where(where)
    .groupBy(ticketsTable.unitId, ticketsTable.assigneeStaffId)
    .orderBy(ticketsTable.unitId, ticketsTable.assigneeStaffId);
  return { units: units.map(normalise), staff: staff.map(normalise) };
}

// Drivers return numeric aggregates as strings or numbers depending on type; the dashboard wants numbers.
function normalise(row: Record<string, unknown>): TicketMetricsRow {
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return {
    unitId: String(row.unitId),
    staffId: (row.staffId as string | null) ?? null,
    opened: Number(row.opened),
    claimed: Number(row.claimed),
    replied: Number(row.replied),
    closed: Number(row.closed),
    undeliverable: Number(row.undeliverable),
    avgSecondsToClaim: num(row.avgSecondsToClaim),
    medianSecondsToClaim: num(row.medianSecondsToClaim),
    avgSecondsToFirstReply: num(row.avgSecondsToFirstReply),
    medianSecondsToFirstReply: num(row.medianSecondsToFirstReply),
    avgSecondsToClose: num(row.avgSecondsToClose),
    medianSecondsToClose: num(row.medianSecondsToClose),
    ratingCount: Number(row.ratingCount),
    ratingAverage: num(row.ratingAverage),
  };
}
