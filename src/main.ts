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
import { registerHealthDetailsRoutes, registerHealthRoutes, type HealthDeps } from './web/health.routes.js';
import { createUploadFiles } from './web/uploads.files.js';
import { startUploadsHousekeeping } from './web/uploads.housekeeping.js';
import { createWebUploadsRepository } from './web/uploads.repository.js';
import type { ChannelAdapter, ChannelStatus } from './bot/core/channel.port.js';
import { randomBytes } from 'node:crypto';
import { createTelegramAdapter, type TelegramAdapter } from './bot/adapters/telegram/telegram.adapter.js';
import { createWebAdapter } from './bot/adapters/web/web.adapter.js';
import type { ChannelName } from './bot/core/message.types.js';
import { hashFaqFiles, loadCatalogueSupport, loadFaqEntries } from './faq/catalogue.loader.js';
import { createFaqEngine } from './faq/faq.engine.js';
import { createFaqRepository } from './faq/faq.repository.js';
import { createWebChatHistory } from './web/chat.history.js';
import { registerChatRoutes } from './web/chat.routes.js';
import { startRetentionJob } from './privacy/index.js';
import { syncUnitsFromData } from './units/index.js';
import { assemblePipeline } from './pipeline.assembly.js';
import { startFaqSync } from './faq/faq.sync.js';
import { createConsoleDeps } from './console/console.assembly.js';
import { registerConsoleRoutes } from './console/console.routes.js';
import { createOffsetClock } from './shared/clock.js';

