/**
 * Sends what the outbox holds. Each round claims due rows (at most one per conversation: the
 * repository only offers a conversation's oldest unfinished row), sends them in parallel through
 * the channel adapters, and records the outcome. Several workers, in one process or many, never
 * send a row twice while its lease holds. The lease is short (5 s) and renewed by a heartbeat while
 * the send is in flight, so a slow upload keeps its row, and a worker that dies mid-send loses it
 * within seconds: the row is then sent again (at-least-once for that one send, the only honest
 * promise a chat API allows; exactly-once whenever the worker lives to record the outcome).
 */
import type { ChannelAdapter } from '../core/channel.port.js';
import { ChannelApiError } from '../core/channel.errors.js';
import type { ChannelName, OutboundCopy, OutboundMessage } from '../core/message.types.js';
import type { Logger } from '../../logger.js';
import { systemClock, type Clock } from '../../shared/clock.js';
import type { OutboxRepository } from './outbox.repository.js';
import { decideRetry, defaultRetryPolicy, type RetryPolicy } from './outbox.retry.js';
import type { OutboxRow } from './outbox.table.js';
import { withTimeout } from '../../shared/async.js';

/** `failure` is set for onFailed: the error that ended the row (handoff tells a deleted topic from a blocked user by it). */
export type OutboxListener = (row: OutboxRow, failure?: { error: unknown }) => OutboxListenerResult | Promise<OutboxListenerResult>;
/** A failed-row listener that made up for the failure (e.g. re-created a deleted topic) says how: the failure is then logged as info. */
export type OutboxListenerResult = void | { recovered?: string };

export type OutboxWorker = {
  start(): void;
  /** Stops claiming and waits for the round in flight. */
  stop(): Promise<void>;
  /** One claim-send-record round; for tests and benchmarks. */
  runOnce(): Promise<{ claimed: number; sent: number; retried: number; failed: number }>;
  /** Ends the idle wait early (new rows were enqueued). */
  wake(): void;
  onSent(listener: OutboxListener): () => void;
  /** A row that will never be sent (permanent refusal or too many attempts). */
  onFailed(listener: OutboxListener): () => void;
};

