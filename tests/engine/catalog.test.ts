/** Catalog: environments, workshops, environment status, filters, public visibility. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestEngine, type TestEngine } from '../support/engine-harness';
import {
  catalogEnvironmentsSchema,
  catalogWorkshopsSchema,
  environmentStatusSchema,
  DATETIME_RE,
} from '../support/portal-schemas';
import {
  activateOk,
  catalog,
  config,
  expectEmpty403,
  expectPlainText,
  requestSession,
  uid,
  waitForAvailable,
} from './helpers';

const WORKSHOP_SPECS = {
  'lab-alpha': {
    title: 'Alpha Workshop',
    description: 'The first workshop',
    vendor: 'educates.dev',
    authors: ['Ada', 'Grace'],
    difficulty: 'beginner',
    duration: '30m',
    tags: ['k8s', 'intro'],
    labels: { level: 'basic' },
    logo: 'data:image/png;base64,AAAA',
    url: 'https://github.com/example/lab-alpha',
  },
  'lab-beta': { title: 'Beta Workshop', description: 'The second workshop', labels: { level: 'advanced' } },
};

function catalogConfig(withBeta: boolean): string {
  return config('cat-portal', {
    portal: { labels: { site: 'test-site' }, workshop: { defaults: { labels: { event: 'demo', level: 'default' } } } },
    workshops: [
      { name: 'lab-alpha', capacity: 4, reserved: 1, expires: '30m', labels: { track: 'core' } },
      ...(withBeta
        ? [{ name: 'lab-beta', capacity: 2, reserved: 0, alias: 'beta-alias', labels: { level: 'expert' } }]
        : []),
    ],
    workshopSpecs: WORKSHOP_SPECS,
  });
}

const W1 = 'cat-portal-w01';
const W2 = 'cat-portal-w02';

let te: TestEngine;
before(async () => {
  te = await startTestEngine({ config: catalogConfig(true) });
  await waitForAvailable(te, W1, 1);
});
after(async () => {
  await te?.close();
});

describe('GET /workshops/catalog/environments/', () => {
  test('portal and environment fields follow the reference', async () => {
    const body = await catalog(te);
    assert.equal(body.portal.name, 'cat-portal');
    assert.equal(body.portal.url, te.url);
    assert.deepEqual(body.portal.labels, { site: 'test-site' });
    assert.deepEqual(body.portal.sessions, { maximum: 0, registered: 0, anonymous: 0, allocated: 0 });
    assert.deepEqual(
      body.environments.map((e) => e.name),
      [W1, W2],
    );
    const [alpha, beta] = body.environments;
    assert.ok(alpha && beta);
    assert.equal(alpha.state, 'RUNNING');
    assert.deepEqual(alpha.workshop, {
      name: 'lab-alpha',
      resource: 'lab-alpha',
      ...WORKSHOP_SPECS['lab-alpha'],
      labels: { event: 'demo', level: 'basic', track: 'core' },
    });
    assert.equal(alpha.duration, 1800);
    assert.equal(alpha.capacity, 4);
    assert.equal(alpha.reserved, 1);
    assert.equal(alpha.available, 1);
    assert.equal(alpha.allocated, 0);
    assert.equal('sessions' in alpha, false);
    // An alias is the published name; `resource` keeps the Workshop name. No expiry means duration 0, not null.
    assert.equal(beta.workshop.name, 'beta-alias');
    assert.equal(beta.workshop.resource, 'lab-beta');
    assert.deepEqual(beta.workshop.labels, { event: 'demo', level: 'expert' });
    assert.equal(beta.duration, 0);
    assert.equal(beta.reserved, 0);
    assert.equal(beta.available, 0);
  });

  test('sessions=true lists allocated sessions like the seed example (reserved ones are not listed)', async () => {
    const empty = await catalog(te, '?sessions=true');
    for (const env of empty.environments) assert.deepEqual(env.sessions, []);

    const user = uid('seed');
    const reply = await requestSession(te, W1, { user });
    await activateOk(te, reply);
    const body = await catalog(te, '?sessions=true');
    assert.equal(body.portal.sessions.allocated, 1);
    const alpha = body.environments.find((e) => e.name === W1);
    assert.ok(alpha?.sessions);
    assert.equal(alpha.allocated, 1);
    assert.equal(alpha.sessions.length, 1);
    const s = alpha.sessions[0];
    assert.ok(s);
    assert.equal(s.name, reply.name);
    assert.equal(s.namespace, reply.name);
    assert.equal(s.user, user);
    assert.equal(s.state, 'RUNNING');
    assert.match(s.started ?? '', DATETIME_RE);
    assert.match(s.expires ?? '', DATETIME_RE);
    assert.equal(Date.parse(s.expires ?? '') - Date.parse(s.started ?? ''), 1800 * 1000);
    assert.equal(typeof s.countdown, 'number');
    assert.ok((s.countdown ?? 0) > 1700 && (s.countdown ?? 0) <= 1800);
    assert.equal(s.extendable, false);
  });

  test('sessions flag is case-insensitive and accepts 1; false leaves the key out', async () => {
    for (const q of ['?sessions=TRUE', '?sessions=1', '?sessions=True']) {
      const body = await catalog(te, q);
      assert.ok(
        body.environments.every((e) => Array.isArray(e.sessions)),
        q,
      );
    }
    const off = await catalog(te, '?sessions=false');
    assert.ok(off.environments.every((e) => !('sessions' in e)));
  });

  test('a session without expiry has no expires, countdown or extendable keys', async () => {
    const user = uid('noexp');
    const reply = await requestSession(te, W2, { user });
    await activateOk(te, reply);
    const beta = (await catalog(te, '?sessions=true')).environments.find((e) => e.name === W2);
    const s = beta?.sessions?.find((x) => x.name === reply.name);
    assert.ok(s, 'session listed');
    assert.equal(s.state, 'RUNNING');
    assert.equal('expires' in s, false);
    assert.equal('countdown' in s, false);
    assert.equal('extendable' in s, false);
  });

  test('a session waiting for activation is listed with its activation deadline as expires', async () => {
    const user = uid('pending');
    const reply = await requestSession(te, W1, { user, timeout: '45' });
    const alpha = (await catalog(te, '?sessions=true')).environments.find((e) => e.name === W1);
    const s = alpha?.sessions?.find((x) => x.name === reply.name);
    assert.ok(s);
    assert.ok(s.state === 'WAITING' || s.state === 'STARTING', s.state);
    assert.equal(s.user, user);
    assert.equal(Date.parse(s.expires ?? '') - Date.parse(s.started ?? ''), 45_000);
    assert.ok((s.countdown ?? -1) <= 45);
  });

  test('name= filters on the Workshop resource name (repeatable), not the alias', async () => {
    const names = async (q: string): Promise<string[]> => (await catalog(te, q)).environments.map((e) => e.name);
    assert.deepEqual(await names('?name=lab-beta'), [W2]);
    assert.deepEqual(await names('?name=beta-alias'), []);
    assert.deepEqual(await names('?name=lab-alpha&name=lab-beta'), [W1, W2]);
    assert.deepEqual(await names('?name=nothing'), []);
  });

  test('labels[k]=v filters on merged labels: every key must match, the last repeated value wins', async () => {
    const names = async (q: string): Promise<string[]> => (await catalog(te, q)).environments.map((e) => e.name);
    assert.deepEqual(await names('?labels[track]=core'), [W1]);
    assert.deepEqual(await names('?labels%5Blevel%5D=expert'), [W2]);
    assert.deepEqual(await names('?labels[event]=demo'), [W1, W2]);
    assert.deepEqual(await names('?labels[event]=demo&labels[track]=core'), [W1]);
    assert.deepEqual(await names('?labels[event]=demo&labels[track]=nope'), []);
    assert.deepEqual(await names('?labels[level]=basic&labels[level]=expert'), [W2]);
  });
});

describe('GET /workshops/catalog/workshops/', () => {
  test('lists RUNNING environments by portal position with an environment summary', async () => {
    const body = catalogWorkshopsSchema.parse(await te.apiJson('/workshops/catalog/workshops/'));
    assert.equal(body.portal.name, 'cat-portal');
    assert.deepEqual(
      body.workshops.map((w) => [w.name, w.resource, w.environment.name]),
      [
        ['lab-alpha', 'lab-alpha', W1],
        ['beta-alias', 'lab-beta', W2],
      ],
    );
    assert.equal(body.workshops[0]?.title, 'Alpha Workshop');
    assert.equal(body.workshops[0]?.environment.duration, 1800);
    assert.equal(body.workshops[0]?.environment.capacity, 4);
    assert.equal(body.workshops[1]?.environment.duration, 0);
  });
});

describe('GET /workshops/environment/<env>/status/', () => {
  test('gives one environment; workshop.name is the resource name and there is no resource key', async () => {
    const body = environmentStatusSchema.parse(await te.apiJson(`/workshops/environment/${W2}/status/`));
    assert.equal(body.name, W2);
    assert.equal(body.workshop.name, 'lab-beta');
    assert.equal('resource' in body.workshop, false);
    assert.equal('sessions' in body, false);
    const withSessions = environmentStatusSchema.parse(
      await te.apiJson(`/workshops/environment/${W2}/status/?sessions=true`),
    );
    assert.ok(Array.isArray(withSessions.sessions));
  });

  test('an unknown environment is 403 "Environment does not exist"', async () => {
    await expectPlainText(
      await te.api('/workshops/environment/cat-portal-w99/status/'),
      403,
      'Environment does not exist',
    );
  });
});

describe('state filter and a STOPPING environment', () => {
  test('state=RUNNING&state=STOPPING shows an environment removed from the config while its session runs', async () => {
    const user = uid('stopping');
    const reply = await requestSession(te, W2, { user });
    await activateOk(te, reply);
    await te.restart({ config: catalogConfig(false) });

    const running = await catalog(te);
    assert.deepEqual(
      running.environments.map((e) => e.name),
      [W1],
    );
    const both = await catalog(te, '?sessions=true&state=RUNNING&state=STOPPING');
    const beta = both.environments.find((e) => e.name === W2);
    assert.ok(beta, 'STOPPING environment listed');
    assert.equal(beta.state, 'STOPPING');
    assert.equal(beta.capacity, 0);
    assert.equal(beta.reserved, 0);
    assert.ok(
      beta.sessions?.some((s) => s.name === reply.name && s.user === user),
      'its allocated session keeps running',
    );
    const onlyStopping = await catalog(te, '?state=stopping');
    assert.deepEqual(
      onlyStopping.environments.map((e) => [e.name, e.state]),
      [[W2, 'STOPPING']],
    );
    // A STOPPING environment takes no new sessions.
    const res = await te.api(
      `/workshops/environment/${W2}/request/?index_url=https%3A%2F%2Fhub.test%2F&user=${uid('late')}`,
    );
    assert.equal(res.status, 503);
    await res.text();

    // Putting the workshop back creates a new environment with the next id.
    await te.restart({ config: catalogConfig(true) });
    const again = await catalog(te);
    assert.deepEqual(
      again.environments.map((e) => [e.name, e.workshop.resource]),
      [
        [W1, 'lab-alpha'],
        ['cat-portal-w03', 'lab-beta'],
      ],
    );
  });
});

describe('public catalog (spec.portal.catalog.visibility: public)', () => {
  let pub: TestEngine;
  before(async () => {
    pub = await startTestEngine({
      config: config('pub-portal', {
        portal: { catalog: { visibility: 'public' } },
        workshops: [{ name: 'lab-pub', capacity: 2, reserved: 0 }],
      }),
    });
  });
  after(async () => {
    await pub?.close();
  });

  test('without a token: 200, RUNNING environments only, never sessions', async () => {
    for (const path of [
      '/workshops/catalog/environments/?sessions=true&state=STOPPING',
      '/workshops/catalog/environments/',
    ]) {
      const res = await fetch(`${pub.url}${path}`);
      assert.equal(res.status, 200, path);
      const body = catalogEnvironmentsSchema.parse(await res.json());
      assert.deepEqual(
        body.environments.map((e) => [e.name, e.state, 'sessions' in e]),
        [['pub-portal-w01', 'RUNNING', false]],
      );
    }
    const ws = await fetch(`${pub.url}/workshops/catalog/workshops/`);
    assert.equal(ws.status, 200);
    catalogWorkshopsSchema.parse(await ws.json());
  });

  test('a bad token is ignored (anonymous); a robot token still gets sessions', async () => {
    const res = await fetch(`${pub.url}/workshops/catalog/environments/?sessions=true`, {
      headers: { authorization: 'Bearer nonsense' },
    });
    assert.equal(res.status, 200);
    const anon = catalogEnvironmentsSchema.parse(await res.json());
    assert.equal('sessions' in (anon.environments[0] ?? {}), false);
    const robot = await catalog(pub, '?sessions=true');
    assert.deepEqual(robot.environments[0]?.sessions, []);
  });

  test('everything else still needs a token', async () => {
    await expectEmpty403(
      await fetch(`${pub.url}/workshops/environment/pub-portal-w01/request/?index_url=x`),
      'request',
    );
    await expectEmpty403(await fetch(`${pub.url}/workshops/environment/pub-portal-w01/status/`), 'status');
  });
});
