/**
 * Units, staff, staff groups, roster and holidays as stored in the database (the truth at run time;
 * data/ only seeds it, see units.sync.ts). Implements the HandoffUnits port the tickets use, plus
 * what the unit choice and the CLI need.
 */
import { and, asc, eq, isNull, or, sql } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import type { StateProbes } from '../db/state-probe.js';
import { conversationsTable } from '../db/conversations.table.js';
import { unitsTable } from '../db/units.table.js';
import { pickOnDuty, type OnDutySource } from './roster.models.js';
import { createNoUnitsError, createUnitNotFoundError, UnitsError } from './units.errors.js';
import { holidaysTable, rosterShiftsTable, staffGroupsTable, staffMembersTable, unitChoicePromptsTable, unitSettingsTable } from './units.table.js';
import type { RosterShift, StaffChannel, StaffGroup, StaffMember, StaffRole, Unit } from './units.types.js';
import { createWorkingCalendar, DEFAULT_OFFICE_HOURS, DEFAULT_TIMEZONE, type WorkingCalendar } from './calendar.models.js';
import { systemClock, type Clock } from '../shared/clock.js';

/** A unit with its staff groups; `lead` mirrors `leadStaffId` for the HandoffUnits port. */
export type UnitWithGroups = Unit & { staffGroups: StaffGroup[]; lead?: string };

/** Both shapes callers use: the calendar itself, and `{ calendar }` (one object out). */
export type CalendarResult = WorkingCalendar & { calendar: WorkingCalendar };

export type UnitsRepository = ReturnType<typeof createUnitsRepository>;

/** Read with every inbound message (see src/db/state-probe.ts): the resident was asked which centre and has not answered yet. */
export const unitStateProbes = {
  unitChoicePending: (conversationId) => sql`exists (select 1 from ${unitChoicePromptsTable} u where u.conversation_id = ${conversationId})`,
} satisfies StateProbes<'unitChoicePending'>;

const STAFF_ID_FIELD = {
  telegram: 'telegramUserId',
  zalo: 'zaloUserId',
} as const satisfies Record<StaffChannel, keyof StaffMember>;

/** Calendars change only when an admin edits hours or holidays; a short cache saves two queries per SLA check. */
const CALENDAR_TTL_MS = 60_000;

/**
 * Postgres NOTIFY channel for "units, staff groups or staff changed". Every write here and in
 * units.sync.ts notifies it (inside the writing transaction, so it fires on commit); pipeline.assembly.ts listens
 * and drops the cache, so an edit from the CLI or another bot process is seen at once.
 */
export const UNITS_CHANGED_CHANNEL = 'mot_cua_units_changed';

/**
 * Safety net only: a process re-reads units at least this often even if a notification was lost
 * (postgres.js also re-reads when its LISTEN connection comes back).
 */
const UNITS_CACHE_TTL_MS = 60_000;

/** Everything that rarely changes and is read on every message: units with their groups, and all staff. */
type UnitsSnapshot = {
  units: UnitWithGroups[];
  byId: Map<string, UnitWithGroups>;
  groupByRef: Map<string, { unit: UnitWithGroups; group: StaffGroup }>;
  /** Every staff member, active or not, ordered by role then name (the database's collation). */
  staff: StaffMember[];
};

/** Tells other processes (and this one's listener) that units or staff changed. */
export async function notifyUnitsChanged(db: Pick<Database, 'execute'>): Promise<void> {
  await db.execute(sql`select pg_notify(${UNITS_CHANGED_CHANNEL}, '')`);
}

