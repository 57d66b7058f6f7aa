import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  formatClock,
  formatClockOnDay,
  formatClockSeconds,
  formatDateTime,
  formatRange,
  formatSeconds,
  fromDateTimeInput,
  timeTicks,
  toDateTimeInput,
} from './time';

test('clock times are local and on a 24-hour clock', () => {
  const t = new Date(2026, 2, 5, 21, 7, 9).getTime();
  assert.equal(formatClock(t), '21:07');
  assert.equal(formatClockSeconds(t), '21:07:09');
  assert.equal(formatDateTime(t), '2026-03-05 21:07');
  assert.equal(formatClock(new Date(2026, 0, 1, 0, 0).getTime()), '00:00');
  assert.equal(formatClock(null), '—');
  assert.equal(formatClock(Number.NaN), '—');
});

test('ranges name the day once when they stay within it', () => {
  const a = new Date(2026, 2, 5, 9, 0).getTime();
  assert.equal(formatRange(a, new Date(2026, 2, 5, 17, 30).getTime()), '2026-03-05 09:00–17:30');
  assert.equal(formatRange(a, new Date(2026, 2, 6, 1, 0).getTime()), '2026-03-05 09:00 – 2026-03-06 01:00');
});

test('datetime-local values round-trip; impossible dates and garbage are refused', () => {
  const t = new Date(2026, 11, 31, 23, 59).getTime();
  assert.equal(toDateTimeInput(t), '2026-12-31T23:59');
  assert.equal(fromDateTimeInput('2026-12-31T23:59'), t);
  assert.equal(fromDateTimeInput('2026-12-31T23:59:30'), t + 30_000);
  for (const bad of ['', '2026-02-31T10:00', '2026-13-01T10:00', 'tomorrow', '2026-12-31 23:59']) {
    assert.equal(fromDateTimeInput(bad), null, bad);
  }
});

test('lengths in seconds read as people say them', () => {
  assert.equal(formatSeconds(0), 'none');
  assert.equal(formatSeconds(60), '1 min');
  assert.equal(formatSeconds(3600), '1 h');
  assert.equal(formatSeconds(5400), '1 h 30 min');
  assert.equal(formatSeconds(86_400), '1 day');
  assert.equal(formatSeconds(7 * 86_400), '7 days');
  assert.equal(formatSeconds(45), '45 s');
});

test('times on the event’s day show the clock only; other days show the date too', () => {
  const day = new Date(2026, 2, 5, 9, 0).getTime();
  assert.equal(formatClockOnDay(new Date(2026, 2, 5, 23, 59).getTime(), day), '23:59');
  assert.equal(formatClockOnDay(new Date(2026, 2, 6, 0, 1).getTime(), day), '2026-03-06 00:01');
  assert.equal(formatClockOnDay(null, day), '—');
});

test('time axis ticks fall on whole local minutes or hours, at most the number asked for', () => {
  const at = (h: number, m: number, s = 0) => new Date(2026, 2, 5, h, m, s).getTime();
  assert.deepEqual(timeTicks(at(9, 7), at(13, 0), 8).map(formatClock), [
    '09:30',
    '10:00',
    '10:30',
    '11:00',
    '11:30',
    '12:00',
    '12:30',
    '13:00',
  ]);
  assert.deepEqual(timeTicks(at(9, 0, 10), at(9, 2, 50), 6).map(formatClockSeconds), [
    '09:00:30',
    '09:01:00',
    '09:01:30',
    '09:02:00',
    '09:02:30',
  ]);
  assert.ok(timeTicks(at(0, 0), at(23, 59), 8).length <= 8);
  assert.deepEqual(timeTicks(at(9, 0), at(9, 0)), [at(9, 0)]);
  assert.deepEqual(timeTicks(Number.NaN, Number.NaN), []);
});
