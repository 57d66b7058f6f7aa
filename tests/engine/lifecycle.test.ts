/** Lifecycle rules: names, reserved pool, capacity, portal maximum, per-user caps, expiry, initial. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestEngine, waitFor, type TestEngine } from '../support/engine-harness';
import { ManualClock } from '../support/manual-clock';
import { scheduleSchema } from '../support/portal-schemas';
import {
  activate,
  activateOk,
  catalog,
  config,
  environment,
  expectNoSession,
  expectPlainText,
  requestRaw,
  requestSession,
  scheduleStatus,
  uid,
  userSessions,
  waitForAvailable,
} from './helpers';

async function schedule(te: TestEngine, name: string) {
  const res = await te.api(`/workshops/session/${name}/schedule/`);
  assert.equal(res.status, 200, `schedule ${name}`);
  return scheduleSchema.parse(await res.json());
}

describe('reserved pool, capacity, expiry, initial', () => {
  const W1 = 'life-portal-w01'; // capacity 3, reserved 1
  const W3 = 'life-portal-w03'; // initial 0
  const W4 = 'life-portal-w04'; // initial 3 > reserved 1
  let te: TestEngine;
  before(async () => {
    te = await startTestEngine({
      config: config('life-portal', {
        workshops: [
          { name: 'lab-pool', capacity: 3, reserved: 1 },
          { name: 'lab-spare', capacity: 1, reserved: 1 },
          { name: 'lab-initial0', capacity: 3, reserved: 1, initial: 0 },
          { name: 'lab-initial3', capacity: 5, reserved: 1, initial: 3 },
        ],
      }),
    });
  });
  after(async () => {
    await te?.close();
  });

  test('environments are <portal>-wNN in spec order', async () => {
    const body = await catalog(te);
    assert.deepEqual(
      body.environments.map((e) => [e.name, e.workshop.resource]),
      [
        [W1, 'lab-pool'],
        ['life-portal-w02', 'lab-spare'],
        [W3, 'lab-initial0'],
        [W4, 'lab-initial3'],
      ],
    );
  });

  test('allocation takes the reserved session and the pool is topped up until capacity is reached', async () => {
    await waitForAvailable(te, W1, 1);
    assert.equal((await schedule(te, `${W1}-s001`)).status, 'WAITING');
    const a = await requestSession(te, W1, { user: uid('pool') });
    assert.equal(a.name, `${W1}-s001`, 'the reserved session is handed out');
    assert.equal(a.namespace, a.name);
    await waitForAvailable(te, W1, 1);
    assert.equal((await schedule(te, `${W1}-s002`)).status, 'WAITING', 'a new reserved session replaces it');
    const b = await requestSession(te, W1, { user: uid('pool') });
    assert.equal(b.name, `${W1}-s002`);
    await waitForAvailable(te, W1, 1);
    const c = await requestSession(te, W1, { user: uid('pool') });
    assert.equal(c.name, `${W1}-s003`);
    // Three active sessions = capacity: no more reserved sessions and no more allocations.
    const env = await environment(te, W1);
    assert.equal(env.allocated, 3);
    assert.equal(env.available, 0);
    await expectNoSession(await requestRaw(te, W1, { user: uid('pool') }));
    const s4 = await te.api(`/workshops/session/${W1}-s004/schedule/`);
    await s4.text();
    assert.equal(s4.status, 404, 'no session beyond capacity was created');
  });

  test('initial: 0 starts no session until the first request, then keeps the reserved pool', async () => {
    const env = await environment(te, W3);
    assert.equal(env.available, 0);
    const s1 = await te.api(`/workshops/session/${W3}-s001/schedule/`);
    await s1.text();
    assert.equal(s1.status, 404, 'nothing created up front');
    const first = await requestSession(te, W3, { user: uid('init0') });
    assert.equal(first.name, `${W3}-s001`);
    // From now on the environment has session records, so the pool is kept: the 15 s top-up would create the
    // reserved session; ending a session triggers the replacement at once, which keeps this test short.
    const t = await te.api(`/workshops/session/${first.name}/terminate/`);
    assert.equal(t.status, 200);
    await t.text();
    await waitForAvailable(te, W3, 1);
  });

  test('initial above reserved creates that many sessions up front', async () => {
    await waitForAvailable(te, W4, 3);
  });
});

describe('expiry, on a clock the test moves', () => {
  const W1 = 'expire-portal-w01'; // capacity 1, reserved 1, expires 2s
  const clock = new ManualClock();
  let te: TestEngine;
  before(async () => {
    te = await startTestEngine({
      clock,
      config: config('expire-portal', { workshops: [{ name: 'lab-expire', capacity: 1, reserved: 1, expires: '2s' }] }),
    });
  });
  after(async () => {
    await te?.close();
  });

  test('a running session ends at its expiry (not a moment before) and the reserved pool refills', async () => {
    await waitForAvailable(te, W1, 1);
    const user = uid('expire');
    const reply = await requestSession(te, W1, { user });
    const cookie = await activateOk(te, reply);
    const s = await schedule(te, reply.name);
    assert.equal(s.status, 'RUNNING');
    assert.ok(s.expires && s.started);
    assert.equal(Date.parse(s.expires) - Date.parse(s.started), 2_000);
    assert.equal(Date.parse(s.started), clock.now());
    clock.advance(1_999);
    assert.equal((await schedule(te, reply.name)).status, 'RUNNING', '1 ms before its expiry');
    clock.advance(1);
    assert.equal((await schedule(te, reply.name)).status, 'STOPPING', 'stopped at its expiry');
    clock.advance(100); // the simulated deletion (start-up delay 0) completes on the next sweep
    assert.equal(await scheduleStatus(te, reply.name), 404);
    assert.deepEqual((await userSessions(te, user)).sessions, []);
    await expectPlainText(await activate(te, reply), 400, 'Invalid session name supplied');
    const back = await activate(te, reply, cookie);
    await back.text();
    assert.equal(back.status, 302);
    assert.equal(new URL(back.headers.get('location') ?? '').searchParams.get('notification'), 'session-deleted');
    await waitForAvailable(te, W1, 1);
  });

  test('after the 15 s reconcile has run with live deadlines, close() leaves no timer behind', async () => {
    const reply = await requestSession(te, W1, { user: uid('reconcile') });
    await activateOk(te, reply);
    assert.ok(clock.pending >= 2, 'a deadline timer and the reconcile interval are armed');
    clock.advance(16_000); // the reconcile interval fires once; the 2 s expiry on the way
    assert.equal(await scheduleStatus(te, reply.name), 404);
    await te.close();
    assert.equal(clock.pending, 0, 'every timer of the engine was cancelled');
  });
});

describe('portal maximum with reclaim of the oldest reserved session', () => {
  const W1 = 'max-portal-w01';
  const W2 = 'max-portal-w02';
  let te: TestEngine;
  before(async () => {
    te = await startTestEngine({
      config: config('max-portal', {
        portal: { sessions: { maximum: 2 } },
        workshops: [
          { name: 'lab-m1', capacity: 2, reserved: 1 },
          { name: 'lab-m2', capacity: 2, reserved: 1 },
        ],
      }),
    });
    await waitForAvailable(te, W1, 1);
    await waitForAvailable(te, W2, 1);
  });
  after(async () => {
    await te?.close();
  });

  test(
    'a request beyond the active maximum stops a reserved session elsewhere; ' + 'the allocated maximum is a hard cap',
    async () => {
      const body = await catalog(te);
      assert.deepEqual(body.portal.sessions, { maximum: 2, registered: 0, anonymous: 0, allocated: 0 });
      const a = await requestSession(te, W1, { user: uid('max') });
      assert.equal(a.name, `${W1}-s001`);
      // Two active sessions (a and w02's reserved) = maximum: the next one needs the reserved session of w02.
      const b = await requestSession(te, W1, { user: uid('max') });
      assert.equal(b.name, `${W1}-s002`);
      await waitFor(async () => (await scheduleStatus(te, `${W2}-s001`)) === 404, {
        message: 'reclaimed reserved session stopped',
      });
      const env2 = await environment(te, W2);
      assert.equal(env2.available, 0);
      const after = await catalog(te);
      assert.equal(after.portal.sessions.allocated, 2);
      await expectNoSession(await requestRaw(te, W2, { user: uid('max') }));
      assert.equal((await requestSession(te, W1, { user: a.user })).name, a.name, 'owners still get their session');
    },
  );
});

describe('per-user caps (sessions.registered / anonymous)', () => {
  const W1 = 'cap-portal-w01';
  const W2 = 'cap-portal-w02';
  let te: TestEngine;
  before(async () => {
    te = await startTestEngine({
      config: config('cap-portal', {
        portal: { sessions: { registered: 1 } },
        workshops: [
          { name: 'lab-c1', capacity: 5, reserved: 0 },
          { name: 'lab-c2', capacity: 5, reserved: 0 },
        ],
      }),
    });
  });
  after(async () => {
    await te?.close();
  });

  test('anonymous defaults to registered; a REST user is capped across the portal until a session stops', async () => {
    const body = await catalog(te);
    assert.deepEqual(body.portal.sessions, { maximum: 0, registered: 1, anonymous: 1, allocated: 0 });
    const user = uid('capped');
    const first = await requestSession(te, W1, { user });
    await expectNoSession(await requestRaw(te, W2, { user }));
    assert.equal(
      (await requestSession(te, W1, { user })).name,
      first.name,
      're-request of the own session is not capped',
    );
    await requestSession(te, W2, { user: uid('other') });
    const t = await te.api(`/workshops/session/${first.name}/terminate/`);
    assert.equal(t.status, 200);
    await t.text();
    await waitFor(async () => (await scheduleStatus(te, first.name)) === 404, { message: 'stopped' });
    const second = await requestSession(te, W2, { user });
    assert.equal(second.environment, W2);
  });

  test('an explicit anonymous cap wins over registered', async () => {
    const other = await startTestEngine({
      config: config('anon-portal', {
        portal: { sessions: { registered: 1, anonymous: 2 } },
        workshops: [
          { name: 'lab-a1', capacity: 5, reserved: 0 },
          { name: 'lab-a2', capacity: 5, reserved: 0 },
          { name: 'lab-a3', capacity: 5, reserved: 0 },
        ],
      }),
    });
    try {
      assert.deepEqual((await catalog(other)).portal.sessions, {
        maximum: 0,
        registered: 1,
        anonymous: 2,
        allocated: 0,
      });
      const user = uid('anon');
      await requestSession(other, 'anon-portal-w01', { user });
      await requestSession(other, 'anon-portal-w02', { user });
      await expectNoSession(await requestRaw(other, 'anon-portal-w03', { user }));
    } finally {
      await other.close();
    }
  });
});

describe('simulated start-up delay', () => {
  test('a reserved session still STARTING counts against capacity; it becomes available once WAITING', async () => {
    const clock = new ManualClock();
    const te = await startTestEngine({
      clock,
      startupDelayMs: 1_500,
      config: config('slow-portal', { workshops: [{ name: 'lab-slow', capacity: 1, reserved: 1 }] }),
    });
    try {
      const W1 = 'slow-portal-w01';
      // While the environment itself is STARTING a request must be refused cleanly (never a 500).
      const early = await requestRaw(te, W1, { user: uid('early') });
      await early.text();
      assert.ok([400, 503].includes(early.status), `request on a STARTING environment: ${early.status}`);
      assert.equal((await environment(te, W1)).state, 'STARTING');
      clock.advance(1_500);
      const env = await environment(te, W1);
      assert.equal(env.state, 'RUNNING');
      assert.equal(env.available, 0, 'the reserved session is STARTING, not available');
      const s = await schedule(te, `${W1}-s001`);
      assert.equal(s.status, 'STARTING');
      await expectNoSession(await requestRaw(te, W1, { user: uid('slow') }));
      clock.advance(1_500);
      await waitForAvailable(te, W1, 1);
      const reply = await requestSession(te, W1, { user: uid('slow') });
      assert.equal(reply.name, `${W1}-s001`);
    } finally {
      await te.close();
    }
  });
});
