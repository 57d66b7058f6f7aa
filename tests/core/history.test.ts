import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import type { CapacityPoint } from '../../shared/contract';
import { openConsoleDb } from '../../electron/services/console-db';
import { CapacityHistory } from '../../electron/services/history/capacity-history';
import { createConsoleCore } from '../../electron/services/console-core';
import { MemorySecretStore } from '../../electron/services/secret-store';
import { startFaultPortal } from '../fakes/fault-portal';

function tempDir(t: { after(fn: () => void): void }) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'history-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const point = (t: number): CapacityPoint => ({
  t,
  portalAllocated: t % 7,
  environments: { e: { allocated: t % 7, available: 1, capacity: 9 } },
});

test('capacity history on disk: copied from the source once, bounded by thinning the older half', (t) => {
  const c = openConsoleDb(tempDir(t));
  t.after(() => c.close());
  let points: CapacityPoint[] = [];
  const source = { history: (_id: string, since = -Infinity) => points.filter((p) => p.t >= since) };
  const h = new CapacityHistory(c.db, source, 10);
  points = [1, 2, 3].map(point);
  h.sync('p');
  h.sync('p'); // nothing new: nothing written twice
  assert.deepEqual(h.read('p'), points);
  points = points.concat([4, 5].map(point));
  // not synced yet: read still returns them (from the source)
  assert.deepEqual(
    h.read('p').map((p) => p.t),
    [1, 2, 3, 4, 5],
  );
  assert.deepEqual(
    h.read('p', 3).map((p) => p.t),
    [3, 4, 5],
  );
  points = Array.from({ length: 12 }, (_, i) => point(i + 1));
  h.sync('p');
  const kept = h.read('p').map((p) => p.t);
  assert.ok(kept.length <= 10, `${kept.length} points kept`);
  assert.deepEqual(kept.slice(-6), [7, 8, 9, 10, 11, 12], 'the recent past keeps full detail');
  assert.equal(kept[0], 1, 'the start of the event stays visible');
  // a new instance (a restart) reads what is on disk and continues after it
  const again = new CapacityHistory(c.db, { history: () => [point(13)] }, 10);
  assert.deepEqual(
    again.read('p').map((p) => p.t),
    [...kept, 13],
  );
  again.forget('p');
  assert.deepEqual(new CapacityHistory(c.db, { history: () => [] }, 10).read('p'), [], 'a removed portal keeps none');
});

test('capacity history and alerts outlive a restart of the console; alert ids do not repeat', async (t) => {
  const portal = await startFaultPortal({
    name: 'lab',
    environments: [{ name: 'lab-w01', title: 'Lab', capacity: 2, duration: 1800 }],
  });
  const dir = tempDir(t);
  const secrets = new MemorySecretStore();
  const tuning = { pollIntervalMs: 30, requestTimeoutMs: 1000, retries: 0 };
  const make = () =>
    createConsoleCore({ dataDir: dir, secretStore: secrets, mode: 'web', version: 't', builtinPortal: null, tuning });
  let core = await make();
  t.after(async () => {
    await core.close();
    await portal.close();
  });
  const alerted = new Promise<{ id: string; message: string }>((resolve) => core.events.on('alerts.raised', resolve));
  const p = await core.handlers['portals.add']({
    label: 'Lab',
    baseUrl: portal.url,
    clientId: 'fake-client',
    clientSecret: 'fake-secret',
    username: 'robot@educates',
    password: 'robot-password',
  });
  await core.handlers['sessions.request']({ portalId: p.id, environment: 'lab-w01', user: 'ada', timeout: 3600 });
  await core.handlers['sessions.request']({ portalId: p.id, environment: 'lab-w01', user: 'bob', timeout: 3600 });
  const first = await alerted; // 2 of 2: at capacity
  assert.match(first.id, /^alert-\d+$/);
  assert.match(first.message, /at 100% of its capacity/);
  const waitHistory = async () => {
    for (;;) {
      const h = await core.handlers['monitor.history']({ portalId: p.id });
      if (h.some((x) => x.portalAllocated === 2)) return h;
      await new Promise((r) => setTimeout(r, 30));
    }
  };
  const before = await waitHistory();
  // acknowledged before the restart: the acknowledgement is on disk, and the condition raised again is a new alert
  const acked = await core.handlers['alerts.acknowledge']({ ids: [first.id] });
  assert.deepEqual(acked.ids, [first.id]);

  await core.close();
  core = await make();
  const after = await core.handlers['monitor.history']({ portalId: p.id });
  for (const x of before)
    assert.ok(
      after.some((y) => y.t === x.t && y.portalAllocated === x.portalAllocated),
      `point ${x.t} kept`,
    );
  const log = await core.handlers['alerts.list']({});
  assert.deepEqual(
    log.map((a) => [a.id, a.message, a.portalLabel, a.acknowledgedAt]),
    [[first.id, first.message, 'Lab', acked.at]],
  );

  // after the restart the monitor raises the condition again (it keeps no memory of raised alerts): a new id
  const again = await new Promise<{ id: string }>((resolve) => core.events.on('alerts.raised', resolve));
  assert.notEqual(again.id, first.id);
  assert.equal((await core.handlers['alerts.list']({ limit: 1 }))[0]?.id, again.id);
});
