/**
 * The wiring main.ts and the pipeline bench share: handoff, privacy and unit choice really are
 * asked about every message, and an ordinary question still costs only two statements (store the
 * message with the conversation's state, queue the reply; on Postgres a third under the conversation's
 * lock, see the test): units, staff groups and staff come from
 * memory, and the privacy, unit and ticket lookups are skipped when the stored state says so.
 */
import { assembleOnTestDatabase } from './helpers/assembly-harness.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryAdapter } from '../src/bot/adapters/memory/memory.adapter.js';
import type { ChannelAdapter } from '../src/bot/core/channel.port.js';
import type { ChannelName, InboundMessage } from '../src/bot/core/message.types.js';
import { type PipelineAssembly } from '../src/pipeline.assembly.js';
import { KHAI_SINH_ANSWER } from './helpers/fake-faq-engine.js';
import { ONE_UNIT_YAML, TWO_UNITS_YAML } from './units/units-fixtures.js';

let n = 0;
function inbound(args: Partial<InboundMessage>): InboundMessage {
  n += 1;
  return {
    channel: 'memory',
    conversationRef: 'memory:dan',
    chatType: 'private',
    externalMessageId: `in-${n}`,
    sender: { externalUserId: 'u1', displayName: 'Bà Lan' },
    text: '',
    kind: 'text',
    addressedToBot: true,
    receivedAt: new Date(),
    ...args,
  };
}

describe.each([
  { units: 'one unit', yaml: ONE_UNIT_YAML },
  { units: 'two units', yaml: TWO_UNITS_YAML },
])('assembled pipeline ($units)', ({ yaml }) => {
  let assembly: PipelineAssembly;
  let counter: { statements: number };
  const adapter = createMemoryAdapter();

  let stop: () => Promise<void>;
  beforeAll(async () => {
    ({ assembly, counter, stop } = await assembleOnTestDatabase({ unitsYaml: yaml, adapters: new Map<ChannelName, ChannelAdapter>([['memory', adapter]]), countStatements: true }));
  });
  afterAll(() => stop());

  async function repliesTo(message: InboundMessage): Promise<string[]> {
    const before = adapter.sentTo({ conversationRef: message.conversationRef }).length;
    await assembly.pipeline.handle(message);
    while ((await assembly.outboxWorker.runOnce()).claimed > 0);
    return adapter
      .sentTo({ conversationRef: message.conversationRef })
      .slice(before)
      .map((m) => m.text);
  }

  it('asks privacy and unit choice, and an ordinary question then costs two statements', async () => {
    const ref = `memory:${yaml.length}`;
    // First contact: greeting and privacy notice; with two units, the question waits for the choice.
    const first = await repliesTo(inbound({ conversationRef: ref, text: 'ks cần gì' }));
    expect(first.join('\n')).toMatch(/xóa dữ liệu|\/xoadulieu/i);
    // The greeting names the centre when the deployment serves one; with several it cannot know yet.
    if (yaml === ONE_UNIT_YAML) expect(first[0]).toContain('trợ lý tự động của Trung tâm Phục vụ hành chính công phường Một.');
    if (yaml === TWO_UNITS_YAML) {
      expect(first.at(-1)).toMatch(/xã\/phường nào/i);
      expect((await repliesTo(inbound({ conversationRef: ref, text: '1' }))).join('\n')).toContain(KHAI_SINH_ANSWER);
    } else {
      expect(first).toContain(KHAI_SINH_ANSWER);
    }

    // Settled first: the worker's marks of the replies above and the query log's batch are not the hot path.
    await assembly.queryLog.flush();
    await new Promise((resolve) => setTimeout(resolve, 300));
    counter.statements = 0;
    const sent = adapter.sent.length;
    await assembly.pipeline.handle(inbound({ conversationRef: ref, text: 'làm khai sinh cho con' }));
    // Postgres (processes may share it): one more, the state read again under the conversation's lock
    // (the lock itself runs on the lock pool: begin, pg_advisory_xact_lock, commit).
    expect(counter.statements).toBe(process.env.TEST_DATABASE_URL ? 3 : 2);
    while ((await assembly.outboxWorker.runOnce()).claimed > 0);
    expect(adapter.sent.slice(sent).map((m) => m.text)).toEqual([KHAI_SINH_ANSWER]);
  });

  it('still takes a delete request, its confirmation, and a request for a person (the skipped lookups come back when needed)', async () => {
    const ref = `memory:del-${yaml.length}`;
    await repliesTo(inbound({ conversationRef: ref, text: 'xin chào' }));
    if (yaml === TWO_UNITS_YAML) await repliesTo(inbound({ conversationRef: ref, text: '2' }));
    expect((await repliesTo(inbound({ conversationRef: ref, text: '/xoadulieu' }))).join('\n')).toMatch(/XÁC NHẬN/);
    expect((await repliesTo(inbound({ conversationRef: ref, text: 'XÁC NHẬN' }))).join('\n')).toMatch(/đã xóa/i);
    // The staff groups are on channels this assembly does not run: the honest "no staff" reply, once per request.
    let ticket = await repliesTo(inbound({ conversationRef: ref, text: 'cho tôi gặp cán bộ' }));
    // Erasing forgot the resident's centre too: with two, they are asked again and the request resumes.
    if (yaml === TWO_UNITS_YAML) {
      expect(ticket.join('\n')).toMatch(/xã\/phường nào/i);
      ticket = await repliesTo(inbound({ conversationRef: ref, text: '2' }));
    }
    expect(ticket.join('\n')).toMatch(/chưa kết nối được với cán bộ .*gọi 0200 000 00[12]/);
  });
});
