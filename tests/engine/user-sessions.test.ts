/** GET /workshops/user/<user>/sessions/: the sessions a portal user holds. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestEngine, waitFor, type TestEngine } from '../support/engine-harness';
import { userSessionsSchema, DATETIME_RE } from '../support/portal-schemas';
import { activateOk, config, requestSession, scheduleStatus, uid, userSessions } from './helpers';

const W1 = 'usr-portal-w01';
const W2 = 'usr-portal-w02';

let te: TestEngine;
before(async () => {
  te = await startTestEngine({
    config: config('usr-portal', {
      workshops: [
        { name: 'lab-one', capacity: 10, reserved: 0, expires: '1h' },
        { name: 'lab-two', capacity: 10, reserved: 0, alias: 'two-alias' },
      ],
    }),
  });
});
after(async () => {
  await te?.close();
});

describe('user sessions', () => {
  test('an unknown user is 200 with an empty list', async () => {
    const res = await te.api('/workshops/user/never-seen-before/sessions/');
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { user: 'never-seen-before', sessions: [] });
  });

  test('lists the live sessions of a user across environments in the seed shape (no state field)', async () => {
    const user = uid('multi');
    const one = await requestSession(te, W1, { user });
    await activateOk(te, one);
    const two = await requestSession(te, W2, { user });
    const body = await userSessions(te, user);
    assert.equal(body.user, user);
    const byName = new Map(body.sessions.map((s) => [s.name, s]));
    assert.equal(body.sessions.length, 2);
    const a = byName.get(one.name);
    assert.ok(a);
    assert.deepEqual(
      { name: a.name, namespace: a.namespace, workshop: a.workshop, environment: a.environment },
      { name: one.name, namespace: one.name, workshop: 'lab-one', environment: W1 },
    );
    assert.match(a.started ?? '', DATETIME_RE);
    assert.match(a.expires ?? '', DATETIME_RE);
    assert.equal(Date.parse(a.expires ?? '') - Date.parse(a.started ?? ''), 3600_000);
    assert.ok((a.countdown ?? 0) > 3500);
    assert.equal(a.extendable, false);
    assert.equal('state' in a, false);
    // A pending session is listed; its expiry is the activation deadline (default 60 s).
    const b = byName.get(two.name);
    assert.ok(b);
    assert.equal(b.workshop, 'lab-two', 'the Workshop resource name, not the alias');
    assert.equal(Date.parse(b.expires ?? '') - Date.parse(b.started ?? ''), 60_000);
    assert.ok((b.countdown ?? 99) <= 60);
  });

  test('a terminated session is no longer listed', async () => {
    const user = uid('ended');
    const reply = await requestSession(te, W1, { user });
    await activateOk(te, reply);
    const res = await te.api(`/workshops/session/${reply.name}/terminate/`);
    assert.equal(res.status, 200);
    await res.text();
    assert.deepEqual((await userSessions(te, user)).sessions, []);
    await waitFor(async () => (await scheduleStatus(te, reply.name)) === 404, { message: 'stopped' });
    assert.deepEqual((await userSessions(te, user)).sessions, []);
  });

  test('a uuid user from a request without user= can be looked up', async () => {
    const reply = await requestSession(te, W2);
    const body = userSessionsSchema.parse(await te.apiJson(`/workshops/user/${reply.user}/sessions/`));
    assert.deepEqual(
      body.sessions.map((s) => s.name),
      [reply.name],
    );
  });

  test('slug names with - and _ work; a name that is not a slug is 404 from routing', async () => {
    const res = await te.api('/workshops/user/Some_User-01/sessions/');
    assert.equal(res.status, 200);
    await res.text();
    for (const bad of ['a%40b.c', 'a.b', 'x:y', '%E7%94%A8%E6%88%B7', 'a%20b']) {
      const r = await te.api(`/workshops/user/${bad}/sessions/`);
      await r.text();
      assert.equal(r.status, 404, bad);
    }
  });

  test('a user whose name is not a slug can request sessions but not be listed', async () => {
    const user = `${uid('mail')}@example.com`;
    const reply = await requestSession(te, W1, { user });
    assert.equal(reply.user, user);
    const r = await te.api(`/workshops/user/${encodeURIComponent(user)}/sessions/`);
    await r.text();
    assert.equal(r.status, 404);
  });
});
