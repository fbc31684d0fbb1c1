/** Console accounts, sessions and sign-in throttling on the real database with the real migrations. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdminRepository } from '../../src/admin/admin.repository.js';
import { createAdminSessions, SESSION_ABSOLUTE_MS, SESSION_IDLE_MS } from '../../src/admin/admin.sessions.js';
import { createLoginThrottle } from '../../src/admin/admin.throttle.js';
import { verifyPassword } from '../../src/admin/admin.passwords.js';
import { adminAccountsTable } from '../../src/admin/admin.table.js';
import { createDatabase } from '../../src/db/client.js';
import { unitsTable } from '../../src/db/units.table.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-db.js';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
  await database.db.insert(unitsTable).values([{ id: 'phuong-a', name: 'Phường A' }]);
});
afterAll(() => database.close());

describe('admin accounts', () => {
  it('stores an argon2id hash, never the password, and refuses a taken username', async () => {
    const repo = createAdminRepository({ db: database.db });
    const { account } = await repo.addAccount({ username: 'Lan.Admin', password: 'mat-khau-thu-2026', role: 'province' });
    expect(account.username).toBe('lan.admin');
    const [row] = await database.db.select().from(adminAccountsTable);
    expect(row!.passwordHash).toMatch(/^\$argon2id\$/);
    expect(row!.passwordHash).not.toContain('mat-khau');
    expect(await verifyPassword({ hash: row!.passwordHash, password: 'mat-khau-thu-2026' })).toBe(true);
    expect(await verifyPassword({ hash: row!.passwordHash, password: 'mat-khau-thu-2027' })).toBe(false);
    await expect(repo.addAccount({ username: 'lan.admin', password: 'x'.repeat(12), role: 'province' })).rejects.toMatchObject({ code: 'admin.username_taken' });
  });

  it('a unit admin needs a unit that exists; a province admin takes none', async () => {
    const repo = createAdminRepository({ db: database.db });
    await expect(repo.addAccount({ username: 'u1', password: 'x'.repeat(12), role: 'unit' })).rejects.toMatchObject({ code: 'admin.invalid_input' });
    await expect(repo.addAccount({ username: 'u1', password: 'x'.repeat(12), role: 'unit', unitId: 'nowhere' })).rejects.toMatchObject({ code: 'admin.unknown_unit' });
    await expect(repo.addAccount({ username: 'u1', password: 'x'.repeat(12), role: 'province', unitId: 'phuong-a' })).rejects.toMatchObject({ code: 'admin.invalid_input' });
    const { account } = await repo.addAccount({ username: 'u1', password: 'x'.repeat(12), role: 'unit', unitId: 'phuong-a' });
    expect(account).toMatchObject({ role: 'unit', unitId: 'phuong-a' });
  });

  it('a new password ends every session of the account', async () => {
    const repo = createAdminRepository({ db: database.db });
    const sessions = createAdminSessions({ db: database.db });
    const { account } = await repo.addAccount({ username: 'minh', password: 'x'.repeat(12), role: 'province' });
    const now = new Date();
    const { token } = await sessions.create({ accountId: account.id, now });
    expect((await sessions.resume({ token, now })).session?.account.username).toBe('minh');
    await repo.setPassword({ username: 'minh', password: 'y'.repeat(12) });
    expect((await sessions.resume({ token, now })).session).toBeUndefined();
  });
});

describe('admin sessions', () => {
  it('end 30 minutes after the last request and 12 hours after sign-in', async () => {
    const repo = createAdminRepository({ db: database.db });
    const sessions = createAdminSessions({ db: database.db });
    const { account } = await repo.addAccount({ username: 'hoa', password: 'x'.repeat(12), role: 'province' });
    const t0 = new Date('2026-12-01T08:00:00Z');
    const at = (ms: number) => new Date(t0.getTime() + ms);
    const { token } = await sessions.create({ accountId: account.id, now: t0 });
    expect((await sessions.resume({ token, now: at(SESSION_IDLE_MS - 1000) })).session).toBeDefined();
    // Kept alive by a request every 20 minutes…
    let t = SESSION_IDLE_MS - 1000;
    while (t + 20 * 60_000 < SESSION_ABSOLUTE_MS) {
      t += 20 * 60_000;
      expect((await sessions.resume({ token, now: at(t) })).session).toBeDefined();
    }
    // …but not past 12 hours.
    expect(await sessions.resume({ token, now: at(SESSION_ABSOLUTE_MS) })).toEqual({ expired: true });
    const second = await sessions.create({ accountId: account.id, now: t0 });
    expect(await sessions.resume({ token: second.token, now: at(SESSION_IDLE_MS) })).toEqual({ expired: true });
    expect(await sessions.resume({ token: 'made-up', now: t0 })).toEqual({ expired: false });
  });
});

describe('login throttle', () => {
  it('locks a username after 5 failures and an address after 20, for 15 minutes', async () => {
    const throttle = createLoginThrottle({ db: database.db });
    const now = new Date('2026-12-01T09:00:00Z');
    for (let i = 0; i < 4; i += 1) await throttle.recordFailure({ keys: { ip: '10.0.0.1', username: 'lan' }, now });
    expect(await throttle.lockedUntil({ keys: { ip: '10.0.0.1', username: 'lan' }, now })).toBeNull();
    await throttle.recordFailure({ keys: { ip: '10.0.0.1', username: 'LAN' }, now });
    expect(await throttle.lockedUntil({ keys: { ip: '10.0.0.9', username: 'lan' }, now })).toEqual(new Date(now.getTime() + 15 * 60_000));
    expect(await throttle.lockedUntil({ keys: { ip: '10.0.0.1', username: 'other' }, now })).toBeNull();
    expect(await throttle.lockedUntil({ keys: { ip: '10.0.0.9', username: 'lan' }, now: new Date(now.getTime() + 15 * 60_000) })).toBeNull();
    for (let i = 0; i < 20; i += 1) await throttle.recordFailure({ keys: { ip: '10.0.0.2', username: `u${i}` }, now });
    expect(await throttle.lockedUntil({ keys: { ip: '10.0.0.2', username: 'fresh' }, now })).not.toBeNull();
  });
});

describe('cli admin with the embedded database', () => {
  it('adds an account from piped stdin, and says clearly when the bot holds the database', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'admin-cli-'));
    const env = { ...process.env, PGLITE_DATA_DIR: dir, DATABASE_URL: '', LOG_LEVEL: 'silent' };
    const cli = (args: string[], input = '') => spawnSync('npx', ['tsx', 'src/cli.ts', ...args], { env, input, encoding: 'utf8' });
    try {
      const added = cli(['admin', 'add', 'admin', '--role', 'province'], 'mat-khau-thu-2026\n');
      expect(added.stderr).toBe('');
      expect(added.stdout).toContain('Đã tạo tài khoản admin');
      const held = await createDatabase({ pgliteDataDir: dir });
      try {
        const refused = cli(['admin', 'list']);
        expect(refused.status).toBe(1);
        expect(refused.stderr).toContain('đang được bot');
        expect(refused.stderr).toContain('stop it and run the command again');
      } finally {
        await held.close();
      }
      expect(cli(['admin', 'list']).stdout).toMatch(/^admin\s+province/m);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 240_000);
});
