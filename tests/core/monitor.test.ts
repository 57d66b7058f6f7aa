import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Alert, PortalSnapshot, Settings } from '../../shared/contract';
import { Monitor } from '../../electron/services/monitor';
import { PortalClient } from '../../electron/services/portal-client';
import { MemorySecretStore } from '../../electron/services/secret-store';
import { defaultSettings } from '../../electron/services/settings-store';
import { startFaultPortal, type FakePortal } from '../fakes/fault-portal';

/** Collects pushes; `next(pred)` resolves with the first push (past or future) matching, or fails after 10 s. */
function recorder<T>() {
  const seen: T[] = [];
  const waiters: { pred: (v: T) => boolean; resolve: (v: T) => void }[] = [];
  return {
    seen,
    push(v: T) {
      seen.push(v);
      for (const w of [...waiters]) if (w.pred(v)) (waiters.splice(waiters.indexOf(w), 1), w.resolve(v));
    },
    next(pred: (v: T) => boolean, from = 0): Promise<T> {
      const hit = seen.slice(from).find(pred);
      if (hit) return Promise.resolve(hit);
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`no matching push within 10 s; seen: ${JSON.stringify(seen.map((s) => (s as { status?: string }).status ?? s))}`)), 10_000);
        waiters.push({ pred, resolve: (v) => (clearTimeout(t), resolve(v)) });
      });
    },
  };
}

function setup(portal: FakePortal, settings: Settings = defaultSettings) {
  const snaps = recorder<PortalSnapshot>();
  const alerts = recorder<Alert>();
  const o = portal.options;
  const creds = { clientId: o.clientId, clientSecret: o.clientSecret, username: o.username, password: o.password };
  const client = new PortalClient({
    baseUrl: portal.url,
    refreshTokenAccount: null,
    secretStore: new MemorySecretStore(),
    credentials: async () => creds,
    timeoutMs: 300,
    retries: 0,
  });
  const monitor = new Monitor({
    offlineAfterFailures: 3,
    maxBackoffMs: 80,
    settings: () => settings,
    onSnapshot: (s) => snaps.push(s),
    onAlert: (a) => alerts.push(a),
  });
  monitor.upsert({ id: 'p1', label: 'Fake', client, pollIntervalMs: 20, enabled: true });
  return { monitor, client, snaps, alerts };
}

