import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isShortActivationRefusal } from './short-activation';

test('only the console’s Learning Center refusal asks for a confirmation', () => {
  // the words of the core's refusal (electron/services/events/portal-dialect.ts)
  const lc =
    'Old TAP looks like a Learning Center portal: it ignores the activation window and deletes every session that ' +
    'is not opened within 60 seconds of its allocation';
  assert.equal(isShortActivationRefusal({ code: 'conflict', message: lc }), true);
  assert.equal(
    isShortActivationRefusal({ code: 'conflict', message: 'an allocation is already running for X' }),
    false,
  );
  assert.equal(isShortActivationRefusal({ code: 'no-capacity', message: lc }), false);
});
