import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import type { Alert } from '../../shared/contract';
import { openConsoleDb } from '../../electron/services/console-db';
import { AlertLog, GROUP_WINDOW_MS } from '../../electron/services/history/alert-log';
import { MIGRATIONS } from '../../electron/services/migrations';

function tempDir(t: { after(fn: () => void): void }) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'alert-log-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const alert = (over: Partial<Alert>): Alert => ({
  id: 'monitor-id',
  kind: 'portal-offline',
  portalId: 'p1',
  portalLabel: 'Lab portal',
  environment: null,
  session: null,
  message: 'Lab portal is offline',
  raisedAt: 1_000_000,
  count: 1,
  acknowledgedAt: null,
  ...over,
});

test('repeats of an open alert within the window are one row with a count; acknowledged ones start a new row', (t) => {
  const dir = tempDir(t);
  const db = openConsoleDb(dir);
  t.after(() => db.close());
  const log = new AlertLog(db.db);
  const a = log.record(alert({}));
  const b = log.record(alert({ raisedAt: 1_000_000 + 60_000, message: 'Lab portal is offline: reset' }));
  assert.equal(b.id, a.id);
  assert.equal(b.count, 2);
  assert.equal(b.message, 'Lab portal is offline: reset');
  // another environment, another kind, or the same after the window: rows of their own
  const other = log.record(alert({ kind: 'capacity', environment: 'w01', raisedAt: 1_100_000 }));
  assert.notEqual(other.id, a.id);
  const late = log.record(alert({ raisedAt: b.raisedAt + GROUP_WINDOW_MS + 1 }));
  assert.notEqual(late.id, a.id);

  assert.deepEqual(log.acknowledge([late.id, 'alert-999', 'nonsense'], 5), [late.id]);
  assert.deepEqual(log.acknowledge([late.id], 6), [], 'acknowledging twice marks nothing new');
  const again = log.record(alert({ raisedAt: late.raisedAt + 1000 }));
  assert.notEqual(again.id, late.id, 'a repeat after an acknowledgement is news');
  assert.deepEqual(log.acknowledge('all', 7).sort(), [a.id, other.id, again.id].sort());
  assert.deepEqual(
    log.list(10).map((x) => [x.id, x.count, x.acknowledgedAt]),
    [
      [a.id, 2, 7],
      [other.id, 1, 7],
      [late.id, 1, 5],
      [again.id, 1, 7],
    ],
  );
});

test('the label and acknowledgements outlive a reopen; a database of version 2 is migrated with its alerts', (t) => {
  const dir = tempDir(t);
  const old = openConsoleDb(dir, { migrations: MIGRATIONS.filter((m) => m.version <= 2) });
  old.db
    .prepare('INSERT INTO alerts (kind, portal_id, environment, session, message, raised_at) VALUES (?, ?, ?, ?, ?, ?)')
    .run('capacity', 'gone', 'w01', null, 'Lab at 100%', 5);
  old.close();

  const db = openConsoleDb(dir);
  const log = new AlertLog(db.db);
  const [kept] = log.list(10);
  assert.deepEqual(
    kept && [kept.portalLabel, kept.count, kept.acknowledgedAt, kept.message],
    ['', 1, null, 'Lab at 100%'],
    'an alert of the old schema reads with defaults',
  );
  const x = log.record(alert({ portalLabel: 'Workshop portal' }));
  log.acknowledge([x.id], 42);
  db.close();

  const again = openConsoleDb(dir);
  t.after(() => again.close());
  const back = new AlertLog(again.db).list(10).find((y) => y.id === x.id);
  assert.equal(back?.portalLabel, 'Workshop portal');
  assert.equal(back?.acknowledgedAt, 42);
});
