import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Alert, PortalSnapshot, Settings } from '../../shared/contract';
import { BACKOFF_EXTRA_MS, Monitor, type MonitorTimers } from '../../electron/services/monitor';
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
      for (const w of [...waiters]) {
        if (!w.pred(v)) continue;
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(v);
      }
    },
    next(pred: (v: T) => boolean, from = 0): Promise<T> {
      const hit = seen.slice(from).find(pred);
      if (hit) return Promise.resolve(hit);
      return new Promise((resolve, reject) => {
        const t = setTimeout(
          () =>
            reject(
              new Error(
                'no matching push within 10 s; seen: ' +
                  JSON.stringify(seen.map((s) => (s as { status?: string }).status ?? s)),
              ),
            ),
          10_000,
        );
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
        const check = () =>
          (portal.hits.get('GET /workshops/catalog/environments/') ?? 0) >= polls + 4
            ? resolve()
            : setTimeout(check, 10);
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
      const recovered = await alerts.next((a) => a.kind === 'portal-recovered');
      assert.equal(recovered.message, 'Fake answers again');
      assert.equal(recovered.portalLabel, 'Fake');
      assert.ok(alerts.seen.indexOf(recovered) > alerts.seen.indexOf(down), 'the recovery follows the outage');
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
    const settings: Settings = {
      ...defaultSettings,
      alerts: { capacityPercent: 50, expiringMinutes: 5, notifyOs: false },
    };
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
      assert.equal(alerts.seen.filter((a) => a.kind === 'capacity-recovered').length, 0, 'nothing recovered yet');
      // the session ends: the environment is below the threshold again
      s.state = 'STOPPING';
      const freed = await alerts.next((a) => a.kind === 'capacity-recovered');
      assert.equal(freed.environment, 'cap-w01');
      assert.match(freed.message, /below 50% of its capacity again \(0 of 2/);
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
    const p = await startFaultPortal({
      environments: [{ name: 'exp-w01', title: 'Exp', capacity: 4, duration: 3600 }],
    });
    const o = p.options;
    const client = new PortalClient({
      baseUrl: p.url,
      refreshTokenAccount: null,
      secretStore: new MemorySecretStore(),
      credentials: async () => ({
        clientId: o.clientId,
        clientSecret: o.clientSecret,
        username: o.username,
        password: o.password,
      }),
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
    const settings: Settings = {
      ...defaultSettings,
      alerts: { capacityPercent: 100, expiringMinutes: 5, notifyOs: false },
    };
    // the monitor's clock only: the portal's Date header and countdowns keep real time, so the catalog stays the same
    let shift = 0;
    const monitor = new Monitor({
      now: () => Date.now() + shift,
      clockJitterMs: 2000,
      settings: () => settings,
      onSnapshot: () => {},
      onAlert: (a) => alerts.push(a),
    });
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
      assert.equal(
        alerts.seen.filter((a) => a.kind === 'expiring').length,
        1,
        'raised once per session and expiry time',
      );

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
      credentials: async () => ({
        clientId: o.clientId,
        clientSecret: o.clientSecret,
        username: o.username,
        password: o.password,
      }),
    });
    const monitor = new Monitor({
      now: () => t,
      historyLimit: 50,
      historyHeartbeatMs: 1000,
      settings: () => defaultSettings,
      onSnapshot: () => {},
      onAlert: () => {},
    });
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
      assert.deepEqual(
        monitor.history('p1', t - 500).map((x) => x.t),
        [t],
      );
    } finally {
      await monitor.close();
      client.close();
      await p.close();
    }
  });
});

/**
 * The monitor's timers, stepped by the test: which delay each next poll was scheduled with, and a way to run it.
 * Polls themselves go over real loopback HTTP; only the waiting between them is skipped.
 */
