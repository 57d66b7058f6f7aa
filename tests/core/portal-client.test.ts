import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { ConsoleError } from '../../shared/contract';
import fc from 'fast-check';
import { PortalClient, sameIgnoringCountdown } from '../../electron/services/portal-client';
import { MemorySecretStore } from '../../electron/services/secret-store';
import { startFaultPortal, type FakePortal } from '../fakes/fault-portal';

function clientFor(portal: FakePortal, extra: Partial<ConstructorParameters<typeof PortalClient>[0]> = {}) {
  const store = new MemorySecretStore();
  const o = portal.options;
  const client = new PortalClient({
    baseUrl: portal.url,
    refreshTokenAccount: 'p1:refresh-token',
    secretStore: store,
    credentials: async () => ({ clientId: o.clientId, clientSecret: o.clientSecret, username: o.username, password: o.password }),
    timeoutMs: 300,
    retries: 2,
    retryBaseMs: 5,
    ...extra,
  });
  return { client, store };
}

async function rejects(p: Promise<unknown>, code: string, message?: RegExp) {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof ConsoleError, `expected a ConsoleError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    if (message) assert.match(err.message, message);
    return true;
  });
}

describe('portal client against the fault-injecting fake portal', () => {
  let portal: FakePortal;
  before(async () => {
    portal = await startFaultPortal({ clockSkewMs: -3_600_000 });
  });
  after(() => portal.close());
  beforeEach(() => portal.setFault(null));

  test('signs in with the password grant, reads the catalog and measures the clock offset', async () => {
    const { client, store } = clientFor(portal);
    const r = await client.catalog();
    assert.equal(r.data.portal.name, 'fake-portal');
    assert.equal(r.data.environments[0]?.workshop.title, 'Lab One');
    assert.ok(r.clockOffsetMs !== null && Math.abs(r.clockOffsetMs + 3_600_000) < 3000, `offset ${r.clockOffsetMs}`);
    assert.ok(await store.get('p1:refresh-token'), 'the refresh token is kept in the secret store');
    client.close();
  });

  test('one refresh in flight under concurrency (the portal rotates refresh tokens)', async () => {
    let t = Date.now();
    const { client, store } = clientFor(portal, { now: () => t });
    await client.catalog();
    const before = { ...portal.grants };
    // move the clock to within the 5-minute refresh margin of the 10 h token
    t += 36_000_000 - 60_000;
    let release!: () => void;
    portal.holdRefresh(new Promise((r) => (release = r)));
    const calls = Array.from({ length: 20 }, () => client.catalog());
    setTimeout(() => release(), 30);
    const results = await Promise.all(calls);
    portal.holdRefresh(null);
    assert.equal(results.length, 20);
    assert.equal(portal.grants.refresh - before.refresh, 1, 'exactly one refresh');
    assert.equal(portal.grants.refreshRejected, before.refreshRejected, 'no refresh was rejected');
    assert.equal(portal.grants.password, before.password, 'no fallback to the password grant');
    const saved = await store.get('p1:refresh-token');
    assert.ok(saved);
    client.close();
  });

  test('a token revoked mid-run: re-authenticates once and retries', async () => {
    const { client } = clientFor(portal);
    await client.catalog();
    const before = portal.grants.refresh;
    portal.revokeAccessTokens();
    const results = await Promise.all(Array.from({ length: 8 }, () => client.catalog()));
    assert.equal(results.length, 8);
    assert.equal(portal.grants.refresh - before, 1, 'the 403s share one renewal');
    client.close();
  });

  test('a refresh token rejected falls back to the password grant', async () => {
    const { client, store } = clientFor(portal);
    await store.set('p1:refresh-token', 'not-a-valid-refresh-token');
    const before = portal.grants.password;
    await client.catalog();
    assert.equal(portal.grants.password - before, 1);
    assert.notEqual(await store.get('p1:refresh-token'), 'not-a-valid-refresh-token');
    client.close();
  });

  test('credential failures say which credential was rejected', async () => {
    const o = portal.options;
    const bad = (patch: object) =>
      new PortalClient({
        baseUrl: portal.url,
        refreshTokenAccount: null,
        secretStore: new MemorySecretStore(),
        credentials: async () => ({ clientId: o.clientId, clientSecret: o.clientSecret, username: o.username, password: o.password, ...patch }),
        timeoutMs: 500,
      });
    await rejects(bad({ password: 'wrong' }).catalog(), 'credentials-rejected', /robot password rejected/);
    await rejects(bad({ clientSecret: 'wrong' }).catalog(), 'credentials-rejected', /client id or secret rejected/);
  });

  const faults: [string, Parameters<FakePortal['setFault']>[0], string, RegExp][] = [
    ['a portal that never answers', { kind: 'hang' }, 'portal-timeout', /did not answer/],
    ['connection resets', { kind: 'reset' }, 'portal-unreachable', /portal unreachable: 127\.0\.0\.1/],
    ['502 from a gateway', { kind: 'status', status: 502 }, 'portal-unreachable', /502/],
    ['500 server error', { kind: 'status', status: 500, body: '<h1>Server Error (500)</h1>' }, 'portal-error', /answered 500: Server Error \(500\)/],
    ['a redirect (e.g. to a login page)', { kind: 'status', status: 302 }, 'bad-response', /redirected the request \(302\)/],
    ['malformed JSON', { kind: 'malformed' }, 'bad-response', /unexpected answer/],
    ['a wrong shape', { kind: 'wrong-shape' }, 'bad-response', /unexpected answer/],
  ];
  for (const [name, fault, code, message] of faults) {
    test(`fault: ${name} -> ${code}`, async () => {
      const { client } = clientFor(portal);
      await client.accessToken();
      portal.setFault(fault, /catalog/);
      await rejects(client.catalog(), code, message);
      portal.setFault(null);
      const ok = await client.catalog();
      assert.equal(ok.data.portal.name, 'fake-portal', 'recovers once the portal does');
      client.close();
    });
  }

  test('GETs are retried with backoff: a slow answer within the timeout succeeds, retries are bounded', async () => {
    const { client } = clientFor(portal);
    await client.accessToken();
    portal.setFault({ kind: 'slow', delayMs: 20 }, /catalog/);
    assert.equal((await client.catalog()).data.portal.name, 'fake-portal');
    portal.setFault({ kind: 'status', status: 503, body: 'unavailable' }, /catalog/);
    const before = portal.hits.get('GET /workshops/catalog/environments/') ?? 0;
    await rejects(client.catalog(), 'portal-unreachable');
    assert.equal((portal.hits.get('GET /workshops/catalog/environments/') ?? 0) - before, 3, 'one try plus two retries');
    client.close();
  });

  test('request errors: unknown environment, missing session, no session available (not retried)', async () => {
    const { client } = clientFor(portal);
    await rejects(client.requestSession({ environment: 'nope-w01', user: 'u1', indexUrl: 'https://x.test/' }), 'unknown-workshop');
    await rejects(client.extend('fake-portal-w01-s999'), 'not-found');
    const full = await startFaultPortal({ environments: [{ name: 'full-w01', title: 'Full', capacity: 0, duration: 60 }] });
    try {
      const c2 = clientFor(full).client;
      await rejects(c2.requestSession({ environment: 'full-w01', user: 'u1', indexUrl: 'https://x.test/' }), 'no-capacity');
      assert.equal(full.hits.get('POST /workshops/environment/full-w01/request/'), 1, 'a 503 "No session available" is an answer, not retried');
      c2.close();
    } finally {
      await full.close();
    }
    client.close();
  });

  test('close() aborts requests in flight', async () => {
    const { client } = clientFor(portal, { timeoutMs: 10_000 });
    await client.accessToken();
    portal.setFault({ kind: 'hang' }, /catalog/);
    const p = client.catalog();
    setTimeout(() => client.close(), 20);
    await rejects(p, 'cancelled');
  });
});

describe('Learning Center shapes', () => {
  test('workshop id and no labels, no session state, duration null, missing expires', async () => {
    const portal = await startFaultPortal({
      generation: 'learning-center',
      environments: [{ name: 'lc-w01', title: 'LC lab', capacity: 3, duration: 0 }],
    });
    try {
      const { client } = clientFor(portal);
      const a = await client.requestSession({ environment: 'lc-w01', user: 'ada-example-org', indexUrl: 'https://x.test/', timeout: 0 });
      assert.equal(a.name, 'lc-w01-s001');
      const cat = (await client.catalog()).data;
      const env = cat.environments[0];
      assert.ok(env);
      assert.equal(env.duration, 0);
      assert.deepEqual(env.workshop.labels, {});
      assert.equal(env.sessions[0]?.state, 'UNKNOWN');
      assert.equal(env.sessions[0]?.expires, null);
      const mine = await client.userSessions('ada-example-org');
      assert.equal(mine.sessions[0]?.name, 'lc-w01-s001');
      client.close();
    } finally {
      await portal.close();
    }
  });
});

describe('unchanged catalog detection', () => {
  test('bodies equal except for countdowns compare equal; any other difference does not', () => {
    const body = (countdowns: number[], extra = '') =>
      Buffer.from(JSON.stringify({ environments: countdowns.map((c, i) => ({ name: `s${i}`, countdown: c, expires: 'x' })) }) + extra);
    assert.equal(sameIgnoringCountdown(body([1, 20, 300]), body([0, 19, 299])), true);
    assert.equal(sameIgnoringCountdown(body([1, 2]), body([1, 2, 3])), false);
    assert.equal(sameIgnoringCountdown(body([1]), body([1], ' ')), false);
    assert.equal(sameIgnoringCountdown(Buffer.from('{"a":1}'), Buffer.from('{"a":2}')), false);
    assert.equal(sameIgnoringCountdown(Buffer.from('"countdown": 5}'), Buffer.from('"countdown":5}')), true);
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 20 }), fc.array(fc.nat(), { maxLength: 20 }), fc.string(), (a, b, s) => {
        const same = a.length === b.length;
        assert.equal(sameIgnoringCountdown(body(a, s), body(b, s)), same);
        assert.equal(sameIgnoringCountdown(body(a, s), body(a, `${s}x`)), false);
      }),
      { numRuns: 200 },
    );
  });
});
