import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sameData } from './same-data';

test('sameData compares JSON data deeply', () => {
  assert.equal(sameData({ a: [1, { b: null }], c: 'x' }, { a: [1, { b: null }], c: 'x' }), true);
  assert.equal(sameData({ a: [1, 2] }, { a: [1, 2, 3] }), false);
  assert.equal(sameData({ a: 1 }, { a: 1, b: undefined }), false);
  assert.equal(sameData({ a: 1, b: 2 }, { a: 1, c: 2 }), false);
  assert.equal(sameData([1], { 0: 1 }), false);
  assert.equal(sameData({ a: null }, { a: {} }), false);
  assert.equal(sameData('1', 1), false);
});
