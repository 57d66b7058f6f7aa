import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backoffDelay } from './backoff';

test('backoff doubles from its base up to its cap', () => {
  const delays = [1, 2, 3, 4, 5].map((step) => backoffDelay(step, { baseMs: 1000, maxMs: 6000 }));
  assert.deepEqual(delays, [1000, 2000, 4000, 6000, 6000]);
  assert.equal(backoffDelay(0, { baseMs: 500 }), 500, 'a step below one is the first retry');
  assert.equal(backoffDelay(200, { baseMs: 500 }), 500 * 2 ** 30, 'no cap: still finite');
});

test('jitter spreads each delay evenly around it', () => {
  const b = { baseMs: 250, jitter: 0.5 };
  assert.equal(
    backoffDelay(2, b, () => 0),
    250,
  );
  assert.equal(
    backoffDelay(2, b, () => 0.5),
    500,
  );
  assert.equal(
    backoffDelay(2, b, () => 1),
    750,
  );
});
