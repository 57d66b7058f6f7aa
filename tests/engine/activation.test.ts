/** Activation, the activation timeout, and the browser redirects with `notification`. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestEngine, waitFor, type TestEngine } from '../support/engine-harness';
import { ManualClock } from '../support/manual-clock';
import {
  activate,
  activateOk,
  config,
  environment,
  expectNoSession,
  expectPlainText,
  qs,
  requestRaw,
  requestSession,
  scheduleStatus,
  uid,
  userSessions,
} from './helpers';

const W1 = 'act-portal-w01';
const W4 = 'act-portal-w04';

let te: TestEngine;
before(async () => {
  te = await startTestEngine({
    config: config('act-portal', {
      portal: { registration: { type: 'anonymous', enabled: true } },
      workshops: [
        { name: 'lab-act', capacity: 20, reserved: 0, expires: '30m' },
        { name: 'lab-spare', capacity: 2, reserved: 0 },
        { name: 'lab-one', capacity: 1, reserved: 0, expires: '30m' },
        { name: 'lab-noexp', capacity: 5, reserved: 0 },
      ],
    }),
  });
});
after(async () => {
  await te?.close();
});

async function sessionIn(env: string, name: string) {
  return (await environment(te, env)).sessions?.find((s) => s.name === name);
}

/** Waits (bounded) until the session is no longer live: 404 from schedule and absent from the catalog. */
async function waitGone(env: string, name: string, timeoutMs: number): Promise<void> {
  await waitFor(async () => (await scheduleStatus(te, name)) === 404 && (await sessionIn(env, name)) === undefined, {
    timeoutMs,
    intervalMs: 100,
    message: `session ${name} still live`,
  });
}

describe('GET /workshops/session/<s>/activate/', () => {
  test('activation redirects to the session page, sets an HttpOnly cookie and starts the session', async () => {
    const reply = await requestSession(te, W1, { user: uid('act') });
    const pending = await sessionIn(W1, reply.name);
    assert.ok(pending && pending.state !== 'RUNNING');
    const res = await activate(te, reply);
    await res.text();
    assert.equal(res.status, 302);
    assert.equal(new URL(res.headers.get('location') ?? '', te.url).pathname, `/workshops/session/${reply.name}/`);
    const cookies = res.headers.getSetCookie();
    assert.ok(cookies.length > 0, 'a login cookie is set');
    assert.ok(
      cookies.some((c) => /;\s*httponly/i.test(c)),
      'the cookie is HttpOnly',
    );
    const running = await sessionIn(W1, reply.name);
    assert.equal(running?.state, 'RUNNING');
    assert.equal(Date.parse(running?.expires ?? '') - Date.parse(running?.started ?? ''), 1800_000);
    assert.equal(await scheduleStatus(te, reply.name), 'RUNNING');
  });

  test('activating again is a re-entry: 302 again, the session is unchanged', async () => {
    const reply = await requestSession(te, W1, { user: uid('reenter') });
    await activateOk(te, reply);
    const first = await sessionIn(W1, reply.name);
    await activateOk(te, reply);
    const second = await sessionIn(W1, reply.name);
    assert.equal(second?.state, 'RUNNING');
    assert.equal(second?.started, first?.started);
    assert.equal(second?.expires, first?.expires);
  });

  test('errors: no token, unknown session, wrong token', async () => {
    const reply = await requestSession(te, W1, { user: uid('bad-act') });
    const get = (path: string): Promise<Response> => fetch(`${te.url}${path}`, { redirect: 'manual' });
    await expectPlainText(await get(`/workshops/session/${reply.name}/activate/`), 400, 'No access token supplied');
    await expectPlainText(
      await get(`/workshops/session/${reply.name}/activate/?token=`),
      400,
      'No access token supplied',
    );
    await expectPlainText(
      await get(`/workshops/session/${W1}-s999/activate/?token=abc`),
      400,
      'Invalid session name supplied',
    );
    await expectPlainText(
      await get(`/workshops/session/${reply.name}/activate/?token=${'x'.repeat(32)}`),
      400,
      'Invalid access token for session',
    );
    const still = await sessionIn(W1, reply.name);
    assert.notEqual(still?.state, 'RUNNING', 'a failed activation starts nothing');
  });
});

describe('activation timeout', () => {
  test('timeout=0 disables the activation deadline: expires is now + duration, or absent without one', async () => {
    const withDuration = await requestSession(te, W1, { user: uid('t0'), timeout: '0' });
    const s = await sessionIn(W1, withDuration.name);
    assert.ok(s?.started && s.expires);
    assert.equal(Date.parse(s.expires) - Date.parse(s.started), 1800_000);

    const noDuration = await requestSession(te, W4, { user: uid('t0-none'), timeout: '0' });
    const n = await sessionIn(W4, noDuration.name);
    assert.ok(n, 'listed');
    assert.equal('expires' in n, false);
    assert.equal('countdown' in n, false);
    const listed = (await userSessions(te, noDuration.user)).sessions[0];
    assert.ok(listed);
    assert.equal('expires' in listed, false);
    assert.equal('extendable' in listed, false);
  });
});

