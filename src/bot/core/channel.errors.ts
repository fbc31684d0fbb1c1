/**
 * Errors named by who failed. The outbox retries on `retryable` errors only and honours `retryAfterMs`.
 * Adapters translate their SDK's errors into these; the core never sees an SDK error.
 */

/**
 * Why the platform refused, in channel-neutral words, for callers that react differently:
 * recipient_blocked → ticket undeliverable; thread_deleted → create a new thread; thread_closed → reopen.
 */
export type ChannelErrorReason =
  | 'recipient_blocked'
  | 'chat_not_found'
  | 'thread_deleted'
  | 'thread_closed'
  | 'rate_limited'
  | 'server_error'
  | 'bad_request'
  | 'unauthorized';

/** The platform answered and refused (Telegram ok:false, Zalo error code). */
export class ChannelApiError extends Error {
  readonly code = 'channel.api_error';
  constructor(
    readonly channel: string,
    message: string,
    readonly details: {
      /** The platform's own code (Telegram error_code, Zalo code). */
      platformCode?: number;
      /** 429: wait this long before trying again. */
      retryAfterMs?: number;
      /** True for 5xx and 429; false for "blocked by user", "chat not found" and other permanent refusals. */
      retryable: boolean;
      /** Set by adapters that can tell; absent means "some other refusal". */
      reason?: ChannelErrorReason;
    },
  ) {
    super(`${channel}: ${message}`);
    this.name = 'ChannelApiError';
  }
}

/** The platform could not be reached (DNS, reset, timeout). Always retryable. */
export class ChannelNetworkError extends Error {
  readonly code = 'channel.network_error';
  readonly retryable = true;
  constructor(
    readonly channel: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${channel}: ${message}`, options);
    this.name = 'ChannelNetworkError';
  }
}

export function isRetryable(error: unknown): boolean {
  if (error instanceof ChannelNetworkError) return true;
  if (error instanceof ChannelApiError) return error.details.retryable;
  return true; // unknown failures are treated as transient: the outbox caps attempts
}

/**
 * True when a send failed because the target thread (forum topic) was deleted or closed
 * (Telegram "message thread not found", TOPIC_DELETED, TOPIC_CLOSED). The handoff re-creates a
 * deleted thread and reopens a closed one: `error.details.reason` tells which.
 */
export function isThreadGoneError(error: unknown): error is ChannelApiError {
  return error instanceof ChannelApiError && (error.details.reason === 'thread_deleted' || error.details.reason === 'thread_closed');
}
