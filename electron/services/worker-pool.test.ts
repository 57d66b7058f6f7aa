import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runPool } from './worker-pool';

test('runPool takes items in order, never more than its concurrency at once', async () => {
  let running = 0;
  let peak = 0;
  const seen: number[] = [];
  const taken = await runPool([1, 2, 3, 4, 5, 6, 7], 3, async (item, i) => {
    assert.equal(item, i + 1);
    seen.push(item);
    running++;
    peak = Math.max(peak, running);
    await new Promise((r) => setImmediate(r));
    running--;
  });
  assert.equal(taken, 7);
  assert.deepEqual(seen, [1, 2, 3, 4, 5, 6, 7]);
  assert.equal(peak, 3);
});

test('runPool stops taking items once aborted; those taken finish', async () => {
  const abort = new AbortController();
  const finished: number[] = [];
  const taken = await runPool(
    [0, 1, 2, 3, 4, 5],
    2,
    async (item) => {
      if (item === 2) abort.abort();
      await new Promise((r) => setImmediate(r));
      finished.push(item);
    },
    abort.signal,
  );
  assert.equal(taken, 3);
  assert.deepEqual(finished.sort(), [0, 1, 2]);
  assert.equal(await runPool([], 4, async () => assert.fail('no items')), 0);
});
