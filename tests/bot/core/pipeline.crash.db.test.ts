/**
 * Crash safety at every commit boundary: the process handling a message "dies" right after its k-th
 * commit (for every k until the handling completes), a fresh process on the same database runs the
 * start-up recovery and the outbox, and then the resident has exactly one answer (or one receipt) and
 * the ticket exactly one card. The real-process version (SIGKILL at random instants) is
 * tests/fault/fault.kill.test.ts; this one covers each boundary deterministically.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryAdapter, type MemoryAdapter } from '../../../src/bot/adapters/memory/memory.adapter.js';
import type { ChannelAdapter } from '../../../src/bot/core/channel.port.js';
import type { ChannelName, InboundMessage } from '../../../src/bot/core/message.types.js';
import { syncUnitsFromData } from '../../../src/units/units.sync.js';
import { createLogger } from '../../../src/logger.js';
import { assemblePipeline, type PipelineAssembly } from '../../../src/pipeline.assembly.js';
import { createFakeFaqEngine, KHAI_SINH_ANSWER } from '../../helpers/fake-faq-engine.js';
import { createKillableDatabase, type KillableDatabase } from '../../helpers/killable-db.js';
import { writeDataDir } from '../../units/units-fixtures.js';

const UNIT_YAML = `
units:
  - id: phuong-mot
    name: Trung tâm Phục vụ hành chính công phường Một
    address: 1 Đường A
    phone: "0200 000 001"
    ticketPolicy: open_directly
    staffGroups: [{ conversationRef: "memory:staff" }]
`;

const logger = createLogger({ level: (process.env.TEST_LOG_LEVEL as 'silent') ?? 'silent' });
let n = 0;
function inbound(conversationRef: string, text: string): InboundMessage {
  n += 1;
  return {
    channel: 'memory',
    conversationRef,
    chatType: 'private',
    externalMessageId: `m-${n}`,
    sender: { externalUserId: conversationRef, displayName: 'Bà Lan' },
    text,
    kind: 'text',
    addressedToBot: true,
    receivedAt: new Date(),
  };
}

describe('a crash after any commit while handling a message (pglite)', () => {
  let database: KillableDatabase;
  let survivor: PipelineAssembly;
  const adapter: MemoryAdapter = createMemoryAdapter();
  const adapters = new Map<ChannelName, ChannelAdapter>([['memory', adapter]]);
  const assemble = (db: KillableDatabase['handle']) =>
    assemblePipeline({ database: db, adapters, faq: createFakeFaqEngine(), logger, retentionDays: 365 });

  beforeAll(async () => {
    database = await createKillableDatabase();
    await syncUnitsFromData({ db: database.handle.db, dataDir: writeDataDir({ 'units.yaml': UNIT_YAML }) });
    survivor = await assemble(database.handle);
  }, 180_000);
  afterAll(async () => {
    await survivor.unitsListener.stop();
    await database.close();
  });

  /** Kills a process after `commits` commits while it handles `message`; true when it finished first. */
  async function handleAndKill(message: InboundMessage, commits: number): Promise<boolean> {
    const doomed = database.doomed({ commits });
    const victim = await assemble({ ...database.handle, db: doomed.db });
    doomed.arm();
    const finished = victim.pipeline.handle(message).then(() => true);
    return Promise.race([finished, doomed.dead.then(() => false)]);
  }

  /** The restarted process: recovery, then the platform redelivers what was not confirmed (a duplicate once stored). */
  async function restartAndSend(message: InboundMessage) {
    await survivor.pipeline.recover({ since: new Date(Date.now() - 60_000) });
    await survivor.pipeline.handle(message);
    await survivor.pipeline.drain();
    while ((await survivor.outboxWorker.runOnce()).claimed > 0);
  }

  it('a question is answered exactly once, whichever commit the crash follows', { timeout: 180_000 }, async () => {
    let completedAt: number | undefined;
    for (let k = 0; completedAt === undefined && k < 20; k += 1) {
      const ref = `memory:q${k}`;
      const message = inbound(ref, 'làm khai sinh cần gì');
      if (await handleAndKill(message, k)) completedAt = k;
      await restartAndSend(message);
      const texts = adapter.sentTo({ conversationRef: ref }).map((m) => m.text);
      expect(texts.filter((t) => t === KHAI_SINH_ANSWER), `crash after commit ${k}`).toHaveLength(1);
      expect(texts.filter((t) => /Xin chào|Chào/.test(t)).length, `greeting after commit ${k}`).toBeLessThanOrEqual(1);
    }
    // Store, then replies + handled mark: the crash points are before, between and after the two.
    expect(completedAt).toBeGreaterThanOrEqual(2);
  });

  it('a ticket gets exactly one receipt and one card, whichever commit the crash follows', { timeout: 180_000 }, async () => {
    let completedAt: number | undefined;
    for (let k = 0; completedAt === undefined && k < 40; k += 1) {
      const ref = `memory:t${k}`;
      const staffBefore = adapter.sentTo({ conversationRef: 'memory:staff' }).length;
      const message = inbound(ref, 'cho tôi gặp cán bộ');
      if (await handleAndKill(message, k)) completedAt = k;
      await restartAndSend(message);
      const receipts = adapter.sentTo({ conversationRef: ref }).filter((m) => /HS-\d{4}/.test(m.text));
      expect(receipts, `receipts, crash after commit ${k}`).toHaveLength(1);
      const code = /HS-\d{4}/.exec(receipts[0]!.text)![0];
      const cards = adapter.sentTo({ conversationRef: 'memory:staff' }).slice(staffBefore).filter((m) => m.text.includes(code));
      expect(cards, `cards of ${code}, crash after commit ${k}`).toHaveLength(1);
    }
    expect(completedAt).toBeGreaterThanOrEqual(3);
  });

  it('the clarify options ("1/2/3") survive a restart: a new process reads them from the database', async () => {
    const ref = 'memory:clarify';
    const before = await assemble(database.handle);
    await before.pipeline.handle(inbound(ref, 'giấy tờ'));
    await before.pipeline.drain();
    await before.unitsListener.stop();
    // "The process restarted": a fresh assembly (nothing in memory) gets the pick.
    await survivor.pipeline.handle(inbound(ref, '2'));
    await survivor.pipeline.drain();
    while ((await survivor.outboxWorker.runOnce()).claimed > 0);
    const texts = adapter.sentTo({ conversationRef: ref }).map((m) => m.text);
    expect(texts.some((t) => /Trả lời 1, 2 hoặc 3/.test(t))).toBe(true);
    expect(texts.at(-1)).toBe('Trả lời về ket-hon.');
  });

  it('a crash before the commit leaves the context as it was; the recovered message sets it', { timeout: 60_000 }, async () => {
    const ref = 'memory:clarify-crash';
    // Stored (commit 1), then killed before the replies and the context are written.
    expect(await handleAndKill(inbound(ref, 'giấy tờ'), 1)).toBe(false);
    await survivor.pipeline.recover({ since: new Date(Date.now() - 60_000) });
    await survivor.pipeline.drain();
    await survivor.pipeline.handle(inbound(ref, '3'));
    await survivor.pipeline.drain();
    while ((await survivor.outboxWorker.runOnce()).claimed > 0);
    const texts = adapter.sentTo({ conversationRef: ref }).map((m) => m.text);
    expect(texts.filter((t) => /Trả lời 1, 2 hoặc 3/.test(t))).toHaveLength(1);
    expect(texts.at(-1)).toMatch(/^Trả lời về /);
  });

  it('a message handled before the crash is not handled again', async () => {
    const ref = 'memory:done';
    await survivor.pipeline.handle(inbound(ref, 'ks cần gì'));
    const { recovered } = await survivor.pipeline.recover({ since: new Date(Date.now() - 60_000) });
    expect(recovered).toBe(0);
  });
});
