/**
 * Translates telegraf's single error type into the core's "who failed" errors, so nothing above
 * the adapter sees a TelegramError. The adapter never retries: the outbox does, guided by
 * `retryable` and `retryAfterMs`.
 *
 * The reason is also appended to the message as `[reason]`, because the outbox keeps only the
 * error text of a failed row.
 */
import { TelegramError } from 'telegraf';
import { ChannelApiError, ChannelNetworkError, type ChannelErrorReason } from '../../core/channel.errors.js';

const CHANNEL = 'telegram';

const THREAD_DELETED = /message thread not found|TOPIC_DELETED|TOPIC_ID_INVALID/i;
const THREAD_CLOSED = /TOPIC_CLOSED/i;
const CHAT_GONE = /chat not found|PEER_ID_INVALID|group chat was (upgraded|migrated)/i;

export function toChannelError({ error, method }: { error: unknown; method: string }): ChannelApiError | ChannelNetworkError {
  if (error instanceof ChannelApiError || error instanceof ChannelNetworkError) return error;
  if (!(error instanceof TelegramError)) {
    // Everything telegraf throws that is not an API answer comes from fetch: refused, reset, DNS, timeout, bad JSON.
    const reason = error instanceof Error ? error.message : String(error);
    return new ChannelNetworkError(CHANNEL, `${method} could not reach the Telegram Bot API: ${reason}`, { cause: error });
  }
  const code = error.code;
  const description = error.description ?? 'no description';
  const { reason, retryable, hint } = classify({ code, description, migrateTo: error.parameters?.migrate_to_chat_id });
  const details: ChannelApiError['details'] = { platformCode: code, retryable, reason };
  if (code === 429) details.retryAfterMs = Math.max(1, error.parameters?.retry_after ?? 1) * 1000;
  const text = `${method} refused: ${code} ${description}${hint ? ` (${hint})` : ''} [${reason}]`;
  return new ChannelApiError(CHANNEL, text, details);
}

function classify({ code, description, migrateTo }: { code: number; description: string; migrateTo?: number }): {
  reason: ChannelErrorReason;
  retryable: boolean;
  hint?: string;
} {
  if (code === 429) return { reason: 'rate_limited', retryable: true };
  if (code >= 500) return { reason: 'server_error', retryable: true };
  if (code === 401 || code === 404) return { reason: 'unauthorized', retryable: false, hint: 'the bot token is wrong or was revoked: check TELEGRAM_BOT_TOKEN' };
  if (code === 403) return { reason: 'recipient_blocked', retryable: false };
  if (THREAD_DELETED.test(description)) return { reason: 'thread_deleted', retryable: false };
  if (THREAD_CLOSED.test(description)) return { reason: 'thread_closed', retryable: false };
  if (migrateTo !== undefined) {
    return { reason: 'chat_not_found', retryable: false, hint: `the group became a supergroup with id ${migrateTo}: update the configured chat id` };
  }
  if (CHAT_GONE.test(description)) return { reason: 'chat_not_found', retryable: false };
  return { reason: 'bad_request', retryable: false };
}

/** A refusal we raise ourselves before calling Telegram (bad ref, text too long…): a bug upstream, never retryable. */
export function invalidRequestError({ method, problem }: { method: string; problem: string }): ChannelApiError {
  return new ChannelApiError(CHANNEL, `${method} not sent: ${problem} [bad_request]`, { retryable: false, reason: 'bad_request' });
}
