import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isDegraded, statusView } from './status';

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
