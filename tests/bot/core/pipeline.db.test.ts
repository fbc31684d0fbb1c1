import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createMemoryAdapter, type MemoryAdapter } from '../../../src/bot/adapters/memory/memory.adapter.js';
import { defaultBotTexts as texts, HANDOFF_REQUEST_ACTION } from '../../../src/bot/core/bot.texts.js';
import type { ChannelAdapter } from '../../../src/bot/core/channel.port.js';
import type { ChannelName, InboundMessage } from '../../../src/bot/core/message.types.js';
import { createPipeline, defaultPipelineLimits, type GroupPolicy, type Pipeline, type PipelineLimits } from '../../../src/bot/core/pipeline.js';
import { createOutbox } from '../../../src/bot/outbox/outbox.js';
import { createOutboxRepository } from '../../../src/bot/outbox/outbox.repository.js';
import { createOutboxWorker, type OutboxWorker } from '../../../src/bot/outbox/outbox.worker.js';
import { rowsOf } from '../../../src/db/client.js';
import { createConversationsRepository } from '../../../src/db/conversations.repository.js';
import { messagesTable } from '../../../src/db/messages.table.js';
import { createLogger } from '../../../src/logger.js';
import { pipelineStateProbes } from '../../../src/pipeline.assembly.js';
import { createFakeClock, type FakeClock } from '../../helpers/fake-clock.js';
import { createFakeFaqEngine, KHAI_SINH_ANSWER, LAND_CANDIDATES, type FakeFaqEngine } from '../../helpers/fake-faq-engine.js';
import { createFakeHandoff, type FakeHandoff } from '../../helpers/fake-handoff.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/test-db.js';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.close());

type Harness = {
  pipeline: Pipeline;
  adapter: MemoryAdapter;
  worker: OutboxWorker;
  faq: FakeFaqEngine;
  handoff: FakeHandoff;
  clock: FakeClock;
  logLines: string[];
  /** Sends everything queued, then returns the texts sent to `ref` (all of them, in order). */
  flush(ref?: string): Promise<string[]>;
  say(args: Partial<InboundMessage> & { text?: string }): Promise<void>;
};

let counter = 0;
function inbound(args: Partial<InboundMessage>): InboundMessage {
  counter += 1;
  return {
    channel: 'memory',
    conversationRef: 'memory:dan',
    chatType: 'private',
    externalMessageId: `in-${counter}`,
    sender: { externalUserId: 'u1', displayName: 'Bà Lan' },
    text: '',
    kind: 'text',
    addressedToBot: true,
    receivedAt: new Date('2026-03-02T02:00:00Z'),
    ...args,
  };
}

function setup({
  groupPolicy,
  capabilities,
  clock = createFakeClock(),
  limits,
}: { groupPolicy?: GroupPolicy; capabilities?: { buttons?: boolean }; clock?: FakeClock; limits?: PipelineLimits } = {}): Harness {
  const adapter = createMemoryAdapter({ capabilities });
  const adapters = new Map<ChannelName, ChannelAdapter>([['memory', adapter]]);
  const logLines: string[] = [];
  const logger = createLogger({ level: 'info', sink: { write: (line) => logLines.push(line) } });
  const repository = createOutboxRepository({ db: database.db });
  const outbox = createOutbox({ repository, adapters, clock });
  const worker = createOutboxWorker({ repository, adapters, logger: createLogger({ level: 'silent' }), clock });
  const faq = createFakeFaqEngine();
  const handoff = createFakeHandoff();
  const pipeline = createPipeline({
    conversations: createConversationsRepository({ db: database.db, probes: pipelineStateProbes }),
    faq,
    handoff,
    outbox,
    logger,
    clock,
    groupPolicy,
    ...(limits ? { limits } : {}),
  });
  const flush = async (ref = 'memory:dan') => {
    await pipeline.drain();
    while ((await worker.runOnce()).claimed > 0);
    return adapter.sentTo({ conversationRef: ref }).map((m) => m.text);
  };
  return { pipeline, adapter, worker, faq, handoff, clock, logLines, flush, say: (args) => pipeline.handle(inbound(args)) };
}

const storedRows = () => database.db.select().from(messagesTable).where(eq(messagesTable.direction, 'in')).orderBy(messagesTable.id);
const storedTexts = async () =>
  (await database.db.select().from(messagesTable).where(eq(messagesTable.direction, 'in')).orderBy(messagesTable.id)).map((m) => m.text);

