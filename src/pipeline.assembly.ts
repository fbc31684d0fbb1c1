/**
 * How the conversation machinery fits together: repositories → outbox and its worker → handoff,
 * privacy and unit choice → the pipeline. One function, called by main.ts (the composition root,
 * which decides the real database, channels, engine, logger and clock) and by the pipeline
 * benchmark, so the benchmark measures exactly what production runs per message.
 *
 * Nothing here starts anything: main.ts starts the outbox worker, the SLA worker and the channels.
 */
import type { ChannelAdapter } from './bot/core/channel.port.js';
import { systemClock, type Clock } from './shared/clock.js';
import type { ChannelName } from './bot/core/message.types.js';
import { createPipeline, type GroupPolicy, type PipelineLimits, type PipelineStateKey } from './bot/core/pipeline.js';
import { defaultBotTexts, greetingText } from './bot/core/bot.texts.js';
import { createOutbox } from './bot/outbox/outbox.js';
import { createOutboxRepository } from './bot/outbox/outbox.repository.js';
import { createOutboxWorker } from './bot/outbox/outbox.worker.js';
import type { RetryPolicy } from './bot/outbox/outbox.retry.js';
import type { DatabaseHandle } from './db/client.js';
import type { StateProbes } from './db/state-probe.js';
import { createConversationsRepository } from './db/conversations.repository.js';
import type { FaqEngine } from './faq/faq.engine.port.js';
import { createHandoff } from './handoff/index.js';
import { createPrivacyRepository, privacyStateProbes } from './privacy/index.js';
import { createPrivacyUsecases } from './privacy/index.js';
import { createSlaWorker } from './handoff/index.js';
import { createUnitChoice } from './units/index.js';
import { createUnitsRepository, unitStateProbes } from './units/index.js';
import { ticketStateProbes } from './handoff/index.js';
import type { Logger } from './logger.js';
import type { UploadFiles } from './web/uploads.files.js';
import { createQueryLogRepository, createQueryLogWriter } from './querylog/index.js';

/**
 * The conversation's state, read in the statement that stores each message: every module that owns
 * a piece of it contributes its probe (src/db/state-probe.ts).
 */
export const pipelineStateProbes = { ...privacyStateProbes, ...ticketStateProbes, ...unitStateProbes } satisfies StateProbes<PipelineStateKey>;

export type PipelineAssembly = Awaited<ReturnType<typeof assemblePipeline>>;

