/**
 * Runs tasks one at a time per key, in the order they were submitted, while different keys run
 * in parallel. In memory: enough for one process (several processes would need a database lock).
 */
export type KeyedQueue = {
  run<T>(key: string, task: () => Promise<T>): Promise<T>;
  /** Resolves when every submitted task (including ones submitted meanwhile) has finished. */
  drain(): Promise<void>;
  /** Keys with work queued or running. */
  size(): number;
};

export function createKeyedQueue(): KeyedQueue {
  const tails = new Map<string, Promise<void>>();

  function run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = tails.get(key) ?? Promise.resolve();
    const result = previous.then(task);
    // The stored tail never rejects, so one failed task does not poison the ones behind it.
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    tails.set(key, tail);
    void tail.then(() => {
      if (tails.get(key) === tail) tails.delete(key);
    });
    return result;
  }

  async function drain() {
    while (tails.size > 0) await Promise.all([...tails.values()]);
  }

  return { run, drain, size: () => tails.size };
}
