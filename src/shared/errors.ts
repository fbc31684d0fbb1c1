/**
 * One readable line for any thrown value, for logs and the outbox's last_error: an Error's string
 * `code` (ECONNRESET…) and message, plus its cause's message when it adds something; ws ErrorEvent
 * objects (not Errors) by their message; anything else as a string.
 */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    const cause = error.cause instanceof Error && error.cause.message !== error.message ? `: ${error.cause.message}` : '';
    return `${typeof code === 'string' ? `${code}: ` : ''}${error.message}${cause}`;
  }
  if (error && typeof error === 'object' && 'message' in error) return String((error as { message: unknown }).message);
  return String(error);
}
