/**
 * Runs `work` over `items` in order, at most `concurrency` at a time: a bulk action on sessions, a roster or an
 * event's allocation, where one request per item at once would flood the portal and one at a time is too slow.
 * Once `signal` is aborted no further item is taken; those already taken finish. Resolves with how many items were
 * taken. `work` handles its own failures: one that rejects stops its worker and rejects the pool.
 */
export async function runPool<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T, index: number) => Promise<void>,
  signal?: AbortSignal,
): Promise<number> {
  let next = 0;
  const worker = async () => {
    while (next < items.length && !signal?.aborted) {
      const i = next++;
      await work(items[i] as T, i);
    }
  };
  const workers = Math.max(1, Math.min(Math.floor(concurrency), items.length));
  await Promise.all(Array.from({ length: workers }, worker));
  return next;
}
