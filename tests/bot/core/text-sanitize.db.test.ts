/**
 * Non-storable characters removed at each adapter's edge: a message with NUL and other control
 * characters, mapped by the Telegram, Zalo and web mappers from their own payloads, is stored and
 * answered (before, the insert failed and the resident got the apology).
 */
import { readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { assembleOnTestDatabase } from '../../helpers/assembly-harness.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Update } from 'telegraf/types';
import { GroupMessage, UserMessage, type TMessage } from 'zca-js';
import { createMemoryAdapter } from '../../../src/bot/adapters/memory/memory.adapter.js';
import { toInboundMessage as fromTelegram } from '../../../src/bot/adapters/telegram/telegram.mapper.js';
import { toInboundMessage as fromWeb } from '../../../src/bot/adapters/web/web.mapper.js';
import { toInboundMessage as fromZalo } from '../../../src/bot/adapters/zalo/zalo.mapper.js';
import type { ChannelAdapter } from '../../../src/bot/core/channel.port.js';
import type { ChannelName, InboundMessage } from '../../../src/bot/core/message.types.js';
import { sanitizeText } from '../../../src/bot/core/text-sanitize.js';
import { messagesTable } from '../../../src/db/messages.table.js';
import { type PipelineAssembly } from '../../../src/pipeline.assembly.js';
import { ONE_UNIT_YAML } from '../../units/units-fixtures.js';
import { KHAI_SINH_ANSWER } from '../../helpers/fake-faq-engine.js';
import { type TestDatabase } from '../../helpers/test-db.js';
import { OWN_ID } from '../adapters/zalo/zalo.fakes.js';

const DIRTY = 'làm\u0000 khai\u0007 sinh\u001b cần\u009b gì\uFFFF\uD800';
const CLEAN = 'làm khai sinh cần gì';
const FIXTURES = new URL('../../fixtures/', import.meta.url);
const json = (path: string) => JSON.parse(readFileSync(new URL(path, FIXTURES), 'utf8')) as Record<string, unknown>;

function telegramMessage(): InboundMessage {
  const update = json('telegram/private-text.json') as unknown as Update & { message: { text: string; from: { first_name: string } } };
  update.message.text = DIRTY;
  update.message.from.first_name = 'Bà\u0000 Lan';
  const { message } = fromTelegram({ update, bot: { id: 7000000001, username: 'motcua_demo_bot' }, now: new Date() });
  return message!;
}

function zaloMessage(): InboundMessage {
  const fixture = json('zalo/user-text.json') as { threadType: 'user' | 'group'; data: TMessage & { content: string; dName: string } };
  fixture.data.content = DIRTY;
  fixture.data.dName = 'Bà\u0000 Lan';
  const message = fixture.threadType === 'group' ? new GroupMessage(OWN_ID, fixture.data as never) : new UserMessage(OWN_ID, fixture.data);
  return fromZalo({ message, ownId: OWN_ID }).inbound!;
}

function webMessage(): InboundMessage {
  return fromWeb({ post: { sessionId: 'phien-sach-1234567890', clientMessageId: 'c-1', text: DIRTY }, receivedAt: new Date() });
}

describe('sanitizeText', () => {
  it('removes NUL, control characters, lone surrogates and noncharacters, and keeps Vietnamese (NFC or NFD), emoji and line breaks', () => {
    expect(sanitizeText(DIRTY)).toBe(CLEAN);
    const nfd = 'khai sinh'.normalize('NFD') + ' đăng ký'.normalize('NFD');
    expect(sanitizeText(nfd)).toBe(nfd);
    expect(sanitizeText('dòng 1\r\ndòng 2\tcột 😀')).toBe('dòng 1\r\ndòng 2\tcột 😀');
  });
});

describe.each([
  { channel: 'telegram' as ChannelName, map: telegramMessage },
  { channel: 'zalo' as ChannelName, map: zaloMessage },
  { channel: 'web' as ChannelName, map: webMessage },
])('a $channel message with NUL and control characters', ({ channel, map }) => {
  let database: TestDatabase;
  let assembly: PipelineAssembly;
  const adapter = createMemoryAdapter({ channel });

  let stop: () => Promise<void>;
  beforeAll(async () => {
    ({ database, assembly, stop } = await assembleOnTestDatabase({ unitsYaml: ONE_UNIT_YAML, adapters: new Map<ChannelName, ChannelAdapter>([[channel, adapter]]) }));
  });
  afterAll(() => stop());

  it('is mapped clean, stored and answered', async () => {
    const message = map();
    expect(message.text).toBe(CLEAN);
    if (channel !== 'web') expect(message.sender.displayName).toMatch(/^Bà Lan/);
    expect(message.sender.displayName).not.toContain('\u0000');
    await assembly.pipeline.handle(message);
    while ((await assembly.outboxWorker.runOnce()).claimed > 0);
    expect(adapter.sentTo({ conversationRef: message.conversationRef }).map((m) => m.text)).toContain(KHAI_SINH_ANSWER);
    const stored = await database.db.select({ text: messagesTable.text }).from(messagesTable).where(sql`${messagesTable.direction} = 'in'`);
    expect(stored).toEqual([{ text: CLEAN }]);
  });
});
