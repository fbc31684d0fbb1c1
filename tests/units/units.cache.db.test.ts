/**
 * Units, staff groups and staff are cached in memory (read on every message, edited rarely). An
 * edit through a repository is seen at once by that repository; every other repository (another
 * process: the CLI, a second bot) drops its cache on the Postgres NOTIFY the edit sends, and in
 * the worst case (a lost notification) re-reads after a minute.
 */
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createDatabase, type DatabaseHandle } from '../../src/db/client.js';
import { createUnitsRepository } from '../../src/units/units.repository.js';
import { syncUnitsFromData } from '../../src/units/units.sync.js';
import { staffGroupsTable } from '../../src/units/units.table.js';
import { createFakeClock } from '../helpers/fake-clock.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-db.js';
import { TWO_UNITS_YAML, writeDataDir } from './units-fixtures.js';

const MINH = { channel: 'telegram', externalUserId: '100000002' } as const;
const NEW_STAFF = { id: 'a-moi', unitId: 'phuong-a', name: 'Đỗ Văn Mới', telegramUserId: '100000099' };

describe('units cache (real database)', () => {
  let handle: TestDatabase;
  let other: DatabaseHandle | undefined;
  const stops: Array<() => Promise<void>> = [];

  beforeEach(async () => {
    handle = await createTestDatabase();
    await syncUnitsFromData({ db: handle.db, dataDir: writeDataDir({ 'units.yaml': TWO_UNITS_YAML }) });
  });
  afterEach(async () => {
    for (const stop of stops.splice(0)) await stop();
    await other?.close();
    other = undefined;
    await handle.close();
  });

  /** A repository whose cache follows notifications, as pipeline.assembly.ts wires it. */
  async function listeningRepository(clock = createFakeClock()) {
    const repo = createUnitsRepository({ db: handle.db, clock });
    const listener = await handle.listen({ channel: repo.changeChannel, onNotify: () => repo.invalidate() });
    stops.push(() => listener.stop());
    return repo;
  }

  it('serves units and staff from memory: a change made behind its back is not seen without a notification', async () => {
    const repo = createUnitsRepository({ db: handle.db, clock: createFakeClock() });
    expect((await repo.findStaffGroup({ conversationRef: 'telegram:-1000000000002' }))?.unit.id).toBe('xa-b');
    await handle.db.update(staffGroupsTable).set({ unitId: 'phuong-a' }).where(eq(staffGroupsTable.conversationRef, 'telegram:-1000000000002'));
    expect((await repo.findStaffGroup({ conversationRef: 'telegram:-1000000000002' }))?.unit.id).toBe('xa-b');
    repo.invalidate();
    expect((await repo.findStaffGroup({ conversationRef: 'telegram:-1000000000002' }))?.unit.id).toBe('phuong-a');
  });

  it('sees its own edits at once (staff add, staff remove)', async () => {
    const repo = createUnitsRepository({ db: handle.db, clock: createFakeClock() });
    expect((await repo.findStaffMember({ channel: 'telegram', externalUserId: NEW_STAFF.telegramUserId })).staff).toBeUndefined();
    await repo.upsertStaffMember(NEW_STAFF);
    expect((await repo.findStaffMember({ channel: 'telegram', externalUserId: NEW_STAFF.telegramUserId })).staff?.id).toBe('a-moi');
    expect((await repo.findStaffMember(MINH)).staff?.id).toBe('a-minh');
    await repo.setStaffActive({ staffId: 'a-minh', active: false });
    expect((await repo.findStaffMember(MINH)).staff).toBeUndefined();
    expect((await repo.listStaff({ unitId: 'phuong-a' })).staff.map((s) => s.id)).not.toContain('a-minh');
  });

  it('drops its cache when another process edits staff (LISTEN/NOTIFY)', async () => {
    const repo = await listeningRepository();
    expect((await repo.findStaffMember({ channel: 'telegram', externalUserId: NEW_STAFF.telegramUserId })).staff).toBeUndefined();
    // On Postgres the edit comes through a second connection pool, as from `npm run cli -- staff add`;
    // PGlite has one process, so a second repository on the same database stands in for it.
    if (handle.url) other = await createDatabase({ url: handle.url });
    const cli = createUnitsRepository({ db: (other ?? handle).db });
    await cli.upsertStaffMember(NEW_STAFF);
    await vi.waitFor(async () => {
      expect((await repo.findStaffMember({ channel: 'telegram', externalUserId: NEW_STAFF.telegramUserId })).staff?.id).toBe('a-moi');
    });
  });

  it('drops its cache when units are re-imported (units import --force)', async () => {
    const repo = await listeningRepository();
    expect((await repo.listUnits()).units.map((u) => u.id)).toEqual(['phuong-a', 'xa-b']);
    const reordered = TWO_UNITS_YAML.replace('name: Trung tâm Phục vụ hành chính công xã Bình Đức', 'name: Trung tâm xã Bình Đức mới');
    await syncUnitsFromData({ db: handle.db, dataDir: writeDataDir({ 'units.yaml': reordered }), force: true });
    await vi.waitFor(async () => {
      expect((await repo.getUnit({ unitId: 'xa-b' })).unit.name).toBe('Trung tâm xã Bình Đức mới');
    });
  });

  it('re-reads after a minute even if a notification was lost', async () => {
    const clock = createFakeClock();
    const repo = createUnitsRepository({ db: handle.db, clock });
    expect((await repo.findStaffMember(MINH)).staff?.id).toBe('a-minh');
    await createUnitsRepository({ db: handle.db }).setStaffActive({ staffId: 'a-minh', active: false });
    clock.advance(59_000);
    expect((await repo.findStaffMember(MINH)).staff?.id).toBe('a-minh');
    clock.advance(2_000);
    expect((await repo.findStaffMember(MINH)).staff).toBeUndefined();
  });

});
