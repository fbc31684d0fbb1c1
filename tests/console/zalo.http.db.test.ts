/**
 * The Zalo session page and banner: the running adapter's state in Vietnamese, a banner on every
 * console page while Zalo needs a person (needs a QR, kicked), none when it is connected.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChannelStatus } from '../../src/bot/core/channel.port.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-db.js';
import { createHttpClient, startConsoleServer, type ConsoleServer } from './console.harness.js';

const PASSWORD = 'mat-khau-thu-2026';
let database: TestDatabase;
let server: ConsoleServer;
let zalo: ChannelStatus = { state: 'running', detail: 'logged in as 123', since: new Date('2026-12-01T01:00:00Z') };

beforeAll(async () => {
  database = await createTestDatabase();
  server = await startConsoleServer({ database });
  // What main.ts passes: the adapters' status() (here a stand-in for the Zalo adapter's).
  server.deps.channels = () => ({ zalo });
  await server.deps.accounts.addAccount({ username: 'donvi', password: PASSWORD, role: 'unit', unitId: 'phuong-mau' });
}, 120_000);
afterAll(async () => {
  await server?.stop();
  await database?.close();
});

describe('Zalo session', () => {
  it('shows the state; no banner while connected', async () => {
    const http = createHttpClient(server.url);
    await http.login('donvi', PASSWORD);
    const page = await (await http.request('/admin/zalo')).text();
    expect(page).toContain('data-state="running"');
    expect(page).toContain('Đã kết nối');
    expect(page).not.toContain('class="flash error banner"');
  });

  it('kicked or needing a QR: the banner is on every console page, with what to do', async () => {
    const http = createHttpClient(server.url);
    await http.login('donvi', PASSWORD);
    zalo = { state: 'kicked', detail: 'close code 3000', since: new Date('2026-12-01T02:00:00Z') };
    const list = await (await http.request('/admin')).text();
    expect(list).toMatch(/class="flash error banner" role="alert">Zalo: Bị đăng xuất: tài khoản vừa được mở ở nơi khác/);
    const page = await (await http.request('/admin/zalo')).text();
    expect(page).toContain('Đóng Zalo Web/PC');
    expect(page).toContain('npm run cli -- zalo login');
    zalo = { state: 'needs_qr', since: new Date('2026-12-01T03:00:00Z') };
    expect(await (await http.request('/admin/units/phuong-mau')).text()).toContain('Zalo: Cần quét lại mã QR');
  });
});
