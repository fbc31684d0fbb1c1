/**
 * The fault run: the REAL bot process (the built dist/, as `npm start` runs it), real telegraf long-polling
 * the fake Bot API (tests/helpers/fake-telegram-api.ts) over loopback, on a real database (a PGlite
 * folder, or Postgres with TEST_DATABASE_URL). Each cycle a new resident asks a question, asks for a
 * person (ticket opening: receipt, forum topic, card), or asks a question while the process is killed
 * just as the reply's sendMessage reaches Telegram. The process is SIGKILLed at a random instant of
 * that cycle and started again at once; the cycle ends when everything it owes has arrived.
 *
 * Figures: kills, lost (a question without its answer, a ticket without receipt or card, after
 * RECOVERY_LIMIT_MS), duplicated (a reply or card that arrived twice), worst recovery delay (kill →
 * the last owed message at the fake API, the restart included).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUILT_BOT_ENTRY, ensureBuilt, freePort, throwAwayDatabase } from '../../src/bench/child-bot.js';
import { startFakeTelegramApi } from '../helpers/fake-telegram-api.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const STAFF_GROUP = -1_009_990_001;
/** A cycle whose owed messages have not all arrived by then counts them as lost. */
const RECOVERY_LIMIT_MS = 30_000;

export type Scenario = 'question' | 'ticket' | 'send';
export type FaultFigures = {
  kills: number;
  cycles: Record<Scenario, number>;
  lost: number;
  duplicated: number;
  /** Of the duplicates, those from a kill while the reply's sendMessage was at Telegram (at-least-once). */
  duplicatedInSend: number;
  /** Forum topics with no card (a kill between createForumTopic and saving it): staff see an empty topic. */
  emptyTopics: number;
  worstRecoveryMs: number;
  medianRecoveryMs: number;
  startMs: { median: number; worst: number };
  /** Median ms per start-up phase, as the bot logs them (main.ts `startupMs`: since its process began). */
  startPhasesMs: Record<string, number>;
  /** Median ms from the start (first getUpdates) to the last owed message: the handling after a restart. */
  afterStartMs: { median: number; worst: number };
  loadAverage: string;
  backend: 'pglite' | 'postgres';
};

const UNITS_YAML = `
units:
  - id: phuong-thu
    name: Trung tâm Phục vụ hành chính công phường Thử
    shortName: Phường Thử
    address: 1 Đường Thử
    phone: "0200 000 009"
    hours: Giờ hành chính
    staffGroups:
      - { conversationRef: "telegram:${STAFF_GROUP}", forum: true }
`;

const QUESTION = 'đăng ký tạm trú cần giấy tờ gì';
const TICKET = 'cho tôi gặp cán bộ';

