import { test, mock } from 'node:test';
import assert from 'node:assert/strict';
import { subscribeTick, tickListenerCount } from './ticker';

test('one shared timer drives every subscriber and stops when the last one leaves', () => {
  mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 1_000_000 });
  try {
    const seen: number[] = [];
    const offA = subscribeTick((t) => seen.push(t));
    const offB = subscribeTick(() => seen.push(-1));
    assert.equal(tickListenerCount(), 2);
    mock.timers.tick(1005);
    assert.equal(seen.length, 2, 'both listeners ran on the same tick');
    mock.timers.tick(1000);
    assert.equal(seen.length, 4);
    offA();
    offB();
    assert.equal(tickListenerCount(), 0);
    mock.timers.tick(5000);
    assert.equal(seen.length, 4, 'no ticks after the last unsubscribe');
  } finally {
    mock.timers.reset();
  }
});
