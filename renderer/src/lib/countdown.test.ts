import { test } from 'node:test';
import assert from 'node:assert/strict';
import { countdownLevel, describeCountdown, formatAge, formatCountdown, remainingMs } from './countdown';

test('remaining time uses the portal clock offset', () => {
  const now = Date.parse('2026-01-01T10:00:00Z');
  // the portal clock runs 5 s ahead: 5 s less remain than the local clock suggests
  assert.equal(remainingMs('2026-01-01T10:01:00Z', 5000, now), 55_000);
  assert.equal(remainingMs('2026-01-01T10:01:00Z', -5000, now), 65_000);
  assert.equal(remainingMs(null, 0, now), null);
  assert.equal(remainingMs('not a date', 0, now), null);
});

test('countdown text', () => {
  const cases: [number | null, string][] = [
    [null, '—'],
    [0, 'expired'],
    [-5, 'expired'],
    [1, '0:01'],
    [9_000, '0:09'],
    [65_000, '1:05'],
    [59 * 60_000 + 59_000, '59:59'],
    [3_600_000, '1:00:00'],
    [3_723_000, '1:02:03'],
    [999, '0:01'],
  ];
  for (const [ms, text] of cases) assert.equal(formatCountdown(ms), text, String(ms));
});

test('countdown colour levels follow the expiring setting', () => {
  assert.equal(countdownLevel(null, 10), 'none');
  assert.equal(countdownLevel(0, 10), 'expired');
  assert.equal(countdownLevel(30 * 60_000, 10), 'ok');
  assert.equal(countdownLevel(10 * 60_000, 10), 'soon');
  assert.equal(countdownLevel(3 * 60_000, 10), 'soon');
  assert.equal(countdownLevel(2 * 60_000, 10), 'critical');
  // never less than the last minute is critical
  assert.equal(countdownLevel(59_000, 1), 'critical');
});

test('spoken countdown and ages', () => {
  assert.equal(describeCountdown(65_000), '1 minute 5 seconds left');
  assert.equal(describeCountdown(2 * 3_600_000 + 60_000), '2 hours 1 minute left');
  assert.equal(describeCountdown(null), 'no expiry');
  assert.equal(formatAge(1000, 13_000), '12 s');
  assert.equal(formatAge(0, 5 * 60_000), '5 min');
  assert.equal(formatAge(0, 125 * 60_000), '2 h 5 min');
  assert.equal(formatAge(10_000, 0), '0 s');
});