export async function runFaultScenario({
  kills,
  log = () => {},
  seed = Date.now(),
}: {
  kills: number;
  log?: (line: string) => void;
  seed?: number;
}): Promise<FaultFigures> {
  let state = seed >>> 0 || 1;
  ensureBuilt();
  const random = () => ((state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0) / 2 ** 32);
  const fake = await startFakeTelegramApi({ maxPollMs: 100 });
  const dataDir = mkdtempSync(join(tmpdir(), 'mcb-fault-data-'));
  cpSync(join(ROOT, 'data'), dataDir, { recursive: true });
  writeFileSync(join(dataDir, 'units.yaml'), UNITS_YAML);
  const pgliteDir = mkdtempSync(join(tmpdir(), 'mcb-fault-pglite-'));
  const { url: databaseUrl, drop } = await freshPostgres();
  const port = await freePort();
  const env = {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    // info: the start-up line with its phases (stdout, parsed below); the rest is dropped.
    LOG_LEVEL: 'info',
    LOG_FORMAT: 'json',
    DATA_DIR: dataDir,
    PGLITE_DATA_DIR: pgliteDir,
    DATABASE_URL: databaseUrl ?? '',
    TELEGRAM_BOT_TOKEN: fake.token,
    TELEGRAM_API_ROOT: fake.apiRoot,
    TELEGRAM_WEBHOOK_URL: '',
    ZALO_ENABLED: 'false',
  };
  const starts: number[] = [];
  const phases: Array<Record<string, number>> = [];
  const afterStart: number[] = [];
  let startedAt = 0;
  let child: ChildProcess | undefined;
  let stderr = '';

  async function start(): Promise<void> {
    const began = Date.now();
    stderr = '';
    const proc = spawn(process.execPath, [BUILT_BOT_ENTRY], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    proc.stdout?.on('data', (chunk: Buffer) => {
      out = (out + chunk.toString()).slice(-20_000);
      const line = /\{[^\n]*"startupMs":\{[^}]*\}[^\n]*\}/.exec(out)?.[0];
      if (line) {
        phases.push((JSON.parse(line) as { startupMs: Record<string, number> }).startupMs);
        out = '';
        proc.stdout?.removeAllListeners('data');
        proc.stdout?.resume();
      }
    });
    proc.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
    child = proc;
    // Up when it polls Telegram.
    const after = fake.calls.length;
    await fake.waitForCall('getUpdates', { after, timeoutMs: 60_000 }).catch(() => {
      throw new Error(`the bot did not start within 60 s: ${stderr}`);
    });
    starts.push(Date.now() - began);
    startedAt = Date.now();
  }

  function kill(): Promise<void> {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      proc.once('exit', () => resolve());
      proc.kill('SIGKILL');
    });
  }

  const sentTo = (chatId: number) => fake.callsTo('sendMessage').filter((c) => Number(c.params.chat_id) === chatId && c.response.ok);
  const texts = (chatId: number) => sentTo(chatId).map((c) => String(c.params.text));

  /** What one undisturbed cycle sends, to compare the killed ones against. */
  async function expectedFor(chatId: number, text: string): Promise<string[]> {
    fake.enqueueUpdate(fake.makeMessage({ chat: fake.privateChat(chatId), text }));
    await waitUntil(() => texts(chatId).length > 0, 20_000);
    // The rest of the reply: Telegram's pacing spaces a chat's messages by about a second.
    let count = 0;
    let quietSince = Date.now();
    while (Date.now() - quietSince < 2_500) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      if (texts(chatId).length !== count) {
        count = texts(chatId).length;
        quietSince = Date.now();
      }
    }
    return texts(chatId);
  }

  const figures: FaultFigures = {
    kills: 0,
    cycles: { question: 0, ticket: 0, send: 0 },
    lost: 0,
    duplicated: 0,
    duplicatedInSend: 0,
    emptyTopics: 0,
    worstRecoveryMs: 0,
    medianRecoveryMs: 0,
    startMs: { median: 0, worst: 0 },
    startPhasesMs: {},
    afterStartMs: { median: 0, worst: 0 },
    loadAverage: '',
    backend: databaseUrl ? 'postgres' : 'pglite',
  };
  const recoveries: number[] = [];
  try {
    await start();
    // Calibration: one undisturbed question and ticket, which also give the handling times to kill within.
    let t = Date.now();
    const questionReplies = await expectedFor(1, QUESTION);
    const questionMs = Date.now() - t - 2_500;
    t = Date.now();
    const ticketReplies = await expectedFor(2, TICKET);
    const ticketMs = Date.now() - t - 2_500;
    const answer = questionReplies.find((r) => r.includes('tạm trú') && !/Xin chào/.test(r));
    if (!answer) throw new Error(`calibration: no answer about tạm trú in ${JSON.stringify(questionReplies)}`);
    log(`calibration: question ${questionMs} ms (${questionReplies.length} messages), ticket ${ticketMs} ms (${ticketReplies.length} messages)`);

    for (let cycle = 0; cycle < kills; cycle += 1) {
      const scenario: Scenario = (['question', 'ticket', 'send'] as const)[cycle % 3]!;
      figures.cycles[scenario] += 1;
      const chatId = 10_000 + cycle;
      const callsBefore = fake.calls.length;
      fake.enqueueUpdate(fake.makeMessage({ chat: fake.privateChat(chatId), text: scenario === 'ticket' ? TICKET : QUESTION }));
      if (scenario === 'send') {
        // The instant the reply reaches Telegram (sometimes before, sometimes after the bot hears back).
        await fake.waitForCall('sendMessage', { after: callsBefore, where: (p) => Number(p.chat_id) === chatId, timeoutMs: 20_000 });
        await new Promise((resolve) => setTimeout(resolve, random() * 15));
      } else {
        const window = scenario === 'ticket' ? ticketMs : questionMs;
        await new Promise((resolve) => setTimeout(resolve, random() * window * 1.3));
      }
      const killedAt = Date.now();
      await kill();
      figures.kills += 1;
      await start();

      // Everything this cycle owes: the answer (question) or receipt + card (ticket).
      const owed = () => {
        const mine = texts(chatId);
        if (scenario !== 'ticket') return { have: mine.filter((m) => m === answer).length, all: mine };
        const receipts = mine.filter((m) => /HS-\d{4}/.test(m));
        const code = receipts[0] ? /HS-\d{4}/.exec(receipts[0])![0] : undefined;
        const cards = code ? sentTo(STAFF_GROUP).filter((c) => String(c.params.text).includes(code) && c.params.reply_markup) : [];
        return { have: Math.min(receipts.length, cards.length), all: [...mine, ...cards.map((c) => String(c.params.text))], receipts, cards };
      };
      const arrived = await waitUntil(() => owed().have >= 1, RECOVERY_LIMIT_MS).then(
        () => true,
        () => false,
      );
      if (!arrived) {
        figures.lost += 1;
        log(`cycle ${cycle} (${scenario}): LOST; sent ${JSON.stringify(owed().all)}; bot stderr: ${stderr.slice(-800)}`);
        continue;
      }
      const lastArrival = Math.max(...fake.calls.slice(callsBefore).filter((c) => c.method === 'sendMessage' && c.response.ok).map((c) => c.at.getTime()));
      // A kill after everything had already arrived owes nothing: a delay of 0, not a negative one.
      recoveries.push(Math.max(0, lastArrival - killedAt));
      afterStart.push(Math.max(0, lastArrival - startedAt));
      await new Promise((resolve) => setTimeout(resolve, 400)); // a duplicate would follow closely
      const expected = scenario === 'ticket' ? ticketReplies.length + 1 : questionReplies.length;
      const extra = Math.max(0, owed().all.length - expected);
      if (extra > 0) {
        figures.duplicated += extra;
        if (scenario === 'send') figures.duplicatedInSend += extra;
        log(`cycle ${cycle} (${scenario}): ${extra} duplicated`);
      }
    }
    // Topics without a card: created, then the process died before it saved the topic.
    const topics = fake.callsTo('createForumTopic').filter((c) => c.response.ok);
    const carded = new Set(sentTo(STAFF_GROUP).map((c) => c.params.message_thread_id));
    figures.emptyTopics = topics.length - carded.size;
  } finally {
    await kill();
    await fake.close();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(pgliteDir, { recursive: true, force: true });
    await drop();
  }
  recoveries.sort((a, b) => a - b);
  figures.worstRecoveryMs = recoveries.at(-1) ?? 0;
  figures.medianRecoveryMs = recoveries[Math.floor(recoveries.length / 2)] ?? 0;
  const sortedStarts = [...starts].sort((a, b) => a - b);
  figures.startMs = { median: sortedStarts[Math.floor(sortedStarts.length / 2)] ?? 0, worst: sortedStarts.at(-1) ?? 0 };
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
  figures.afterStartMs = { median: median(afterStart), worst: Math.max(0, ...afterStart) };
  for (const phase of Object.keys(phases[0] ?? {})) figures.startPhasesMs[phase] = median(phases.map((p) => p[phase] ?? 0));
  figures.loadAverage = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  return figures;
}

async function waitUntil(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** A fresh Postgres database when TEST_DATABASE_URL is set; otherwise the run uses a PGlite folder. */
async function freshPostgres(): Promise<{ url: string | undefined; drop: () => Promise<void> }> {
  const base = process.env.TEST_DATABASE_URL;
  if (!base) return { url: undefined, drop: async () => {} };
  return throwAwayDatabase({ url: base, prefix: 'fault' });
}
