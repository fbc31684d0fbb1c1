/**
 * The query log's buffered writer: the pipeline's `record` only pushes to memory; rows are written
 * in one multi-row statement every `flushMs` or as soon as `maxRows` are waiting, so logging adds
 * no statement to a message's path. At most `maxBuffered` rows wait (beyond that the oldest are
 * dropped and counted); a failed write is logged (no text) and its rows dropped.
 */
import type { QueryLogEntry, QueryLogPort } from '../bot/core/query-log.port.js';
import type { Logger } from '../logger.js';
import { toQueryLogRow, type QueryLogInsert } from './querylog.models.js';

export type QueryLogWriter = QueryLogPort & {
  /** Writes what is buffered now. */
  flush(): Promise<void>;
  /** Flushes and stops the timer (shutdown). */
  stop(): Promise<void>;
  stats(): { written: number; dropped: number; pending: number };
};

export function createQueryLogWriter({
  insertMany,
  logger,
  flushMs = 500,
  maxRows = 200,
  maxBuffered = 20_000,
}: {
  insertMany: (args: { rows: QueryLogInsert[] }) => Promise<unknown>;
  logger: Logger;
  flushMs?: number;
  maxRows?: number;
  maxBuffered?: number;
}): QueryLogWriter {
  const log = logger.child({ module: 'query-log' });
  let buffer: QueryLogInsert[] = [];
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> = Promise.resolve();
  let written = 0;
  let dropped = 0;

  const schedule = () => {
    if (timer) return;
    timer = setTimeout(() => {
      timer = null;
      void flush();
    }, flushMs);
    timer.unref();
  };

  function flush(): Promise<void> {
    if (timer) {
      clearTimeout(timer);
      timer = null;
    }
    // One write at a time, in order; each takes what is buffered when it starts.
    running = running.then(async () => {
      while (buffer.length > 0) {
        const rows = buffer.slice(0, maxRows);
        buffer = buffer.slice(rows.length);
        try {
          await insertMany({ rows });
          written += rows.length;
        } catch (error) {
          dropped += rows.length;
          log.error({ err: error instanceof Error ? { name: error.name, code: (error as { code?: unknown }).code } : 'unknown', rows: rows.length }, 'query log rows could not be written');
        }
      }
    });
    return running;
  }

  return {
    record(entry: QueryLogEntry) {
      buffer.push(toQueryLogRow(entry));
      if (buffer.length > maxBuffered) {
        dropped += buffer.length - maxBuffered;
        buffer = buffer.slice(buffer.length - maxBuffered);
      }
      if (buffer.length >= maxRows) void flush();
      else schedule();
    },
    flush,
    async stop() {
      await flush();
    },
    stats: () => ({ written, dropped, pending: buffer.length }),
  };
}
