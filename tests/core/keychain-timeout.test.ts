import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import type { PortalSnapshot } from '../../shared/contract';
import { createConsoleCore } from '../../electron/services/console-core';
import type { SecretStore } from '../../electron/services/core-types';
import { MemorySecretStore, boundedSecretStore } from '../../electron/services/secret-store';
import { startFaultPortal } from '../fakes/fault-portal';
import { waitFor } from '../support/http';
import { rejectsWithCode } from '../support/console-error';

/** A keychain that answers until `hang` is set, then never again (a hung Secret Service, a prompt nobody sees). */
class HangingStore implements SecretStore {
  readonly persistent = true;
  hang = false;
  private readonly inner = new MemorySecretStore();
  describe() {
    return { available: true, backend: 'test', message: 'a keychain that can stop answering' };
  }
  get(account: string) {
    return this.hang ? new Promise<string | null>(() => {}) : this.inner.get(account);
  }
  set(account: string, value: string) {
    return this.hang ? new Promise<void>(() => {}) : this.inner.set(account, value);
  }
  delete(account: string) {
    return this.hang ? new Promise<boolean>(() => {}) : this.inner.delete(account);
  }
}

test('every call of a bounded store fails with keychain-unavailable when the keychain does not answer', async () => {
  const store = new HangingStore();
  const bounded = boundedSecretStore(store, 30);
  await bounded.set('a', 'x');
  assert.equal(await bounded.get('a'), 'x');
  store.hang = true;
  await rejectsWithCode(bounded.get('a'), 'keychain-unavailable', /did not answer within 30 ms/);
  await rejectsWithCode(bounded.set('a', 'y'), 'keychain-unavailable');
  await rejectsWithCode(bounded.delete('a'), 'keychain-unavailable');
  assert.equal(boundedSecretStore(bounded, 30), bounded, 'bounding twice changes nothing');
});

// the bound on the test: before keychain calls were bounded, the poll (and closing the core) waited for good
test(
  'a keychain that stops answering makes a sign-in fail, not hang: polls go on and recover',
  { timeout: 30_000 },
  async (t) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-keychain-'));
    const portal = await startFaultPortal({
      environments: [{ name: 'lab-w01', title: 'Lab', capacity: 5, duration: 1800 }],
    });
    const store = new HangingStore();
    const core = await createConsoleCore({
      dataDir: dir,
      secretStore: store,
      mode: 'web',
      version: 't',
      builtinPortal: null,
      tuning: { requestTimeoutMs: 1000, retries: 0, pollIntervalMs: 50, maxBackoffMs: 100, keychainTimeoutMs: 100 },
    });
    t.after(async () => {
      await core.close();
      await portal.close();
      fs.rmSync(dir, { recursive: true, force: true });
    });
    const snapshots: PortalSnapshot[] = [];
    core.events.on('monitor.portal', (s) => snapshots.push(s));
    const o = portal.options;
    const added = await core.handlers['portals.add']({
      label: 'Lab',
      baseUrl: portal.url,
      clientId: o.clientId,
      clientSecret: o.clientSecret,
      username: o.username,
      password: o.password,
    });
    await waitFor(() => snapshots.some((s) => s.portalId === added.id && s.status === 'live'), {
      message: 'portal live',
    });

    // The keychain hangs, and the portal forgets the robot's tokens: the next sign-in needs the password from it.
    store.hang = true;
    portal.revokeAccessTokens();
    portal.setPassword(o.password);
    const failed = await waitFor(
      () => snapshots.find((s) => s.portalId === added.id && s.status !== 'live' && s.lastError !== null),
      { message: 'the poll failed with the keychain as the reason' },
    );
    assert.match(
      failed.lastError ?? '',
      /keychain did not answer within 100 ms: the robot credentials could not be read/,
    );
    // a portal cannot be saved meanwhile, and says why
    await rejectsWithCode(
      core.handlers['portals.update']({ id: added.id, password: 'new' }),
      'keychain-unavailable',
      /did not answer within 100 ms; nothing was saved/,
    );

    // The keychain answers again: the next poll signs in without any action.
    store.hang = false;
    const since = snapshots.length;
    await waitFor(() => snapshots.slice(since).some((s) => s.portalId === added.id && s.status === 'live'), {
      message: 'live again once the keychain answers',
    });
  },
);
