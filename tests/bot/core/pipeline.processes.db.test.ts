/**
 * Two REAL bot processes (the built dist/, as `npm start` runs it) on one Postgres, behind a "load
 * balancer" that is this test: Telegram webhook updates of the same chats are POSTed alternately to
 * one process and the other, a few milliseconds apart. Replies leave through the fake Bot API
 * (tests/helpers/fake-telegram-api.ts), which records them in the order Telegram received them.
 *
 * Asserted: each chat's answers arrive in the order of its questions (the per-conversation lock and
 * the hand-over of older messages), and the flood throttle counts one resident's messages across both
 * processes (one notice; the messages over the limit held, not answered by the other process).
 * PGlite is one process only: without TEST_DATABASE_URL the test is skipped.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILT_BOT_ENTRY, ensureBuilt, freePort, throwAwayDatabase } from '../../../src/bench/child-bot.js';
import { webhookPathFor, SECRET_HEADER } from '../../../src/bot/adapters/telegram/telegram.routes.js';
import { defaultBotTexts } from '../../../src/bot/core/bot.texts.js';
import { startFakeTelegramApi, type FakeTelegramApi } from '../../helpers/fake-telegram-api.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const SECRET = 'two-processes-secret';
const UNITS_YAML = `
units:
  - id: phuong-hai
    name: Trung tâm Phục vụ hành chính công phường Hai
    shortName: Phường Hai
    address: 2 Đường Hai
    phone: "0200 000 002"
    hours: Giờ hành chính
`;
/** Questions with distinct answers (their first lines are learnt from a calm chat first). */
const QUESTIONS = ['đăng ký tạm trú cần giấy tờ gì', 'làm giấy khai sinh cho con cần gì', 'đăng ký kết hôn cần giấy tờ gì', 'cấp lại căn cước mất bao lâu'];

