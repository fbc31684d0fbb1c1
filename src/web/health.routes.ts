/**
 * Health reports. The public port answers `GET /healthz` with the minimum a load balancer or the
 * container healthcheck needs: `status` (ok/unhealthy, 503 when the database does not answer) and
 * the version. The details (database latency, each channel's state, the outbox backlog, every
 * staff group with its last error) name groups and errors an outsider must not see: they are served
 * only by `registerHealthDetailsRoutes`, which main.ts mounts on its own listener (HEALTH_PORT, bound
 * to 127.0.0.1 by default).
 */
import type { Express } from 'express';
import type { ChannelStatus } from '../bot/core/channel.port.js';
import { withTimeout } from '../shared/async.js';

export type HealthDeps = {
  version: string;
  database: { kind: string; ping(): Promise<{ latencyMs: number }> };
  channels: () => Record<string, ChannelStatus>;
  /** Outbox rows not yet sent (pending or in flight); a growing number means a channel is stuck. */
  outboxPending?: () => Promise<{ count: number }>;
  /** Per staff group: did the last handoff message to it get through (ok=false: the outbox gave up on it). */
  staffGroups?: () => Promise<Record<string, { ok: boolean; lastError?: string; at: Date }>>;
};

const TIMEOUT_MS = 3000;

/** The public minimum: status and version. */
export function registerHealthRoutes({ app, health }: { app: Express; health: Pick<HealthDeps, 'version' | 'database'> }): void {
  app.get('/healthz', async (_req, res) => {
    const { ok } = await pingDatabase(health);
    res
      .status(ok ? 200 : 503)
      .set('Cache-Control', 'no-store')
      .json({ status: ok ? 'ok' : 'unhealthy', version: health.version });
  });
}

/** Everything an operator needs, for the admin-only listener. */
export function registerHealthDetailsRoutes({ app, health }: { app: Express; health: HealthDeps }): void {
  app.get('/healthz', async (_req, res) => {
    const database = await pingDatabase(health);
    let outbox: { pending: number } | undefined;
    if (database.ok && health.outboxPending) {
      outbox = await withTimeout(health.outboxPending(), TIMEOUT_MS, noAnswer).then(
        ({ count }) => ({ pending: count }),
        () => undefined,
      );
    }
    let staffGroups: Record<string, { ok: boolean; lastError?: string; at: Date }> | undefined;
    if (database.ok && health.staffGroups) {
      staffGroups = await withTimeout(health.staffGroups(), TIMEOUT_MS, noAnswer).catch(() => undefined);
    }
    res
      .status(database.ok ? 200 : 503)
      .set('Cache-Control', 'no-store')
      .json({
        status: database.ok ? 'ok' : 'unhealthy',
        version: health.version,
        database,
        channels: health.channels(),
        ...(outbox ? { outbox } : {}),
        ...(staffGroups ? { staffGroups } : {}),
      });
  });
}

async function pingDatabase(health: Pick<HealthDeps, 'database'>): Promise<{ kind: string; ok: boolean; latencyMs?: number; error?: string }> {
  try {
    const { latencyMs } = await withTimeout(health.database.ping(), TIMEOUT_MS, noAnswer);
    return { kind: health.database.kind, ok: true, latencyMs };
  } catch (error) {
    return { kind: health.database.kind, ok: false, error: (error as Error).message };
  }
}

const noAnswer = () => new Error(`no answer within ${TIMEOUT_MS} ms`);
