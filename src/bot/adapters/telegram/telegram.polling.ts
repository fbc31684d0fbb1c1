/**
 * Our own getUpdates loop instead of `bot.launch()`: launch's promise never resolves while polling,
 * its onLaunch fires before polling starts, and it gives up on 409 (telegraf 4.16.3 src/telegraf.ts). This loop
 * reports its state, backs off on every failure (keeping going on 409 so the bot recovers once
 * the other poller stops), and `stop()` resolves only when the loop has ended and the offset of
 * the handled updates is confirmed to Telegram.
 *
 * A batch is handled before the next getUpdates, so an update is confirmed only once handled
 * (at-least-once; the pipeline dedupes). Each handler is bounded by telegraf's handlerTimeout.
 */
import { backoffDelayMs, noJitter } from '../../../shared/backoff.js';
import { setTimeout as delay } from 'node:timers/promises';
import type { Update } from 'telegraf/types';
import { toChannelError } from './telegram.errors.js';

export type PollingState = { state: 'running' | 'reconnecting' | 'error'; detail?: string };

export type PollingDeps = {
  getUpdates(args: { offset: number; timeoutSeconds: number; limit?: number; signal?: AbortSignal }): Promise<Update[]>;
  handleUpdate(update: Update): Promise<void>;
  onState(state: PollingState): void;
  onFailure(args: { error: unknown; delayMs: number }): void;
  /** Seconds Telegram holds a getUpdates open when there is nothing new (Telegram: 50; tests: 1). */
  timeoutSeconds: number;
  backoff: { initialMs: number; maxMs: number };
};

export type PollingLoop = { stop(): Promise<void> };

export function startPolling(deps: PollingDeps): PollingLoop {
  const abort = new AbortController();
  let offset = 0;

  const run = async () => {
    let failures = 0;
    while (!abort.signal.aborted) {
      let updates: Update[];
      try {
        // A long poll that outlives its own timeout by 15 s is a dead connection, not a quiet bot.
        const signal = AbortSignal.any([abort.signal, AbortSignal.timeout((deps.timeoutSeconds + 15) * 1000)]);
        updates = await deps.getUpdates({ offset, timeoutSeconds: deps.timeoutSeconds, signal });
      } catch (error) {
        if (abort.signal.aborted) break;
        failures += 1;
        const { state, delayMs } = onPollFailure({ error, failures, backoff: deps.backoff });
        deps.onState(state);
        deps.onFailure({ error, delayMs });
        await sleep(delayMs, abort.signal);
        continue;
      }
      deps.onState({ state: 'running' });
      failures = 0;
      for (const update of updates) offset = Math.max(offset, update.update_id + 1);
      await Promise.all(updates.map((update) => deps.handleUpdate(update)));
    }
  };
  const loop = run();

  return {
    async stop() {
      abort.abort();
      await loop;
      if (offset === 0) return;
      // Confirms the last batch so a restart does not receive it again (what telegraf does too).
      await deps.getUpdates({ offset, timeoutSeconds: 0, limit: 1, signal: AbortSignal.timeout(2000) }).catch(() => undefined);
    },
  };
}

function onPollFailure({ error, failures, backoff }: { error: unknown; failures: number; backoff: PollingDeps['backoff'] }): {
  state: PollingState;
  delayMs: number;
} {
  const exponential = backoffDelayMs({ attempt: failures, policy: { baseMs: backoff.initialMs, maxMs: backoff.maxMs }, random: noJitter });
  const translated = toChannelError({ error, method: 'getUpdates' });
  if (translated.code === 'channel.network_error') {
    return { state: { state: 'reconnecting', detail: `cannot reach Telegram (${translated.message}); retrying` }, delayMs: exponential };
  }
  const { platformCode, retryAfterMs } = translated.details;
  if (platformCode === 429) return { state: { state: 'reconnecting', detail: 'Telegram asked us to slow down (429)' }, delayMs: retryAfterMs ?? exponential };
  if (platformCode === 409) {
    const detail = 'another process receives updates for this bot token (409 Conflict): stop it, or use a separate bot for development; retrying';
    return { state: { state: 'error', detail }, delayMs: backoff.maxMs };
  }
  if (platformCode === 401 || platformCode === 404) {
    const detail = 'Telegram refused the bot token (401): check TELEGRAM_BOT_TOKEN; retrying slowly';
    return { state: { state: 'error', detail }, delayMs: backoff.maxMs };
  }
  return { state: { state: 'reconnecting', detail: translated.message }, delayMs: exponential };
}

/** Waits `ms`, or less when `signal` aborts (never rejects). */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return delay(ms, undefined, { signal }).catch(() => undefined);
}