const SHUTDOWN_DEADLINE_MS = 10_000;
/** A question older than this when the bot comes back after a crash is not answered late. */
const RECOVERY_WINDOW_MS = 24 * 60 * 60_000;

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
  // Where a start spends its time (ms since the process began, module loading included): logged once
  // running, so a slow restart after a crash shows which step to blame.
  const startup: Record<string, number> = { modules: Math.round(performance.now()) };
  const mark = (phase: string) => (startup[phase] = Math.round(performance.now()));
  const stoppers: Array<{ name: string; stop: () => Promise<void> }> = [];

  const database = await openDatabase({ config, logger });
  stoppers.unshift({ name: 'database', stop: () => database.close() });
  mark('database');

  // Units, staff, hours, roster and holidays: data/ seeds each unit once; the database is the truth after
  // (`npm run cli -- units import --force` re-imports). A broken file stops the start naming file and field.
  const unitsSync = await syncUnitsFromData({ db: database.db, dataDir: config.dataDir });
  logger.info(unitsSync, 'units synced from data/');
  mark('units');
  // FAQ engine: data/faq seeds entries the database does not have yet and refreshes those nobody saved
  // in the database since (edits made there are never overwritten); the engine serves the database's
  // published entries. A broken data file stops the
  // start naming the file and field; a broken database row is logged and left out.
  // Unchanged files (same hash as at the last seed) are not read again: a restart skips their parsing.
  const catalogue = loadCatalogueSupport({ dataDir: config.dataDir });
  const faqRepository = createFaqRepository({ db: database.db });
  const loadEntries = () => loadFaqEntries({ dataDir: config.dataDir });
  const filesHash = hashFaqFiles({ dataDir: config.dataDir });
  let seeded = await faqRepository.seedIfChanged({ filesHash, loadEntries });
  let { entries, invalid } = await faqRepository.listPublished();
  if (seeded.skipped && invalid.length > 0) {
    // Rows the current schema refuses (written before an upgrade) are replaced by their unedited files.
    seeded = await faqRepository.seedIfChanged({ filesHash, loadEntries, force: true });
    ({ entries, invalid } = await faqRepository.listPublished());
  }
  const { inserted, offered, updated } = seeded;
  if (offered.length > 0) logger.warn({ entries: offered }, 'data/faq files changed: offered as drafts in the console (/admin), not applied');
  for (const { id, problems } of invalid) logger.error({ entryId: id, problems }, 'FAQ entry in the database is invalid and is not served');
  const { overrides } = await faqRepository.listOverrides();
  mark('catalogue');
  const faq = createFaqEngine({ ...catalogue, entries, overrides });
  mark('engine');
  logger.info({ entries: entries.length, seeded: inserted.length, refreshed: updated.length, filesUnchanged: seeded.skipped, unit: catalogue.unit.name }, 'FAQ catalogue loaded');
  // A publish in the console (any process) reloads the engine here within a second (NOTIFY; 60 s TTL check as a net).
  const faqSync = await startFaqSync({ database, repository: faqRepository, engine: faq, logger });
  stoppers.unshift({ name: 'FAQ sync', stop: () => faqSync.stop() });

  // Channels: the web chat always; Telegram and Zalo when configured. Web chat uploads are files in
  // UPLOADS_DIR (the database keeps their names); the staff-group adapters load them to copy them into the groups.
  const uploadFiles = createUploadFiles({ dir: config.uploadsDir });
  const webUploads = createWebUploadsRepository({ db: database.db, files: uploadFiles });
  const uploadsUpkeep = startUploadsHousekeeping({ uploads: webUploads, logger });
  stoppers.unshift({ name: 'uploads upkeep', stop: () => uploadsUpkeep.stop() });
  // One clock for everything: adapters' received times, tickets, SLA, office hours (CLOCK_OFFSET moves it).
  const clock = createOffsetClock({ offsetMs: config.clockOffsetMs });
  const webAdapter = createWebAdapter();
  const adapters = new Map<ChannelName, ChannelAdapter>([['web', webAdapter]]);
  let telegram: TelegramAdapter | undefined;
  if (config.telegram.botToken) {
    const { webhookUrl, webhookSecret } = config.telegram;
    telegram = createTelegramAdapter({
      token: config.telegram.botToken,
      apiRoot: config.telegram.apiRoot,
      webhook: webhookUrl ? { url: webhookUrl, secret: webhookSecret || randomBytes(24).toString('base64url') } : undefined,
      logger,
      loadMedia: webUploads.loadMedia,
      clock,
    });
    adapters.set('telegram', telegram);
  }
  let zaloStandby = false;
  if (config.zalo.enabled) {
    // One Zalo listener per account (a second login kicks the first): only the process holding the lock
    // runs Zalo; the others leave Zalo replies to its outbox worker (theirs claim only their channels).
    const zaloLock = await database.tryLock({
      name: 'mot-cua:zalo-listener',
      onLost: () => logger.error('lost the database connection holding the Zalo lock: another bot process may start Zalo too; restart this one'),
    });
    if (zaloLock.acquired) {
      // Loaded only when used: zca-js alone takes a second or more to import, which every restart would pay.
      const { createZaloAdapter } = await import('./bot/adapters/zalo/zalo.adapter.js');
      adapters.set('zalo', createZaloAdapter({ credentialsPath: config.zalo.credentialsPath, logger, loadMedia: webUploads.loadMedia, clock }));
      stoppers.unshift({ name: 'Zalo lock', stop: () => zaloLock.release() });
    } else {
      zaloStandby = true;
      logger.warn('Zalo runs in another bot process (it holds the Zalo lock); this one leaves Zalo to it. Restart this one to take over if that process stops.');
    }
  }

  // Pipeline, outbox, handoff, privacy and unit choice, wired as one (the pipeline bench uses the same).
  const { pipeline, conversations, outbox, outboxRepository, outboxWorker, unitsListener, handoff, sla, privacy, queryLog } = await assemblePipeline({
    database,
    adapters,
    faq,
    logger,
    openGroups: config.bot.openGroups,
    communityGroups: new Map(config.bot.communityGroups.map((g) => [g.conversationRef, { answer: g.answer, staffInGroup: g.staffInGroup, community: true, ...(g.unitId ? { unitId: g.unitId } : {}) }])),
    retentionDays: config.privacy.retentionDays,
    clock,
    uploadFiles,
    publicUrl: config.publicUrl,
  });
  if (config.clockOffsetMs !== 0) logger.warn({ offsetMs: config.clockOffsetMs }, `CLOCK_OFFSET: the bot's clock runs ${config.clockOffsetMs / 60_000} minutes from real time (tickets, SLA, office hours)`);
  stoppers.unshift({ name: 'units listener', stop: () => unitsListener.stop() });
  // The web page long-polls the transcript: wake it once a reply is recorded there.
  outboxWorker.onSent((row) => webAdapter.notify({ conversationRef: row.conversationRef }));
  stoppers.unshift({ name: 'outbox worker', stop: () => outboxWorker.stop() });
  sla.start();
  stoppers.unshift({ name: 'SLA worker', stop: () => sla.stop() });
  // Privacy: transcripts older than RETENTION_DAYS are erased now and then daily.
  const retention = startRetentionJob({ privacy, logger });
  stoppers.unshift({ name: 'retention job', stop: () => retention.stop() });
  stoppers.unshift({ name: 'query log', stop: () => queryLog.stop() });
  stoppers.unshift({ name: 'pipeline', stop: () => pipeline.drain() });

  const channels = (): Record<string, ChannelStatus> => ({
    telegram: { state: 'disabled', since: startedAt },
    zalo: { state: 'disabled', since: startedAt, ...(zaloStandby ? { detail: 'another bot process runs Zalo' } : {}) },
    ...Object.fromEntries([...adapters].map(([name, adapter]) => [name, adapter.status()])),
  });

  const health: HealthDeps = { version, database, channels, outboxPending: () => outbox.pendingCount(), staffGroups: () => handoff.staffGroupHealth() };
  const app = createApp({
    logger,
    trustProxy: config.trustProxy,
    routes: [
      (a) => registerConsoleRoutes({ app: a, deps: { ...createConsoleDeps({ db: database.db, engine: faq, catalogue, logger, handoff }), channels } }),
      (a) => registerHealthRoutes({ app: a, health }),
      (a) => telegram?.registerRoutes(a),
      (a) =>
        registerChatRoutes({
          app: a,
          webAdapter,
          history: createWebChatHistory({ conversations, outbox: outboxRepository }),
          logger,
          unitName: catalogue.unit.name,
          uploads: webUploads,
          clock,
        }),
    ],
  });
  mark('assembly');
  const server = await listen({ app, port: config.port, host: config.host });
  mark('listening');
  stoppers.unshift({ name: 'http', stop: () => closeServer(server) });
  // The detailed health report (channels, staff groups, their errors) on its own, admin-only listener.
  if (config.health.port !== undefined) {
    const detailsApp = createApp({ logger, routes: [(a) => registerHealthDetailsRoutes({ app: a, health })] });
    const detailsServer = await listen({ app: detailsApp, port: config.health.port, host: config.health.host });
    stoppers.unshift({ name: 'health listener', stop: () => closeServer(detailsServer) });
  }

  outboxWorker.start();
  // Stopping adapters first stops new input (and ends the web chat's pending long-polls).
  stoppers.unshift({
    name: 'channels',
    stop: async () => {
      await Promise.all([...adapters.values()].map((adapter) => adapter.stop()));
    },
  });
  // Messages a crash left stored but unhandled are handled first (in their conversation's order), then
  // the channels start; the platforms' redeliveries of them are duplicates by then.
  const { recovered } = await pipeline.recover({ since: new Date(clock.now().getTime() - RECOVERY_WINDOW_MS) });
  if (recovered > 0) logger.warn({ recovered }, 'handling messages a crash left unhandled');
  mark('recovery');
  for (const [name, adapter] of adapters) {
    // A channel that cannot start (Zalo needs a QR, Telegram unreachable) must not stop the others.
    adapter.start({ onMessage: pipeline.handle }).catch((error: unknown) => {
      logger.error({ err: error, channel: name }, 'channel failed to start; see /healthz');
    });
  }
  const healthUrl = config.health.port === undefined ? {} : { health: `http://${config.health.host}:${config.health.port}/healthz` };
  logger.info({ url: `http://${config.host}:${config.port}/`, ...healthUrl, database: database.kind, version, startupMs: startup }, 'Một Cửa Bot is running');

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

function listen({ app, port, host }: { app: ReturnType<typeof createApp>; port: number; host: string }): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host, (error?: Error) => (error ? reject(error) : resolve(server)));
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') {
        console.error(`Port ${port} is already in use: stop the other program or set PORT (or HEALTH_PORT) to a free port.`);
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
