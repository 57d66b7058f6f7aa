import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import type { DirectoryEntry } from '../../shared/contract';
import { createConsoleCore } from '../../electron/services/console-core';
import { MemorySecretStore } from '../../electron/services/secret-store';
import { startFaultPortal } from '../fakes/fault-portal';

test('people of New session are recorded in console.db, pushed, found by parts of their name, and kept', async (t) => {
  const portal = await startFaultPortal({
    name: 'lab',
    environments: [{ name: 'lab-w01', title: 'Lab', capacity: 5, duration: 1800 }],
  });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'people-'));
  const secrets = new MemorySecretStore();
  const make = () =>
    createConsoleCore({
      dataDir: dir,
      secretStore: secrets,
      mode: 'web',
      version: 't',
      builtinPortal: null,
      tuning: { pollIntervalMs: 50, requestTimeoutMs: 1000, retries: 0 },
    });
  let core = await make();
  t.after(async () => {
    await core.close();
    await portal.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const p = await core.handlers['portals.add']({
    label: 'Lab',
    baseUrl: portal.url,
    clientId: 'fake-client',
    clientSecret: 'fake-secret',
    username: 'robot@educates',
    password: 'robot-password',
  });
  const pushed: DirectoryEntry[] = [];
  core.events.on('people.changed', ({ entries }) => pushed.push(...entries));
  const a = await core.handlers['sessions.request']({
    portalId: p.id,
    environment: 'lab-w01',
    email: 'ada@example.org',
    firstName: 'Ada',
    lastName: 'Lovelace',
    timeout: 3600,
  });
  // a user id alone names nobody: nothing to record
  await core.handlers['sessions.request']({ portalId: p.id, environment: 'lab-w01', user: 'anon-1', timeout: 3600 });
  const expected: DirectoryEntry = {
    portalId: p.id,
    user: a.user,
    email: 'ada@example.org',
    firstName: 'Ada',
    lastName: 'Lovelace',
    source: 'new-session',
  };
  assert.deepEqual(pushed, [expected]);
  assert.deepEqual(await core.handlers['people.directory']({}), [expected]);
  const found = await core.handlers['people.find']({ query: 'lovel' });
  assert.deepEqual(
    found.sessions.map((s) => [s.user, s.person?.lastName]),
    [[a.user, 'Lovelace']],
  );

  await core.close();
  core = await make();
  assert.deepEqual(await core.handlers['people.directory']({}), [expected], 'kept across a restart');
});
