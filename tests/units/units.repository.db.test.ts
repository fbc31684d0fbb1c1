import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConversationsRepository } from '../../src/db/conversations.repository.js';
import { unitsTable } from '../../src/db/units.table.js';
import type { HandoffUnits } from '../../src/handoff/handoff.deps.js';
import { createUnitsRepository } from '../../src/units/units.repository.js';
import { syncUnitsFromData } from '../../src/units/units.sync.js';
import { holidaysTable, rosterShiftsTable, staffMembersTable, unitSettingsTable } from '../../src/units/units.table.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-db.js';
import { HOLIDAYS_2026_YAML, TWO_UNITS_YAML, vn, writeDataDir } from './units-fixtures.js';

describe('units repository and sync (real database)', () => {
  let handle: TestDatabase;
  let dataDir: string;

  beforeAll(async () => {
    handle = await createTestDatabase();
    dataDir = writeDataDir({ 'units.yaml': TWO_UNITS_YAML, 'holidays/2026.yaml': HOLIDAYS_2026_YAML });
  });
  afterAll(async () => handle?.close());

  describe('syncUnitsFromData', () => {
    it('imports units, staff, groups, roster and holidays the first time', async () => {
      const result = await syncUnitsFromData({ db: handle.db, dataDir });
      expect(result).toEqual({ created: ['phuong-a', 'xa-b'], replaced: [], skipped: [], holidayYears: [2026] });
      const staff = await handle.db.select().from(staffMembersTable);
      expect(staff.map((s) => s.id).sort()).toEqual(['a-hoa', 'a-lead', 'a-minh', 'b-an']);
      // An unquoted Telegram id in YAML is still stored as text.
      expect(staff.find((s) => s.id === 'a-minh')?.telegramUserId).toBe('100000002');
      const [unitRow] = await handle.db.select().from(unitsTable).where(eq(unitsTable.id, 'phuong-a'));
      expect(unitRow?.info).toEqual({ address: '1 Đường A', phone: '0200 000 001', hours: 'Giờ hành chính' });
    });

    it('is idempotent: a second run changes nothing and keeps database edits', async () => {
      await handle.db.update(unitSettingsTable).set({ slaMinutes: 45 }).where(eq(unitSettingsTable.unitId, 'phuong-a'));
      const countsBefore = await counts();
      const result = await syncUnitsFromData({ db: handle.db, dataDir });
      expect(result).toEqual({ created: [], replaced: [], skipped: ['phuong-a', 'xa-b'], holidayYears: [] });
      expect(await counts()).toEqual(countsBefore);
      const repo = createUnitsRepository({ db: handle.db });
      expect((await repo.getUnit({ unitId: 'phuong-a' })).unit.slaMinutes).toBe(45);
    });

    it('force re-imports from the file, replacing edits and staff added only in the database', async () => {
      const repo = createUnitsRepository({ db: handle.db });
      await repo.upsertStaffMember({ id: 'a-extra', unitId: 'phuong-a', name: 'Người thêm', telegramUserId: '100000099' });
      const result = await syncUnitsFromData({ db: handle.db, dataDir, force: true });
      expect(result.replaced).toEqual(['phuong-a', 'xa-b']);
      expect(result.holidayYears).toEqual([2026]);
      expect((await repo.getUnit({ unitId: 'phuong-a' })).unit.slaMinutes).toBe(90);
      expect((await repo.findStaffById({ staffId: 'a-extra' })).staff).toBeUndefined();
      const shifts = await handle.db.select().from(rosterShiftsTable).where(eq(rosterShiftsTable.unitId, 'phuong-a'));
      expect(shifts).toHaveLength(5);
      const national = await handle.db.select().from(holidaysTable);
      expect(national).toHaveLength(7); // 5 Tết + 1 make-up + 1 local
    });

    it('completes a unit row that exists without handoff settings (created by someone else)', async () => {
      const fresh = await createTestDatabase();
      try {
        await fresh.db.insert(unitsTable).values({ id: 'xa-b', name: 'Xã B cũ' });
        const result = await syncUnitsFromData({ db: fresh.db, dataDir });
        expect(result.created).toEqual(['phuong-a', 'xa-b']);
        const repo = createUnitsRepository({ db: fresh.db });
        expect((await repo.getUnit({ unitId: 'xa-b' })).unit.name).toBe('Trung tâm Phục vụ hành chính công xã Bình Đức');
      } finally {
        await fresh.close();
      }
    });

    it('rejects a broken file before touching the database', async () => {
      const broken = writeDataDir({ 'units.yaml': TWO_UNITS_YAML.replace('lead: a-lead', 'lead: nobody') });
      await expect(syncUnitsFromData({ db: handle.db, dataDir: broken })).rejects.toThrow(/units\.yaml is invalid:\n {2}- units\[0\]\.lead: "nobody" is not in this unit's staff list/);
    });

    async function counts() {
      const [units, staff, shifts, days] = await Promise.all([
        handle.db.select().from(unitsTable),
        handle.db.select().from(staffMembersTable),
        handle.db.select().from(rosterShiftsTable),
        handle.db.select().from(holidaysTable),
      ]);
      return { units: units.length, staff: staff.length, shifts: shifts.length, days: days.length };
    }
  });

  describe('queries', () => {
    it('implements the HandoffUnits port the tickets use (checked by the compiler)', () => {
      const port: HandoffUnits = createUnitsRepository({ db: handle.db });
      expect(typeof port.listOnDuty).toBe('function');
    });

    it('lists units default first, with settings and staff groups', async () => {
      const repo = createUnitsRepository({ db: handle.db });
      const { units } = await repo.listUnits();
      expect(units.map((u) => u.id)).toEqual(['phuong-a', 'xa-b']);
      expect(units[0]).toMatchObject({
        shortName: 'Phường An Khánh',
        ticketPolicy: 'open_directly',
        leadStaffId: 'a-lead',
        lead: 'a-lead',
        timezone: 'Asia/Ho_Chi_Minh',
        staffGroups: [
          { conversationRef: 'telegram:-1000000000001', forum: true },
          { conversationRef: 'zalo:group:900000000000000001', forum: false },
        ],
      });
      expect(units[1]).toMatchObject({ ticketPolicy: 'ask_first', slaMinutes: 120, leadStaffId: 'b-an' });
      await expect(repo.getUnit({ unitId: 'nope' })).rejects.toMatchObject({ code: 'handoff.unit_not_found' });
    });

    it('findStaffGroup maps a group ref to its unit, and nothing else', async () => {
      const repo = createUnitsRepository({ db: handle.db });
      const found = await repo.findStaffGroup({ conversationRef: 'zalo:group:900000000000000001' });
      expect(found?.unit.id).toBe('phuong-a');
      expect(found?.group).toMatchObject({ unitId: 'phuong-a', forum: false });
      expect(await repo.findStaffGroup({ conversationRef: 'telegram:100000001' })).toBeUndefined();
    });

    it('findStaffMember recognises staff by channel account, per unit or across units', async () => {
      const repo = createUnitsRepository({ db: handle.db });
      expect((await repo.findStaffMember({ unitId: 'phuong-a', channel: 'zalo', externalUserId: '800000000000000003' })).staff?.id).toBe('a-hoa');
      // The same Telegram account is staff in both units: the unit decides who they are.
      expect((await repo.findStaffMember({ unitId: 'xa-b', channel: 'telegram', externalUserId: '100000001' })).staff?.id).toBe('b-an');
      expect((await repo.findStaffMember({ unitId: 'phuong-a', channel: 'telegram', externalUserId: '100000001' })).staff?.id).toBe('a-lead');
      expect((await repo.findStaffMember({ channel: 'telegram', externalUserId: '100000002' })).staff?.unitId).toBe('phuong-a');
      // A Zalo uid is not a Telegram id; web users are never staff; strangers are not.
      expect((await repo.findStaffMember({ unitId: 'phuong-a', channel: 'telegram', externalUserId: '800000000000000003' })).staff).toBeUndefined();
      expect((await repo.findStaffMember({ channel: 'web', externalUserId: '100000001' })).staff).toBeUndefined();
      expect((await repo.findStaffMember({ unitId: 'xa-b', channel: 'telegram', externalUserId: '100000002' })).staff).toBeUndefined();
    });

    it('inactive staff are not recognised and not on duty', async () => {
      const repo = createUnitsRepository({ db: handle.db });
      await handle.db.update(staffMembersTable).set({ active: false }).where(eq(staffMembersTable.id, 'a-minh'));
      try {
        expect((await repo.findStaffMember({ channel: 'telegram', externalUserId: '100000002' })).staff).toBeUndefined();
        expect((await repo.listStaff({ unitId: 'phuong-a' })).staff.map((s) => s.id)).toEqual(['a-lead', 'a-hoa']);
        // Monday's roster names only a-minh → nobody active → the lead.
        expect(await onDuty(repo, '2026-03-02 09:00')).toEqual({ ids: ['a-lead'], source: 'lead' });
      } finally {
        await handle.db.update(staffMembersTable).set({ active: true }).where(eq(staffMembersTable.id, 'a-minh'));
      }
    });

    it('listOnDuty follows the roster, time windows and date overrides, and falls back to the lead', async () => {
      const repo = createUnitsRepository({ db: handle.db });
      expect(await onDuty(repo, '2026-03-02 09:00')).toEqual({ ids: ['a-minh'], source: 'weekday' }); // Monday
      expect(await onDuty(repo, '2026-03-04 08:00')).toEqual({ ids: ['a-minh'], source: 'weekday' }); // Wednesday morning
      expect(await onDuty(repo, '2026-03-04 14:00')).toEqual({ ids: ['a-hoa'], source: 'weekday' }); // Wednesday afternoon
      expect(await onDuty(repo, '2026-03-04 12:00')).toEqual({ ids: ['a-lead'], source: 'lead' }); // lunch: no shift
      expect(await onDuty(repo, '2026-03-09 09:00')).toEqual({ ids: ['a-hoa'], source: 'date' }); // Monday replaced by a date entry
      expect(await onDuty(repo, '2026-03-05 09:00')).toEqual({ ids: ['a-lead'], source: 'lead' }); // Thursday: nobody rostered
      expect(await onDuty(repo, '2026-02-16 09:00')).toEqual({ ids: ['a-lead'], source: 'lead' }); // Tết Monday: weekday roster off
      expect(await onDuty(repo, '2026-02-18 09:00')).toEqual({ ids: ['a-minh'], source: 'date' }); // ứng trực on mùng 2
      // The instant is read in the unit's timezone: 2026-03-01T23:30Z is Monday 06:30 in Hanoi.
      const { staff } = await repo.listOnDuty({ unitId: 'phuong-a', at: new Date('2026-03-01T23:30:00Z') });
      expect(staff.map((s) => s.id)).toEqual(['a-minh']);
    });

    it('getCalendar combines office hours, national and local holidays and make-up days', async () => {
      const repo = createUnitsRepository({ db: handle.db });
      const calendar = await repo.getCalendar({ unitId: 'phuong-a' });
      expect(calendar.calendar.isWorkingTime({ at: vn('2026-03-02 08:00') })).toBe(true);
      expect(calendar.isWorkingTime({ at: vn('2026-02-17 08:00') })).toBe(false); // national Tết
      expect(calendar.isWorkingTime({ at: vn('2026-03-10 08:00') })).toBe(false); // local festival of phuong-a
      expect(calendar.isWorkingTime({ at: vn('2026-01-10 08:00') })).toBe(true); // make-up Saturday
      const other = await repo.getCalendar({ unitId: 'xa-b' });
      expect(other.isWorkingTime({ at: vn('2026-03-10 08:00') })).toBe(false); // Tuesday: xa-b works Mon + Sat only
      expect(other.isWorkingTime({ at: vn('2026-03-07 10:30') })).toBe(true); // Saturday
      expect(other.isWorkingTime({ at: vn('2026-03-09 12:30') })).toBe(false); // Monday after 12:00
    });

    it('remembers the resident unit, with the first unit as default', async () => {
      const repo = createUnitsRepository({ db: handle.db });
      const conversations = createConversationsRepository({ db: handle.db });
      const { conversation } = await conversations.upsertConversation({ channel: 'telegram', conversationRef: 'telegram:555' });
      expect(await repo.findResidentUnitId({ conversationId: conversation.id })).toEqual({ unitId: undefined });
      expect(await repo.getResidentUnit({ conversationId: conversation.id })).toMatchObject({ unitId: 'phuong-a', chosen: false });
      await repo.setResidentUnit({ conversationId: conversation.id, unitId: 'xa-b' });
      expect(await repo.getResidentUnit({ conversationId: conversation.id })).toMatchObject({ unitId: 'xa-b', chosen: true, unit: { id: 'xa-b' } });
      await expect(repo.setResidentUnit({ conversationId: conversation.id, unitId: 'nope' })).rejects.toMatchObject({ code: 'handoff.unit_not_found' });
    });

    it('upsertStaffMember needs an account and sets the lead when the unit has none', async () => {
      const repo = createUnitsRepository({ db: handle.db });
      await expect(repo.upsertStaffMember({ id: 'x', unitId: 'xa-b', name: 'Không tài khoản' })).rejects.toMatchObject({ code: 'handoff.invalid_staff' });
      await expect(repo.upsertStaffMember({ id: 'x', unitId: 'nope', name: 'X', telegramUserId: '1' })).rejects.toMatchObject({ code: 'handoff.unit_not_found' });
      const { staff } = await repo.upsertStaffMember({ id: 'b-binh', unitId: 'xa-b', name: 'Võ Bình', zaloUserId: '700000000000000001' });
      expect(staff).toMatchObject({ id: 'b-binh', role: 'staff', active: true, telegramUserId: null });
      expect((await repo.listStaff({ unitId: 'xa-b' })).staff.map((s) => s.id)).toEqual(['b-an', 'b-binh']);
    });
  });
});

async function onDuty(repo: ReturnType<typeof createUnitsRepository>, local: string) {
  const { staff, source } = await repo.listOnDuty({ unitId: 'phuong-a', at: vn(local) });
  return { ids: staff.map((s) => s.id), source };
}
