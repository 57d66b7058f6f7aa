import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isDegraded, statusView } from './status';
import { allocationErrorMessage } from './errors';
import { timelineSeries } from './timeline';
import type { CapacityPoint } from '../../../../shared/contract';

test('status text says how long a portal has been stale', () => {
  const now = 100_000;
  assert.equal(statusView({ status: 'live', lastSeenAt: now - 2000, lastError: null }, now).text, 'Live');
  assert.equal(
    statusView({ status: 'stale', lastSeenAt: now - 12_000, lastError: 'timeout' }, now).text,
    'Stale for 12 s',
  );
  assert.match(statusView({ status: 'stale', lastSeenAt: now - 12_000, lastError: 'timeout' }, now).detail, /timeout/);
  assert.equal(
    statusView({ status: 'offline', lastSeenAt: now - 300_000, lastError: null }, now).text,
    'Offline (last seen 5 min ago)',
  );
  assert.equal(statusView({ status: 'offline', lastSeenAt: null, lastError: null }, now).text, 'Offline');
  assert.equal(
    statusView({ status: 'credentials-rejected', lastSeenAt: null, lastError: 'invalid_grant' }, now).text,
    'Credentials rejected',
  );
  assert.equal(isDegraded('live'), false);
  assert.equal(isDegraded('connecting'), true);
});

test('allocation errors in plain words', () => {
  assert.match(allocationErrorMessage({ code: 'no-capacity', message: 'x' }), /No capacity/);
  assert.match(allocationErrorMessage({ code: 'user-cap', message: 'x' }), /already has/);
  assert.match(allocationErrorMessage({ code: 'unknown-workshop', message: 'x' }), /does not know/);
  assert.match(allocationErrorMessage({ code: 'portal-unreachable', message: 'x' }), /could not be reached/);
  assert.equal(allocationErrorMessage({ code: 'internal', message: 'boom' }), 'boom');
});

test('timeline series for a portal and for one environment', () => {
  const points: CapacityPoint[] = [
    {
      t: 2,
      portalAllocated: 3,
      environments: { b: { allocated: 1, available: 1, capacity: 5 }, a: { allocated: 2, available: 0, capacity: 4 } },
    },
    { t: 1, portalAllocated: 1, environments: { a: { allocated: 1, available: 1, capacity: 4 } } },
  ];
  const whole = timelineSeries(points, null);
  assert.deepEqual(
    whole.lines.map((l) => l.label),
    ['portal allocated', 'a allocated', 'b allocated'],
  );
  assert.deepEqual(whole.data, [
    { t: 1, portal: 1, env0: 1, env1: 0 },
    { t: 2, portal: 3, env0: 2, env1: 1 },
  ]);
  const one = timelineSeries(points, 'b');
  assert.deepEqual(one.data, [
    { t: 1, allocated: 0, available: 0, capacity: 0 },
    { t: 2, allocated: 1, available: 1, capacity: 5 },
  ]);
});
