/**
 * Errors named by who failed. The outbox retries on `retryable` errors only and honours `retryAfterMs`.
 * Adapters translate their SDK's errors into these; the core never sees an SDK error.
 */

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
