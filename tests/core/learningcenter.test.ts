import assert from 'node:assert/strict';
import diagnostics from 'node:diagnostics_channel';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { portalAbilities, type Alert, type PortalSnapshot } from '../../shared/contract';
import { createConsoleCore } from '../../electron/services/console-core';
import type { ConsoleCore } from '../../electron/services/core-types';
import { MemorySecretStore } from '../../electron/services/secret-store';
import { startFaultPortal } from '../fakes/fault-portal';
import { LEARNING_CENTER_API, portalConfig, startTestEngine, type TestEngine } from '../support/engine-harness';
import { rejectsWithCode } from '../support/console-error';
import { waitFor } from '../support/http';
import { ManualClock } from '../support/manual-clock';

/**
 * The console against the built-in engine speaking Learning Center (its config in the learningcenter.tanzu.vmware.com
 * API group): workshops with an id and no labels, a fixed 60 s activation timeout, no workshops catalog, no
 * terminate route, extend for the owner or staff only. What works works, what the portal lacks is not offered, and a
 * full monitoring cycle raises no error.
 */
describe('the console on a Learning Center engine', () => {
  let lc: TestEngine;
  let core: ConsoleCore;
  let dir: string;
  let portalId: string;
  let environment: string;
  const pushes: PortalSnapshot[] = [];
  const alerts: Alert[] = [];
  const latest = () => pushes.filter((s) => s.portalId === portalId).at(-1);
  // the polls of this process, counted as they are answered (the core runs in this process)
  let answered = 0;
  const onAnswer = () => void answered++;

  before(async () => {
    lc = await startTestEngine({
      config: portalConfig({
        name: 'lc-portal',
        apiVersion: LEARNING_CENTER_API,
        portal: { sessions: { registered: 1, anonymous: 1 } },
        workshops: [{ name: 'spring', capacity: 5, expires: '30m' }],
        workshopSpecs: { spring: { title: 'Spring on Kubernetes' } },
      }),
    });
    assert.equal(lc.engine.dialect, 'learningcenter');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-lc-'));
    core = await createConsoleCore({
      dataDir: dir,
      secretStore: new MemorySecretStore(),
      mode: 'web',
      version: 't',
      builtinPortal: null,
      tuning: { requestTimeoutMs: 2000, retries: 0, pollIntervalMs: 40, maxBackoffMs: 100 },
    });
    core.events.on('monitor.portal', (s) => pushes.push(s));
    core.events.on('alerts.raised', (a) => alerts.push(a));
    diagnostics.subscribe('http.client.response.finish', onAnswer);
    const robot = lc.engine.credentials.robot;
    portalId = (
      await core.handlers['portals.add']({
        label: 'Tanzu lab',
        baseUrl: lc.url,
        clientId: robot.clientId,
        clientSecret: robot.clientSecret,
        username: robot.username,
        password: robot.password,
      })
    ).id;
  });
  after(async () => {
    diagnostics.unsubscribe('http.client.response.finish', onAnswer);
    await core.close();
    await lc.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('the catalog is read and the portal is known as Learning Center', async () => {
    const live = await waitFor(() => pushes.find((s) => s.portalId === portalId && s.status === 'live' && s.dialect), {
      message: 'live with a dialect',
    });
    assert.equal(live.dialect, 'learningcenter');
    assert.equal(live.portal?.name, 'lc-portal');
    const env = live.environments[0];
    assert.ok(env);
    environment = env.name;
    assert.equal(env.workshop.title, 'Spring on Kubernetes');
    assert.deepEqual(env.workshop.labels, {});
    assert.equal(env.capacity, 5);
    const read = await core.handlers['monitor.snapshot']({});
    assert.equal(read.portals.find((p) => p.portalId === portalId)?.dialect, 'learningcenter');
  });

  test('a request gets a link that must be opened within 60 s, whatever window was asked', async () => {
    const before = Date.now();
    const a = await core.handlers['sessions.request']({
      portalId,
      environment,
      email: 'ada@example.org',
      firstName: 'Ada',
      lastName: 'Lovelace',
      timeout: 3600,
    });
    assert.equal(a.user, 'ada-example-org');
    assert.ok(a.activationUrl.startsWith(`${lc.url}/workshops/session/${a.session}/activate/?token=`));
    assert.ok(
      a.activateBy !== null && a.activateBy - before <= 61_000 && a.activateBy - before >= 59_000,
      'about 60 s',
    );
    const waiting = await waitFor(() => latest()?.environments[0]?.sessions.find((s) => s.name === a.session), {
      message: 'the session in the catalog',
    });
    assert.match(waiting.state, /^(STARTING|WAITING)$/);
    assert.ok(
      waiting.expires && Date.parse(waiting.expires) - before <= 61_000 + 1000,
      'the portal deletes it after 60 s',
    );
  });

  test('activation: the link opens the session, and its state follows', async () => {
    const a = await core.handlers['sessions.request']({ portalId, environment, user: 'grace' });
    const opened = await fetch(a.activationUrl, { redirect: 'manual' });
    assert.equal(opened.status, 302);
    const running = await waitFor(
      () => latest()?.environments[0]?.sessions.find((s) => s.name === a.session && s.state === 'RUNNING'),
      { message: 'RUNNING in the catalog' },
    );
    assert.equal(running.user, 'grace');
    assert.ok(running.expires, 'a running session expires after the workshop duration');
    assert.equal(latest()?.status, 'live');
  });

  test("a person's sessions are found, with their state from the catalog", async () => {
    const found = await core.handlers['people.find']({ query: 'grace' });
    assert.deepEqual(found.failures, []);
    assert.equal(found.sessions.length, 1);
    assert.equal(found.sessions[0]?.portalLabel, 'Tanzu lab');
    assert.equal(found.sessions[0]?.state, 'RUNNING');
  });

  test('terminate and extend are not offered: refused with the reason, and the session goes on', async () => {
    const session = latest()?.environments[0]?.sessions.find((s) => s.user === 'grace');
    assert.ok(session);
    const can = portalAbilities('learningcenter');
    await rejectsWithCode(
      core.handlers['sessions.terminate']({ portalId, session: session.name }),
      'not-supported',
      /no terminate endpoint/,
    );
    await rejectsWithCode(
      core.handlers['sessions.extend']({ portalId, session: session.name }),
      'not-supported',
      /owner or staff/,
    );
    for (const action of ['extend', 'terminate'] as const) {
      await rejectsWithCode(
        core.handlers['sessions.bulkPrepare']({ portalId, environment, action }),
        'not-supported',
        new RegExp((can[action] ?? '').slice(0, 30)),
      );
    }
    // nothing was sent: the session is as it was
    const after = (await core.handlers['portals.retryNow']({ id: portalId })).environments[0]?.sessions.find(
      (s) => s.name === session.name,
    );
    assert.equal(after?.state, 'RUNNING');
    assert.equal(after?.expires, session.expires);
  });

  test('a full monitoring cycle raises no alert and no error', async () => {
    const from = answered;
    const pushed = pushes.length;
    await waitFor(() => answered >= from + 5, { message: 'five more polls' });
    assert.deepEqual(alerts, []);
    const mine = pushes.slice(pushed).filter((s) => s.portalId === portalId);
    assert.ok(mine.every((s) => s.status === 'live' && s.lastError === null));
    assert.equal(latest()?.status, 'live');
    assert.equal(latest()?.lastError, null);
  });
});

test('a portal not yet known answering 404 to terminate is asked which dialect it speaks', async (t) => {
  const portal = await startFaultPortal({ generation: 'learning-center' });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-lc-'));
  // polled once a minute: the first poll's probe is made to fail, so the dialect is still unknown at terminate
  portal.setFault({ kind: 'status', status: 502 }, /catalog\/workshops/);
  const core = await createConsoleCore({
    dataDir: dir,
    secretStore: new MemorySecretStore(),
    mode: 'web',
    version: 't',
    builtinPortal: null,
    tuning: { requestTimeoutMs: 1000, retries: 0, pollIntervalMs: 60_000 },
  });
  t.after(async () => {
    await core.close();
    await portal.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const o = portal.options;
  const { id } = await core.handlers['portals.add']({
    label: 'Unknown',
    baseUrl: portal.url,
    clientId: o.clientId,
    clientSecret: o.clientSecret,
    username: o.username,
    password: o.password,
  });
  const live = await core.handlers['portals.retryNow']({ id });
  assert.equal(live.status, 'live');
  assert.equal(live.dialect, null);
  // a request asks again (its activation deadline depends on the answer): still failing
  const a = await core.handlers['sessions.request']({ portalId: id, environment: 'fake-portal-w01', user: 'ada' });
  portal.setFault(null);
  // the old answer was "not found on … (it may have ended)"
  await rejectsWithCode(
    core.handlers['sessions.terminate']({ portalId: id, session: a.session }),
    'not-supported',
    /no terminate endpoint/,
  );
  assert.equal(portal.hits.get('GET /workshops/session/fake-portal-w01-s001/terminate/'), 1, 'asked once, then known');
  await rejectsWithCode(core.handlers['sessions.terminate']({ portalId: id, session: a.session }), 'not-supported');
  assert.equal(portal.hits.get('GET /workshops/session/fake-portal-w01-s001/terminate/'), 1);
});

test(
  'a request to a portal whose dialect is not known yet asks first, once, ' + 'so its deadline is the real one',
  async (t) => {
    const portal = await startFaultPortal({ generation: 'learning-center' });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-lc-'));
    // added switched off: never polled, so nothing is known of it before the requests
    const core = await createConsoleCore({
      dataDir: dir,
      secretStore: new MemorySecretStore(),
      mode: 'web',
      version: 't',
      builtinPortal: null,
      tuning: { requestTimeoutMs: 1000, retries: 0, pollIntervalMs: 60_000 },
    });
    t.after(async () => {
      await core.close();
      await portal.close();
      fs.rmSync(dir, { recursive: true, force: true });
    });
    const o = portal.options;
    const { id } = await core.handlers['portals.add']({
      label: 'New',
      baseUrl: portal.url,
      clientId: o.clientId,
      clientSecret: o.clientSecret,
      username: o.username,
      password: o.password,
      enabled: false,
    });
    const before = Date.now();
    const requests = await Promise.all(
      ['ada', 'grace', 'alan'].map((user) =>
        core.handlers['sessions.request']({ portalId: id, environment: 'fake-portal-w01', user, timeout: 3600 }),
      ),
    );
    for (const a of requests) assert.ok(a.activateBy !== null && a.activateBy - before <= 61_000, 'the fixed 60 s');
    assert.equal(portal.hits.get('GET /workshops/catalog/workshops/'), 1, 'asked once for all three');
  },
);

/**
 * A whole session life on a Learning Center engine, with the engine's clock moved by the test: a link not opened is
 * deleted after 60 s, an opened one runs and ends at its expiry. Through all of it the portal stays live, no poll
 * fails and no error is raised.
 */
test('Learning Center: a full cycle of sessions, expiry included, raises no error', async (t) => {
  const clock = new ManualClock(Date.now());
  const lc = await startTestEngine({
    clock,
    config: portalConfig({
      name: 'lc-cycle',
      apiVersion: LEARNING_CENTER_API,
      portal: { sessions: { registered: 1, anonymous: 1 } },
      workshops: [{ name: 'spring', capacity: 3, expires: '30m' }],
    }),
  });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-lc-'));
  const core = await createConsoleCore({
    dataDir: dir,
    secretStore: new MemorySecretStore(),
    mode: 'web',
    version: 't',
    builtinPortal: null,
    tuning: { requestTimeoutMs: 2000, retries: 0, pollIntervalMs: 40, maxBackoffMs: 100 },
  });
  t.after(async () => {
    await core.close();
    await lc.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const pushes: PortalSnapshot[] = [];
  const alerts: Alert[] = [];
  core.events.on('monitor.portal', (s) => pushes.push(s));
  core.events.on('alerts.raised', (a) => alerts.push(a));
  const robot = lc.engine.credentials.robot;
  const { id } = await core.handlers['portals.add']({ label: 'Cycle', baseUrl: lc.url, ...robot });
  const latest = () => pushes.filter((s) => s.portalId === id).at(-1);
  const sessions = () => latest()?.environments[0]?.sessions ?? [];
  await waitFor(() => latest()?.status === 'live' && latest()?.dialect === 'learningcenter', { message: 'live, LC' });
  const environment = latest()?.environments[0]?.name ?? '';

  const left = await core.handlers['sessions.request']({ portalId: id, environment, user: 'left-waiting' });
  const opened = await core.handlers['sessions.request']({ portalId: id, environment, user: 'opened' });
  assert.equal((await fetch(opened.activationUrl, { redirect: 'manual' })).status, 302);
  await waitFor(() => sessions().some((s) => s.name === opened.session && s.state === 'RUNNING'), {
    message: 'the opened one running',
  });
  assert.ok(sessions().some((s) => s.name === left.session));

  clock.advance(61_000);
  await waitFor(() => !sessions().some((s) => s.name === left.session), { message: 'the unopened one deleted' });
  assert.ok(sessions().some((s) => s.name === opened.session && s.state === 'RUNNING'));

  clock.advance(30 * 60_000);
  await waitFor(() => !sessions().some((s) => s.name === opened.session && s.state === 'RUNNING'), {
    message: 'ended at its expiry',
  });

  const mine = pushes.filter((s) => s.portalId === id);
  assert.ok(mine.every((s) => s.lastError === null && s.status !== 'offline' && s.status !== 'stale'));
  assert.equal(latest()?.status, 'live');
  // (an expiring notice would be no error; with the engine's clock moved and its Date header not, none is due here)
  assert.deepEqual(
    alerts.filter((a) => a.kind !== 'expiring'),
    [],
  );
});
