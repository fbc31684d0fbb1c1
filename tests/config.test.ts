import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createOffsetClock } from '../src/shared/clock.js';
import { ConfigError, listConfigVariables, loadConfig } from '../src/config.js';

describe('loadConfig', () => {
  it('runs with nothing configured: PGlite, port 3000, no Telegram or Zalo', () => {
    const config = loadConfig({ env: {} });
    expect(config).toMatchObject({
      port: 3000,
      database: { url: undefined, pgliteDataDir: '.data/pglite' },
      telegram: { botToken: undefined },
      zalo: { enabled: false },
    });
    // The shipped data/ is found from the code (src/ or dist/), whatever the working directory.
    expect(config.dataDir).toBe(new URL('../data', import.meta.url).pathname);
    expect(loadConfig({ env: { DATA_DIR: 'elsewhere' } }).dataDir).toBe('elsewhere');
  });

  it('reads residents\' groups with their manners (BOT_COMMUNITY_GROUPS), and refuses an unknown option by name', () => {
    const env = { BOT_COMMUNITY_GROUPS: 'telegram:-1001234;unit=phuong-mau;answer=sure;staff=in_group, zalo:group:987' };
    expect(loadConfig({ env }).bot.communityGroups).toEqual([
      { conversationRef: 'telegram:-1001234', answer: 'sure', unitId: 'phuong-mau', staffInGroup: true },
      { conversationRef: 'zalo:group:987', answer: 'addressed', staffInGroup: false },
    ]);
    expect(loadConfig({ env: {} }).bot.communityGroups).toEqual([]);
    expect(() => loadConfig({ env: { BOT_COMMUNITY_GROUPS: 'zalo:group:987;answer=always' } })).toThrow(/"answer=always" \(in zalo:group:987\) is not an option/);
    expect(() => loadConfig({ env: { BOT_COMMUNITY_GROUPS: 'zalo:user:987' } })).toThrow(/BOT_COMMUNITY_GROUPS=.*is not a group ref/);
  });

  it('reports every bad variable on its own readable line naming the fix', () => {
    let error: unknown;
    try {
      loadConfig({ env: { PORT: 'abc', DATABASE_URL: 'mysql://x', TELEGRAM_BOT_TOKEN: 'nope', LOG_LEVEL: 'loud' } });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const { problems, message } = error as ConfigError;
    expect(problems).toHaveLength(4);
    expect(problems[0]).toMatch(/^PORT="abc" .*: set PORT to a TCP port/);
    expect(problems.find((p) => p.startsWith('DATABASE_URL'))).toMatch(/postgres:\/\//);
    expect(problems.find((p) => p.startsWith('TELEGRAM_BOT_TOKEN'))).toMatch(/BotFather/);
    expect(message).not.toMatch(/at \w+ \(/); // no stack frames in what the operator reads
  });

  it('refuses a webhook URL without a token', () => {
    expect(() => loadConfig({ env: { TELEGRAM_WEBHOOK_URL: 'https://bot.example.vn' } })).toThrow(/TELEGRAM_BOT_TOKEN is empty/);
  });

  it('accepts a Postgres URL and booleans', () => {
    const config = loadConfig({ env: { DATABASE_URL: 'postgres://127.0.0.1:5432/test', ZALO_ENABLED: 'true' } });
    expect(config.database.url).toBe('postgres://127.0.0.1:5432/test');
    expect(config.zalo.enabled).toBe(true);
  });

  it('CLOCK_OFFSET moves the clock for trials, and is refused in production unless explicitly allowed', () => {
    expect(loadConfig({ env: {} }).clockOffsetMs).toBe(0);
    expect(loadConfig({ env: { CLOCK_OFFSET: '-3h30m' } }).clockOffsetMs).toBe(-(3 * 60 + 30) * 60_000);
    expect(loadConfig({ env: { CLOCK_OFFSET: '+2d' } }).clockOffsetMs).toBe(2 * 86_400_000);
    expect(() => loadConfig({ env: { CLOCK_OFFSET: 'tomorrow' } })).toThrow(/CLOCK_OFFSET="tomorrow" is not a signed duration/);
    expect(() => loadConfig({ env: { CLOCK_OFFSET: '+2d', NODE_ENV: 'production' } })).toThrow(/CLOCK_OFFSET is set while NODE_ENV=production/);
    expect(loadConfig({ env: { CLOCK_OFFSET: '+2d', NODE_ENV: 'production', CLOCK_OFFSET_IN_PRODUCTION: 'true' } }).clockOffsetMs).toBe(2 * 86_400_000);
    expect(loadConfig({ env: { NODE_ENV: 'production' } }).clockOffsetMs).toBe(0);
    const base = { now: () => new Date('2026-03-02T02:00:00Z') };
    expect(createOffsetClock({ offsetMs: 60_000, base }).now().toISOString()).toBe('2026-03-02T02:01:00.000Z');
  });

  it('PUBLIC_URL is an http(s) address without query or fragment; a trailing slash is dropped', () => {
    expect(loadConfig({ env: {} }).publicUrl).toBeUndefined();
    expect(loadConfig({ env: { PUBLIC_URL: ' https://motcua.example.vn/ ' } }).publicUrl).toBe('https://motcua.example.vn');
    expect(loadConfig({ env: { PUBLIC_URL: 'http://127.0.0.1:3102/bot/' } }).publicUrl).toBe('http://127.0.0.1:3102/bot');
    expect(() => loadConfig({ env: { PUBLIC_URL: 'motcua.example.vn' } })).toThrow(/PUBLIC_URL="motcua.example.vn" is not an http\(s\) URL: set PUBLIC_URL to the address people open the console at/);
    expect(() => loadConfig({ env: { PUBLIC_URL: 'ftp://motcua.example.vn' } })).toThrow(/PUBLIC_URL="ftp:\/\/motcua.example.vn" is not an http\(s\) URL/);
    expect(() => loadConfig({ env: { PUBLIC_URL: 'https://motcua.example.vn/?x=1' } })).toThrow(/must not carry a query or #fragment/);
  });

  it('.env.example documents every variable', () => {
    const example = readFileSync(new URL('../.env.example', import.meta.url), 'utf8');
    for (const { name } of listConfigVariables()) expect(example).toMatch(new RegExp(`^#? ?${name}=`, 'm'));
  });
});
