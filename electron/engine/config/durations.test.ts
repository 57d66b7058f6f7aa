import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDuration } from './durations';

test('durations: unit strings and integer seconds', () => {
  const cases: [unknown, number | null][] = [
    ['30m', 1800],
    ['1h', 3600],
    ['90s', 90],
    ['0', 0],
    ['0s', 0],
    ['120', 120],
    [45, 45],
    [0, 0],
    ['1d', null],
    ['1.5h', null],
    ['-5m', null],
    [' 5m', null],
    ['5M', null],
    ['', null],
    [-1, null],
    [1.5, null],
    [null, null],
    [true, null],
  ];
  for (const [input, expected] of cases) assert.equal(parseDuration(input), expected, JSON.stringify(input));
});
