import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { createApp } from '../../src/web/app.js';
import { registerHealthRoutes } from '../../src/web/health.routes.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-db.js';

async function serve(database: TestDatabase): Promise<{ server: Server; url: string }> {
  const logger = createLogger({ level: 'silent' });
  const since = new Date('2026-01-05T00:00:00Z');
  const app = createApp({
    logger,
    routes: [
      (a) =>
        registerHealthRoutes({
          app: a,
          health: {
            version: '9.9.9',
            database,
            channels: () => ({ web: { state: 'running', since }, zalo: { state: 'needs_qr', since } }),
            staffGroups: async () => ({ 'zalo:group:1': { ok: false, lastError: 'zalo: not a member', at: since } }),
          },
        }),
    ],
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe('GET /healthz', () => {
  let database: TestDatabase;
  let server: Server;
  let url: string;
  beforeAll(async () => {
    database = await createTestDatabase();
    ({ server, url } = await serve(database));
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('answers 200 with database, version and channel states', async () => {
    const res = await fetch(`${url}/healthz`);
    const body = await res.json();
    expect(res.status).toBe(200);
    expect(body).toMatchObject({ status: 'ok', version: '9.9.9', database: { ok: true }, channels: { zalo: { state: 'needs_qr' } } });
    expect((body as { staffGroups?: unknown }).staffGroups).toEqual({ 'zalo:group:1': { ok: false, lastError: 'zalo: not a member', at: '2026-01-05T00:00:00.000Z' } });
  });

  it('answers 503 once the database is gone', async () => {
    await database.close();
    const res = await fetch(`${url}/healthz`);
    const body = await res.json();
    expect(res.status).toBe(503);
    expect(body).toMatchObject({ status: 'unhealthy', database: { ok: false } });
  });

  it('answers unknown paths with a JSON 404', async () => {
    const res = await fetch(`${url}/nope`);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: { code: 'http.not_found', message: 'Not found' } });
  });
});