export async function assemblePipeline({
  database,
  adapters,
  faq,
  logger,
  clock = systemClock,
  openGroups = [],
  communityGroups = new Map(),
  retentionDays,
  limits,
  outboxRetryPolicy,
  queryLogOn = true,
  uploadFiles,
  publicUrl,
}: {
  database: DatabaseHandle;
  adapters: ReadonlyMap<ChannelName, ChannelAdapter>;
  faq: FaqEngine;
  logger: Logger;
  clock?: Clock;
  /** Group refs where the bot answers every message (BOT_OPEN_GROUPS). */
  openGroups?: readonly string[];
  /** Residents' groups and their manners (BOT_COMMUNITY_GROUPS): see GroupPolicy. */
  communityGroups?: ReadonlyMap<string, ReturnType<GroupPolicy>>;
  retentionDays: number;
  /** Production keeps the defaults; the benchmark lifts the per-resident throttle. */
  limits?: PipelineLimits;
  /** Production keeps the default; tests shorten the delays. */
  outboxRetryPolicy?: RetryPolicy;
  /** Production keeps the query log on; the pipeline bench turns it off to measure what it costs. */
  queryLogOn?: boolean;
  /** Where web chat uploads keep their bytes: erasure removes their files too (main.ts always passes it). */
  uploadFiles?: Pick<UploadFiles, 'remove'>;
  /** PUBLIC_URL: staff-group cards link to the ticket's console page under it. */
  publicUrl?: string | undefined;
}) {
  const { db } = database;
  const conversations = createConversationsRepository({ db, probes: pipelineStateProbes });

  // Every reply leaves through the durable outbox; the worker wakes as soon as something is queued.
  const outboxRepository = createOutboxRepository({ db });
  const outbox = createOutbox({ repository: outboxRepository, adapters, clock });
  const outboxWorker = createOutboxWorker({ repository: outboxRepository, adapters, logger, clock, ...(outboxRetryPolicy ? { retryPolicy: outboxRetryPolicy } : {}) });
  outbox.onEnqueued(() => outboxWorker.wake());

  // Units, staff groups and staff are read on every message and change only when an admin edits
  // them: cached in memory, dropped on every edit made in this process and, through Postgres
  // LISTEN/NOTIFY, on edits made by another process (the CLI, a second bot process).
  const units = createUnitsRepository({ db, clock });
  // The engine fills {{unit.address}}… with the resident's own unit: its facts follow every edit too.
  const refreshUnitFacts = async () => {
    if (!faq.setUnits) return;
    const { units: list } = await units.listUnits();
    faq.setUnits({ units: list.map((u) => ({ id: u.id, facts: { name: u.name, ...u.info }, officeHours: u.officeHours })) });
  };
  await refreshUnitFacts();
  const unitsListener = await database.listen({
    channel: units.changeChannel,
    onNotify: () => {
      units.invalidate();
      refreshUnitFacts().catch((error: unknown) => logger.warn({ err: error }, 'unit facts could not be re-read; answers keep the previous ones'));
    },
  });

  // Handoff to staff groups: tickets, relay, SLA. The outbox tells it what was sent (links staff-side
  // messages to tickets) and what failed for good (undeliverable tickets, deleted forum topics).
  // The console serves a ticket's page at /admin/tickets/<code> (src/console/tickets.routes.ts).
  const ticketLink = publicUrl ? ({ code }: { code: string }) => `${publicUrl}/admin/tickets/${encodeURIComponent(code)}` : undefined;
  const handoff = createHandoff({ db, conversations, outboxHistory: outboxRepository, units, outbox, channels: adapters, clock, logger, ...(ticketLink ? { ticketLink } : {}) });
  outboxWorker.onSent((row) => handoff.handleOutboxSent(row));
  outboxWorker.onFailed((row, failure) => handoff.handleOutboxFailed(row, failure));
  // A residents' group's notice is pinned once it is out, where the bot may (a refusal is only logged).
  outboxWorker.onSent(async (row) => {
    const meta = row.meta as { pinAfter?: boolean } | null;
    const adapter = adapters.get(row.channel as ChannelName);
    if (!meta?.pinAfter || !row.externalMessageId || !adapter?.pinMessage) return;
    await adapter.pinMessage({ conversationRef: row.conversationRef, externalMessageId: row.externalMessageId }).catch((error: unknown) => {
      logger.warn({ err: error, conversationRef: row.conversationRef }, 'could not pin the group notice (the bot may lack the admin right); it stays unpinned');
    });
  });
  // The SLA worker posts through the handoff's own staff threads (reachable groups only, one lock per ticket).
  const sla = createSlaWorker({ handoff });

  const privacy = createPrivacyUsecases({ privacyRepository: createPrivacyRepository({ db, ...(uploadFiles ? { uploadFiles } : {}) }), retentionDays, clock });
  // The query log (console inbox and reports): rows are buffered and written in batches.
  const queryLog = createQueryLogWriter({ insertMany: createQueryLogRepository({ db }).insertMany, logger });
  const open = new Set(openGroups);
  // The greeting names the centre when there is one; with several, the resident is asked which first.
  const { units: served } = await units.listUnits();
  for (const [ref, policy] of communityGroups) {
    if (policy.unitId && !served.some((u) => u.id === policy.unitId)) {
      logger.warn({ group: ref, unitId: policy.unitId }, `BOT_COMMUNITY_GROUPS: ${ref} names unit "${policy.unitId}", which data/units.yaml does not have; its members are asked which centre instead`);
    }
  }
  const texts = served.length === 1 ? { ...defaultBotTexts, greeting: greetingText({ centreName: served[0]!.name }) } : defaultBotTexts;
  const pipeline = createPipeline({
    texts,
    conversations,
    faq,
    handoff,
    outbox,
    logger,
    clock,
    groupPolicy: ({ conversationRef }) => communityGroups.get(conversationRef) ?? { answer: open.has(conversationRef) ? 'every' : 'addressed' },
    privacy,
    unitChoice: createUnitChoice({ unitsRepository: units }),
    ...(queryLogOn ? { queryLog } : {}),
    // Several processes on one Postgres: one conversation at a time across them (order, throttle, context).
    lock: { shared: database.shared, run: ({ key, work }) => database.withLock({ key, work }) },
    ...(limits ? { limits } : {}),
  });

  return { pipeline, conversations, outbox, outboxRepository, outboxWorker, units, unitsListener, handoff, sla, privacy, queryLog };
}
