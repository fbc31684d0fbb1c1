/**
 * /healthz: the public port shows status and version only; the details (channels, staff groups and
 * their last errors) only on the admin listener (HEALTH_PORT in main.ts). Both 503 once the database is gone.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { createApp, type RegisterRoutes } from '../../src/web/app.js';
import { registerHealthDetailsRoutes, registerHealthRoutes, type HealthDeps } from '../../src/web/health.routes.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-db.js';

async function serve(routes: RegisterRoutes[]): Promise<{ server: Server; url: string }> {
  const app = createApp({ logger: createLogger({ level: 'silent' }), routes });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe('GET /healthz', () => {
  let database: TestDatabase;
  let publicPort: { server: Server; url: string };
  let adminPort: { server: Server; url: string };
  const since = new Date('2026-01-05T00:00:00Z');
  beforeAll(async () => {
    database = await createTestDatabase();
    const health: HealthDeps = {
      version: '9.9.9',
      database,
      channels: () => ({ web: { state: 'running', since }, zalo: { state: 'needs_qr', since } }),
      staffGroups: async () => ({ 'zalo:group:1': { ok: false, lastError: 'zalo: not a member', at: since } }),
    };
    publicPort = await serve([(a) => registerHealthRoutes({ app: a, health })]);
    adminPort = await serve([(a) => registerHealthDetailsRoutes({ app: a, health })]);
  });
  afterAll(async () => {
    for (const { server } of [publicPort, adminPort]) await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('on the public port: status and version, nothing else', async () => {
    const res = await fetch(`${publicPort.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', version: '9.9.9' });
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('on the admin listener: database, channel states and staff groups with their last errors', async () => {
    const res = await fetch(`${adminPort.url}/healthz`);
    const body = await res.json();
    expect(res.status).toBe(200);
    expect(body).toMatchObject({ status: 'ok', version: '9.9.9', database: { ok: true }, channels: { zalo: { state: 'needs_qr' } } });
    expect((body as { staffGroups?: unknown }).staffGroups).toEqual({ 'zalo:group:1': { ok: false, lastError: 'zalo: not a member', at: '2026-01-05T00:00:00.000Z' } });
  });

  it('answers 503 once the database is gone, on both', async () => {
    await database.close();
    const open = await fetch(`${publicPort.url}/healthz`);
    expect(open.status).toBe(503);
    expect(await open.json()).toEqual({ status: 'unhealthy', version: '9.9.9' });
    const details = await fetch(`${adminPort.url}/healthz`);
    expect(details.status).toBe(503);
    expect(await details.json()).toMatchObject({ status: 'unhealthy', database: { ok: false } });
  });

  it('answers unknown paths with a Vietnamese 404 (JSON for an API client, a page for a browser)', async () => {
    const res = await fetch(`${publicPort.url}/nope`);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: { code: 'http.not_found', message: expect.stringMatching(/^Không có trang này/) } });
    const page = await fetch(`${publicPort.url}/nope`, { headers: { accept: 'text/html,application/xhtml+xml' } });
    expect(page.status).toBe(404);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await page.text()).toContain('Không tìm thấy trang');
  });
});
