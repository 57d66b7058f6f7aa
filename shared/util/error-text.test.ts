import assert from 'node:assert/strict';
import { test } from 'node:test';
import { asError, errorDetail, errorText } from './error-text';

test('errorText: an Error gives its message, anything else its string form', () => {
  assert.equal(errorText(new Error('disk full')), 'disk full');
  assert.equal(errorText('plain'), 'plain');
  assert.equal(errorText(42), '42');
  assert.equal(errorText(undefined), 'undefined');
  assert.equal(errorText(new Error('first\n    at somewhere'), { firstLine: true }), 'first');
});

test('errorDetail keeps the stack; asError wraps what is not an Error', () => {
  const e = new Error('boom');
  assert.equal(errorDetail(e), e.stack);
  assert.equal(errorDetail('x'), 'x');
  assert.equal(asError(e), e);
  assert.equal(asError('why').message, 'why');
});
