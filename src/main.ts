/**
 * Composition root: config → logger → database → engines → channels → HTTP.
 * The only file that builds real instances; everything else receives its dependencies.
 */
import 'dotenv/config';
import type { Server } from 'node:http';
import { ConfigError, loadConfig, type Config } from './config.js';
import { createDatabase, redactUrl, type DatabaseHandle } from './db/client.js';
import { createLogger, type Logger } from './logger.js';
import { version } from './version.js';
import { createApp } from './web/app.js';
import { registerHealthRoutes } from './web/health.routes.js';
import type { ChannelStatus } from './bot/core/channel.port.js';

const SHUTDOWN_DEADLINE_MS = 10_000;

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      // One readable line per problem, no stack trace: the person starting the bot fixes .env and retries.
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger({ level: config.logLevel });
  const stoppers: Array<{ name: string; stop: () => Promise<void> }> = [];

  const database = await openDatabase({ config, logger });
  stoppers.unshift({ name: 'database', stop: () => database.close() });

  const channels = (): Record<string, ChannelStatus> => ({
    web: { state: 'running', since: startedAt },
    telegram: { state: config.telegram.botToken ? 'starting' : 'disabled', since: startedAt },
    zalo: { state: config.zalo.enabled ? 'starting' : 'disabled', since: startedAt },
  });

  const app = createApp({
    logger,
    routes: [(a) => registerHealthRoutes({ app: a, health: { version, database, channels } })],
  });
  const server = await listen({ app, config });
  stoppers.unshift({ name: 'http', stop: () => closeServer(server) });
  logger.info({ url: `http://${config.host}:${config.port}/`, database: database.kind, version }, 'Một Cửa Bot is running');

  installShutdown({ logger, stoppers });
}

const startedAt = new Date();

async function openDatabase({ config, logger }: { config: Config; logger: Logger }): Promise<DatabaseHandle> {
  const where = config.database.url ? redactUrl(config.database.url) : `PGlite in ${config.database.pgliteDataDir}`;
  try {
    const handle = await createDatabase({ url: config.database.url, pgliteDataDir: config.database.pgliteDataDir });
    logger.info({ database: where }, 'database ready, migrations applied');
    return handle;
  } catch (error) {
    logger.fatal({ database: where }, (error as Error).message);
    process.exit(1);
  }
}

function listen({ app, config }: { app: ReturnType<typeof createApp>; config: Config }): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(config.port, config.host, (error?: Error) => (error ? reject(error) : resolve(server)));
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') {
        console.error(`Port ${config.port} is already in use: stop the other program or set PORT to a free port.`);
        process.exit(1);
      }
      reject(error);
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}

/** SIGINT/SIGTERM: stop taking work, finish in-flight work, close the database; hard exit after 10 s. */
function installShutdown({ logger, stoppers }: { logger: Logger; stoppers: Array<{ name: string; stop: () => Promise<void> }> }) {
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const deadline = setTimeout(() => {
      logger.error('shutdown took longer than 10 s, exiting anyway');
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS);
    deadline.unref();
    for (const { name, stop } of stoppers) {
      try {
        await stop();
      } catch (error) {
        logger.error({ err: error, component: name }, 'error while stopping');
      }
    }
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
