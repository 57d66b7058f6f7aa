import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PortalSnapshot } from '../../shared/contract';
import { Monitor } from '../../electron/services/monitor';
import { PortalClient } from '../../electron/services/portal-client';
import { MemorySecretStore } from '../../electron/services/secret-store';
import { defaultSettings } from '../../electron/services/settings-store';
import { startFaultPortal, type FakePortal, type FakePortalOptions } from '../fakes/fault-portal';
import { waitFor } from '../support/http';

async function watch(t: test.TestContext, options: FakePortalOptions) {
  const portal = await startFaultPortal(options);
  const o = portal.options;
  const client = new PortalClient({
    baseUrl: portal.url,
    refreshTokenAccount: null,
    secretStore: new MemorySecretStore(),
    credentials: async () => ({
      clientId: o.clientId,
      clientSecret: o.clientSecret,
      username: o.username,
      password: o.password,
    }),
    timeoutMs: 1000,
    retries: 0,
  });
  const pushes: PortalSnapshot[] = [];
  const monitor = new Monitor({
    settings: () => defaultSettings,
    onSnapshot: (s) => pushes.push(s),
    onAlert: () => {},
  });
  monitor.upsert({ id: 'p1', label: 'P', client, pollIntervalMs: 20, enabled: true });
  t.after(async () => {
    await monitor.close();
    client.close();
    await portal.close();
  });
  const polls = (p: FakePortal) => p.hits.get('GET /workshops/catalog/environments/') ?? 0;
  /** resolves once the portal has answered `n` more polls */
  const morePolls = async (n: number) => {
    const from = polls(portal);
    await waitFor(() => polls(portal) >= from + n, { message: `${n} more polls` });
  };
  return { portal, client, monitor, pushes, morePolls };
}

test(
  'every push takes the next revision; ' + 'an environment that did not change keeps its object and revision',
  async (t) => {
    const { client, monitor, pushes, morePolls } = await watch(t, {
      environments: [
        { name: 'lab-w01', title: 'One', capacity: 5, duration: 1800 },
        { name: 'lab-w02', title: 'Two', capacity: 5, duration: 1800 },
      ],
    });
    const live = await waitFor(() => pushes.find((s) => s.status === 'live'), { message: 'live' });
    assert.ok(
      pushes.every((s, i) => i === 0 || s.revision > (pushes[i - 1] as PortalSnapshot).revision),
      'revisions rise',
    );
    assert.deepEqual(
      live.environments.map((e) => e.revision),
      [live.revision, live.revision],
    );
    assert.equal(monitor.fleet().epoch, live.epoch);

    await morePolls(3);
    assert.equal(pushes[pushes.length - 1], live, 'unchanged polls push nothing');

    await client.requestSession({ environment: 'lab-w01', user: 'ada', indexUrl: 'https://x.test/' });
    const changed = await waitFor(() => pushes.find((s) => s.environments[0]?.allocated === 1), { message: 'changed' });
    assert.ok(changed.revision > live.revision);
    assert.equal(changed.environments[0]?.revision, changed.revision, 'the changed environment takes the new revision');
    assert.equal(changed.environments[1], live.environments[1], 'the unchanged one is the same object');
    assert.equal(changed.environments[1]?.revision, live.revision);

    const read = monitor.fleet();
    assert.ok(read.revision >= changed.revision);
    assert.equal(read.portals[0]?.revision, changed.revision, 'a read carries the revision of the last push');
    const removal = monitor.remove('p1');
    assert.ok(removal.revision > read.revision, 'a removal comes after everything pushed before it');
  },
);

test('an Educates portal is known by its catalog: nothing else is asked', async (t) => {
  const { portal, pushes, morePolls } = await watch(t, {});
  const live = await waitFor(() => pushes.find((s) => s.status === 'live'), { message: 'live' });
  assert.equal(live.dialect, 'educates');
  await morePolls(2);
  assert.equal(portal.hits.get('GET /workshops/catalog/workshops/') ?? 0, 0);
});

test('a Learning Center portal is known from its missing workshops route, asked once', async (t) => {
  const { portal, pushes, morePolls } = await watch(t, { generation: 'learning-center' });
  const live = await waitFor(() => pushes.find((s) => s.status === 'live'), { message: 'live' });
  assert.equal(live.dialect, 'learningcenter');
  assert.equal(live.lastError, null, 'the 404 of the probe is no error');
  await morePolls(3);
  assert.equal(portal.hits.get('GET /workshops/catalog/workshops/'), 1);
});

test(
  'a catalog with no workshop: the route tells; ' + 'a probe that fails leaves the dialect unknown, not the portal',
  async (t) => {
    const educates = await watch(t, { environments: [] });
    const live = await waitFor(() => educates.pushes.find((s) => s.status === 'live'), { message: 'live' });
    assert.equal(live.dialect, 'educates', 'the workshops route answered 200');

    const w = await watch(t, { generation: 'learning-center' });
    // set before the first poll runs (its timer fires after this turn)
    w.portal.setFault({ kind: 'status', status: 500 }, /catalog\/workshops/);
    const unknown = await waitFor(() => w.pushes.find((s) => s.status === 'live'), { message: 'live' });
    assert.equal(unknown.dialect, null);
    assert.equal(unknown.lastError, null);
    assert.equal(await w.monitor.detectDialect('p1'), null, 'asked again on demand: still failing');
    w.portal.setFault(null);
    assert.equal(await w.monitor.detectDialect('p1'), 'learningcenter');
    await waitFor(() => w.pushes.find((s) => s.dialect === 'learningcenter'), { message: 'pushed once known' });
  },
);
