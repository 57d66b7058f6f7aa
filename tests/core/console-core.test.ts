import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { methodNames, type EventName, type EventPayload } from '../../shared/contract';
import { createConsoleCore } from '../../electron/services/console-core';
import type { ConsoleCore } from '../../electron/services/core-types';
import { MemorySecretStore } from '../../electron/services/secret-store';
import { startFaultPortal, type FakePortal } from '../fakes/fault-portal';
import { rejectsWithCode } from '../support/console-error';

function tempDir() {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'console-core-'));
}

const rejects = rejectsWithCode;

function waitForEvent<E extends EventName>(
  core: ConsoleCore,
  event: E,
  pred: (p: EventPayload<E>) => boolean,
): Promise<EventPayload<E>> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => (off(), reject(new Error(`no ${event} event matched within 10 s`))), 10_000);
    const off = core.events.on(event, (p) => {
      if (pred(p)) {
        clearTimeout(t);
        off();
        resolve(p);
      }
    });
  });
}

const tuning = { requestTimeoutMs: 1000, retries: 1, retryBaseMs: 5, pollIntervalMs: 30, maxBackoffMs: 100 };

describe('console core', () => {
  let portal: FakePortal;
  let builtin: FakePortal;
  let dir: string;
  let secrets: MemorySecretStore;
  let core: ConsoleCore;

  before(async () => {
    portal = await startFaultPortal({
      name: 'remote',
      anonymous: 1,
      environments: [
        { name: 'remote-w01', title: 'Kubernetes Basics', capacity: 3, duration: 1800 },
        { name: 'remote-w02', title: 'Spring Lab', capacity: 600, duration: 1800 },
      ],
    });
    builtin = await startFaultPortal({
      name: 'builtin',
      clientId: 'b-id',
      clientSecret: 'b-secret',
      username: 'robot@b',
      password: 'b-pass',
    });
    dir = tempDir();
    secrets = new MemorySecretStore();
    core = await createConsoleCore({
      dataDir: dir,
      secretStore: secrets,
      mode: 'web',
      version: '0.0.0-test',
      builtinPortal: {
        url: builtin.url,
        credentials: { clientId: 'b-id', clientSecret: 'b-secret', username: 'robot@b', password: 'b-pass' },
      },
      tuning,
    });
  });
  after(async () => {
    await core.close();
    await portal.close();
    await builtin.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('implements every contract method', () => {
    for (const m of methodNames) assert.equal(typeof core.handlers[m], 'function', m);
  });

  test('app.info reports the missing keychain plainly', async () => {
    const info = await core.handlers['app.info']({});
    assert.equal(info.keychain.available, false);
    assert.match(info.keychain.message, /for this run only/);
    assert.equal(info.settingsWarning, null);
  });

  test("the built-in portal is listed under this computer's name, on, and not removable", async () => {
    const list = await core.handlers['portals.list']({});
    const b = list.find((p) => p.builtin);
    assert.ok(b);
    assert.equal(b.label, os.hostname());
    assert.equal(b.enabled, true);
    assert.equal(b.defaultIndexUrl, `${builtin.url}/workshops/catalog/`);
    await rejects(core.handlers['portals.remove']({ id: b.id }), 'forbidden');
    await rejects(core.handlers['portals.update']({ id: b.id, password: 'x' }), 'forbidden');
    const live = await core.handlers['portals.test']({ id: b.id });
    assert.equal(live.ok, true);
    assert.equal(live.portalName, 'builtin');
  });

  let portalId = '';
  test('portals: test a draft, add, edit; secrets go to the SecretStore, never to settings.json', async () => {
    const draft = {
      label: 'Remote EU',
      baseUrl: portal.url,
      clientId: 'fake-client',
      clientSecret: 'fake-secret',
      username: 'robot@educates',
      password: 'robot-password',
    };
    const bad = await core.handlers['portals.test']({ draft: { ...draft, password: 'nope' } });
    assert.deepEqual([bad.ok, bad.message], [false, `robot password rejected by ${new URL(portal.url).host}`]);
    const unreachable = await core.handlers['portals.test']({ draft: { ...draft, baseUrl: 'http://127.0.0.1:9' } });
    assert.equal(unreachable.ok, false);
    assert.match(unreachable.message, /portal unreachable: 127\.0\.0\.1:9/);
    const good = await core.handlers['portals.test']({ draft });
    assert.equal(good.ok, true);

    const view = await core.handlers['portals.add'](draft);
    portalId = view.id;
    assert.equal(view.pollIntervalMs, 5000);
    assert.equal(view.defaultIndexUrl, `${portal.url}/workshops/catalog/`);
    assert.deepEqual(view.secrets, { clientSecret: true, password: true, persisted: false });
    assert.equal(await secrets.get(`${view.id}:password`), 'robot-password');
    assert.equal(await secrets.get(`${view.id}:client-secret`), 'fake-secret');

    await waitForEvent(core, 'monitor.portal', (s) => s.portalId === view.id && s.status === 'live');
    const relabelled = waitForEvent(core, 'monitor.portal', (s) => s.portalId === view.id && s.label === 'Remote (EU)');
    const edited = await core.handlers['portals.update']({ id: view.id, label: 'Remote (EU)', pollIntervalMs: 2000 });
    assert.equal(edited.label, 'Remote (EU)');
    const file = fs.readFileSync(path.join(dir, 'settings.json'), 'utf8');
    assert.match(file, /Remote \(EU\)/);
    for (const secret of ['robot-password', 'fake-secret', 'b-pass', 'b-secret'])
      assert.ok(!file.includes(secret), `${secret} leaked to settings.json`);
    const snap = await relabelled;
    assert.equal(snap.status, 'live');
  });

  test('sessions.request: email becomes a slug user id, absolute activation URL, activateBy', async () => {
    const t0 = Date.now();
    const a = await core.handlers['sessions.request']({
      portalId,
      environment: 'remote-w01',
      email: 'Ada@Example.org',
      firstName: 'Ada',
      lastName: 'Lovelace',
    });
    assert.equal(a.user, 'ada-example-org');
    assert.equal(a.session, 'remote-w01-s001');
    assert.ok(a.activationUrl.startsWith(`${portal.url}/workshops/session/remote-w01-s001/activate/?token=`));
    assert.ok(
      a.activationUrl.includes(encodeURIComponent(`${portal.url}/workshops/catalog/`)),
      'default index URL used',
    );
    assert.ok(a.activateBy !== null && a.activateBy >= t0 + 60_000 && a.activateBy <= Date.now() + 60_000);
    const again = await core.handlers['sessions.request']({
      portalId,
      environment: 'remote-w01',
      user: 'ada-example-org',
      timeout: 0,
    });
    assert.equal(again.session, a.session, 'a repeated request returns the same session');
    assert.equal(again.activateBy, null);
    await rejects(
      core.handlers['sessions.request']({ portalId, environment: 'remote-w01', user: 'not a slug!' }),
      'invalid-input',
    );
  });

  test('503 is told apart: user cap vs no capacity vs unknown workshop', async () => {
    await rejects(
      core.handlers['sessions.request']({ portalId, environment: 'remote-w02', user: 'ada-example-org' }),
      'user-cap',
      /this user already has the maximum number of sessions/,
    );
    await core.handlers['sessions.request']({ portalId, environment: 'remote-w01', user: 'bob' });
    await core.handlers['sessions.request']({ portalId, environment: 'remote-w01', user: 'cy' });
    await rejects(
      core.handlers['sessions.request']({ portalId, environment: 'remote-w01', user: 'dee' }),
      'no-capacity',
      /no capacity left in Kubernetes Basics/,
    );
    await rejects(
      core.handlers['sessions.request']({ portalId, environment: 'remote-w09', user: 'dee' }),
      'unknown-workshop',
    );
  });

  test('people.find across portals lists failures without failing', async () => {
    const found = await core.handlers['people.find']({ query: 'ada@example.org' });
    assert.equal(found.sessions.length, 1);
    assert.equal(found.sessions[0]?.name, 'remote-w01-s001');
    assert.equal(found.failures.length, 0);
    builtin.setFault({ kind: 'status', status: 500 });
    try {
      const partial = await core.handlers['people.find']({ query: 'ada-example-org' });
      assert.equal(partial.sessions.length, 1);
      assert.equal(partial.failures.length, 1);
      assert.equal(partial.failures[0]?.portalLabel, os.hostname());
    } finally {
      builtin.setFault(null);
    }
  });

  test('extend, terminate, and bulk actions with a single-use confirmation', async () => {
    const ext = await core.handlers['sessions.extend']({ portalId, session: 'remote-w01-s001' });
    assert.equal(ext.extended, true);
    const plan = await core.handlers['sessions.bulkPrepare']({
      portalId,
      environment: 'remote-w01',
      action: 'terminate',
    });
    assert.deepEqual([...plan.sessions].sort(), ['remote-w01-s001', 'remote-w01-s002', 'remote-w01-s003']);
    await rejects(
      core.handlers['sessions.bulkPrepare']({
        portalId,
        environment: 'remote-w01',
        action: 'extend',
        sessions: ['remote-w01-s777'],
      }),
      'invalid-input',
    );
    const done = await core.handlers['sessions.bulkExecute']({ confirmToken: plan.confirmToken });
    assert.equal(done.results.filter((r) => r.ok).length, 3);
    await rejects(
      core.handlers['sessions.bulkExecute']({ confirmToken: plan.confirmToken }),
      'conflict',
      /already used/,
    );
    await rejects(core.handlers['sessions.terminate']({ portalId, session: 'remote-w01-s001' }), 'not-found');
  });

  test('settings update is persisted; history is served', async () => {
    const s = await core.handlers['settings.update']({
      alerts: { capacityPercent: 75, expiringMinutes: 15, notifyOs: false },
      theme: 'dark',
    });
    assert.equal(s.theme, 'dark');
    const file = JSON.parse(fs.readFileSync(path.join(dir, 'settings.json'), 'utf8')) as {
      settings: { theme: string };
    };
    assert.equal(file.settings.theme, 'dark');
    const h = await core.handlers['monitor.history']({ portalId });
    assert.ok(h.length >= 1);
    const fleet = await core.handlers['monitor.snapshot']({});
    assert.equal(fleet.portals.length, 2);
  });

  test('remove deletes the secrets and tells the renderer', async () => {
    const removed = waitForEvent(core, 'monitor.portalRemoved', (p) => p.portalId === portalId);
    await core.handlers['portals.remove']({ id: portalId });
    await removed;
    assert.equal(await secrets.get(`${portalId}:password`), null);
    assert.equal((await core.handlers['portals.list']({})).length, 1);
  });
});

describe('settings file', () => {
  test('a corrupt settings.json is moved aside and reported, then the console runs on defaults', async () => {
    const dir = tempDir();
    try {
      fs.writeFileSync(path.join(dir, 'settings.json'), '{"version": 1, "portals": [ {broken');
      const core = await createConsoleCore({
        dataDir: dir,
        secretStore: new MemorySecretStore(),
        mode: 'web',
        version: 't',
        builtinPortal: null,
        tuning,
      });
      const info = await core.handlers['app.info']({});
      assert.match(info.settingsWarning ?? '', /not valid JSON; it was moved aside to settings\.json\.corrupt-/);
      const aside = fs.readdirSync(dir).filter((f) => f.startsWith('settings.json.corrupt-'));
      assert.equal(aside.length, 1);
      assert.equal(fs.readFileSync(path.join(dir, aside[0] ?? ''), 'utf8'), '{"version": 1, "portals": [ {broken');
      assert.deepEqual(await core.handlers['portals.list']({}), []);
      await core.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a valid JSON file with an invalid shape is kept aside too; portals survive a restart', async () => {
    const dir = tempDir();
    const secrets = new MemorySecretStore();
    try {
      fs.writeFileSync(
        path.join(dir, 'settings.json'),
        JSON.stringify({ version: 1, settings: { theme: 'purple' }, portals: [] }),
      );
      const c1 = await createConsoleCore({
        dataDir: dir,
        secretStore: secrets,
        mode: 'web',
        version: 't',
        builtinPortal: null,
        tuning,
      });
      assert.match((await c1.handlers['app.info']({})).settingsWarning ?? '', /invalid settings/);
      const added = await c1.handlers['portals.add']({
        label: 'Later',
        baseUrl: 'http://127.0.0.1:9',
        clientId: 'c',
        clientSecret: 's',
        username: 'u',
        password: 'p',
        enabled: false,
      });
      await c1.close();
      const c2 = await createConsoleCore({
        dataDir: dir,
        secretStore: secrets,
        mode: 'web',
        version: 't',
        builtinPortal: null,
        tuning,
      });
      const list = await c2.handlers['portals.list']({});
      assert.deepEqual(
        list.map((p) => [p.id, p.enabled, p.secrets.password]),
        [[added.id, false, true]],
      );
      assert.equal((await c2.handlers['app.info']({})).settingsWarning, null);
      await c2.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('bulk confirmation', () => {
  test('a confirmation token expires after its lifetime (injected clock)', async () => {
    const portal = await startFaultPortal({
      environments: [{ name: 'b-w01', title: 'B', capacity: 5, duration: 600 }],
    });
    const dir = tempDir();
    let t = Date.now();
    const core = await createConsoleCore({
      dataDir: dir,
      secretStore: new MemorySecretStore(),
      mode: 'web',
      version: 't',
      builtinPortal: {
        url: portal.url,
        credentials: {
          clientId: 'fake-client',
          clientSecret: 'fake-secret',
          username: 'robot@educates',
          password: 'robot-password',
        },
      },
      now: () => t,
      tuning: { ...tuning, bulkConfirmTtlMs: 60_000 },
    });
    try {
      await core.handlers['sessions.request']({ portalId: 'builtin', environment: 'b-w01', user: 'u1' });
      const plan = await core.handlers['sessions.bulkPrepare']({
        portalId: 'builtin',
        environment: 'b-w01',
        action: 'extend',
      });
      assert.deepEqual(plan.sessions, ['b-w01-s001']);
      assert.equal(plan.expiresAt, t + 60_000);
      t += 60_001;
      await rejects(core.handlers['sessions.bulkExecute']({ confirmToken: plan.confirmToken }), 'conflict', /expired/);
      const fresh = await core.handlers['sessions.bulkPrepare']({
        portalId: 'builtin',
        environment: 'b-w01',
        action: 'extend',
        sessions: ['b-w01-s001'],
      });
      const done = await core.handlers['sessions.bulkExecute']({ confirmToken: fresh.confirmToken });
      assert.deepEqual(
        done.results.map((r) => [r.session, r.ok]),
        [['b-w01-s001', true]],
      );
    } finally {
      await core.close();
      await portal.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
