import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import type { PortalSnapshot } from '../../shared/contract';
import { createConsoleCore } from '../../electron/services/console-core';
import { MemorySecretStore } from '../../electron/services/secret-store';
import { startFaultPortal } from '../fakes/fault-portal';

/**
 * "Retry now" on a failing portal's card: `portals.retryNow` polls it at once, whatever the backoff says, and
 * answers with the snapshot after that poll (so a portal that came back shows live right away).
 */
test('portals.retryNow polls a failing portal at once and answers with its fresh snapshot', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-retry-'));
  const portal = await startFaultPortal({
    environments: [{ name: 'lab-w01', title: 'Lab', capacity: 5, duration: 1800 }],
  });
  // a long backoff: without retryNow the next poll would be a minute away
  const core = await createConsoleCore({
    dataDir: dir,
    secretStore: new MemorySecretStore(),
    mode: 'web',
    version: 't',
    builtinPortal: null,
    tuning: {
      requestTimeoutMs: 1000,
      retries: 0,
      retryBaseMs: 5,
      pollIntervalMs: 60_000,
      maxBackoffMs: 60_000,
      offlineAfterFailures: 2,
    },
  });
  t.after(async () => {
    await core.close();
    await portal.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const o = portal.options;
  portal.setFault({ kind: 'status', status: 502 });
  const view = await core.handlers['portals.add']({
    label: 'Flaky',
    baseUrl: portal.url,
    clientId: o.clientId,
    clientSecret: o.clientSecret,
    username: o.username,
    password: o.password,
  });

  let snap: PortalSnapshot = await core.handlers['portals.retryNow']({ id: view.id });
  for (let i = 0; i < 3 && snap.status !== 'offline'; i += 1)
    snap = await core.handlers['portals.retryNow']({ id: view.id });
  assert.equal(snap.status, 'offline');
  assert.match(snap.lastError ?? '', /502/);

  portal.setFault(null);
  const recovered = await core.handlers['portals.retryNow']({ id: view.id });
  assert.equal(recovered.status, 'live');
  assert.equal(recovered.lastError, null);
  assert.equal(recovered.environments[0]?.name, 'lab-w01');

  await assert.rejects(core.handlers['portals.retryNow']({ id: 'no-such-portal' }), { code: 'not-found' });
});