describe('live monitor', () => {
  let portal: FakePortal;
  before(async () => {
    portal = await startFaultPortal({
      clockSkewMs: 120_000,
      environments: [{ name: 'fake-portal-w01', title: 'Lab One', capacity: 4, duration: 1800 }],
    });
  });
  after(() => portal.close());

  test('live -> stale -> offline -> live again; pushes only on change; alerts once', async () => {
    const { monitor, client, snaps, alerts } = setup(portal);
    try {
      const live = await snaps.next((s) => s.status === 'live');
      assert.equal(live.portal?.name, 'fake-portal');
      assert.ok(Math.abs(live.clockOffsetMs - 120_000) < 2000, `clock offset ${live.clockOffsetMs}`);
      // several more polls with nothing changed: no further pushes
      const polls = portal.hits.get('GET /workshops/catalog/environments/') ?? 0;
      await new Promise<void>((resolve) => {
        const check = () => ((portal.hits.get('GET /workshops/catalog/environments/') ?? 0) >= polls + 4 ? resolve() : setTimeout(check, 10));
        check();
      });
      assert.equal(snaps.seen.filter((s) => s.status === 'live').length, 1, 'unchanged polls are not pushed');

      // a change on the portal is pushed
      await client.requestSession({ environment: 'fake-portal-w01', user: 'u1', indexUrl: 'https://x.test/' });
      const changed = await snaps.next((s) => s.environments[0]?.allocated === 1);
      assert.equal(changed.environments[0]?.sessions[0]?.user, 'u1');

      portal.setFault({ kind: 'status', status: 500 }, /catalog/);
      const stale = await snaps.next((s) => s.status === 'stale');
      assert.ok(stale.lastSeenAt !== null);
      assert.match(stale.lastError ?? '', /500/);
      assert.equal(stale.environments[0]?.allocated, 1, 'the last data stays visible while stale');
      const offline = await snaps.next((s) => s.status === 'offline');
      assert.match(offline.lastError ?? '', /500/);
      const down = await alerts.next((a) => a.kind === 'portal-offline');
      assert.match(down.message, /Fake is offline/);

      portal.setFault(null);
      const back = await snaps.next((s) => s.status === 'live', snaps.seen.indexOf(offline));
      assert.equal(back.lastError, null);
      assert.equal(alerts.seen.filter((a) => a.kind === 'portal-offline').length, 1, 'raised once per outage');
    } finally {
      await monitor.close();
      client.close();
    }
  });

  const faults: [string, Parameters<FakePortal['setFault']>[0], RegExp][] = [
    ['timeouts', { kind: 'hang' }, /did not answer within/],
    ['connection resets', { kind: 'reset' }, /portal unreachable: 127\.0\.0\.1/],
    ['503 from the portal', { kind: 'status', status: 503 }, /portal unreachable: .*503/],
    ['malformed JSON', { kind: 'malformed' }, /unexpected answer from/],
    ['a wrong shape', { kind: 'wrong-shape' }, /unexpected answer from/],
  ];
  for (const [name, fault, lastError] of faults) {
    test(`survives ${name}: reports it, then recovers when the portal does`, async () => {
      const p = await startFaultPortal();
      const { monitor, client, snaps } = setup(p);
      try {
        await snaps.next((s) => s.status === 'live');
        p.setFault(fault, /catalog/);
        const bad = await snaps.next((s) => s.status === 'offline');
        assert.match(bad.lastError ?? '', lastError);
        assert.ok(bad.lastSeenAt !== null, 'last-seen is kept');
        p.setFault(null);
        const back = await snaps.next((s) => s.status === 'live', snaps.seen.indexOf(bad));
        assert.equal(back.lastError, null);
      } finally {
        await monitor.close();
        client.close();
        await p.close();
      }
    });
  }

  test('capacity and expiring alerts are raised once per condition', async () => {
    const p = await startFaultPortal({ environments: [{ name: 'cap-w01', title: 'Cap', capacity: 2, duration: 60 }] });
    const settings: Settings = { ...defaultSettings, alerts: { capacityPercent: 50, expiringMinutes: 5, notifyOs: false } };
    const { monitor, client, alerts, snaps } = setup(p, settings);
    try {
      await snaps.next((s) => s.status === 'live');
      await client.requestSession({ environment: 'cap-w01', user: 'u1', indexUrl: 'https://x.test/' });
      const cap = await alerts.next((a) => a.kind === 'capacity');
      assert.equal(cap.environment, 'cap-w01');
      assert.match(cap.message, /50% of its capacity \(1 of 2/);
      const s = p.sessions[0];
      assert.ok(s);
      s.state = 'RUNNING';
      s.expires = Date.now() + 120_000;
      const exp = await alerts.next((a) => a.kind === 'expiring');
      assert.equal(exp.session, 'cap-w01-s001');
      await monitor.pollNow('p1');
      await monitor.pollNow('p1');
      assert.equal(alerts.seen.filter((a) => a.kind === 'capacity').length, 1);
      assert.equal(alerts.seen.filter((a) => a.kind === 'expiring').length, 1);
    } finally {
      await monitor.close();
      client.close();
      await p.close();
    }
  });

  test('credentials rejected is its own status', async () => {
    const p = await startFaultPortal();
    const { monitor, client, snaps, alerts } = setup(p);
    try {
      await snaps.next((s) => s.status === 'live');
      p.setPassword('changed-by-the-portal-admin');
      p.revokeAccessTokens();
      const rejected = await snaps.next((s) => s.status === 'credentials-rejected');
      assert.match(rejected.lastError ?? '', /robot password rejected/);
      await alerts.next((a) => a.kind === 'credentials-rejected');
    } finally {
      await monitor.close();
      client.close();
      await p.close();
    }
  });

  test('expiring alerts follow the clock on unchanged polls, and an extended session is announced again', async () => {
    const p = await startFaultPortal({ environments: [{ name: 'exp-w01', title: 'Exp', capacity: 4, duration: 3600 }] });
    const o = p.options;
    const client = new PortalClient({
      baseUrl: p.url,
      refreshTokenAccount: null,
      secretStore: new MemorySecretStore(),
      credentials: async () => ({ clientId: o.clientId, clientSecret: o.clientSecret, username: o.username, password: o.password }),
    });
    // which polls found the catalog unchanged (only countdowns moved): the expiring check must not rely on a change
    const unchanged: boolean[] = [];
    const catalog = client.catalog.bind(client);
    client.catalog = async (...args) => {
      const r = await catalog(...args);
      unchanged.push(r.unchanged);
      return r;
    };
    const alerts = recorder<Alert>();
    const settings: Settings = { ...defaultSettings, alerts: { capacityPercent: 100, expiringMinutes: 5, notifyOs: false } };
    // the monitor's clock only: the portal's Date header and countdowns keep real time, so the catalog stays the same
    let shift = 0;
    const monitor = new Monitor({ now: () => Date.now() + shift, clockJitterMs: 2000, settings: () => settings, onSnapshot: () => {}, onAlert: (a) => alerts.push(a) });
    try {
      await client.requestSession({ environment: 'exp-w01', user: 'u1', indexUrl: 'https://x.test/' });
      const s = p.sessions[0];
      assert.ok(s);
      s.state = 'RUNNING';
      s.expires = Date.now() + 20 * 60_000;
      monitor.upsert({ id: 'p1', label: 'P', client, pollIntervalMs: 600_000, enabled: true });
      await monitor.pollNow('p1');
      await monitor.pollNow('p1');
      assert.equal(alerts.seen.length, 0, '20 min left is outside the 5 min window');
      assert.equal(unchanged.at(-1), true);

      shift = 16 * 60_000; // 4 min left by the monitor's clock
      await monitor.pollNow('p1');
      assert.equal(unchanged.at(-1), true, 'the poll that raises the alert found the catalog unchanged');
      const first = alerts.seen.filter((a) => a.kind === 'expiring');
      assert.equal(first.length, 1);
      assert.equal(first[0]?.session, s.name);
      assert.match(first[0]?.message ?? '', /u1\) on P expires in 4 min/);
      await monitor.pollNow('p1');
      assert.equal(alerts.seen.filter((a) => a.kind === 'expiring').length, 1, 'raised once per session and expiry time');

      s.expires += 5 * 60_000; // extended: 9 min left, a new expiry time
      await monitor.pollNow('p1');
      assert.equal(unchanged.at(-1), false);
      assert.equal(alerts.seen.filter((a) => a.kind === 'expiring').length, 1);
      shift = 21 * 60_000; // 4 min left again
      await monitor.pollNow('p1');
      assert.equal(unchanged.at(-1), true);
      const again = alerts.seen.filter((a) => a.kind === 'expiring');
      assert.equal(again.length, 2, 'the extended session is announced again');
      assert.notEqual(again[1]?.id, again[0]?.id);

      shift = 26 * 60_000; // expired by the monitor's clock: no further alert
      await monitor.pollNow('p1');
      assert.equal(alerts.seen.filter((a) => a.kind === 'expiring').length, 2);
    } finally {
      await monitor.close();
      client.close();
      await p.close();
    }
  });

  test('history is bounded and keeps the latest point', async () => {
    const p = await startFaultPortal();
    let t = 0;
    const o = p.options;
    const client = new PortalClient({
      baseUrl: p.url,
      refreshTokenAccount: null,
      secretStore: new MemorySecretStore(),
      credentials: async () => ({ clientId: o.clientId, clientSecret: o.clientSecret, username: o.username, password: o.password }),
    });
    const monitor = new Monitor({ now: () => t, historyLimit: 50, historyHeartbeatMs: 1000, settings: () => defaultSettings, onSnapshot: () => {}, onAlert: () => {} });
    try {
      monitor.upsert({ id: 'p1', label: 'P', client, pollIntervalMs: 600_000, enabled: true });
      for (let i = 0; i < 200; i++) {
        t += 1000;
        await monitor.pollNow('p1');
      }
      const h = monitor.history('p1');
      assert.ok(h.length <= 50 && h.length >= 25, `history has ${h.length} points`);
      assert.equal(h[h.length - 1]?.t, t);
      assert.ok((h[0]?.t ?? Infinity) <= 50_000, 'the start of the event is still covered');
      assert.deepEqual(monitor.history('p1', t - 500).map((x) => x.t), [t]);
    } finally {
      await monitor.close();
      client.close();
      await p.close();
    }
  });
});
