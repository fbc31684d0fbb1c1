/**
 * A resident's conversation on Telegram, end to end: the real telegraf adapter (long polling against
 * the in-repo fake Bot API), the production wiring (assemblePipeline), the real FAQ engine, catalogue
 * and units from data/, and the database. Private chat, a group where the bot is mentioned, and a button tap.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTelegramAdapter, type TelegramAdapter } from '../../../../src/bot/adapters/telegram/telegram.adapter.js';
import type { ChannelAdapter } from '../../../../src/bot/core/channel.port.js';
import type { ChannelName, InboundMessage } from '../../../../src/bot/core/message.types.js';
import { loadCatalogueFiles } from '../../../../src/faq/catalogue.loader.js';
import { createFaqEngine } from '../../../../src/faq/faq.engine.js';
import { createLogger } from '../../../../src/logger.js';
import { assemblePipeline, type PipelineAssembly } from '../../../../src/pipeline.assembly.js';
import { syncUnitsFromData } from '../../../../src/units/units.sync.js';
import { startFakeTelegramApi, type FakeTelegramApi } from '../../../helpers/fake-telegram-api.js';
import { createTestDatabase, type TestDatabase } from '../../../helpers/test-db.js';

const RESIDENT = 4401;
const GROUP = -4402;
const logger = createLogger({ level: 'silent' });

let database: TestDatabase;
let fake: FakeTelegramApi;
let adapter: TelegramAdapter;
let assembly: PipelineAssembly;
const handled: InboundMessage[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  fake = await startFakeTelegramApi();
  adapter = createTelegramAdapter({ token: fake.token, apiRoot: fake.apiRoot, logger, pollingTimeoutSeconds: 1 });
  const adapters = new Map<ChannelName, ChannelAdapter>([['telegram', adapter]]);
  const dataDir = new URL('../../../../data', import.meta.url).pathname;
  await syncUnitsFromData({ db: database.db, dataDir });
  assembly = await assemblePipeline({ database, adapters, faq: createFaqEngine(loadCatalogueFiles({ dataDir })), logger, retentionDays: 365 });
  await adapter.start({
    onMessage: async (message) => {
      await assembly.pipeline.handle(message);
      handled.push(message);
    },
  });
  assembly.outboxWorker.start();
}, 60_000);

afterAll(async () => {
  await adapter?.stop();
  await assembly?.outboxWorker.stop();
  await assembly?.unitsListener.stop();
  await fake?.close();
  await database?.close();
});

const sent = (chatId: number) => fake.callsTo('sendMessage').filter((c) => c.params.chat_id === chatId && c.response.ok);

async function deliver(update: ReturnType<FakeTelegramApi['makeMessage']>): Promise<void> {
  const before = handled.length;
  fake.enqueueUpdate(update);
  const deadline = Date.now() + 10_000;
  while (handled.length === before) {
    if (Date.now() > deadline) throw new Error('update was not handled within 10 s');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('a resident on Telegram (real telegraf, fake Bot API, real FAQ engine)', { timeout: 60_000 }, () => {
  it('answers a private question with the asked section first and buttons for the rest', async () => {
    await deliver(fake.makeMessage({ chat: fake.privateChat(RESIDENT, 'Bà Lan'), text: 'đk ks cho con cần gì <gấp> & _nhanh_ *ạ*' }));
    await expect.poll(() => sent(RESIDENT).length, { timeout: 15_000 }).toBe(3); // greeting, privacy notice, answer
    const answer = sent(RESIDENT).at(-1)!.params;
    expect(answer.text).toMatch(/^📋 Đăng ký khai sinh\n\nGiấy tờ cần chuẩn bị:/);
    expect(answer.parse_mode).toBeUndefined(); // plain text: nothing a resident types can break a send
    const buttons = (answer.reply_markup as { inline_keyboard: Array<Array<{ text: string; callback_data: string }>> }).inline_keyboard.flat();
    expect(buttons.map((b) => b.callback_data)).toEqual(expect.arrayContaining(['faq:khai-sinh:fee', 'handoff:request']));
  });

  it('answers a button tap with that section', async () => {
    await deliver(fake.makeCallback({ chat: fake.privateChat(RESIDENT, 'Bà Lan'), data: 'faq:khai-sinh:fee' }));
    await expect.poll(() => sent(RESIDENT).length, { timeout: 15_000 }).toBe(4);
    expect(sent(RESIDENT).at(-1)!.params.text).toMatch(/Lệ phí:\nMiễn lệ phí/);
    expect(fake.callsTo('answerCallbackQuery').length).toBeGreaterThan(0);
  });

  it('in a group stays quiet unless mentioned, then answers quoting the resident', async () => {
    const group = fake.group(GROUP, 'Cư dân tổ 5');
    await deliver(fake.makeMessage({ chat: group, text: 'mai ai đi chợ không' }));
    const mention = fake.makeMessage({
      chat: group,
      text: `@${fake.bot.username} đăng ký tạm trú ở đâu ạ`,
      extra: { entities: [{ type: 'mention', offset: 0, length: fake.bot.username.length + 1 }] },
    });
    await deliver(mention);
    await expect.poll(() => sent(GROUP).length, { timeout: 15_000 }).toBe(1);
    const reply = sent(GROUP)[0]!.params;
    expect(reply.text).toMatch(/^📋 Đăng ký tạm trú[^\n]*\n\nNơi nộp:/);
    expect((reply.reply_parameters as { message_id: number }).message_id).toBe((mention.message as { message_id: number }).message_id);
  });
});
