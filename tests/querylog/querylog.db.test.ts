/**
 * The query log on the real assembled pipeline: every decided question gets a row (numbers masked)
 * without adding a statement to the message's path; the rows are written in one batch statement;
 * the inbox reads what happened next; erasure and retention remove the rows.
 */
import { eq, sql } from 'drizzle-orm';
import { assembleOnTestDatabase } from '../helpers/assembly-harness.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryAdapter } from '../../src/bot/adapters/memory/memory.adapter.js';
import type { ChannelAdapter } from '../../src/bot/core/channel.port.js';
import type { ChannelName, InboundMessage } from '../../src/bot/core/message.types.js';
import { rowsOf } from '../../src/db/client.js';
import { createPrivacyRepository } from '../../src/privacy/index.js';
import { type PipelineAssembly } from '../../src/pipeline.assembly.js';
import { createQueryLogRepository } from '../../src/querylog/querylog.repository.js';
import { queryLogTable, regressionCasesTable } from '../../src/querylog/querylog.table.js';
import { type TestDatabase } from '../helpers/test-db.js';
import { ONE_UNIT_YAML } from '../units/units-fixtures.js';

let n = 0;
const t0 = new Date('2026-11-02T02:00:00Z');
function inbound(ref: string, text: string): InboundMessage {
  n += 1;
  return {
    channel: 'memory',
    conversationRef: ref,
    chatType: 'private',
    externalMessageId: `q-${n}`,
    sender: { externalUserId: ref, displayName: 'Bà Lan' },
    text,
    kind: 'text',
    addressedToBot: true,
    receivedAt: new Date(t0.getTime() + n * 1000),
  };
}

