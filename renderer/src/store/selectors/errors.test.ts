import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allocationErrorMessage } from './errors';

test('allocation errors in plain words', () => {
  assert.match(allocationErrorMessage({ code: 'no-capacity', message: 'x' }), /No capacity/);
  assert.match(allocationErrorMessage({ code: 'user-cap', message: 'x' }), /already has/);
  assert.match(allocationErrorMessage({ code: 'unknown-workshop', message: 'x' }), /does not know/);
  assert.match(allocationErrorMessage({ code: 'portal-unreachable', message: 'x' }), /could not be reached/);
  assert.equal(allocationErrorMessage({ code: 'internal', message: 'boom' }), 'boom');
});
