/**
 * When to try a failed send again. Pure: the worker feeds it the error and the attempt count.
 * Network errors, 5xx and 429 are retried (429 after exactly the platform's retry_after);
 * permanent refusals (blocked by the user, chat not found) are not.
 */
import { ChannelApiError, isRetryable } from '../core/channel.errors.js';
import { backoffDelayMs, noJitter } from '../../shared/backoff.js';
import { describeError } from '../../shared/errors.js';

export type RetryPolicy = {
  /** Delay after the first failure; doubles per attempt. */
  baseDelayMs: number;
  /** No backoff grows beyond this. */
  maxDelayMs: number;
  /** After this many attempts a still-failing row is recorded as failed. */
  maxAttempts: number;
};

export const defaultRetryPolicy: RetryPolicy = { baseDelayMs: 2_000, maxDelayMs: 10 * 60_000, maxAttempts: 12 };

export type FailureDecision = { retry: true; delayMs: number; reason: string } | { retry: false; reason: string };

export function decideRetry({
  error,
  attempts,
  policy = defaultRetryPolicy,
}: {
  error: unknown;
  attempts: number;
  policy?: RetryPolicy;
}): FailureDecision {
  const reason = describeError(error);
  if (!isRetryable(error)) return { retry: false, reason };
  if (attempts >= policy.maxAttempts) return { retry: false, reason: `gave up after ${attempts} attempts: ${reason}` };
  const retryAfterMs = error instanceof ChannelApiError ? error.details.retryAfterMs : undefined;
  if (retryAfterMs !== undefined && retryAfterMs >= 0) return { retry: true, delayMs: retryAfterMs, reason };
  const delayMs = backoffDelayMs({ attempt: attempts, policy: { baseMs: policy.baseDelayMs, maxMs: policy.maxDelayMs }, random: noJitter });
  return { retry: true, delayMs, reason };
}
