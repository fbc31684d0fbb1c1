/** GET /healthz: database reachability, version and each channel's state. 503 when the database is down. */
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

export function registerHealthRoutes({ app, health }: { app: Express; health: HealthDeps }): void {
  app.get('/healthz', async (_req, res) => {
    let database: { kind: string; ok: boolean; latencyMs?: number; error?: string };
    try {
      const { latencyMs } = await withTimeout(health.database.ping(), 3000, noAnswer);
      database = { kind: health.database.kind, ok: true, latencyMs };
    } catch (error) {
      database = { kind: health.database.kind, ok: false, error: (error as Error).message };
    }
    let outbox: { pending: number } | undefined;
    if (database.ok && health.outboxPending) {
      outbox = await withTimeout(health.outboxPending(), 3000, noAnswer).then(
        ({ count }) => ({ pending: count }),
        () => undefined,
      );
    }
    let staffGroups: Record<string, { ok: boolean; lastError?: string; at: Date }> | undefined;
    if (database.ok && health.staffGroups) {
      staffGroups = await withTimeout(health.staffGroups(), 3000, noAnswer).catch(() => undefined);
    }
    res.status(database.ok ? 200 : 503).json({
      status: database.ok ? 'ok' : 'unhealthy',
      version: health.version,
      database,
      channels: health.channels(),
      ...(outbox ? { outbox } : {}),
      ...(staffGroups ? { staffGroups } : {}),
    });
  });
}

const noAnswer = () => new Error('no answer within 3000 ms');