beforeEach(async () => {
  await database.db.execute(sql`truncate outbox, messages, conversations restart identity cascade`);
});

describe('pipeline', () => {
  it('greets on first contact with the privacy notice, then answers; later messages are not greeted', async () => {
    const h = setup();
    await h.say({ text: 'đk ks cho con cần gì' });
    expect(await h.flush()).toEqual([texts.greeting, texts.privacy, KHAI_SINH_ANSWER]);
    await h.say({ text: 'khai sinh cần gì' });
    expect((await h.flush()).slice(3)).toEqual([KHAI_SINH_ANSWER]);
    expect(h.adapter.sent.at(-1)?.buttons).toEqual([{ label: 'Lệ phí', data: 'faq:khai-sinh:fee' }]);
  });

  it('answers /start with the greeting and privacy notice once, and /help with help and the handoff button', async () => {
    const h = setup();
    await h.say({ text: '/start' });
    await h.say({ text: '/help@MotCuaBot' });
    expect(await h.flush()).toEqual([texts.greeting, texts.privacy, texts.help.withButtons]);
    expect(h.adapter.sent.at(-1)?.buttons).toEqual([{ label: texts.handoffButton, data: HANDOFF_REQUEST_ACTION }]);
    expect(h.faq.decided).toEqual([]);
  });

  it('ignores a redelivered message: stored once, answered once', async () => {
    const h = setup();
    const message = inbound({ text: 'khai sinh', externalMessageId: 'tg-777' });
    await h.pipeline.handle(message);
    await h.pipeline.handle({ ...message });
    await Promise.all([h.pipeline.handle({ ...message }), h.pipeline.handle({ ...message })]);
    expect(await h.flush()).toEqual([texts.greeting, texts.privacy, KHAI_SINH_ANSWER]);
    expect(await storedTexts()).toEqual(['khai sinh']);
  });

  it('handles one conversation in arrival order, one message at a time', async () => {
    const h = setup();
    let active = 0;
    let maxActive = 0;
    const delays = [40, 5, 20, 0, 10];
    h.handoff.onIntercept = async (m) => {
      active += 1;
      maxActive = Math.max(maxActive, active);
      await new Promise((r) => setTimeout(r, delays[Number(m.text.split(' ')[1]) - 1]));
      active -= 1;
    };
    await Promise.all([1, 2, 3, 4, 5].map((n) => h.say({ text: `ks ${n}` })));
    expect(maxActive).toBe(1);
    expect(h.faq.decided).toEqual(['ks 1', 'ks 2', 'ks 3', 'ks 4', 'ks 5']);
  });

  it('handles different conversations in parallel', async () => {
    const h = setup();
    let releaseSlow!: () => void;
    const slowHeld = new Promise<void>((r) => (releaseSlow = r));
    h.handoff.onIntercept = async (m) => {
      if (m.conversationRef === 'memory:slow') await slowHeld;
    };
    const slow = h.say({ conversationRef: 'memory:slow', text: 'ks' });
    // With one global queue this would wait for the slow conversation forever (and time out).
    await h.say({ conversationRef: 'memory:fast', text: 'ks' });
    expect(h.faq.decided).toEqual(['ks']);
    releaseSlow();
    await slow;
    expect(h.faq.decided).toEqual(['ks', 'ks']);
  });

  it('apologises when handling fails, logs the conversation and message ids, and keeps going', async () => {
    const h = setup();
    await h.say({ text: 'xin chào' });
    await expect(h.say({ text: 'boom', externalMessageId: 'in-boom' })).resolves.toBeUndefined();
    await h.say({ text: 'khai sinh' });
    expect(await h.flush()).toEqual([texts.greeting, texts.privacy, texts.apology, KHAI_SINH_ANSWER]);
    const errorLine = h.logLines.map((l) => JSON.parse(l)).find((l) => l.msg === 'handling an inbound message failed');
    expect(errorLine).toMatchObject({ conversationRef: 'memory:dan', externalMessageId: 'in-boom', err: { message: 'engine exploded' } });
  });

  it('sends one throttle notice past 10 messages a minute, holds the rest, and answers them merged when the pause is over', async () => {
    const h = setup();
    await h.say({ text: '/help' }); // no greeting noise in the count below
    for (let i = 1; i <= 12; i += 1) {
      h.clock.advance(1_000);
      await h.say({ text: `ks ${i}` });
    }
    const sent = await h.flush();
    expect(sent.filter((t) => t === KHAI_SINH_ANSWER)).toHaveLength(9); // /help was the 1st of 10
    expect(sent.filter((t) => t === texts.throttled)).toHaveLength(1);
    expect(sent.at(-1)).toBe(texts.throttled);
    expect(await storedTexts()).toHaveLength(13);
    // Held, not dropped: still unhandled in the database (a restart would answer them).
    const unhandled = await database.db.select({ text: messagesTable.text }).from(messagesTable).where(sql`${messagesTable.handledAt} is null`);
    expect(unhandled.map((m) => m.text)).toEqual(['ks 10', 'ks 11', 'ks 12']);

    h.clock.advance(61_000);
    await h.say({ text: 'ks again' });
    const after = (await h.flush()).slice(sent.length);
    expect(after).toEqual([KHAI_SINH_ANSWER, KHAI_SINH_ANSWER]); // the held three as one, then the new one
    expect(h.faq.decided.slice(-2)).toEqual(['ks 10\nks 11\nks 12', 'ks again']);
    expect(await database.db.select().from(messagesTable).where(sql`${messagesTable.handledAt} is null`)).toEqual([]);
  });

  it('answers held messages on its own when the pause ends, and never counts button taps', async () => {
    // The throttle reads the fake clock (all arrivals at one instant); the release timer is real.
    const h = setup({ limits: { ...defaultPipelineLimits, messagesPerMinute: 3, throttleWindowMs: 400 } });
    const ref = 'memory:flood';
    await h.say({ conversationRef: ref, text: '/help' });
    for (let i = 1; i <= 5; i += 1) await h.say({ conversationRef: ref, action: 'faq:khai-sinh:fee', externalMessageId: `tap-${i}` });
    const taps = await h.flush(ref);
    expect(taps.filter((t) => t === 'Mục fee của khai-sinh.')).toHaveLength(5);
    expect(taps).not.toContain(texts.throttled);

    for (let i = 1; i <= 5; i += 1) await h.say({ conversationRef: ref, text: i === 5 ? 'ks cần gì' : `ks ${i}` });
    const during = (await h.flush(ref)).slice(taps.length);
    expect(during).toEqual([KHAI_SINH_ANSWER, KHAI_SINH_ANSWER, texts.throttled]); // /help + 2 within the 3
    h.clock.advance(401);
    await new Promise((resolve) => setTimeout(resolve, 700));
    const later = (await h.flush(ref)).slice(taps.length + during.length);
    expect(later).toEqual([KHAI_SINH_ANSWER]);
    expect(h.faq.decided.at(-1)).toBe('ks 3\nks 4\nks cần gì');
  });

  it('in a group answers only when addressed (quoting the resident), unless the group is configured open', async () => {
    const h = setup({ groupPolicy: ({ conversationRef }) => ({ answer: conversationRef === 'memory:open-group' ? 'every' : 'addressed' }) });
    const ref = 'memory:group';
    await h.say({ conversationRef: ref, chatType: 'group', text: 'khai sinh cần gì', addressedToBot: false });
    expect(await h.flush(ref)).toEqual([]);
    await h.say({ conversationRef: ref, chatType: 'group', text: '@bot khai sinh cần gì', addressedToBot: true, externalMessageId: 'g-2' });
    expect(await h.flush(ref)).toEqual([KHAI_SINH_ANSWER]); // no private-chat greeting in groups
    expect(h.adapter.sent.at(-1)?.replyToExternalId).toBe('g-2');
    expect(await storedTexts()).toEqual(['khai sinh cần gì', '@bot khai sinh cần gì']);

    await h.say({ conversationRef: 'memory:open-group', chatType: 'group', text: 'khai sinh', addressedToBot: false });
    expect(await h.flush('memory:open-group')).toEqual([KHAI_SINH_ANSWER]);
  });

  it('gives staff-group messages to the handoff module only', async () => {
    const h = setup();
    h.handoff.staffGroups.add('memory:staff');
    await h.say({ conversationRef: 'memory:staff', chatType: 'group', text: '/nhan HS-0001' });
    expect(await h.flush('memory:staff')).toEqual([]);
    expect(h.handoff.staffMessages.map((m) => m.text)).toEqual(['/nhan HS-0001']);
    expect(h.faq.decided).toEqual([]);
  });

  it('answers media without text kindly, but an open ticket receives it instead', async () => {
    const h = setup();
    await h.say({ text: '/help' });
    await h.say({ kind: 'photo', text: '', attachment: { ref: 'file-1' } });
    await h.say({ kind: 'sticker', text: '' });
    expect((await h.flush()).slice(1)).toEqual([texts.nonText, texts.nonText]);
    expect(h.adapter.sent.at(-1)?.buttons).toEqual([{ label: texts.handoffButton, data: HANDOFF_REQUEST_ACTION }]);

    h.handoff.openTickets.add('memory:dan');
    await h.say({ kind: 'voice', text: '', attachment: { ref: 'voice-1' } });
    expect(await h.flush()).toHaveLength(3);
    expect(h.handoff.intercepted.map((m) => m.kind)).toEqual(['voice']);
  });

  it('stores empty and whitespace-only messages but does not answer them', async () => {
    const h = setup();
    await h.say({ text: '/help' });
    await h.say({ text: '' });
    await h.say({ text: ' \n\t ' });
    expect(await h.flush()).toEqual([texts.help.withButtons]);
    expect(await storedTexts()).toEqual(['/help', '', ' \n\t ']);
  });

  it('stores very long input whole and answers from its start', async () => {
    const h = setup();
    await h.say({ text: '/help' });
    const text = `khai sinh cần gì? ${'x'.repeat(6_000)}`;
    await h.say({ text });
    expect((await h.flush()).slice(1)).toEqual([texts.longInput, KHAI_SINH_ANSWER]);
    expect((await storedTexts())[1]).toHaveLength(text.length);
    expect(h.faq.decided[0]).toHaveLength(4_000);
  });

  it('maps a digit reply after a clarify question to that candidate', async () => {
    const h = setup();
    await h.say({ text: '/help' });
    await h.say({ text: 'giấy tờ' });
    await h.say({ text: '2' });
    const sent = await h.flush();
    expect(sent[1]).toMatch(/Trả lời 1, 2 hoặc 3/);
    expect(sent[2]).toBe('Trả lời về ket-hon.');
    // The clarify question carries the handoff option too.
    expect(h.adapter.sent[1]?.buttons?.at(-1)).toEqual({ label: texts.handoffButton, data: HANDOFF_REQUEST_ACTION });
    // Without a pending clarify question a digit is just text for the engine.
    await h.say({ text: '2' });
    expect(h.faq.decided).toEqual(['giấy tờ', '2']);
  });

  it('opens a ticket on an explicit request, a complaint, or the "Gặp cán bộ" button', async () => {
    const h = setup();
    await h.say({ text: '/help' });
    await h.say({ text: 'cho tôi gặp cán bộ' });
    await h.say({ text: 'tôi muốn khiếu nại' });
    await h.say({ text: '', action: HANDOFF_REQUEST_ACTION });
    expect(h.handoff.ticketsOpened.map((t) => [t.request.reason, t.request.question])).toEqual([
      ['explicit_request', 'cho tôi gặp cán bộ'],
      ['complaint', 'tôi muốn khiếu nại'],
      ['explicit_request', ''], // nothing left open: the handoff module falls back to the transcript
    ]);
    expect(await h.flush()).toEqual([texts.help.withButtons]); // receipts are the handoff module's job
  });

  it('offers the handoff button when unsure, and says what to type where there are no buttons', async () => {
    const h = setup();
    await h.say({ text: '/help' });
    await h.say({ text: 'abc xyz' });
    expect((await h.flush()).slice(1)).toEqual(['Xin lỗi, tôi chưa hiểu rõ câu hỏi.']);
    expect(h.adapter.sent.at(-1)?.buttons).toEqual([{ label: texts.handoffButton, data: HANDOFF_REQUEST_ACTION }]);
    expect(h.handoff.ticketsOpened).toEqual([]);

    const plain = setup({ capabilities: { buttons: false } });
    await plain.say({ conversationRef: 'memory:plain', text: '/help' });
    await plain.say({ conversationRef: 'memory:plain', text: 'abc xyz' });
    const plainTexts = await plain.flush('memory:plain');
    expect(plainTexts[0]).toBe(texts.help.withoutButtons); // "nhắn số 1, 2, 3": no button to tap
    expect(plainTexts.slice(1)).toEqual(['Xin lỗi, tôi chưa hiểu rõ câu hỏi.', texts.handoffHint]);
    expect(plain.faq.renderedWith.at(-1)).toEqual({ buttons: false }); // the engine words its own texts for the channel
  });

  it('opens a ticket at once when the bot is unsure and the centre chose to open directly', async () => {
    const h = setup();
    h.handoff.opensTicketDirectly = async () => true;
    await h.say({ text: '/help' });
    await h.say({ text: 'abc xyz' });
    expect(h.handoff.ticketsOpened.map((t) => t.request)).toEqual([{ question: 'abc xyz', guesses: [], reason: 'low_confidence', sourceExternalId: expect.any(String) }]);
    expect(await h.flush()).toEqual([texts.help.withButtons]);
  });

  it('answers FAQ buttons through the engine and stale buttons kindly', async () => {
    const h = setup();
    await h.say({ text: '/help' });
    await h.say({ text: 'Lệ phí', action: 'faq:khai-sinh:fee' });
    await h.say({ text: '?', action: 'something:old' });
    expect((await h.flush()).slice(1)).toEqual(['Mục fee của khai-sinh.', texts.staleAction]);
  });

  it('keeps the offer across a restart: a "vâng" to a new process opens the ticket on the offered question and its findings', async () => {
    const before = setup();
    await before.say({ text: '/help' });
    await before.say({ text: 'hồ sơ của tôi về đất nộp tháng trước' });
    await before.flush();
    const [row] = rowsOf<{ resident_flow: { offer?: { question: string } } | null }>(await database.db.execute(sql`select resident_flow from conversations`));
    expect(row?.resident_flow?.offer?.question).toBe('hồ sơ của tôi về đất nộp tháng trước');

    const after = setup(); // a new pipeline, as after a restart: nothing in process memory
    await after.say({ text: 'vâng' });
    await after.pipeline.drain();
    expect(after.handoff.ticketsOpened.map((t) => t.request)).toEqual([
      { question: 'hồ sơ của tôi về đất nộp tháng trước', guesses: LAND_CANDIDATES, reason: 'personal_case', sourceExternalId: expect.any(String) },
    ]);
    // The offer is used up, in the statement that queued the ticket's replies.
    const [used] = rowsOf<{ resident_flow: { offer?: unknown } | null }>(await database.db.execute(sql`select resident_flow from conversations`));
    expect(used?.resident_flow?.offer).toBeUndefined();
  });

  it('writes the context with the replies: when queueing the replies fails, the offer is not saved either', async () => {
    const h = setup();
    await h.say({ text: '/help' });
    await h.flush();
    const repository = createOutboxRepository({ db: database.db });
    const failing = { ...repository, insertRows: async () => Promise.reject(new Error('database went away')) };
    const adapters = new Map<ChannelName, ChannelAdapter>([['memory', h.adapter]]);
    const pipeline = createPipeline({
      conversations: createConversationsRepository({ db: database.db, probes: pipelineStateProbes }),
      faq: h.faq,
      handoff: h.handoff,
      outbox: createOutbox({ repository: failing, adapters, clock: h.clock }),
      logger: createLogger({ level: 'silent' }),
      clock: h.clock,
    });
    await pipeline.handle(inbound({ text: 'hồ sơ của tôi về đất' }));
    await pipeline.drain();
    const [row] = rowsOf<{ resident_flow: unknown }>(await database.db.execute(sql`select resident_flow from conversations`));
    expect(row?.resident_flow).toBeNull();
    // And the message stays unhandled, so the next start handles it again (offer and reply together).
    expect((await storedRows()).at(-1)?.handledAt).toBeNull();
  });

  it('forgets an offer after 30 minutes: a late "vâng" is an ordinary message', async () => {
    const h = setup();
    await h.say({ text: '/help' });
    await h.say({ text: 'hồ sơ của tôi về đất' });
    await h.flush();
    h.clock.advance(31 * 60_000);
    await h.say({ text: 'vâng' });
    await h.pipeline.drain();
    expect(h.handoff.ticketsOpened).toEqual([]);
  });
});
