/**
 * data/ → database, at start-up and from `units import`.
 *
 * How data/ and the database relate: the database is the truth at run time (the CLI's `staff add`/`staff remove` edit it).
 * data/units.yaml SEEDS a unit the first time it is seen (no unit_settings.seeded_at yet); later
 * starts leave that unit alone, so edits made in the database survive restarts. `force` re-imports every unit in
 * the file: its settings, staff, staff groups, roster and local holidays are replaced by the file's
 * (staff added only in the database are removed). Units in the database but not in the file are
 * never deleted. National holidays (data/holidays/<year>.yaml) are imported for a year when the
 * database has none for that year yet, or always with `force`.
 */
import { and, eq, gte, inArray, isNull, lte } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { unitsTable } from '../db/units.table.js';
import { loadUnitsData } from './units.loader.js';
import type { UnitData } from './units.schema.js';
import { notifyUnitsChanged } from './units.repository.js';
import { holidaysTable, rosterShiftsTable, staffGroupsTable, staffMembersTable, unitSettingsTable } from './units.table.js';

export type SyncUnitsResult = {
  /** Units imported now for the first time. */
  created: string[];
  /** Units overwritten from the file (force). */
  replaced: string[];
  /** Units already in the database and left as they are. */
  skipped: string[];
  /** Years whose national holidays were imported now. */
  holidayYears: number[];
};

export async function syncUnitsFromData({
  db,
  dataDir,
  force = false,
  now = new Date(),
}: {
  db: Database;
  dataDir: string;
  force?: boolean;
  now?: Date;
}): Promise<SyncUnitsResult> {
  const data = loadUnitsData({ dataDir });
  const result: SyncUnitsResult = { created: [], replaced: [], skipped: [], holidayYears: [] };

  await db.transaction(async (tx) => {
    for (const [position, unit] of data.units.entries()) {
      const [existing] = await tx.select({ seededAt: unitSettingsTable.seededAt }).from(unitSettingsTable).where(eq(unitSettingsTable.unitId, unit.id));
      const seeded = Boolean(existing?.seededAt);
      if (seeded && !force) {
        result.skipped.push(unit.id);
        continue;
      }
      (seeded ? result.replaced : result.created).push(unit.id);

      await writeUnit(tx, { unit, position, now });
    }

    for (const year of data.holidayYears) {
      const inYear = and(isNull(holidaysTable.unitId), gte(holidaysTable.date, `${year.year}-01-01`), lte(holidaysTable.date, `${year.year}-12-31`));
      const [present] = await tx.select({ id: holidaysTable.id }).from(holidaysTable).where(inYear).limit(1);
      if (present && !force) continue;
      await tx.delete(holidaysTable).where(inYear);
      const rows = [
        ...year.holidays.map((h) => ({ unitId: null, date: h.date, kind: 'holiday' as const, name: h.name })),
        ...year.makeUpDays.map((h) => ({ unitId: null, date: h.date, kind: 'make_up' as const, name: h.name })),
      ];
      if (rows.length > 0) await tx.insert(holidaysTable).values(rows);
      result.holidayYears.push(year.year);
    }
    // Running bots cache units and staff: tell them (delivered when this transaction commits).
    if (result.created.length + result.replaced.length + result.holidayYears.length > 0) await notifyUnitsChanged(tx);
  });
  return result;
}

type Tx = Parameters<Parameters<Database['transaction']>[0]>[0];

/**
 * One unit as a whole (facts, settings, staff, groups, roster, local days off) replaces what the
 * database has for it, in the caller's transaction. Staff missing from `unit` are deleted (their
 * tickets keep their names); a group ref another unit had moves to this one.
 */
async function writeUnit(tx: Tx, { unit, position, now }: { unit: UnitData; position: number; now: Date }): Promise<void> {
    // The units row may already exist without settings (created by the FAQ side or by hand): keep its id, refresh facts.
    await tx
      .insert(unitsTable)
      .values({ id: unit.id, name: unit.name, info: unit.info })
      .onConflictDoUpdate({ target: unitsTable.id, set: { name: unit.name, info: unit.info, updatedAt: now } });
    const settings = {
      unitId: unit.id,
      shortName: unit.shortName,
      position,
      timezone: unit.timezone,
      officeHours: unit.officeHours,
      slaMinutes: unit.slaMinutes,
      ticketPolicy: unit.ticketPolicy,
      leadStaffId: unit.leadStaffId,
      seededAt: now,
      updatedAt: now,
    };
    await tx.insert(unitSettingsTable).values(settings).onConflictDoUpdate({ target: unitSettingsTable.unitId, set: settings });

    await tx.delete(rosterShiftsTable).where(eq(rosterShiftsTable.unitId, unit.id));
    await tx.delete(staffGroupsTable).where(eq(staffGroupsTable.unitId, unit.id));
    await tx.delete(holidaysTable).where(eq(holidaysTable.unitId, unit.id));
    const keepIds = unit.staff.map((s) => s.id);
    const staleStaff = await tx.select({ id: staffMembersTable.id }).from(staffMembersTable).where(eq(staffMembersTable.unitId, unit.id));
    const toDelete = staleStaff.map((s) => s.id).filter((id) => !keepIds.includes(id));
    if (toDelete.length > 0) await tx.delete(staffMembersTable).where(inArray(staffMembersTable.id, toDelete));

    for (const s of unit.staff) {
      const values = { ...s, unitId: unit.id, updatedAt: now };
      await tx.insert(staffMembersTable).values(values).onConflictDoUpdate({ target: staffMembersTable.id, set: values });
    }
    for (const g of unit.staffGroups) {
      // A group ref is unique: if another unit had it, it moves to this one (the file says so).
      await tx
        .insert(staffGroupsTable)
        .values({ unitId: unit.id, conversationRef: g.conversationRef, forum: g.forum })
        .onConflictDoUpdate({ target: staffGroupsTable.conversationRef, set: { unitId: unit.id, forum: g.forum } });
    }
    if (unit.roster.length > 0) {
      await tx.insert(rosterShiftsTable).values(
        unit.roster.map((r) => ({ unitId: unit.id, weekday: r.weekday, date: r.date, startTime: r.from, endTime: r.to, staffIds: r.staffIds })),
      );
    }
    const local = [
      ...unit.holidays.map((h) => ({ ...h, kind: 'holiday' as const })),
      ...unit.makeUpDays.map((h) => ({ ...h, kind: 'make_up' as const })),
    ];
    if (local.length > 0) await tx.insert(holidaysTable).values(local.map((h) => ({ unitId: unit.id, date: h.date, kind: h.kind, name: h.name })));
}

/**
 * The console's settings page: one unit, already judged by `parseUnits`, replaces its stored copy
 * and every process is told (NOTIFY); it keeps its place in the unit list and counts as seeded, so a
 * restart never overwrites it from data/units.yaml.
 */
export async function replaceUnit({ db, unit, now = new Date() }: { db: Database; unit: UnitData; now?: Date }): Promise<void> {
  await db.transaction(async (tx) => {
    const [existing] = await tx.select({ position: unitSettingsTable.position }).from(unitSettingsTable).where(eq(unitSettingsTable.unitId, unit.id));
    await writeUnit(tx, { unit, position: existing?.position ?? 0, now });
    await notifyUnitsChanged(tx);
  });
}
