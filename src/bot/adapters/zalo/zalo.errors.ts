/**
 * Translates zca-js failures into the core's ChannelApiError / ChannelNetworkError, and tells
 * the supervisor whether a failed login means "network, try again" or "session dead, QR needed".
 *
 * Zalo codes (zca-js issues #307 for 122, #146 and #336 for 123, #114 and #325 for 221, #290 for -69): 122 the recipient refuses messages from
 * strangers; 123 "Không thể nhận tin nhắn từ bạn" (stranger-messaging limit, lasts hours);
 * 221 too many requests; 102 session key timeout; -69 "Retry limit" (malformed params).
 */
import { ZaloApiError } from 'zca-js';
import { ChannelApiError, ChannelNetworkError } from '../../core/channel.errors.js';

const PERMANENT_CODES: Record<number, string> = {
  122: 'the recipient does not accept messages from strangers (Zalo 122)',
  123: 'Zalo refuses messages to this recipient for now: stranger-messaging limit (Zalo 123)',
};
const RATE_LIMIT_CODE = 221;
const RATE_LIMIT_WAIT_MS = 60_000;

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

/** fetch's TypeError('fetch failed') with a socket-level cause, timeouts and aborts. */
export function isNetworkError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === 'AbortError' || error.name === 'TimeoutError') return true;
  const code = (error as NodeJS.ErrnoException).code;
  if (code && NETWORK_CODES.has(code)) return true;
  if (error instanceof TypeError && error.message === 'fetch failed') return true;
  return error.cause !== undefined && error.cause !== error && isNetworkError(error.cause);
}

/** The platform code of a ZaloApiError (checked by name too: fakes and the CJS build are other classes). */
export function zaloErrorCode(error: unknown): number | null | undefined {
  if (error instanceof ZaloApiError || (error instanceof Error && error.name === 'ZaloApiError')) {
    return (error as ZaloApiError).code;
  }
  return undefined;
}

/** Never throws; the result is what the adapter's send() throws. */
export function translateZaloError({ error, action }: { error: unknown; action: string }): ChannelApiError | ChannelNetworkError {
  if (error instanceof ChannelApiError || error instanceof ChannelNetworkError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (isNetworkError(error)) return new ChannelNetworkError('zalo', `${action}: ${message}`, { cause: error });

  const code = zaloErrorCode(error);
  if (typeof code === 'number' && PERMANENT_CODES[code]) {
    return new ChannelApiError('zalo', `${action}: ${PERMANENT_CODES[code]}`, {
      platformCode: code,
      retryable: false,
      reason: 'recipient_blocked',
    });
  }
  if (code === RATE_LIMIT_CODE) {
    return new ChannelApiError('zalo', `${action}: rate limited (Zalo 221 "${message}")`, {
      platformCode: code,
      retryAfterMs: RATE_LIMIT_WAIT_MS,
      retryable: true,
      reason: 'rate_limited',
    });
  }
  // Everything else (5xx "Request failed with status code …", 102 session timeout, unknown codes)
  // is treated as transient: the outbox caps the attempts.
  const httpStatus = Number(/status code (\d{3})/.exec(message)?.[1] ?? 0);
  return new ChannelApiError('zalo', `${action}: ${message}${typeof code === 'number' ? ` (Zalo ${code})` : ''}`, {
    ...(typeof code === 'number' ? { platformCode: code } : {}),
    retryable: true,
    ...(httpStatus >= 500 ? { reason: 'server_error' as const } : {}),
  });
}

/**
 * After a failed login: 'network' → retry with backoff; 'rejected' → the saved session is no
 * longer accepted ("Đăng nhập thất bại", missing params, server refusals): a QR scan is needed.
 */
export function classifyLoginFailure({ error }: { error: unknown }): { kind: 'network' | 'rejected' } {
  if (isNetworkError(error) || (error instanceof Error && error.name === 'ZaloLoginTimeoutError')) return { kind: 'network' };
  // HTTP-level failures of the login endpoints (5xx, gateway) are Zalo being down, not our session.
  if (error instanceof Error && /^Failed to fetch (login|server) info: (Bad Gateway|Service Unavailable|Gateway Timeout|Internal Server Error)?$/.test(error.message)) {
    return { kind: 'network' };
  }
  return { kind: 'rejected' };
}