export function createOutboxWorker({
  repository,
  adapters,
  logger,
  clock = systemClock,
  leaseMs = 5_000,
  sendTimeoutMs = 30_000,
  batchSize = 20,
  pollIntervalMs = 500,
  retryPolicy = defaultRetryPolicy,
}: {
  repository: OutboxRepository;
  adapters: ReadonlyMap<ChannelName, ChannelAdapter>;
  logger: Logger;
  clock?: Clock;
  /** How long a claim holds without a heartbeat: the retry delay after a crash mid-send. Renewed every third of it. */
  leaseMs?: number;
  /** A send taking longer is abandoned and retried. */
  sendTimeoutMs?: number;
  batchSize?: number;
  pollIntervalMs?: number;
  retryPolicy?: RetryPolicy;
}): OutboxWorker {
  const log = logger.child({ module: 'outbox' });
  const sentListeners = new Set<OutboxListener>();
  const failedListeners = new Set<OutboxListener>();
  let running = false;
  let loop: Promise<void> | undefined;
  let wakeUp: (() => void) | undefined;
  // Set by wake() during a round, so rows enqueued while we were busy do not wait a whole poll interval.
  let wokenDuringRound = false;

  async function emit(listeners: Set<OutboxListener>, row: OutboxRow, failure?: { error: unknown }): Promise<{ recovered?: string }> {
    let recovered: string | undefined;
    for (const listener of listeners) {
      try {
        recovered = (await listener(row, failure))?.recovered ?? recovered;
      } catch (error) {
        log.error({ err: error, outboxId: row.id, conversationRef: row.conversationRef }, 'outbox listener failed');
      }
    }
    return recovered ? { recovered } : {};
  }

  // Rows being sent now, and the heartbeat that keeps their leases while there are any.
  const inFlight = new Map<number, OutboxRow>();
  let heartbeat: ReturnType<typeof setInterval> | undefined;
  function track(row: OutboxRow, sending: boolean) {
    if (sending) inFlight.set(row.id, row);
    else inFlight.delete(row.id);
    if (inFlight.size > 0 && !heartbeat) {
      heartbeat = setInterval(() => void renewLeases(), Math.max(1, Math.floor(leaseMs / 3)));
      heartbeat.unref();
    } else if (inFlight.size === 0 && heartbeat) {
      clearInterval(heartbeat);
      heartbeat = undefined;
    }
  }
  async function renewLeases() {
    const rows = [...inFlight.values()];
    try {
      await repository.extendLeases({ rows, leaseUntil: new Date(clock.now().getTime() + leaseMs) });
    } catch (error) {
      log.warn({ err: error, rows: rows.length }, 'could not renew the outbox leases (database unreachable?)');
    }
  }

  async function deliver(row: OutboxRow): Promise<'sent' | 'retried' | 'failed' | 'lost'> {
    track(row, true);
    try {
      return await attempt(row);
    } finally {
      track(row, false);
    }
  }

  async function attempt(row: OutboxRow): Promise<'sent' | 'retried' | 'failed' | 'lost'> {
    const adapter = adapters.get(row.channel as ChannelName);
    try {
      if (!adapter) throw new Error(`no adapter for channel ${row.channel}`);
      const { externalMessageId } = await withTimeout(dispatch(adapter, row), sendTimeoutMs, () => new Error(`send did not finish within ${sendTimeoutMs} ms`));
      const { row: sent } = await repository.markSent({ row, externalMessageId, sentAt: clock.now() });
      if (!sent) {
        log.warn({ outboxId: row.id, conversationRef: row.conversationRef }, 'sent after the lease expired; another worker may send it again');
        return 'lost';
      }
      await emit(sentListeners, sent);
      return 'sent';
    } catch (error) {
      const decision = decideRetry({ error, attempts: row.attempts, policy: retryPolicy });
      const context = { outboxId: row.id, conversationRef: row.conversationRef, attempts: row.attempts, error: decision.reason };
      if (decision.retry) {
        log.warn({ ...context, retryInMs: decision.delayMs }, 'send failed, will retry');
        await repository.markRetry({ row, nextAttemptAt: new Date(clock.now().getTime() + decision.delayMs), error: decision.reason });
        return 'retried';
      }
      const { row: failed } = await repository.markFailed({ row, error: decision.reason });
      const { recovered } = failed ? await emit(failedListeners, failed, { error }) : {};
      if (recovered) log.info({ ...context, recovered }, `send refused; recovered: ${recovered}`);
      else log.error(context, 'send failed permanently');
      return failed ? 'failed' : 'lost';
    }
  }

  async function runOnce() {
    const { rows } = await repository.claimDue({
      now: clock.now(),
      leaseMs,
      limit: batchSize,
      channels: [...adapters.keys()],
    });
    const outcomes = await Promise.all(rows.map(deliver));
    const tally = (o: string) => outcomes.filter((x) => x === o).length;
    return { claimed: rows.length, sent: tally('sent'), retried: tally('retried'), failed: tally('failed') };
  }

  async function run() {
    while (running) {
      wokenDuringRound = false;
      let claimed = 0;
      try {
        ({ claimed } = await runOnce());
      } catch (error) {
        log.error({ err: error }, 'outbox round failed (database unreachable?); retrying');
      }
      if (claimed === 0 && running && !wokenDuringRound) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, pollIntervalMs);
          wakeUp = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wakeUp = undefined;
      }
    }
  }

  return {
    start() {
      if (running) return;
      running = true;
      loop = run();
    },
    async stop() {
      running = false;
      wakeUp?.();
      await loop;
      loop = undefined;
    },
    runOnce,
    wake() {
      wokenDuringRound = true;
      wakeUp?.();
    },
    onSent(listener) {
      sentListeners.add(listener);
      return () => sentListeners.delete(listener);
    },
    onFailed(listener) {
      failedListeners.add(listener);
      return () => failedListeners.delete(listener);
    },
  };
}

/** A text row goes to send, a copy row to copyMessage (an adapter without it refuses for good). */
function dispatch(adapter: ChannelAdapter, row: OutboxRow): Promise<{ externalMessageId: string }> {
  if (row.kind !== 'copy') return adapter.send(row.payload as OutboundMessage);
  const copy = row.payload as OutboundCopy;
  if (!adapter.copyMessage) {
    return Promise.reject(
      new ChannelApiError(adapter.channel, `the ${adapter.channel} adapter cannot copy messages (outbox row ${row.id})`, { retryable: false, reason: 'bad_request' }),
    );
  }
  return adapter.copyMessage({
    from: copy.from,
    to: copy.conversationRef,
    kind: copy.kind,
    ...(copy.attachment ? { attachment: copy.attachment } : {}),
  });
}
