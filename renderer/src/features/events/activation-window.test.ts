import { test } from 'node:test';
import assert from 'node:assert/strict';
import { attendeeStatuses, DEFAULT_ACTIVATION_WINDOW_S, MAX_ACTIVATION_WINDOW_S } from '../../../../shared/contract';
import { STATUSES } from '../../store/selectors/attendees';
import { DEFAULT_WINDOW_S, MAX_WINDOW_S, WINDOW_CHOICES, windowFromMinutes } from './activation-window';

test('the renderer’s copies of the contract’s constants are the contract’s', () => {
  assert.equal(DEFAULT_WINDOW_S, DEFAULT_ACTIVATION_WINDOW_S);
  assert.equal(MAX_WINDOW_S, MAX_ACTIVATION_WINDOW_S);
  assert.deepEqual(STATUSES, attendeeStatuses);
});

test('window choices: none and the 60-minute default are offered; custom minutes are checked', () => {
  assert.ok(WINDOW_CHOICES.some((c) => c.seconds === 0 && /none/i.test(c.label)));
  assert.ok(WINDOW_CHOICES.some((c) => c.seconds === 3600 && /default/.test(c.label)));
  assert.ok(WINDOW_CHOICES.every((c) => c.seconds <= MAX_WINDOW_S));
  assert.equal(windowFromMinutes('90'), 5400);
  assert.equal(windowFromMinutes(' 0 '), 0);
  for (const bad of ['', '-5', '1.5', 'ten', String(MAX_WINDOW_S / 60 + 1)])
    assert.equal(typeof windowFromMinutes(bad), 'string', bad);
});