class SteppedTimers implements MonitorTimers {
  readonly armed = new Set<{ run: () => void; delayMs: number }>();
  private waiting: ((delayMs: number) => void) | null = null;
  set(run: () => void, delayMs: number) {
    const timer = { run, delayMs };
    this.armed.add(timer);
    const w = this.waiting;
    this.waiting = null;
    w?.(delayMs);
    return timer;
  }
  clear(handle: unknown) {
    this.armed.delete(handle as { run: () => void; delayMs: number });
  }
  /** the delay of the one timer armed now */
  get delay(): number {
    assert.equal(this.armed.size, 1, 'exactly one poll is scheduled');
    return [...this.armed][0]?.delayMs ?? NaN;
  }
  /** resolves with the delay of the next timer armed (the poll before it is then done) */
  nextArmed(): Promise<number> {
    return new Promise((resolve) => (this.waiting = resolve));
  }
  /** runs the armed timer (its delay "passes") and resolves once the poll it started has scheduled the next one */
  async fire(): Promise<number> {
    const timer = [...this.armed][0];
    assert.ok(timer && this.armed.size === 1, 'exactly one poll is scheduled');
    this.armed.delete(timer);
    const next = this.nextArmed();
    timer.run();
    return next;
  }
}

describe('backoff while a portal is down, and "retry now"', () => {
  const INTERVAL = 1000;

  function stepped(portal: FakePortal) {
    const timers = new SteppedTimers();
    const snaps = recorder<PortalSnapshot>();
    const o = portal.options;
    // what the console was given: a password changed on the portal afterwards is not known here
    const creds = { clientId: o.clientId, clientSecret: o.clientSecret, username: o.username, password: o.password };
    const client = new PortalClient({
      baseUrl: portal.url,
      refreshTokenAccount: null,
      secretStore: new MemorySecretStore(),
      credentials: async () => creds,
      timeoutMs: 2000,
      retries: 0,
    });
    const monitor = new Monitor({
      timers,
      settings: () => defaultSettings,
      onSnapshot: (s) => snaps.push(s),
      onAlert: () => {},
    });
    monitor.upsert({ id: 'p1', label: 'Stepped', client, pollIntervalMs: INTERVAL, enabled: true });
    const status = () => monitor.snapshot('p1')?.status;
    return { timers, snaps, client, monitor, status };
  }

  test(
    'an offline portal is retried at most its interval + 5 s apart ' + 'and shows live on the first poll once back',
    async () => {
      const portal = await startFaultPortal();
      const { timers, client, monitor, status } = stepped(portal);
      try {
        assert.equal(timers.delay, 0, 'the first poll is at once');
        assert.equal(await timers.fire(), INTERVAL);
        assert.equal(status(), 'live');

        await portal.stop();
        const delays: number[] = [];
        for (let i = 0; i < 8; i++) delays.push(await timers.fire());
        assert.equal(status(), 'offline');
        // still a backoff (a dead portal is not hammered), but never beyond the interval plus a few seconds
        assert.deepEqual(delays, [1000, 2000, 4000, 6000, 6000, 6000, 6000, 6000]);
        assert.ok(timers.delay <= INTERVAL + BACKOFF_EXTRA_MS);

        await portal.restart();
        assert.equal(await timers.fire(), INTERVAL, 'back at its interval');
        assert.equal(status(), 'live', 'live on the first poll after it came back');
      } finally {
        await monitor.close();
        client.close();
        await portal.close();
      }
    },
  );

  test('rejected credentials back off further: each retry is a failed sign-in on the portal', async () => {
    const portal = await startFaultPortal();
    const { timers, client, monitor, status } = stepped(portal);
    try {
      await timers.fire();
      portal.setPassword('changed-by-an-admin');
      portal.revokeAccessTokens();
      const delays: number[] = [];
      for (let i = 0; i < 8; i++) delays.push(await timers.fire());
      assert.equal(status(), 'credentials-rejected');
      assert.deepEqual(delays, [1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000]);
    } finally {
      await monitor.close();
      client.close();
      await portal.close();
    }
  });

  test('retry now polls at once while a backoff timer is armed, and resets the backoff', async () => {
    const portal = await startFaultPortal();
    const { timers, client, monitor, status } = stepped(portal);
    try {
      await timers.fire();
      await portal.stop();
      for (let i = 0; i < 5; i++) await timers.fire();
      assert.equal(timers.delay, INTERVAL + BACKOFF_EXTRA_MS);

      // still down: the manual poll fails, and the next automatic one comes after the interval again
      const pollsBefore = portal.hits.get('GET /workshops/catalog/environments/') ?? 0;
      let snap = await monitor.pollNow('p1');
      assert.equal(snap?.status, 'offline', 'a failed retry keeps counting towards offline');
      assert.equal(timers.delay, INTERVAL, 'backoff reset by the manual poll');

      for (let i = 0; i < 5; i++) await timers.fire();
      assert.equal(timers.delay, INTERVAL + BACKOFF_EXTRA_MS);
      await portal.restart();
      snap = await monitor.pollNow('p1');
      assert.equal(snap?.status, 'live', 'live without waiting for the armed timer');
      assert.equal(status(), 'live');
      assert.equal(timers.delay, INTERVAL, 'the backoff timer was replaced by one at the interval');
      assert.equal(
        (portal.hits.get('GET /workshops/catalog/environments/') ?? 0) - pollsBefore,
        1,
        'one poll reached the portal',
      );
    } finally {
      await monitor.close();
      client.close();
      await portal.close();
    }
  });

  test('retry now never runs two polls of one portal at once', async () => {
    const portal = await startFaultPortal();
    const { timers, client, monitor, status } = stepped(portal);
    let running = 0;
    let most = 0;
    let calls = 0;
    const catalog = client.catalog.bind(client);
    client.catalog = async (...args) => {
      calls++;
      most = Math.max(most, ++running);
      try {
        return await catalog(...args);
      } finally {
        running--;
      }
    };
    try {
      await timers.fire();
      calls = 0;
      portal.setFault({ kind: 'slow', delayMs: 150 }, /catalog/);
      // the scheduled poll starts and is slow; three clicks on "retry now" meanwhile
      const armed = [...timers.armed][0];
      assert.ok(armed);
      timers.armed.delete(armed);
      armed.run();
      const clicks = await Promise.all([monitor.pollNow('p1'), monitor.pollNow('p1'), monitor.pollNow('p1')]);
      assert.equal(most, 1, 'one poll at a time');
      assert.equal(calls, 2, 'the clicks wait for the poll under way, then share one more');
      assert.deepEqual(
        clicks.map((c) => c?.status),
        ['live', 'live', 'live'],
      );
      assert.equal(status(), 'live');
      assert.equal(timers.armed.size, 1, 'one next poll scheduled');
    } finally {
      portal.setFault(null);
      await monitor.close();
      client.close();
      await portal.close();
    }
  });

  test('retry now for a portal removed while its poll was under way does nothing', async () => {
    const portal = await startFaultPortal();
    const { timers, client, monitor } = stepped(portal);
    try {
      await timers.fire();
      portal.setFault({ kind: 'slow', delayMs: 100 }, /catalog/);
      const before = portal.hits.get('GET /workshops/catalog/environments/') ?? 0;
      const armed = [...timers.armed][0];
      assert.ok(armed);
      timers.armed.delete(armed);
      armed.run();
      const click = monitor.pollNow('p1');
      monitor.remove('p1');
      assert.equal(await click, null);
      const polls = (portal.hits.get('GET /workshops/catalog/environments/') ?? 0) - before;
      assert.equal(polls, 1, 'only the poll under way reached the portal, none after the removal');
      assert.equal(timers.armed.size, 0, 'nothing scheduled for a removed portal');
    } finally {
      portal.setFault(null);
      await monitor.close();
      client.close();
      await portal.close();
    }
  });
});
