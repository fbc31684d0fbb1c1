import { eq, sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createMemoryAdapter, type MemoryAdapter } from '../../../src/bot/adapters/memory/memory.adapter.js';
import { ChannelApiError, ChannelNetworkError } from '../../../src/bot/core/channel.errors.js';
import type { ChannelAdapter } from '../../../src/bot/core/channel.port.js';
import type { ChannelName } from '../../../src/bot/core/message.types.js';
import { createOutbox, type Outbox } from '../../../src/bot/outbox/outbox.js';
import { createOutboxRepository, type OutboxRepository } from '../../../src/bot/outbox/outbox.repository.js';
import { outboxTable, type OutboxRow } from '../../../src/bot/outbox/outbox.table.js';
import { createOutboxWorker, type OutboxWorker } from '../../../src/bot/outbox/outbox.worker.js';
import { createDatabase } from '../../../src/db/client.js';
import { countStatements } from '../../../src/db/statement-counter.js';
import { messagesTable } from '../../../src/db/messages.table.js';
import { createLogger } from '../../../src/logger.js';
import { createFakeClock, type FakeClock } from '../../helpers/fake-clock.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/test-db.js';

const logger = createLogger({ level: 'silent' });
const LEASE_MS = 30_000;

describe('outbox', () => {
  let database: TestDatabase;
  let repository: OutboxRepository;
  let adapter: MemoryAdapter;
  let adapters: Map<ChannelName, ChannelAdapter>;
  let clock: FakeClock;
  let outbox: Outbox;
  let worker: OutboxWorker;

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.close());
  beforeEach(async () => {
    await database.db.execute(sql`truncate outbox, messages, conversations restart identity cascade`);
    repository = createOutboxRepository({ db: database.db });
    adapter = createMemoryAdapter({ capabilities: { maxTextLength: 50, minSendIntervalMs: 0 } });
    adapters = new Map([['memory', adapter]]);
    clock = createFakeClock();
    outbox = createOutbox({ repository, adapters, clock });
    worker = createOutboxWorker({ repository, adapters, logger, clock, leaseMs: LEASE_MS });
  });
  afterEach(() => worker.stop());

  const rowOf = async (id: number) => (await repository.findById({ id })).row as OutboxRow;

  it('splits a long message to the channel limit, buttons on the last part, and sends the parts in order', async () => {
    const text = 'Đoạn một nói về giấy tờ cần có.\n\nĐoạn hai nói về lệ phí và thời hạn.';
    const { ids } = await outbox.enqueue({
      message: { conversationRef: 'memory:a', text, buttons: [{ label: 'Lệ phí', data: 'faq:x:fee' }], replyToExternalId: 'in-1' },
    });
    expect(ids).toHaveLength(2);
    // Only the oldest unfinished row of a conversation is claimable, so two rounds are needed.
    expect(await worker.runOnce()).toMatchObject({ claimed: 1, sent: 1 });
    expect(await worker.runOnce()).toMatchObject({ claimed: 1, sent: 1 });
    expect(adapter.sent.map((m) => m.text)).toEqual(['Đoạn một nói về giấy tờ cần có.', 'Đoạn hai nói về lệ phí và thời hạn.']);
    expect(adapter.sent[0]).toMatchObject({ replyToExternalId: 'in-1' });
    expect(adapter.sent[0]?.buttons).toBeUndefined();
    expect(adapter.sent[1]?.buttons).toEqual([{ label: 'Lệ phí', data: 'faq:x:fee' }]);

    const transcript = await database.db.select().from(messagesTable).where(eq(messagesTable.direction, 'out'));
    expect(transcript.map((m) => [m.text, m.externalId])).toEqual([
      [adapter.sent[0]?.text, adapter.sent[0]?.externalMessageId],
      [adapter.sent[1]?.text, adapter.sent[1]?.externalMessageId],
    ]);
    expect(await outbox.pendingCount()).toEqual({ count: 0 });
  });

  it('refuses messages for a channel without an adapter, and empty messages', async () => {
    await expect(outbox.enqueue({ message: { conversationRef: 'zalo:user:1', text: 'x' } })).rejects.toThrow(/No zalo adapter/);
    await expect(outbox.enqueue({ message: { conversationRef: 'memory:a', text: '  ' } })).rejects.toThrow(/empty message/);
  });

  it('retries a network error with exponential backoff', async () => {
    const { ids } = await outbox.enqueue({ message: { conversationRef: 'memory:a', text: 'xin chào' } });
    adapter.failNext({ error: new ChannelNetworkError('memory', 'ECONNRESET'), times: 2 });

    expect(await worker.runOnce()).toMatchObject({ claimed: 1, retried: 1 });
    let row = await rowOf(ids[0]!);
    expect(row).toMatchObject({ status: 'pending', attempts: 1 });
    expect(row.nextAttemptAt.getTime() - clock.now().getTime()).toBe(2_000);
    expect(row.lastError).toMatch(/ECONNRESET/);

    expect(await worker.runOnce()).toMatchObject({ claimed: 0 });
    clock.advance(2_000);
    expect(await worker.runOnce()).toMatchObject({ retried: 1 });
    row = await rowOf(ids[0]!);
    expect(row.nextAttemptAt.getTime() - clock.now().getTime()).toBe(4_000);

    clock.advance(4_000);
    expect(await worker.runOnce()).toMatchObject({ sent: 1 });
    expect(await rowOf(ids[0]!)).toMatchObject({ status: 'sent', attempts: 3 });
    expect(adapter.sent).toHaveLength(1);
  });

  it("honours a 429's retry_after exactly, and retries 5xx", async () => {
    const { ids } = await outbox.enqueue({ message: { conversationRef: 'memory:a', text: 'một' } });
    adapter.failNext({ error: new ChannelApiError('memory', 'Too Many Requests', { platformCode: 429, retryAfterMs: 7_000, retryable: true }) });
    adapter.failNext({ error: new ChannelApiError('memory', 'Bad Gateway', { platformCode: 502, retryable: true }) });

    await worker.runOnce();
    clock.advance(6_999);
    expect(await worker.runOnce()).toMatchObject({ claimed: 0 });
    clock.advance(1);
    expect(await worker.runOnce()).toMatchObject({ claimed: 1, retried: 1 });
    clock.advance(4_000);
    expect(await worker.runOnce()).toMatchObject({ sent: 1 });
    expect(await rowOf(ids[0]!)).toMatchObject({ status: 'sent', attempts: 3 });
  });

  it('records a permanent refusal without retrying, tells listeners with the meta, and moves on to the next row', async () => {
    const failed: OutboxRow[] = [];
    worker.onFailed((row) => void failed.push(row));
    const { ids } = await outbox.enqueue({ message: { conversationRef: 'memory:a', text: 'phiếu HS-0001' }, meta: { ticketId: 1, role: 'relay' } });
    await outbox.enqueue({ message: { conversationRef: 'memory:a', text: 'tin sau' } });
    adapter.failNext({ error: new ChannelApiError('memory', 'Forbidden: bot was blocked by the user', { platformCode: 403, retryable: false }) });

    expect(await worker.runOnce()).toMatchObject({ claimed: 1, failed: 1 });
    expect(await rowOf(ids[0]!)).toMatchObject({ status: 'failed', attempts: 1, lastError: expect.stringMatching(/blocked/) });
    expect(failed.map((r) => r.meta)).toEqual([{ ticketId: 1, role: 'relay' }]);

    expect(await worker.runOnce()).toMatchObject({ sent: 1 });
    expect(adapter.sent.map((m) => m.text)).toEqual(['tin sau']);
  });

  it('gives up after the maximum number of attempts', async () => {
    const capped = createOutboxWorker({
      repository,
      adapters,
      logger,
      clock,
      retryPolicy: { baseDelayMs: 10, maxDelayMs: 10, maxAttempts: 3 },
    });
    const { ids } = await outbox.enqueue({ message: { conversationRef: 'memory:a', text: 'x' } });
    adapter.failNext({ error: new Error('weird'), times: 5 });
    for (let i = 0; i < 3; i += 1) {
      await capped.runOnce();
      clock.advance(10);
    }
    expect(await rowOf(ids[0]!)).toMatchObject({ status: 'failed', attempts: 3, lastError: expect.stringMatching(/gave up after 3 attempts/) });
  });

  it('keeps a conversation in order while its head row waits, without holding up other conversations', async () => {
    await outbox.enqueue({ message: { conversationRef: 'memory:a', text: 'a1' } });
    await outbox.enqueue({ message: { conversationRef: 'memory:a', text: 'a2' } });
    await outbox.enqueue({ message: { conversationRef: 'memory:b', text: 'b1' } });
    adapter.failNext({ error: new ChannelNetworkError('memory', 'timeout') });

    await worker.runOnce(); // a1 fails (retry in 2 s), b1 sent
    await worker.runOnce(); // a2 must not overtake a1
    expect(adapter.sent.map((m) => m.text)).toEqual(['b1']);
    clock.advance(2_000);
    await worker.runOnce();
    await worker.runOnce();
    expect(adapter.sent.map((m) => m.text)).toEqual(['b1', 'a1', 'a2']);
  });

  it('paces sends per chat, with the slower group interval for groups', async () => {
    const paced = createMemoryAdapter({ channel: 'web', capabilities: { minSendIntervalMs: 1_000, groupMinSendIntervalMs: 3_000 } });
    const pacedAdapters = new Map<ChannelName, ChannelAdapter>([['web', paced]]);
    const pacedOutbox = createOutbox({ repository, adapters: pacedAdapters, clock });
    const pacedWorker = createOutboxWorker({ repository, adapters: pacedAdapters, logger, clock });
    await pacedOutbox.enqueueAll({ messages: [{ conversationRef: 'web:p', text: 'p1' }, { conversationRef: 'web:p', text: 'p2' }] });
    await pacedOutbox.enqueueAll({
      messages: [
        { conversationRef: 'web:g', text: 'g1' },
        { conversationRef: 'web:g', text: 'g2' },
      ],
      chatType: 'group',
    });

    await pacedWorker.runOnce();
    expect(paced.sent.map((m) => m.text)).toEqual(['p1', 'g1']);
    clock.advance(999);
    expect(await pacedWorker.runOnce()).toMatchObject({ claimed: 0 });
    clock.advance(1);
    await pacedWorker.runOnce();
    expect(paced.sent.map((m) => m.text)).toEqual(['p1', 'g1', 'p2']);
    clock.advance(1_999);
    expect(await pacedWorker.runOnce()).toMatchObject({ claimed: 0 });
    clock.advance(1);
    await pacedWorker.runOnce();
    expect(paced.sent.map((m) => m.text)).toEqual(['p1', 'g1', 'p2', 'g2']);
  });

  it('re-sends a row whose worker died mid-send once the lease expires, and fences the dead worker out', async () => {
    const { ids } = await outbox.enqueue({ message: { conversationRef: 'memory:a', text: 'quan trọng' } });
    // A worker claims the row and dies before recording anything.
    const { rows: claimedByDeadWorker } = await repository.claimDue({ now: clock.now(), leaseMs: LEASE_MS, limit: 10, channels: ['memory'] });
    expect(claimedByDeadWorker).toHaveLength(1);

    expect(await worker.runOnce()).toMatchObject({ claimed: 0 });
    clock.advance(LEASE_MS - 1);
    expect(await worker.runOnce()).toMatchObject({ claimed: 0 });
    clock.advance(1);
    expect(await worker.runOnce()).toMatchObject({ claimed: 1, sent: 1 });
    expect(await rowOf(ids[0]!)).toMatchObject({ status: 'sent', attempts: 2 });

    // The "dead" worker comes back late: its outcome must not overwrite the real one.
    const late = await repository.markSent({ row: claimedByDeadWorker[0]!, externalMessageId: 'late', sentAt: clock.now() });
    expect(late.row).toBeUndefined();
    expect((await rowOf(ids[0]!)).externalMessageId).toBe(adapter.sent[0]?.externalMessageId);
  });

  it('keeps the short lease of a slow send alive with a heartbeat (no second send), and the row of a dead worker is retried within the lease', async () => {
    const lease = 400;
    const realOutbox = createOutbox({ repository, adapters });
    const { ids } = await realOutbox.enqueue({ message: { conversationRef: 'memory:slow', text: 'tải lên lâu' } });
    let release: () => void = () => {};
    adapter.holdSends({ until: new Promise<void>((resolve) => (release = resolve)) });
    const slow = createOutboxWorker({ repository, adapters, logger, leaseMs: lease });
    const other = createOutboxWorker({ repository, adapters, logger, leaseMs: lease });
    const round = slow.runOnce();
    // Three leases long, another worker finds nothing to claim: the heartbeat kept the row.
    for (const wait of [lease, lease, lease]) {
      await new Promise((resolve) => setTimeout(resolve, wait));
      expect(await other.runOnce()).toMatchObject({ claimed: 0 });
    }
    adapter.holdSends(null);
    release();
    expect(await round).toMatchObject({ sent: 1 });
    expect(adapter.sentTo({ conversationRef: 'memory:slow' })).toHaveLength(1);
    expect(await rowOf(ids[0]!)).toMatchObject({ status: 'sent', attempts: 1 });

    // A worker that claims and dies (no heartbeat, no outcome): the row is claimable again after one lease.
    const { ids: next } = await realOutbox.enqueue({ message: { conversationRef: 'memory:slow', text: 'lần hai' } });
    const { rows: dead } = await repository.claimDue({ now: new Date(), leaseMs: lease, limit: 10, channels: ['memory'] });
    expect(dead.map((r) => r.id)).toEqual(next);
    const diedAt = Date.now();
    let retried = await other.runOnce();
    while (retried.sent === 0) {
      expect(Date.now() - diedAt).toBeLessThan(lease * 5);
      await new Promise((resolve) => setTimeout(resolve, 50));
      retried = await other.runOnce();
    }
    expect(Date.now() - diedAt).toBeGreaterThanOrEqual(lease - 50);
    expect(await rowOf(next[0]!)).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('marks several rows sent in one statement (sends finishing together): each recorded in its own transcript, a lost claim left alone', async () => {
    // r1 already has a conversation, r2 and r3 get theirs when their message is recorded.
    await database.db.execute(sql`insert into conversations (channel, conversation_ref) values ('memory', 'memory:r1')`);
    const { ids } = await outbox.enqueueAll({ messages: [1, 2, 3].map((n) => ({ conversationRef: `memory:r${n}`, text: `tin ${n}` })) });
    const { rows } = await repository.claimDue({ now: clock.now(), leaseMs: LEASE_MS, limit: 10, channels: ['memory'] });
    expect(rows.map((r) => r.id)).toEqual(ids);
    // r3's claim is taken over by another worker meanwhile (its attempts moved on).
    await database.db.update(outboxTable).set({ attempts: 9 }).where(eq(outboxTable.id, ids[2]!));
    const { db: countedDb, counter } = countStatements(database.db);
    const counted = createOutboxRepository({ db: countedDb });
    const results = await Promise.all(rows.map((row, i) => counted.markSent({ row, externalMessageId: `ext-${i + 1}`, sentAt: clock.now() })));
    expect(counter.statements).toBe(1);
    expect(results.map((r) => r.row?.status)).toEqual(['sent', 'sent', undefined]);
    expect((await rowOf(ids[0]!)).externalMessageId).toBe('ext-1');
    expect(await rowOf(ids[2]!)).toMatchObject({ status: 'sending', externalMessageId: null });
    const transcript = await database.db.execute(sql`
      select c.conversation_ref as ref, m.external_id as ext, m.text, m.kind from messages m join conversations c on c.id = m.conversation_id
      where m.direction = 'out' order by c.conversation_ref`);
    const lines = (Array.isArray(transcript) ? transcript : (transcript as unknown as { rows: unknown[] }).rows) as Array<Record<string, string>>;
    expect(lines).toEqual([
      { ref: 'memory:r1', ext: 'ext-1', text: 'tin 1', kind: 'text' },
      { ref: 'memory:r2', ext: 'ext-2', text: 'tin 2', kind: 'text' },
    ]);
  });

  it('sends what was pending when a new worker starts (restart)', async () => {
    await outbox.enqueueAll({ messages: [1, 2, 3].map((n) => ({ conversationRef: `memory:r${n}`, text: `tin ${n}` })) });
    expect(await outbox.pendingCount()).toEqual({ count: 3 });
    const restarted = createOutboxWorker({ repository: createOutboxRepository({ db: database.db }), adapters, logger, clock });
    expect(await restarted.runOnce()).toMatchObject({ sent: 3 });
    expect(await outbox.pendingCount()).toEqual({ count: 0 });
  });

  describe('copies (a photo/file as its own row of kind "copy")', () => {
    let copier: MemoryAdapter;
    const photo = {
      conversationRef: 'memory:staff',
      from: { conversationRef: 'memory:resident', externalMessageId: 'in-7' },
      kind: 'photo' as const,
      attachment: { ref: 'AgACphoto', mimeType: 'image/jpeg' },
      text: '(một ảnh)',
    };
    beforeEach(() => {
      copier = createMemoryAdapter({ canCopy: true, capabilities: { minSendIntervalMs: 0 } });
      adapters.set('memory', copier);
      outbox = createOutbox({ repository, adapters, clock });
      worker = createOutboxWorker({ repository, adapters, logger, clock, leaseMs: LEASE_MS });
    });

    it('leaves right behind the text queued before it, through copyMessage, and is recorded with its media kind', async () => {
      const sent: OutboxRow[] = [];
      worker.onSent((row) => void sent.push(row));
      await outbox.enqueue({ message: { conversationRef: 'memory:staff', text: '📎 HS-0001 gửi một ảnh' }, chatType: 'group' });
      const { ids } = await outbox.enqueueCopy({ copy: photo, meta: { ticketId: 1, role: 'resident_message' }, chatType: 'group' });
      expect(await rowOf(ids[0]!)).toMatchObject({ kind: 'copy', status: 'pending', payload: photo });
      expect(await worker.runOnce()).toMatchObject({ claimed: 1, sent: 1 }); // the header only: the copy waits its turn
      expect(copier.copies).toHaveLength(0);
      expect(await worker.runOnce()).toMatchObject({ claimed: 1, sent: 1 });
      expect(copier.copies).toEqual([{ from: photo.from, to: 'memory:staff', kind: 'photo', attachment: photo.attachment, externalMessageId: 'memory-copy-2' }]);
      expect(sent[1]).toMatchObject({ kind: 'copy', externalMessageId: 'memory-copy-2', meta: { ticketId: 1, role: 'resident_message' } });
      const transcript = await database.db.select().from(messagesTable).where(eq(messagesTable.direction, 'out'));
      expect(transcript.map((m) => [m.kind, m.text, m.externalId])).toEqual([
        ['text', '📎 HS-0001 gửi một ảnh', 'memory-out-1'],
        ['photo', '(một ảnh)', 'memory-copy-2'],
      ]);
    });

    it('retries a copy on 5xx, 429 and network errors like text, then sends it once', async () => {
      const { ids } = await outbox.enqueueCopy({ copy: photo });
      copier.failNext({ error: new ChannelApiError('memory', '502 Bad Gateway', { platformCode: 502, retryable: true, reason: 'server_error' }) });
      copier.failNext({ error: new ChannelApiError('memory', '429', { platformCode: 429, retryable: true, retryAfterMs: 7_000, reason: 'rate_limited' }) });
      copier.failNext({ error: new ChannelNetworkError('memory', 'ECONNRESET') });
      expect(await worker.runOnce()).toMatchObject({ retried: 1 });
      clock.advance(2_000);
      expect(await worker.runOnce()).toMatchObject({ retried: 1 });
      expect((await rowOf(ids[0]!)).nextAttemptAt.getTime() - clock.now().getTime()).toBe(7_000);
      clock.advance(7_000);
      expect(await worker.runOnce()).toMatchObject({ retried: 1 });
      clock.advance(8_000);
      expect(await worker.runOnce()).toMatchObject({ sent: 1 });
      expect(copier.copies).toHaveLength(1);
      expect(await rowOf(ids[0]!)).toMatchObject({ status: 'sent', attempts: 4 });
    });

    it('is still sent after a restart (the row, not the memory, holds it)', async () => {
      const { ids } = await outbox.enqueueCopy({ copy: photo });
      copier.failNext({ error: new ChannelNetworkError('memory', 'ECONNRESET') });
      await worker.runOnce();
      await worker.stop();
      const restarted = createOutboxWorker({ repository: createOutboxRepository({ db: database.db }), adapters, logger, clock });
      clock.advance(2_000);
      expect(await restarted.runOnce()).toMatchObject({ sent: 1 });
      expect(copier.copies.map((c) => c.from)).toEqual([photo.from]);
      expect((await rowOf(ids[0]!)).status).toBe('sent');
    });

    it('records a permanent refusal and tells onFailed with the row and the error', async () => {
      const failed: Array<{ row: OutboxRow; error: unknown }> = [];
      worker.onFailed((row, failure) => void failed.push({ row, error: failure?.error }));
      const refusal = new ChannelApiError('memory', 'message to copy not found', { platformCode: 400, retryable: false, reason: 'bad_request' });
      copier.failNext({ error: refusal });
      const { ids } = await outbox.enqueueCopy({ copy: photo, meta: { fallbackText: 'ảnh không chuyển được' } });
      expect(await worker.runOnce()).toMatchObject({ failed: 1 });
      expect(await rowOf(ids[0]!)).toMatchObject({ status: 'failed', attempts: 1 });
      expect(failed).toEqual([{ row: expect.objectContaining({ kind: 'copy', meta: { fallbackText: 'ảnh không chuyển được' } }), error: refusal }]);
    });

    it('refuses a copy for a channel whose adapter cannot copy (the caller sends text instead)', async () => {
      adapters.set('web', createMemoryAdapter({ channel: 'web' }));
      expect(outbox.canCopy({ channel: 'web' })).toBe(false);
      expect(outbox.canCopy({ channel: 'memory' })).toBe(true);
      await expect(outbox.enqueueCopy({ copy: { ...photo, conversationRef: 'web:abc' } })).rejects.toMatchObject({ code: 'outbox.copy_unsupported' });
    });
  });

  it('keeps each mention with the part of a split message that names the person', async () => {
    const text = 'Phiếu HS-0001 chưa có ai nhận.\n\nCán bộ trực: @Lan, @Minh';
    const mentions = [
      { text: '@Lan', userIds: { memory: '1' } },
      { text: '@Minh', userIds: { memory: '2' } },
      { text: '@Hoa', userIds: { memory: '3' } },
    ];
    await outbox.enqueue({ message: { conversationRef: 'memory:staff', text, mentions } });
    await worker.runOnce();
    await worker.runOnce();
    expect(adapter.sent.map((m) => [m.text, m.mentions])).toEqual([
      ['Phiếu HS-0001 chưa có ai nhận.', undefined],
      ['Cán bộ trực: @Lan, @Minh', mentions.slice(0, 2)],
    ]);
  });

  it('finds the meta of a sent message by the id the platform gave it', async () => {
    const sent: OutboxRow[] = [];
    worker.onSent((row) => void sent.push(row));
    await outbox.enqueue({ message: { conversationRef: 'memory:staff', text: 'Phiếu HS-0042' }, meta: { ticketId: 42, role: 'card' } });
    await worker.runOnce();
    const externalMessageId = adapter.sent[0]!.externalMessageId;
    expect(sent[0]).toMatchObject({ externalMessageId, meta: { ticketId: 42, role: 'card' } });
    expect(await outbox.findSentByExternalId({ conversationRef: 'memory:staff', externalMessageId })).toMatchObject({
      meta: { ticketId: 42, role: 'card' },
    });
    expect(await outbox.findSentByExternalId({ conversationRef: 'memory:other', externalMessageId })).toBeUndefined();
  });

  it('runs continuously once started and wakes up on enqueue', async () => {
    const live = createOutboxWorker({ repository, adapters, logger, pollIntervalMs: 60_000 });
    live.start();
    await new Promise((r) => setTimeout(r, 50));
    await createOutbox({ repository, adapters }).enqueue({ message: { conversationRef: 'memory:a', text: 'ngay' } });
    live.wake();
    await adapter.waitForSent({ count: 1, timeoutMs: 2_000 });
    await live.stop();
  });
});

async function sendAllWithTwoWorkers({ repositories, adapter }: { repositories: [OutboxRepository, OutboxRepository]; adapter: MemoryAdapter }) {
  const adapters = new Map<ChannelName, ChannelAdapter>([['memory', adapter]]);
  const workers = repositories.map((repository) => createOutboxWorker({ repository, adapters, logger, batchSize: 7 }));
  const drive = async (worker: OutboxWorker) => {
    for (let idle = 0; idle < 3; ) {
      const { claimed } = await worker.runOnce();
      idle = claimed === 0 ? idle + 1 : 0;
      if (claimed === 0) await new Promise((r) => setTimeout(r, 5));
    }
  };
  await Promise.all(workers.map(drive));
}

async function expectEachSentOnceInOrder({ adapter, conversations, perConversation }: { adapter: MemoryAdapter; conversations: number; perConversation: number }) {
  expect(adapter.sent).toHaveLength(conversations * perConversation);
  for (let c = 0; c < conversations; c += 1) {
    expect(adapter.sentTo({ conversationRef: `memory:c${c}` }).map((m) => m.text)).toEqual(
      Array.from({ length: perConversation }, (_, i) => `c${c} tin ${i}`),
    );
  }
}

async function enqueueMany({ outbox, conversations, perConversation }: { outbox: Outbox; conversations: number; perConversation: number }) {
  for (let i = 0; i < perConversation; i += 1) {
    await outbox.enqueueAll({ messages: Array.from({ length: conversations }, (_, c) => ({ conversationRef: `memory:c${c}`, text: `c${c} tin ${i}` })) });
  }
}

describe('outbox with two workers on one database handle', () => {
  it('sends every row exactly once, each conversation in order', async () => {
    const database = await createTestDatabase();
    try {
      const adapter = createMemoryAdapter();
      // Slow sends widen the window in which the two workers overlap.
      adapter.holdSends({ until: new Promise((r) => setTimeout(r, 2)) });
      const repository = createOutboxRepository({ db: database.db });
      await enqueueMany({ outbox: createOutbox({ repository, adapters: new Map([['memory', adapter]]) }), conversations: 12, perConversation: 5 });
      await sendAllWithTwoWorkers({ repositories: [repository, createOutboxRepository({ db: database.db })], adapter });
      await expectEachSentOnceInOrder({ adapter, conversations: 12, perConversation: 5 });
    } finally {
      await database.close();
    }
  });
});

describe.runIf(process.env.TEST_DATABASE_URL)('outbox with two workers on separate Postgres connections', () => {
  it('never double-sends: every row exactly once, each conversation in order', async () => {
    const database = await createTestDatabase();
    const second = await createDatabase({ url: database.url });
    try {
      const adapter = createMemoryAdapter();
      const repository = createOutboxRepository({ db: database.db });
      await enqueueMany({ outbox: createOutbox({ repository, adapters: new Map([['memory', adapter]]) }), conversations: 40, perConversation: 10 });
      await sendAllWithTwoWorkers({ repositories: [repository, createOutboxRepository({ db: second.db })], adapter });
      await expectEachSentOnceInOrder({ adapter, conversations: 40, perConversation: 10 });
      const statuses = await database.db.select({ status: outboxTable.status }).from(outboxTable);
      expect(statuses.every((s) => s.status === 'sent')).toBe(true);
    } finally {
      await second.close();
      await database.close();
    }
  });
});
