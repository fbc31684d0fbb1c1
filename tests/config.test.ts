import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
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

  it('.env.example documents every variable', () => {
    const example = readFileSync(new URL('../.env.example', import.meta.url), 'utf8');
    for (const { name } of listConfigVariables()) expect(example).toMatch(new RegExp(`^#? ?${name}=`, 'm'));
  });
});
