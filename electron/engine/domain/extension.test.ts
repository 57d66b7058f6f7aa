import assert from 'node:assert/strict';
import { test } from 'node:test';
import { countdown, extendedExpiry, extensionAmount, extensionThreshold, isExpiring, isExtendable } from './extension';

const MIN = 60;

test('threshold = max(300, min(duration, 4h)/4)', () => {
  assert.equal(extensionThreshold(0), 300);
  assert.equal(extensionThreshold(30 * MIN), 450);
  assert.equal(extensionThreshold(60 * MIN), 900);
  assert.equal(extensionThreshold(10 * 3600), 3600);
  assert.equal(extensionThreshold(10 * MIN), 300);
});

test('extension = max(300, overtime) when overtime is set, else the threshold', () => {
  assert.equal(extensionAmount({ durationS: 60 * MIN, overtimeS: 0, deadlineS: 60 * MIN }), 900);
  assert.equal(extensionAmount({ durationS: 60 * MIN, overtimeS: 60, deadlineS: 90 * MIN }), 300);
  assert.equal(extensionAmount({ durationS: 60 * MIN, overtimeS: 15 * MIN, deadlineS: 90 * MIN }), 900);
});

test('extendable needs RUNNING, an expiry before started+deadline, and remaining < extension', () => {
  const inputs = { durationS: 60 * MIN, overtimeS: 15 * MIN, deadlineS: 90 * MIN };
  const started = 1_000_000_000_000;
  const expires = started + 60 * MIN * 1000;
  const nearEnd = expires - 10 * MIN * 1000; // 10 minutes left < 15 minute extension
  const early = expires - 30 * MIN * 1000;
  assert.equal(isExtendable(inputs, true, started, expires, nearEnd), true);
  assert.equal(isExtendable(inputs, true, started, expires, early), false);
  assert.equal(isExtendable(inputs, false, started, expires, nearEnd), false);
  assert.equal(isExtendable(inputs, true, started, null, nearEnd), false);
  // default deadline (= expires): never extendable
  assert.equal(
    isExtendable({ durationS: 60 * MIN, overtimeS: 0, deadlineS: 60 * MIN }, true, started, expires, nearEnd),
    false,
  );
  // at the deadline: not extendable any more
  assert.equal(isExtendable(inputs, true, started, started + 90 * MIN * 1000, started + 85 * MIN * 1000), false);
});

test('one extension: min(expires + extension, started + deadline)', () => {
  const inputs = { durationS: 60 * MIN, overtimeS: 15 * MIN, deadlineS: 70 * MIN };
  const started = 0;
  assert.equal(extendedExpiry(inputs, started, 60 * MIN * 1000), 70 * MIN * 1000);
  const wide = { ...inputs, deadlineS: 120 * MIN };
  assert.equal(extendedExpiry(wide, started, 60 * MIN * 1000), 75 * MIN * 1000);
});

test('expiring and countdown', () => {
  const inputs = { durationS: 60 * MIN, overtimeS: 0, deadlineS: 60 * MIN };
  assert.equal(isExpiring(inputs, null, 0), false);
  assert.equal(isExpiring(inputs, 899_000, 0), true);
  assert.equal(isExpiring(inputs, 900_000, 0), false);
  assert.equal(countdown(10_999, 0), 10);
  assert.equal(countdown(0, 5_000), 0);
});
