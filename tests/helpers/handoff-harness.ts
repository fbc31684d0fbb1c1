/**
 * The whole handoff path in one process, with nothing faked but the platforms and the FAQ engine:
 * real database, units seeded from a units.yaml written by the test, and the production wiring
 * (assemblePipeline: pipeline with privacy and unit choice, outbox and worker, handoff, SLA worker). Platforms are memory adapters named telegram/zalo/web; the telegram one can
 * open, close and delete forum topics and copy messages, like the Bot API.
 */
import { cpSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { createMemoryAdapter, type MemoryAdapter } from '../../src/bot/adapters/memory/memory.adapter.js';
import { ChannelApiError } from '../../src/bot/core/channel.errors.js';
import type { ChannelAdapter, ChannelCapabilities } from '../../src/bot/core/channel.port.js';
import type { ChannelName, InboundMessage, MessageKind, OutboundMessage } from '../../src/bot/core/message.types.js';
import { assemblePipeline } from '../../src/pipeline.assembly.js';
import { syncUnitsFromData } from '../../src/units/units.sync.js';
import { createFakeClock } from './fake-clock.js';
import { createFakeFaqEngine } from './fake-faq-engine.js';
import { createTestDatabase } from './test-db.js';

export const TG_STAFF = 'telegram:-1001000000001';
export const TG_PLAIN_STAFF = 'telegram:-1001000000002';
export const ZALO_STAFF = 'zalo:group:9000000000000000001';

/** Staff as the platforms see them. */
export const STAFF = {
  lan: { id: 'pm-lan', name: 'Nguyễn Thị Lan', telegram: '100000001', zalo: '2000000000000000001' },
  minh: { id: 'pm-minh', name: 'Trần Văn Minh', telegram: '100000002', zalo: '2000000000000000002' },
  hoa: { id: 'pm-hoa', name: 'Lê Thị Hoa', telegram: '100000003', zalo: '2000000000000000003' },
};

export type StaffGroupsSetup = Array<{ conversationRef: string; forum: boolean }>;

function unitsYaml({ groups, slaMinutes }: { groups: StaffGroupsSetup; slaMinutes: number }) {
  const staff = Object.values(STAFF)
    .map(
      (s, i) =>
        `      - { id: ${s.id}, name: ${s.name}, role: ${i === 0 ? 'lead' : 'staff'}, telegramUserId: "${s.telegram}", zaloUserId: "${s.zalo}" }`,
    )
    .join('\n');
  return `units:
  - id: phuong-mau
    name: Trung tâm Phục vụ hành chính công phường Mẫu
    shortName: Phường Mẫu
    phone: 0200 000 000
    slaMinutes: ${slaMinutes}
    ticketPolicy: ask_first
    lead: pm-lan
    staffGroups:${groups.length === 0 ? ' []' : ''}
${groups.map((g) => `      - { conversationRef: "${g.conversationRef}", forum: ${g.forum} }`).join('\n')}
    staff:
${staff}
    roster:
      - { weekday: mon, staff: [pm-minh] }
      - { weekday: tue, staff: [pm-hoa] }
      - { weekday: wed, staff: [pm-minh] }
      - { weekday: thu, staff: [pm-hoa] }
      - { weekday: fri, staff: [pm-minh, pm-hoa] }
`;
}

export type ThreadedAdapter = MemoryAdapter & {
  topics: Map<string, { title: string; state: 'open' | 'closed' | 'deleted' }>;
  copies: Array<{ from: { conversationRef: string; externalMessageId: string }; to: string; externalMessageId: string }>;
  /** The next copyMessage calls throw these, in order (a refused or unreachable copy). */
  failNextCopies(errors: Error[]): void;
};

/** A memory adapter that behaves like Telegram towards forum topics: deleted/closed topics refuse sends. */
export function withThreads(adapter: MemoryAdapter): ThreadedAdapter {
  const topics: ThreadedAdapter['topics'] = new Map();
  const copies: ThreadedAdapter['copies'] = [];
  let topicSeq = 10;
  let copySeq = 0;
  const copyFailures: Error[] = [];
  const gone = (ref: string) => {
    const topic = topics.get(ref);
    if (topic?.state === 'deleted') {
      return new ChannelApiError(adapter.channel, 'Bad Request: message thread not found', { platformCode: 400, retryable: false, reason: 'thread_deleted' });
    }
    if (topic?.state === 'closed') {
      return new ChannelApiError(adapter.channel, 'Bad Request: TOPIC_CLOSED', { platformCode: 400, retryable: false, reason: 'thread_closed' });
    }
    return undefined;
  };
  const threaded: ThreadedAdapter = {
    ...adapter,
    capabilities: { ...adapter.capabilities, threads: true },
    topics,
    copies,
    failNextCopies: (errors) => void copyFailures.push(...errors),
    async send(message: OutboundMessage) {
      const error = gone(message.conversationRef);
      if (error) throw error;
      return adapter.send(message);
    },
    async createThread({ conversationRef, title }) {
      topicSeq += 1;
      const ref = `${conversationRef}:topic:${topicSeq}`;
      topics.set(ref, { title, state: 'open' });
      return { conversationRef: ref };
    },
    async reopenThread({ conversationRef }) {
      const topic = topics.get(conversationRef);
      if (!topic || topic.state === 'deleted') throw gone(conversationRef) ?? new Error('no such topic');
      topic.state = 'open';
    },
    async closeThread({ conversationRef }) {
      const topic = topics.get(conversationRef);
      if (topic && topic.state === 'open') topic.state = 'closed';
    },
    async copyMessage({ from, to }) {
      const error = gone(to) ?? copyFailures.shift();
      if (error) throw error;
      copySeq += 1;
      const externalMessageId = `copy-${copySeq}`;
      copies.push({ from, to, externalMessageId });
      return { externalMessageId };
    },
  };
  return threaded;
}

export async function createHandoffHarness({
  groups = [{ conversationRef: TG_STAFF, forum: true }],
  slaMinutes = 120,
  start = new Date('2026-03-02T02:00:00Z'), // Monday 09:00 in Hanoi
  zaloCapabilities = {},
  replace = {},
  logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
  unconfigured = [],
  communityGroups,
  publicUrl,
}: {
  groups?: StaffGroupsSetup;
  slaMinutes?: number;
  start?: Date;
  zaloCapabilities?: Partial<ChannelCapabilities>;
  /** Real adapters (e.g. telegraf against the fake Bot API) instead of the memory ones. */
  replace?: Partial<Record<ChannelName, ChannelAdapter>>;
  /** To read what was logged (e.g. at which level a recovered failure is reported). */
  logger?: pino.Logger;
  /** Channels this "process" does not run (no token configured): their staff groups are unreachable. */
  unconfigured?: ChannelName[];
  /** Residents' groups and their policies (BOT_COMMUNITY_GROUPS in production). */
  communityGroups?: Parameters<typeof assemblePipeline>[0]['communityGroups'];
  /** PUBLIC_URL: cards link to the ticket's console page. */
  publicUrl?: string;
} = {}) {
  const database = await createTestDatabase();
  const { db } = database;
  const clock = createFakeClock(start);

  const dataDir = mkdtempSync(join(tmpdir(), 'handoff-data-'));
  cpSync(new URL('../../data/holidays', import.meta.url), join(dataDir, 'holidays'), { recursive: true });
  writeFileSync(join(dataDir, 'units.yaml'), unitsYaml({ groups, slaMinutes }));
  await syncUnitsFromData({ db, dataDir, now: clock.now() });
  rmSync(dataDir, { recursive: true, force: true });

  const telegram = withThreads(createMemoryAdapter({ channel: 'telegram', canEdit: true }));
  const zalo = createMemoryAdapter({ channel: 'zalo', capabilities: { buttons: false, maxTextLength: 2000, ...zaloCapabilities } });
  const web = createMemoryAdapter({ channel: 'web' });
  const adapters = new Map<ChannelName, ChannelAdapter>(
    (
      [
        ['telegram', replace.telegram ?? telegram],
        ['zalo', replace.zalo ?? zalo],
        ['web', replace.web ?? web],
      ] as const
    ).filter(([channel]) => !unconfigured.includes(channel)),
  );

  // The production wiring (main.ts calls the same function), with a fake clock and short retry delays.
  const assembly = await assemblePipeline({
    database,
    adapters,
    faq: createFakeFaqEngine(),
    logger,
    clock,
    retentionDays: 365,
    ...(communityGroups ? { communityGroups } : {}),
    outboxRetryPolicy: { baseDelayMs: 1000, maxDelayMs: 5000, maxAttempts: 3 },
    publicUrl,
  });
  const { pipeline, outbox, outboxWorker: worker, units, handoff, sla, conversations } = assembly;

  let seq = 0;
  /** Builds an inbound message; ids are unique per harness. */
  function inbound(args: {
    conversationRef: string;
    from: { id: string; name: string };
    text?: string;
    kind?: MessageKind;
    replyTo?: string;
    action?: string;
    chatType?: 'private' | 'group';
    attachment?: InboundMessage['attachment'];
  }): InboundMessage {
    seq += 1;
    const channel = args.conversationRef.slice(0, args.conversationRef.indexOf(':')) as ChannelName;
    return {
      channel,
      conversationRef: args.conversationRef,
      chatType: args.chatType ?? (args.conversationRef.startsWith('telegram:-') || args.conversationRef.startsWith('zalo:group:') ? 'group' : 'private'),
      externalMessageId: args.action ? `cb:${seq}` : `in-${seq}`,
      sender: { externalUserId: args.from.id, displayName: args.from.name },
      text: args.text ?? '',
      kind: args.kind ?? 'text',
      ...(args.attachment ? { attachment: args.attachment } : {}),
      ...(args.replyTo ? { replyToExternalId: args.replyTo } : {}),
      ...(args.action ? { action: args.action } : {}),
      addressedToBot: true,
      receivedAt: clock.now(),
    };
  }

  /** Hands the message to the pipeline, then lets the outbox send everything that is due. */
  async function say(message: InboundMessage) {
    await pipeline.handle(message);
    await flush();
    return message;
  }

  /**
   * Runs outbox rounds until nothing is left (sent rows trigger links, copies and re-sends). Rows held
   * back by per-chat pacing or a retry delay are released by moving the fake clock on a few seconds.
   */
  async function flush() {
    for (let round = 0; round < 100; round++) {
      const { claimed } = await worker.runOnce();
      if (claimed > 0) continue;
      if ((await outbox.pendingCount()).count === 0) return;
      clock.advance(5_000);
    }
    throw new Error('outbox did not settle within 100 rounds');
  }

  const all = () => [...telegram.sent, ...zalo.sent, ...web.sent];
  /** Messages sent into a conversation, or into any topic of a group. */
  const sentIn = (ref: string) => all().filter((m) => m.conversationRef === ref || m.conversationRef.startsWith(`${ref}:`));
  const lastIn = (ref: string) => sentIn(ref).at(-1);

  return {
    db,
    database,
    clock,
    units,
    telegram,
    zalo,
    web,
    outbox,
    worker,
    handoff,
    sla,
    pipeline,
    conversations,
    assembly,
    inbound,
    say,
    flush,
    sentIn,
    lastIn,
    close: async () => {
      await assembly.unitsListener.stop();
      await database.close();
    },
  };
}

export type HandoffHarness = Awaited<ReturnType<typeof createHandoffHarness>>;