describe('browser redirects and notification values', () => {
  function location(res: Response): URL {
    const loc = res.headers.get('location');
    assert.ok(loc, `status ${res.status} has a Location`);
    return new URL(loc, te.url);
  }

  test('delete/ by the owner ends the session and returns to index_url with notification=session-deleted', async () => {
    const reply = await requestSession(te, W1, { user: uid('finish'), index_url: 'https://hub.test/list?a=1&b=' });
    const cookie = await activateOk(te, reply);
    const res = await fetch(`${te.url}/workshops/session/${reply.name}/delete/`, {
      headers: { cookie },
      redirect: 'manual',
    });
    await res.text();
    assert.equal(res.status, 302);
    const to = location(res);
    assert.equal(`${to.origin}${to.pathname}`, 'https://hub.test/list');
    assert.equal(to.searchParams.get('a'), '1');
    assert.equal(to.searchParams.has('b'), false, 'blank query parameters are dropped');
    assert.equal(to.searchParams.get('notification'), 'session-deleted');
    await waitGone(W1, reply.name, 5_000);
  });

  test(
    'activating a STOPPED session with the owner cookie goes to index_url with session-deleted; ' +
      'a fresh browser gets 400',
    async () => {
      const reply = await requestSession(te, W1, {
        user: uid('stopped'),
        index_url: 'https://hub.test/?notification=old',
      });
      const cookie = await activateOk(te, reply);
      const t = await te.api(`/workshops/session/${reply.name}/terminate/`);
      assert.equal(t.status, 200);
      await t.text();
      await waitGone(W1, reply.name, 5_000);
      const res = await activate(te, reply, cookie);
      await res.text();
      assert.equal(res.status, 302);
      const to = location(res);
      assert.equal(to.host, 'hub.test');
      assert.deepEqual(
        [...to.searchParams.entries()],
        [['notification', 'session-deleted']],
        'notification replaced, not repeated',
      );
      await expectPlainText(await activate(te, reply), 400, 'Invalid session name supplied');
    },
  );

  test(
    'the session page: own STOPPED session -> index_url with session-deleted; ' +
      'unknown session -> catalog with session-invalid',
    async () => {
      const reply = await requestSession(te, W1, { user: uid('invalid'), index_url: 'https://hub.test/back' });
      const cookie = await activateOk(te, reply);
      const t = await te.api(`/workshops/session/${reply.name}/terminate/`);
      await t.text();
      await waitGone(W1, reply.name, 5_000);
      const own = await fetch(`${te.url}/workshops/session/${reply.name}/`, {
        headers: { cookie },
        redirect: 'manual',
      });
      await own.text();
      assert.equal(own.status, 302);
      assert.equal(`${location(own).origin}${location(own).pathname}`, 'https://hub.test/back');
      assert.equal(location(own).searchParams.get('notification'), 'session-deleted');
      // session-invalid never goes to index_url: it goes to portal.index (unset here) or the catalog.
      const unknown = await fetch(`${te.url}/workshops/session/${W1}-s999/`, {
        headers: { cookie },
        redirect: 'manual',
      });
      await unknown.text();
      assert.equal(unknown.status, 302);
      const to = location(unknown);
      assert.equal(to.origin, te.url);
      assert.equal(to.pathname, '/workshops/catalog/');
      assert.equal(to.searchParams.get('notification'), 'session-invalid');
    },
  );

  test('the web create flow: workshop-invalid for an unknown environment, session-unavailable when full', async () => {
    const create = (env: string): Promise<Response> =>
      fetch(`${te.url}/workshops/environment/${env}/create/${qs({ index_url: 'https://hub.test/' })}`, {
        redirect: 'manual',
      });
    const unknown = await create('act-portal-w99');
    await unknown.text();
    assert.equal(unknown.status, 302);
    assert.equal(location(unknown).searchParams.get('notification'), 'workshop-invalid');
    assert.equal(location(unknown).host, 'hub.test');

    const ok = await create('act-portal-w02');
    await ok.text();
    assert.equal(ok.status, 302);
    assert.match(location(ok).pathname, /^\/workshops\/session\/act-portal-w02-s\d{3}\/$/);
    const ok2 = await create('act-portal-w02');
    await ok2.text();
    assert.equal(ok2.status, 302);
    const full = await create('act-portal-w02');
    await full.text();
    assert.equal(full.status, 302);
    assert.equal(location(full).searchParams.get('notification'), 'session-unavailable');
    assert.equal(location(full).host, 'hub.test');
  });
});

describe('activation timeout, on a clock the test moves', () => {
  test('a session not activated within timeout=1 is stopped at its deadline, and frees capacity', async () => {
    const clock = new ManualClock();
    const timed = await startTestEngine({
      clock,
      config: config('timeout-portal', { workshops: [{ name: 'lab-t', capacity: 1, reserved: 0 }] }),
    });
    try {
      const ENV = 'timeout-portal-w01';
      const user = uid('timeout');
      const reply = await requestSession(timed, ENV, { user, timeout: '1' });
      const pending = (await environment(timed, ENV)).sessions?.find((s) => s.name === reply.name);
      assert.ok(pending?.expires, 'the activation deadline is the session expiry');
      assert.equal(Date.parse(pending.expires), clock.now() + 1_000);
      await expectNoSession(await requestRaw(timed, ENV, { user: uid('other') }));
      clock.advance(999);
      assert.notEqual(await scheduleStatus(timed, reply.name), 404, 'still pending 1 ms before its deadline');
      clock.advance(1 + 100); // the deadline, then the simulated deletion on the next sweep
      assert.equal(await scheduleStatus(timed, reply.name), 404);
      assert.deepEqual((await userSessions(timed, user)).sessions, []);
      await expectPlainText(await activate(timed, reply), 400, 'Invalid session name supplied');
      const next = await requestSession(timed, ENV, { user: uid('after-timeout') });
      assert.equal(next.environment, ENV);
    } finally {
      await timed.close();
    }
  });
});
