/** Session requests: for a user, anonymous, with parameters, again for the same user. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestEngine, type TestEngine } from '../support/engine-harness';
import { requestReplySchema } from '../support/portal-schemas';
import {
  ENCODED_INDEX_URL,
  INDEX_URL,
  activationToken,
  catalog,
  config,
  expectNoSession,
  expectPlainText,
  qs,
  requestRaw,
  requestSession,
  uid,
  userSessions,
} from './helpers';

const UUID4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const W1 = 'req-portal-w01';
const W2 = 'req-portal-w02';
const W3 = 'req-portal-w03';

let te: TestEngine;
before(async () => {
  te = await startTestEngine({
    config: config('req-portal', {
      workshops: [
        { name: 'lab-req', capacity: 20, reserved: 0, expires: '30m' },
        { name: 'lab-small', capacity: 2, reserved: 0 },
        { name: 'lab-params', capacity: 5, reserved: 0 },
      ],
      workshopSpecs: {
        'lab-params': { request: { parameters: [{ name: 'WORKSHOP_USERNAME', value: 'default-user' }] } },
      },
    }),
  });
});
after(async () => {
  await te?.close();
});

describe('the seed example', () => {
  test('GET request/?index_url=… answers the documented JSON with a relative activation URL', async () => {
    const res = await te.api(`/workshops/environment/${W1}/request/?index_url=https://hub.test/`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /application\/json/);
    const reply = requestReplySchema.parse(await res.json());
    assert.equal(reply.name, `${W1}-s001`);
    assert.equal(reply.session, reply.name);
    assert.equal(reply.namespace, reply.name);
    assert.equal(reply.environment, W1);
    assert.equal(reply.workshop, 'lab-req');
    assert.match(reply.user, UUID4, 'a random uuid4 user when none is given');
    const token = activationToken(reply);
    assert.match(token, /^[A-Za-z0-9]{32}$/);
    assert.equal(reply.url, `/workshops/session/${reply.name}/activate/?token=${token}&index_url=${ENCODED_INDEX_URL}`);
  });

  test('each request without user creates a new user and session', async () => {
    const a = await requestSession(te, W1);
    const b = await requestSession(te, W1);
    assert.notEqual(a.user, b.user);
    assert.notEqual(a.name, b.name);
    assert.match(a.name, new RegExp(`^${W1}-s\\d{3}$`));
  });

  test('supplying user again returns the same session and the same activation token', async () => {
    const first = await requestSession(te, W1);
    const again = await requestSession(te, W1, { user: first.user });
    assert.equal(again.user, first.user);
    assert.equal(again.name, first.name);
    assert.equal(again.url, first.url);
    const listed = await userSessions(te, first.user);
    assert.deepEqual(
      listed.sessions.map((s) => s.name),
      [first.name],
    );
  });

  test('an unknown user name is created as given and returned as the user', async () => {
    const user = uid('brand-new');
    const reply = await requestSession(te, W1, {
      user,
      email: 'someone@example.com',
      first_name: 'Some',
      last_name: 'One',
    });
    assert.equal(reply.user, user);
    const legacy = await requestSession(te, W1, { user: uid('legacy'), firstname: 'Old', lastname: 'Style' });
    assert.ok(legacy.name);
  });

  test('redirect_url is accepted for index_url', async () => {
    const res = await te.api(
      `/workshops/environment/${W1}/request/${qs({ redirect_url: 'https://other.test/x?y=1' })}`,
    );
    assert.equal(res.status, 200);
    const reply = requestReplySchema.parse(await res.json());
    assert.match(reply.url, /&index_url=https%3A%2F%2Fother\.test%2Fx%3Fy%3D1$/);
  });

  test('re-requesting a pending session restarts its activation window with the new timeout', async () => {
    const user = uid('window');
    const first = await requestSession(te, W1, { user, timeout: '30' });
    const before = (await catalog(te, '?sessions=true')).environments
      .find((e) => e.name === W1)
      ?.sessions?.find((s) => s.name === first.name);
    assert.ok(before?.started && before.expires);
    assert.equal(Date.parse(before.expires) - Date.parse(before.started), 30_000);
    await new Promise((r) => setTimeout(r, 20)); // a visible step in the millisecond clock
    const again = await requestSession(te, W1, { user, timeout: '300' });
    assert.equal(again.url, first.url, 'same token');
    const after = (await catalog(te, '?sessions=true')).environments
      .find((e) => e.name === W1)
      ?.sessions?.find((s) => s.name === first.name);
    assert.ok(after?.started && after.expires);
    assert.ok(Date.parse(after.started) > Date.parse(before.started), 'started moved to now');
    assert.equal(Date.parse(after.expires) - Date.parse(after.started), 300_000);
  });
});

describe('request errors, in check order', () => {
  test('an unknown environment is 403 "Environment does not exist" (before the index_url check)', async () => {
    await expectPlainText(await requestRaw(te, 'req-portal-w99'), 403, 'Environment does not exist');
    await expectPlainText(
      await te.api('/workshops/environment/lab-req/request/?index_url=x'),
      403,
      'Environment does not exist',
    );
    await expectPlainText(
      await te.api('/workshops/environment/req-portal-w99/request/'),
      403,
      'Environment does not exist',
    );
  });

  test('no index_url/redirect_url (or an empty one) is 400 "Need redirect URL for workshop index"', async () => {
    await expectPlainText(
      await te.api(`/workshops/environment/${W1}/request/`),
      400,
      'Need redirect URL for workshop index',
    );
    await expectPlainText(
      await te.api(`/workshops/environment/${W1}/request/?index_url=`),
      400,
      'Need redirect URL for workshop index',
    );
    await expectPlainText(
      await te.api(`/workshops/environment/${W1}/request/?user=x`, { method: 'POST' }),
      400,
      'Need redirect URL for workshop index',
    );
  });

  test('a bad email is 400 "Invalid email address provided"', async () => {
    for (const email of ['not-an-email', 'a@', '@b.c', 'a b@c.d']) {
      await expectPlainText(
        await requestRaw(te, W1, { user: uid('mail'), email }),
        400,
        'Invalid email address provided',
      );
    }
  });

  test('a staff or robot target user is 400 "Session requests not permitted for user"', async () => {
    const { admin, robot } = te.engine.credentials;
    await expectPlainText(
      await requestRaw(te, W1, { user: admin.username }),
      400,
      'Session requests not permitted for user',
    );
    await expectPlainText(
      await requestRaw(te, W1, { user: robot.username }),
      400,
      'Session requests not permitted for user',
    );
  });
});

describe('POST and the parameters body', () => {
  test('POST with query parameters works like GET', async () => {
    const res = await te.api(
      `/workshops/environment/${W3}/request/${qs({ index_url: INDEX_URL, user: uid('post') })}`,
      { method: 'POST' },
    );
    assert.equal(res.status, 200);
    requestReplySchema.parse(await res.json());
  });

  test('a JSON parameters body is accepted (declared and undeclared names)', async () => {
    const res = await te.api(
      `/workshops/environment/${W3}/request/${qs({ index_url: INDEX_URL, user: uid('params') })}`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          parameters: [
            { name: 'WORKSHOP_USERNAME', value: 'grumpy' },
            { name: 'UNDECLARED', value: 'x' },
          ],
        }),
      },
    );
    assert.equal(res.status, 200);
    requestReplySchema.parse(await res.json());
  });

  test('an empty parameters list is fine', async () => {
    const res = await te.api(
      `/workshops/environment/${W3}/request/${qs({ index_url: INDEX_URL, user: uid('params') })}`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"parameters": []}',
      },
    );
    assert.equal(res.status, 200);
    await res.text();
  });
});

describe('capacity and reacquire', () => {
  test(
    'once capacity is used up the reply is 503 {"error": "No session available"}; ' + 'owners still get theirs',
    async () => {
      const a = await requestSession(te, W2, { user: uid('cap') });
      const b = await requestSession(te, W2, { user: uid('cap') });
      assert.notEqual(a.name, b.name);
      await expectNoSession(await requestRaw(te, W2, { user: uid('cap') }));
      await expectNoSession(await requestRaw(te, W2));
      const again = await requestSession(te, W2, { user: a.user });
      assert.equal(again.name, a.name);
    },
  );

  test('session= returns the named session of that user, or 503 without creating anything', async () => {
    const user = uid('reacquire');
    const reply = await requestSession(te, W1, { user });
    const same = await requestSession(te, W1, { user, session: reply.name });
    assert.equal(same.name, reply.name);
    assert.equal(same.url, reply.url);
    await expectNoSession(await requestRaw(te, W1, { user, session: `${W1}-s999` }));

    const nobody = uid('reacquire-none');
    await expectNoSession(await requestRaw(te, W1, { user: nobody, session: reply.name }));
    assert.deepEqual((await userSessions(te, nobody)).sessions, []);
  });
});