export function createUnitsRepository({ db, clock = systemClock }: { db: Database; clock?: Clock }) {
  const calendarCache = new Map<string, { calendar: CalendarResult; expiresAt: number }>();
  let cache: { snapshot: Promise<UnitsSnapshot>; expiresAt: number } | undefined;

  /** The cached snapshot; concurrent callers share one load. A failed load is not kept. */
  function snapshot(): Promise<UnitsSnapshot> {
    const now = clock.now().getTime();
    if (cache && cache.expiresAt > now) return cache.snapshot;
    const entry = { snapshot: loadSnapshot(), expiresAt: now + UNITS_CACHE_TTL_MS };
    cache = entry;
    entry.snapshot.catch(() => {
      if (cache === entry) cache = undefined;
    });
    return entry.snapshot;
  }

  /** Drops cached units, staff and calendars: the next read goes to the database. */
  function invalidate(): void {
    cache = undefined;
    calendarCache.clear();
  }

  /** After a write: this process forgets at once, the others when the notification arrives. */
  async function changed(): Promise<void> {
    invalidate();
    await notifyUnitsChanged(db);
  }

  async function loadSnapshot(): Promise<UnitsSnapshot> {
    const [units, staffRows] = await Promise.all([
      loadUnits(),
      db.select().from(staffMembersTable).orderBy(asc(staffMembersTable.role), asc(staffMembersTable.name)),
    ]);
    const groupByRef = new Map<string, { unit: UnitWithGroups; group: StaffGroup }>();
    for (const unit of units) for (const group of unit.staffGroups) groupByRef.set(group.conversationRef, { unit, group });
    return { units, byId: new Map(units.map((u) => [u.id, u])), groupByRef, staff: staffRows.map(toStaffMember) };
  }

  async function loadUnits(): Promise<UnitWithGroups[]> {
    const [rows, groups] = await Promise.all([
      db
        .select({ unit: unitsTable, settings: unitSettingsTable })
        .from(unitsTable)
        .leftJoin(unitSettingsTable, eq(unitSettingsTable.unitId, unitsTable.id))
        .orderBy(asc(unitSettingsTable.position), asc(unitsTable.createdAt), asc(unitsTable.id)),
      db.select().from(staffGroupsTable).orderBy(asc(staffGroupsTable.id)),
    ]);
    return rows.map(({ unit, settings }) => {
      const leadStaffId = settings?.leadStaffId ?? null;
      const info: Record<string, string> = {};
      for (const [k, v] of Object.entries(unit.info ?? {})) if (typeof v === 'string') info[k] = v;
      return {
        id: unit.id,
        name: unit.name,
        shortName: settings?.shortName ?? unit.name,
        info,
        timezone: settings?.timezone ?? DEFAULT_TIMEZONE,
        officeHours: settings?.officeHours ?? DEFAULT_OFFICE_HOURS,
        slaMinutes: settings?.slaMinutes ?? 120,
        ticketPolicy: settings?.ticketPolicy ?? 'ask_first',
        leadStaffId,
        ...(leadStaffId ? { lead: leadStaffId } : {}),
        staffGroups: groups.filter((g) => g.unitId === unit.id).map(toStaffGroup),
      };
    });
  }

  /** Every unit, default (first) unit first. */
  async function listUnits(): Promise<{ units: UnitWithGroups[] }> {
    return { units: (await snapshot()).units };
  }

  async function findUnit({ unitId }: { unitId: string }): Promise<{ unit: UnitWithGroups } | undefined> {
    const unit = (await snapshot()).byId.get(unitId);
    return unit ? { unit } : undefined;
  }

  async function getUnit({ unitId }: { unitId: string }): Promise<{ unit: UnitWithGroups }> {
    const found = await findUnit({ unitId });
    if (!found) throw createUnitNotFoundError({ unitId });
    return found;
  }

  /** The default unit: the first one. Throws when none is configured (the fix is in the message). */
  async function getDefaultUnit(): Promise<{ unit: UnitWithGroups }> {
    const { units } = await listUnits();
    if (!units[0]) throw createNoUnitsError();
    return { unit: units[0] };
  }

  /** Which unit a staff group belongs to; undefined for any other conversation. */
  async function findStaffGroup({ conversationRef }: { conversationRef: string }): Promise<{ unit: UnitWithGroups; group: StaffGroup } | undefined> {
    return (await snapshot()).groupByRef.get(conversationRef);
  }

  /**
   * An active staff member by their platform account. With `unitId`, only that unit's staff count
   * (a staff group acts for its own unit); without, the first match across units.
   * Channels with no staff identity (web…) never match.
   */
  async function findStaffMember({
    unitId,
    channel,
    externalUserId,
  }: {
    unitId?: string;
    channel: string;
    externalUserId: string;
  }): Promise<{ staff: StaffMember | undefined }> {
    if (!Object.hasOwn(STAFF_ID_FIELD, channel)) return { staff: undefined };
    const idField = STAFF_ID_FIELD[channel as StaffChannel];
    let found: StaffMember | undefined;
    for (const s of (await snapshot()).staff) {
      if (!s.active || s[idField] !== externalUserId || (unitId && s.unitId !== unitId)) continue;
      // The first match by unit id, as the database ordered it before the cache.
      if (!found || s.unitId < found.unitId) found = s;
    }
    return { staff: found };
  }

  async function findStaffById({ staffId }: { staffId: string }): Promise<{ staff: StaffMember | undefined }> {
    return { staff: (await snapshot()).staff.find((s) => s.id === staffId) };
  }

  /** Active staff of a unit (the lead first), or everyone with includeInactive. */
  async function listStaff({ unitId, includeInactive = false }: { unitId: string; includeInactive?: boolean }): Promise<{ staff: StaffMember[] }> {
    return { staff: (await snapshot()).staff.filter((s) => s.unitId === unitId && (includeInactive || s.active)) };
  }

  /**
   * Staff on duty at `at` from the roster (date entries first, then weekday entries, time windows
   * respected); falls back to the lead when nobody active is rostered. `source` says which applied.
   */
  async function listOnDuty({ unitId, at }: { unitId: string; at: Date }): Promise<{ staff: StaffMember[]; source: OnDutySource }> {
    const { unit } = await getUnit({ unitId });
    const calendar = await getCalendar({ unitId });
    const [{ staff }, shiftRows] = await Promise.all([
      listStaff({ unitId }),
      db.select().from(rosterShiftsTable).where(eq(rosterShiftsTable.unitId, unitId)).orderBy(asc(rosterShiftsTable.id)),
    ]);
    const byId = new Map(staff.map((s) => [s.id, s]));
    const shifts = shiftRows.map((r) => ({
      unitId: r.unitId,
      weekday: r.weekday,
      date: r.date,
      from: r.startTime,
      to: r.endTime,
      staffIds: r.staffIds.filter((id) => byId.has(id)),
    }));
    const lead = unit.leadStaffId && byId.has(unit.leadStaffId) ? unit.leadStaffId : (staff.find((s) => s.role === 'lead')?.id ?? null);
    const { staffIds, source } = pickOnDuty({ shifts, day: calendar.describeLocalDay({ at }), leadStaffId: lead });
    return { staff: staffIds.map((id) => byId.get(id)!), source };
  }

  /** The unit's working calendar (office hours, national + local holidays, make-up days); cached for a minute. */
  async function getCalendar({ unitId }: { unitId: string }): Promise<CalendarResult> {
    const cached = calendarCache.get(unitId);
    if (cached && cached.expiresAt > clock.now().getTime()) return cached.calendar;
    const { unit } = await getUnit({ unitId });
    const days = await db
      .select({ date: holidaysTable.date, kind: holidaysTable.kind })
      .from(holidaysTable)
      .where(or(isNull(holidaysTable.unitId), eq(holidaysTable.unitId, unitId)));
    const base = createWorkingCalendar({
      officeHours: unit.officeHours,
      timezone: unit.timezone,
      holidays: days.filter((d) => d.kind === 'holiday').map((d) => d.date),
      makeUpDays: days.filter((d) => d.kind === 'make_up').map((d) => d.date),
    });
    const calendar: CalendarResult = { ...base, calendar: base };
    calendarCache.set(unitId, { calendar, expiresAt: clock.now().getTime() + CALENDAR_TTL_MS });
    return calendar;
  }

  /** Forget cached calendars (after the CLI changed hours or holidays). */
  function invalidateCalendars(): void {
    calendarCache.clear();
  }

  /** The unit the resident chose; when they have not chosen, the default unit with `chosen: false`. */
  async function getResidentUnit({ conversationId }: { conversationId: number }): Promise<{ unit: UnitWithGroups; unitId: string; chosen: boolean }> {
    const [row] = await db.select({ unitId: conversationsTable.unitId }).from(conversationsTable).where(eq(conversationsTable.id, conversationId));
    if (row?.unitId) {
      const found = await findUnit({ unitId: row.unitId });
      if (found) return { unit: found.unit, unitId: found.unit.id, chosen: true };
    }
    const { unit } = await getDefaultUnit();
    return { unit, unitId: unit.id, chosen: false };
  }

  /** Only the stored choice (no default): undefined when the resident has not chosen. */
  async function findResidentUnitId({ conversationId }: { conversationId: number }): Promise<{ unitId: string | undefined }> {
    const [row] = await db.select({ unitId: conversationsTable.unitId }).from(conversationsTable).where(eq(conversationsTable.id, conversationId));
    return { unitId: row?.unitId ?? undefined };
  }

  async function setResidentUnit({ conversationId, unitId }: { conversationId: number; unitId: string | null }): Promise<void> {
    if (unitId !== null) await getUnit({ unitId });
    await db.update(conversationsTable).set({ unitId }).where(eq(conversationsTable.id, conversationId));
  }

  /** Adds or updates a staff member (CLI `staff add`). The unit must exist. */
  async function upsertStaffMember(input: {
    id: string;
    unitId: string;
    name: string;
    role?: StaffRole;
    telegramUserId?: string | null;
    zaloUserId?: string | null;
    active?: boolean;
  }): Promise<{ staff: StaffMember }> {
    await getUnit({ unitId: input.unitId });
    if (!input.telegramUserId && !input.zaloUserId) {
      throw new UnitsError('handoff.invalid_staff', `Staff member "${input.name}" needs a Telegram user id or a Zalo uid, or the bot cannot recognise them.`);
    }
    const values = {
      id: input.id,
      unitId: input.unitId,
      name: input.name,
      role: input.role ?? 'staff',
      telegramUserId: input.telegramUserId ?? null,
      zaloUserId: input.zaloUserId ?? null,
      active: input.active ?? true,
    };
    const [row] = await db
      .insert(staffMembersTable)
      .values(values)
      .onConflictDoUpdate({ target: staffMembersTable.id, set: { ...values, updatedAt: new Date() } })
      .returning();
    if (values.role === 'lead') {
      await db.update(unitSettingsTable).set({ leadStaffId: values.id, updatedAt: new Date() }).where(and(eq(unitSettingsTable.unitId, values.unitId), isNull(unitSettingsTable.leadStaffId)));
    }
    await changed();
    return { staff: toStaffMember(row!) };
  }

  /** Deactivated staff keep their history (tickets name them) but can no longer act or be rostered. */
  async function setStaffActive({ staffId, active }: { staffId: string; active: boolean }): Promise<{ staff: StaffMember }> {
    const [row] = await db.update(staffMembersTable).set({ active, updatedAt: new Date() }).where(eq(staffMembersTable.id, staffId)).returning();
    if (!row) throw new UnitsError('handoff.staff_not_found', `Staff member "${staffId}" does not exist: check the id with \`npm run cli -- staff list\`.`);
    await changed();
    return { staff: toStaffMember(row) };
  }

  /** The open "which unit?" question of a conversation, if any. */
  async function findUnitChoicePrompt({ conversationId }: { conversationId: number }) {
    const [row] = await db.select().from(unitChoicePromptsTable).where(eq(unitChoicePromptsTable.conversationId, conversationId));
    return row ? { pendingText: row.pendingText, attempts: row.attempts, askedAt: row.askedAt } : undefined;
  }

  async function saveUnitChoicePrompt({ conversationId, pendingText, attempts }: { conversationId: number; pendingText: string | null; attempts: number }) {
    const values = { conversationId, pendingText, attempts, askedAt: clock.now() };
    await db.insert(unitChoicePromptsTable).values(values).onConflictDoUpdate({ target: unitChoicePromptsTable.conversationId, set: values });
  }

  async function deleteUnitChoicePrompt({ conversationId }: { conversationId: number }) {
    await db.delete(unitChoicePromptsTable).where(eq(unitChoicePromptsTable.conversationId, conversationId));
  }

  async function listHolidays({ unitId }: { unitId?: string } = {}) {
    const rows = await db
      .select()
      .from(holidaysTable)
      .where(unitId ? or(isNull(holidaysTable.unitId), eq(holidaysTable.unitId, unitId)) : undefined)
      .orderBy(asc(holidaysTable.date));
    return { holidays: rows.map((r) => ({ date: r.date, kind: r.kind, name: r.name, unitId: r.unitId })) };
  }

  /** A unit's duty roster as stored, in order (the console's settings page). */
  async function listRoster({ unitId }: { unitId: string }): Promise<{ roster: RosterShift[] }> {
    const rows = await db.select().from(rosterShiftsTable).where(eq(rosterShiftsTable.unitId, unitId)).orderBy(asc(rosterShiftsTable.id));
    return { roster: rows.map((r) => ({ unitId: r.unitId, weekday: r.weekday, date: r.date, from: r.startTime, to: r.endTime, staffIds: r.staffIds })) };
  }

  return {
    /** For main.ts: LISTEN on this and call `invalidate` on each notification. */
    changeChannel: UNITS_CHANGED_CHANNEL,
    invalidate,
    listRoster,
    listUnits,
    findUnit,
    getUnit,
    getDefaultUnit,
    findStaffGroup,
    findStaffMember,
    findStaffById,
    listStaff,
    listOnDuty,
    getCalendar,
    invalidateCalendars,
    getResidentUnit,
    findResidentUnitId,
    setResidentUnit,
    upsertStaffMember,
    setStaffActive,
    findUnitChoicePrompt,
    saveUnitChoicePrompt,
    deleteUnitChoicePrompt,
    listHolidays,
  };
}

function toStaffGroup(row: typeof staffGroupsTable.$inferSelect): StaffGroup {
  return { id: row.id, unitId: row.unitId, conversationRef: row.conversationRef, forum: row.forum };
}

function toStaffMember(row: typeof staffMembersTable.$inferSelect): StaffMember {
  return {
    id: row.id,
    unitId: row.unitId,
    name: row.name,
    role: row.role,
    telegramUserId: row.telegramUserId,
    zaloUserId: row.zaloUserId,
    active: row.active,
  };
}