describe('query log (real database, assembled pipeline)', () => {
  let database: TestDatabase;
  let assembly: PipelineAssembly;
  let counter: { statements: number };
  const adapter = createMemoryAdapter();
  const scope = { from: new Date('2026-11-01T00:00:00Z'), to: new Date('2026-12-01T00:00:00Z') };

  let stop: () => Promise<void>;
  beforeAll(async () => {
    ({ database, assembly, counter, stop } = await assembleOnTestDatabase({ unitsYaml: ONE_UNIT_YAML, adapters: new Map<ChannelName, ChannelAdapter>([['memory', adapter]]), countStatements: true }));
  });
  afterAll(() => stop());

  const ask = async (ref: string, text: string) => {
    await assembly.pipeline.handle(inbound(ref, text));
    while ((await assembly.outboxWorker.runOnce()).claimed > 0);
  };
  const rows = (ref: string) =>
    database.db.execute(sql`select l.* from query_log l join conversations c on c.id = l.conversation_id where c.conversation_ref = ${ref} order by l.asked_at, l.id`).then((r) => rowsOf<Record<string, unknown>>(r));

  it('logs each decided question with its decision, masks numbers, and adds no statement to the message', async () => {
    await ask('memory:a', 'xin chào'); // first contact (greeting) outside the count
    await assembly.queryLog.flush();

    counter.statements = 0;
    await assembly.pipeline.handle(inbound('memory:a', 'làm khai sinh cho con, sđt 0912 345 678, cccd 001203004567'));
    // Store the message, queue the reply, as without the log (Postgres adds the read under the
    // conversation's lock: README, "Two processes behind a load balancer").
    expect(counter.statements).toBe(process.env.TEST_DATABASE_URL ? 3 : 2);
    while ((await assembly.outboxWorker.runOnce()).claimed > 0);
    await assembly.pipeline.handle(inbound('memory:a', 'giấy tờ gì'));
    await assembly.pipeline.handle(inbound('memory:a', '2'));
    while ((await assembly.outboxWorker.runOnce()).claimed > 0);

    counter.statements = 0;
    await assembly.queryLog.flush();
    expect(counter.statements).toBe(1); // three rows, one statement

    const logged = await rows('memory:a');
    expect(logged.map((r) => [r.decision, r.via, r.entry_id])).toEqual([
      ['smalltalk', 'typed', null],
      ['answer', 'typed', 'khai-sinh'],
      ['clarify', 'typed', null],
      ['answer', 'clarify', 'ket-hon'],
    ]);
    const masked = String(logged[1]!.text);
    expect(masked).toContain('***678');
    expect(masked).toContain('***567');
    expect(masked).not.toMatch(/912|345|001203/);
    expect(String(logged[1]!.normalized)).not.toMatch(/\d{4}/);
    expect(logged[1]!.unit_id).toBe('phuong-mot');
    expect(logged[2]!.candidates).toHaveLength(3);
  });

  it('the inbox holds handoffs, unchosen clarifies and answers followed by "gặp cán bộ", grouped by words; acting removes them', async () => {
    await ask('memory:b', 'xin chào');
    await ask('memory:b', 'thủ tục nhận nuôi con nuôi'); // low_confidence handoff
    await ask('memory:c', 'xin chào');
    await ask('memory:c', 'nhận con nuôi thủ tục'); // same words, another resident
    await ask('memory:c', 'giấy tờ'); // clarify, never chosen
    await ask('memory:d', 'xin chào');
    await ask('memory:d', 'ks cần gì'); // answered…
    await ask('memory:d', 'thôi cho tôi gặp cán bộ'); // …then a person asked for
    await assembly.queryLog.flush();

    const repository = createQueryLogRepository({ db: database.db });
    const { groups } = await repository.inboxGroups(scope);
    const byKey = new Map(groups.map((g) => [g.key, g]));
    const adoption = byKey.get('con nhan nuoi thu tuc');
    expect(adoption).toMatchObject({ residents: 2, questions: 2, reasons: { handoff: 2 } });
    expect(adoption!.examples[0]!.text).toBe('nhận con nuôi thủ tục'); // newest first
    expect(byKey.get('giay to')?.reasons.clarify_unchosen).toBe(1);
    expect(byKey.get('ks')?.reasons.answer_then_staff).toBe(1);
    // memory:a chose option 2 of its clarify: not in the inbox; greetings and the bare request never are.
    expect(groups.find((g) => g.key === 'giay to')?.questions).toBe(1);
    expect(groups.some((g) => g.key.includes('chao') || g.key.includes('gap'))).toBe(false);

    expect(await repository.resolve({ keys: ['con nhan nuoi thu tuc'], scope, by: 'admin', resolution: 'out_of_scope', note: 'không thuộc xã' })).toEqual({ resolved: 2 });
    const after = await repository.inboxGroups(scope);
    expect(after.groups.some((g) => g.key === 'con nhan nuoi thu tuc')).toBe(false);
    const [done] = await database.db.select().from(queryLogTable).where(eq(queryLogTable.resolution, 'out_of_scope')).limit(1);
    expect(done).toMatchObject({ resolvedBy: 'admin', resolutionNote: 'không thuộc xã' });
  });

  it('is erased with the resident\'s data (rows buffered meanwhile are not written) and purged by retention', async () => {
    await ask('memory:e', 'xin chào');
    await ask('memory:e', 'khai sinh');
    await assembly.queryLog.flush();
    const [row] = await rows('memory:e');
    const repository = createQueryLogRepository({ db: database.db });
    await repository.addRegressionCase({ text: 'khai sinh', expectedDecision: 'answer', expectedEntryId: 'khai-sinh', unitId: null, createdBy: 'admin', sourceQueryId: Number(row!.id) });
    const conversationId = Number(row!.conversation_id);

    await assembly.pipeline.handle(inbound('memory:e', 'ks cần gì')); // buffered, not yet written
    const privacy = createPrivacyRepository({ db: database.db });
    await privacy.eraseConversation({ conversationId, at: new Date() });
    await assembly.queryLog.flush();
    expect(await database.db.select().from(queryLogTable).where(eq(queryLogTable.conversationId, conversationId))).toEqual([]);
    expect(await database.db.select().from(regressionCasesTable)).toEqual([]);

    const purged = await privacy.eraseOlderThan({ cutoff: new Date('2026-12-01T00:00:00Z') });
    expect(purged.queries).toBeGreaterThan(0);
    expect(await database.db.select().from(queryLogTable)).toEqual([]);
  });
});
