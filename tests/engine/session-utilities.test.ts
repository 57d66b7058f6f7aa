/** Session utilities: schedule, extend, terminate, config, authorize, event. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestEngine, waitFor, type TestEngine } from '../support/engine-harness';
import {
  authorizeSchema,
  extendSchema,
  scheduleSchema,
  sessionConfigSchema,
  terminateSchema,
  DATETIME_RE,
} from '../support/portal-schemas';
import {
  activateOk,
  config,
  environment,
  expectPlainText,
  requestSession,
  scheduleStatus,
  uid,
  userSessions,
  waitForAvailable,
} from './helpers';

const W1 = 'util-portal-w01'; // expires 2m, overtime 5m, deadline 10m: extendable once
const W2 = 'util-portal-w02'; // expires 2m, overtime 5m, deadline 4m: the deadline caps the extension
const W3 = 'util-portal-w03'; // expires 30m, default deadline: never extendable
const W4 = 'util-portal-w04'; // expires 2h: not expiring yet

let te: TestEngine;
before(async () => {
  te = await startTestEngine({
    config: config('util-portal', {
      workshops: [
        { name: 'lab-util', capacity: 10, reserved: 1, expires: '2m', overtime: '5m', deadline: '10m' },
        { name: 'lab-capped', capacity: 5, reserved: 0, expires: '2m', overtime: '5m', deadline: '4m' },
        { name: 'lab-plain', capacity: 20, reserved: 0, expires: '30m' },
        { name: 'lab-long', capacity: 3, reserved: 0, expires: '2h' },
      ],
    }),
  });
  await waitForAvailable(te, W1, 1);
});
after(async () => {
  await te?.close();
});

async function running(env: string): Promise<string> {
  const reply = await requestSession(te, env, { user: uid('util') });
  await activateOk(te, reply);
  return reply.name;
}

async function get(path: string, token?: string): Promise<Response> {
  return te.api(path, token ? { headers: { authorization: `Bearer ${token}` } } : undefined);
}

async function json<T>(res: Response, schema: { parse(v: unknown): T }): Promise<T> {
  const text = await res.text();
  assert.equal(res.status, 200, `${res.url} -> ${res.status} ${text.slice(0, 200)}`);
  return schema.parse(JSON.parse(text));
}

async function reservedSession(): Promise<string> {
  await waitForAvailable(te, W1, 1);
  // The reserved session is not listed in the catalog; it is the one schedule/ reports as WAITING with no owner.
  for (let n = 1; n < 50; n++) {
    const name = `${W1}-s${String(n).padStart(3, '0')}`;
    const res = await get(`/workshops/session/${name}/schedule/`);
    if (res.status !== 200) {
      await res.text();
      continue;
    }
    const body = scheduleSchema.parse(await res.json());
    const owned = (await environment(te, W1)).sessions?.some((s) => s.name === name);
    if (body.status === 'WAITING' && !owned) return name;
  }
  assert.fail('no reserved session found');
}

describe('schedule/', () => {
  test('a running session: status, started, expires, expiring, countdown, extendable', async () => {
    const name = await running(W1);
    const body = await json(await get(`/workshops/session/${name}/schedule/`), scheduleSchema);
    assert.equal(body.status, 'RUNNING');
    assert.match(body.started ?? '', DATETIME_RE);
    assert.match(body.expires ?? '', DATETIME_RE);
    assert.equal(Date.parse(body.expires ?? '') - Date.parse(body.started ?? ''), 120_000);
    assert.ok(body.countdown !== undefined && body.countdown <= 120 && body.countdown > 100);
    assert.equal(body.expiring, true, 'remaining < threshold (300 s)');
    assert.equal(body.extendable, true);
  });

  test('works on a reserved session (status WAITING, no expiry keys)', async () => {
    const name = await reservedSession();
    const body = await json(await get(`/workshops/session/${name}/schedule/`), scheduleSchema);
    assert.equal(body.status, 'WAITING');
    assert.equal(body.expires, null);
    assert.equal('countdown' in body, false);
    assert.equal('extendable' in body, false);
    assert.equal(body.expiring, false);
  });

  test('a long session is not expiring yet; a session with the default deadline is never extendable', async () => {
    const long = await json(await get(`/workshops/session/${await running(W4)}/schedule/`), scheduleSchema);
    assert.equal(long.expiring, false);
    assert.equal(long.extendable, false);
    const plain = await json(await get(`/workshops/session/${await running(W3)}/schedule/`), scheduleSchema);
    assert.equal(plain.extendable, false);
  });

  test('a staff token may act on any session', async () => {
    const name = await running(W3);
    const body = await json(await get(`/workshops/session/${name}/schedule/`, await te.adminToken()), scheduleSchema);
    assert.equal(body.status, 'RUNNING');
  });
});

describe('extend/', () => {
  test('extends once by max(300, overtime) up to the deadline, then answers extended:false', async () => {
    const name = await running(W1);
    const first = await json(await get(`/workshops/session/${name}/extend/`), extendSchema);
    assert.equal(first.extended, true);
    assert.equal(first.status, 'RUNNING');
    assert.equal(
      Date.parse(first.expires ?? '') - Date.parse(first.started ?? ''),
      420_000,
      'expires = started + 120 s + 300 s',
    );
    assert.equal(first.extendable, false, 'remaining is no longer below the extension');
    assert.equal(first.expiring, false);
    const second = await json(await get(`/workshops/session/${name}/extend/`), extendSchema);
    assert.equal(second.extended, false);
    assert.equal(second.expires, first.expires);
  });

  test('the deadline caps an extension and then nothing is extendable', async () => {
    const name = await running(W2);
    const first = await json(await get(`/workshops/session/${name}/extend/`), extendSchema);
    assert.equal(first.extended, true);
    assert.equal(
      Date.parse(first.expires ?? '') - Date.parse(first.started ?? ''),
      240_000,
      'min(expires + 300 s, started + 240 s)',
    );
    assert.equal(first.extendable, false);
    const second = await json(await get(`/workshops/session/${name}/extend/`), extendSchema);
    assert.equal(second.extended, false);
    assert.equal(second.expires, first.expires);
  });

  test(
    'not permitted (default deadline, or not yet activated): ' + '200 with extended:false and nothing changed',
    async () => {
      const plain = await running(W3);
      const before = await json(await get(`/workshops/session/${plain}/schedule/`), scheduleSchema);
      const res = await json(await get(`/workshops/session/${plain}/extend/`), extendSchema);
      assert.equal(res.extended, false);
      assert.equal(res.expires, before.expires);

      const pending = await requestSession(te, W1, { user: uid('pending') });
      const p = await json(await get(`/workshops/session/${pending.name}/extend/`), extendSchema);
      assert.equal(p.extended, false);
      assert.notEqual(p.status, 'RUNNING');
    },
  );

  test('the extended expiry is what the catalog and user sessions report', async () => {
    const reply = await requestSession(te, W1, { user: uid('ext-view') });
    await activateOk(te, reply);
    const ext = await json(await get(`/workshops/session/${reply.name}/extend/`), extendSchema);
    assert.equal(ext.extended, true);
    const listed = (await userSessions(te, reply.user)).sessions[0];
    assert.equal(listed?.expires, ext.expires);
    assert.equal(listed?.extendable, false);
  });
});

describe('terminate/', () => {
  test('answers {started, expires=now}; the session goes STOPPING then STOPPED and leaves every listing', async () => {
    const reply = await requestSession(te, W3, { user: uid('term') });
    await activateOk(te, reply);
    const t0 = Date.now();
    const body = await json(await get(`/workshops/session/${reply.name}/terminate/`), terminateSchema);
    const t1 = Date.now();
    const expires = Date.parse(body.expires ?? '');
    assert.ok(expires >= t0 - 1000 && expires <= t1 + 1000, 'expires is now');
    const right = await scheduleStatus(te, reply.name);
    assert.ok(right === 'STOPPING' || right === 404, `after terminate: ${right}`);
    assert.deepEqual((await userSessions(te, reply.user)).sessions, [], 'user sessions never list a STOPPING session');
    await waitFor(async () => (await scheduleStatus(te, reply.name)) === 404, { message: 'session stopped' });
    const env = await environment(te, W3);
    assert.equal(
      env.sessions?.some((s) => s.name === reply.name),
      false,
    );
  });

  test('a pending (owned, not activated) session can be terminated; staff may terminate too', async () => {
    const reply = await requestSession(te, W3, { user: uid('term-pending') });
    await json(await get(`/workshops/session/${reply.name}/terminate/`, await te.adminToken()), terminateSchema);
    await waitFor(async () => (await scheduleStatus(te, reply.name)) === 404, { message: 'session stopped' });
  });
});

describe('config/, authorize/, event/', () => {
  test('config/ gives the session url and config password', async () => {
    const name = await running(W3);
    const body = await json(await get(`/workshops/session/${name}/config/`), sessionConfigSchema);
    assert.ok(body.password.length > 0);
    assert.ok(body.url === null || body.url.includes(name));
  });

  test('authorize/ reports owner, caller and whether the caller is staff', async () => {
    const reply = await requestSession(te, W3, { user: uid('authz') });
    await activateOk(te, reply);
    const robot = await json(await get(`/workshops/session/${reply.name}/authorize/`), authorizeSchema);
    assert.deepEqual(robot, { owner: reply.user, user: te.engine.credentials.robot.username, staff: false });
    const admin = await json(
      await get(`/workshops/session/${reply.name}/authorize/`, await te.adminToken()),
      authorizeSchema,
    );
    assert.deepEqual(admin, { owner: reply.user, user: te.engine.credentials.admin.username, staff: true });
  });

  test('event/ accepts a JSON event and answers {}', async () => {
    const name = await running(W3);
    const res = await te.api(`/workshops/session/${name}/event/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ event: { name: 'Workshop/View', data: { page: 1 } } }),
    });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), {});
  });

  test('event/ without JSON or without an event name is 400 "No event data provided"', async () => {
    const name = await running(W3);
    const post = (body: string, type: string): Promise<Response> =>
      te.api(`/workshops/session/${name}/event/`, { method: 'POST', headers: { 'content-type': type }, body });
    await expectPlainText(await post('{"event": {"name": "X"}}', 'text/plain'), 400, 'No event data provided');
    await expectPlainText(await post('{"event": {"name": ""}}', 'application/json'), 400, 'No event data provided');
    await expectPlainText(await post('{"event": {}}', 'application/json'), 400, 'No event data provided');
  });

  test('event/ is POST only; the others are GET only (405 with Allow)', async () => {
    const name = await running(W3);
    const ev = await te.api(`/workshops/session/${name}/event/`);
    await ev.text();
    assert.equal(ev.status, 405);
    assert.match(ev.headers.get('allow') ?? '', /POST/);
    for (const util of ['schedule', 'extend', 'terminate', 'config', 'authorize']) {
      const res = await te.api(`/workshops/session/${name}/${util}/`, { method: 'POST' });
      await res.text();
      assert.equal(res.status, 405, util);
      assert.match(res.headers.get('allow') ?? '', /GET/, util);
    }
    assert.equal(await scheduleStatus(te, name), 'RUNNING', 'a refused terminate POST changed nothing');
  });
});

describe('reserved, unknown and stopped sessions', () => {
  test('extend and terminate of a reserved session are 400 "Session is not currently in use"', async () => {
    const name = await reservedSession();
    await expectPlainText(await get(`/workshops/session/${name}/extend/`), 400, 'Session is not currently in use');
    await expectPlainText(await get(`/workshops/session/${name}/terminate/`), 400, 'Session is not currently in use');
    const authz = await get(`/workshops/session/${name}/authorize/`);
    await authz.text();
    assert.equal(authz.status, 400);
    const ev = await te.api(`/workshops/session/${name}/event/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"event": {"name": "X"}}',
    });
    await expectPlainText(ev, 400, 'Session was never allocated');
    assert.equal(await scheduleStatus(te, name), 'WAITING', 'still reserved');
  });

  test('unknown and STOPPED sessions are 404 on every utility', async () => {
    const reply = await requestSession(te, W3, { user: uid('gone') });
    await activateOk(te, reply);
    const t = await get(`/workshops/session/${reply.name}/terminate/`);
    await t.text();
    await waitFor(async () => (await scheduleStatus(te, reply.name)) === 404, { message: 'session stopped' });
    for (const name of [reply.name, `${W3}-s999`, 'no-such-session']) {
      for (const util of ['schedule', 'extend', 'terminate', 'config', 'authorize']) {
        const res = await get(`/workshops/session/${name}/${util}/`);
        await res.text();
        assert.equal(res.status, 404, `${util} of ${name}`);
      }
      const ev = await te.api(`/workshops/session/${name}/event/`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"event": {"name": "X"}}',
      });
      await ev.text();
      assert.equal(ev.status, 404, `event of ${name}`);
    }
  });
});
