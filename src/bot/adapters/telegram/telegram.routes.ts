/**
 * The webhook endpoint on our express app. Telegram POSTs each update here with the secret we gave
 * setWebhook in the `X-Telegram-Bot-Api-Secret-Token` header.
 *
 * - The path is derived from the secret (never from the bot token, which would then sit in proxy
 *   logs); the header is what authenticates. Wrong or missing header → 403 (telegraf alone would
 *   fall through to express's 404).
 * - The route must be registered before the app's catch-all 404 handler: pass `registerRoutes` of
 *   the adapter to createApp's `routes`, not after createApp returned.
 * - While the adapter is not accepting (before start, after stop) → 503, so Telegram redelivers later.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Express } from 'express';
import type { Update } from 'telegraf/types';
import type { Logger } from '../../../logger.js';

export const SECRET_HEADER = 'x-telegram-bot-api-secret-token';

/** Telegram's rule for secret_token. */
export const WEBHOOK_SECRET_PATTERN = /^[A-Za-z0-9_-]{1,256}$/;

export type WebhookCallback = (req: IncomingMessage & { body?: Update }, res: ServerResponse, next: () => void) => Promise<void>;

export function webhookPathFor({ secret }: { secret: string }): string {
  return `/telegram/webhook/${createHash('sha256').update(secret).digest('hex').slice(0, 32)}`;
}

/** `<public base url>/telegram/webhook/<hash>`; a path in the base URL (behind a proxy prefix) is kept. */
export function webhookUrlFor({ baseUrl, path }: { baseUrl: string; path: string }): string {
  const base = new URL(baseUrl);
  base.pathname = `${base.pathname.replace(/\/+$/, '')}${path}`;
  base.search = '';
  base.hash = '';
  return base.toString();
}

export function registerTelegramWebhookRoute({
  app,
  path,
  secret,
  isAccepting,
  callback,
  logger,
}: {
  app: Express;
  path: string;
  secret: string;
  isAccepting: () => boolean;
  callback: WebhookCallback;
  logger: Logger;
}): void {
  const expected = Buffer.from(secret);
  app.post(path, async (req, res) => {
    const given = Buffer.from(req.get(SECRET_HEADER) ?? '');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      logger.warn({ ip: req.ip }, 'telegram webhook call without the right secret token: refused');
      res.status(403).json({ error: { code: 'telegram.webhook_forbidden', message: 'Missing or wrong X-Telegram-Bot-Api-Secret-Token' } });
      return;
    }
    if (!isAccepting()) {
      res.status(503).json({ error: { code: 'telegram.not_running', message: 'The Telegram channel is not running; retry later' } });
      return;
    }
    try {
      // telegraf re-checks path and secret itself; if that ever disagrees with ours, refuse too.
      await callback(req, res, () => {
        if (!res.headersSent) res.status(403).end();
      });
    } catch (error) {
      logger.error({ err: error }, 'telegram webhook update failed before reaching the bot');
      if (!res.headersSent) res.status(500).end();
    }
  });
}

/**
 * A fresh secret for TELEGRAM_WEBHOOK_SECRET left empty. setWebhook runs at every start, so a new
 * secret per start is fine for one process; replicas must share a configured one.
 */
export function generateWebhookSecret(): string {
  return randomBytes(32).toString('base64url');
}
