/** Small promise helpers, one implementation each. */

/**
 * Settles like `promise`, or rejects with `onTimeout()` after `ms` (the work itself is not
 * cancelled: callers that can abort pass a signal to it). The timer never keeps the process alive.
 */
export function withTimeout<T>(promise: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(onTimeout()), ms);
    timer.unref?.();
    promise.then(
      (value) => (clearTimeout(timer), resolve(value)),
      (error: unknown) => (clearTimeout(timer), reject(error)),
    );
  });
}
