import { describe, expect, it } from 'vitest';
import {
  WEBHOOK_SECRET_PATTERN,
  generateWebhookSecret,
  webhookPathFor,
  webhookUrlFor,
} from '../../../../src/bot/adapters/telegram/telegram.routes.js';

describe('webhook path and URL', () => {
  it('derives a stable path from the secret, never containing it', () => {
    const path = webhookPathFor({ secret: 'my-secret_1' });
    expect(path).toBe(webhookPathFor({ secret: 'my-secret_1' }));
    expect(path).not.toBe(webhookPathFor({ secret: 'my-secret_2' }));
    expect(path).toMatch(/^\/telegram\/webhook\/[0-9a-f]{32}$/);
    expect(path).not.toContain('my-secret');
  });

  it('appends the path to the public URL, keeping a proxy prefix and dropping query and trailing slash', () => {
    expect(webhookUrlFor({ baseUrl: 'https://bot.example.vn', path: '/telegram/webhook/ab' })).toBe('https://bot.example.vn/telegram/webhook/ab');
    expect(webhookUrlFor({ baseUrl: 'https://example.vn/motcua/?x=1', path: '/telegram/webhook/ab' })).toBe('https://example.vn/motcua/telegram/webhook/ab');
  });

  it('generates secrets Telegram accepts, different each time', () => {
    const a = generateWebhookSecret();
    expect(a).toMatch(WEBHOOK_SECRET_PATTERN);
    expect(a.length).toBeGreaterThanOrEqual(40);
    expect(generateWebhookSecret()).not.toBe(a);
  });
});