describe.skipIf(!process.env.TEST_DATABASE_URL)('two bot processes on one Postgres', () => {
  let fake: FakeTelegramApi;
  let dataDir: string;
  let drop: () => Promise<void>;
  let databaseUrl: string;
  const bots: Array<{ proc: ChildProcess; port: number; stderr: string }> = [];
  /** The first line of each question's answer, learnt in the first test. */
  const firstLines: string[] = [];

  beforeAll(async () => {
    ensureBuilt();
    fake = await startFakeTelegramApi({ maxPollMs: 100 });
    dataDir = mkdtempSync(join(tmpdir(), 'mcb-two-processes-'));
    cpSync(join(ROOT, 'data'), dataDir, { recursive: true });
    writeFileSync(join(dataDir, 'units.yaml'), UNITS_YAML);
    const database = await throwAwayDatabase({ url: process.env.TEST_DATABASE_URL!, prefix: 'processes' });
    drop = database.drop;
    databaseUrl = database.url;
    for (let i = 0; i < 2; i += 1) {
      const port = await freePort();
      const proc = spawn(process.execPath, [BUILT_BOT_ENTRY], {
        cwd: ROOT,
        env: {
          ...process.env,
          PORT: String(port),
          HOST: '127.0.0.1',
          LOG_LEVEL: process.env.TEST_BOT_LOG_LEVEL ?? 'warn',
          LOG_FORMAT: 'json',
          DATA_DIR: dataDir,
          DATABASE_URL: database.url,
          TELEGRAM_BOT_TOKEN: fake.token,
          TELEGRAM_API_ROOT: fake.apiRoot,
          // The public URL of the load balancer; both processes serve its path with the same secret.
          TELEGRAM_WEBHOOK_URL: 'https://bot.example.vn',
          TELEGRAM_WEBHOOK_SECRET: SECRET,
          ZALO_ENABLED: 'false',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const bot = { proc, port, stderr: '' };
      // The logs (stdout, JSON) and anything on stderr, the last few kB, for a failure's message.
      const keep = (chunk: Buffer) => (bot.stderr = (bot.stderr + chunk.toString()).slice(-4000));
      proc.stdout?.on('data', keep);
      proc.stderr?.on('data', keep);
      bots.push(bot);
      // One after the other: the second must not race the first's migrations for the test's sake only.
      await waitUntil(async () => (await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined))?.ok === true, 90_000, () => bot.stderr);
    }
  }, 240_000);

  afterAll(async () => {
    for (const { proc } of bots) {
      if (proc.exitCode === null) {
        proc.kill('SIGTERM');
        await new Promise((resolve) => proc.once('exit', resolve));
      }
    }
    await fake?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    await drop?.();
  }, 60_000);

  /** What the load balancer does: one update to one process's webhook. */
  async function post(process: number, chatId: number, text: string): Promise<number> {
    const update = fake.makeMessage({ chat: fake.privateChat(chatId), text });
    const res = await fetch(`http://127.0.0.1:${bots[process]!.port}${webhookPathFor({ secret: SECRET })}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [SECRET_HEADER]: SECRET },
      body: JSON.stringify(update),
    });
    return res.status;
  }

  const textsTo = (chatId: number) =>
    fake
      .callsTo('sendMessage')
      .filter((c) => Number(c.params.chat_id) === chatId && c.response.ok)
      .map((c) => String(c.params.text));

  it('answers each chat in the order of its questions, whichever process each update reached', { timeout: 180_000 }, async () => {
    // The first line of each question's answer, from a calm chat handled by one process.
    for (const [index, question] of QUESTIONS.entries()) {
      const before = textsTo(500).length;
      expect(await post(0, 500, question)).toBe(200);
      await waitUntil(async () => textsTo(500).length > before + (index === 0 ? 1 : 0), 30_000, () => bots[0]!.stderr);
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      const answer = textsTo(500).slice(before).find((t) => !t.startsWith('Xin chào') && !t.startsWith('Về dữ liệu cá nhân'));
      expect(answer, `${question}: ${JSON.stringify(textsTo(500).slice(before))}`).toBeDefined();
      firstLines.push(answer!);
    }
    expect(new Set(firstLines).size).toBe(QUESTIONS.length);

    // Six chats, each asking the four questions, updates alternating between the processes 2 ms apart:
    // one chat's messages race each other in the two processes.
    const chats = [601, 602, 603, 604, 605, 606];
    const posts: Array<Promise<number>> = [];
    let turn = 0;
    for (const question of QUESTIONS) {
      for (const chatId of chats) {
        posts.push(post(turn % 2, chatId, question));
        turn += 1;
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
    }
    expect(new Set(await Promise.all(posts))).toEqual(new Set([200]));
    await waitUntil(async () => chats.every((chatId) => firstLines.every((line) => textsTo(chatId).includes(line))), 90_000, () => bots.map((b) => b.stderr).join('\n'));
    const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
    try {
      for (const chatId of chats) {
        // The order the messages were stored in (their arrival at the database) is the order to answer in.
        const stored = await sql<Array<{ text: string }>>`
          select m.text from messages m join conversations c on c.id = m.conversation_id
          where c.conversation_ref = ${`telegram:${chatId}`} and m.direction = 'in' order by m.id`;
        const expected = stored.map((row) => firstLines[QUESTIONS.indexOf(row.text)]);
        const answers = textsTo(chatId).filter((t) => firstLines.includes(t));
        expect(answers, `chat ${chatId}`).toEqual(expected);
      }
    } finally {
      await sql.end();
    }
  });

  it('counts one resident flood across both processes: one notice, the messages over the limit held', { timeout: 120_000 }, async () => {
    const chatId = 700;
    // 12 typed messages within a second, alternating processes; the limit is 10 a minute.
    const posts: Array<Promise<number>> = [];
    for (let i = 1; i <= 12; i += 1) {
      posts.push(post(i % 2, chatId, QUESTIONS[i % QUESTIONS.length]!));
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(new Set(await Promise.all(posts))).toEqual(new Set([200]));
    await waitUntil(async () => textsTo(chatId).includes(defaultBotTexts.throttled), 60_000, () => bots.map((b) => b.stderr).join('\n'));
    await new Promise((resolve) => setTimeout(resolve, 4_000)); // anything else either process would send
    const sent = textsTo(chatId);
    expect(sent.filter((t) => t === defaultBotTexts.throttled)).toHaveLength(1);
    // Ten answered, two held (answered together when the minute is over). Each process counting alone
    // would have allowed all of its own six: twelve answers and no notice.
    expect(sent.filter((t) => firstLines.includes(t)), JSON.stringify(sent)).toHaveLength(10);
  });
});

async function waitUntil(condition: () => Promise<boolean>, timeoutMs: number, describe: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out; bot stderr: ${describe().slice(-1500)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
