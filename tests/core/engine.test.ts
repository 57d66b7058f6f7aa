/**
 * The console core against the real built-in engine (in this process, temp data folder, port 0), over its REST
 * API exactly as against a remote portal. Skipped with a message while the engine does not exist yet.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { ConsoleError, type EventName, type EventPayload } from '../../shared/contract';
import { createConsoleCore } from '../../electron/services/console-core';
import type { ConsoleCore } from '../../electron/services/core-types';
import { PortalClient } from '../../electron/services/portal-client';
import { MemorySecretStore } from '../../electron/services/secret-store';

const engineIndex = path.join(__dirname, '..', '..', 'electron', 'engine', 'index.ts');

function waitForEvent<E extends EventName>(
  core: ConsoleCore,
  event: E,
  pred: (p: EventPayload<E>) => boolean,
): Promise<EventPayload<E>> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => (off(), reject(new Error(`no ${event} event matched within 15 s`))), 15_000);
    const off = core.events.on(event, (p) => {
      if (pred(p)) {
        clearTimeout(t);
        off();
        resolve(p);
      }
    });
  });
}

describe(
  'portal client on the built-in engine',
  { skip: fs.existsSync(engineIndex) ? false : 'electron/engine/index.ts does not exist yet' },
  () => {
    test('password grant, then one refresh for 10 concurrent calls (the engine rotates refresh tokens)', async () => {
      const harness = await import('../support/engine-harness.js');
      const engine = await harness.startTestEngine();
      const store = new MemorySecretStore();
      let t = Date.now();
      const client = new PortalClient({
        baseUrl: engine.url,
        refreshTokenAccount: 'builtin:refresh-token',
        secretStore: store,
        credentials: async () => harness.robotCreds(engine.engine.credentials),
        now: () => t,
      });
      try {
        const first = await client.catalog();
        assert.equal(first.data.portal.name, engine.engine.portalName);
        const rt1 = await store.get('builtin:refresh-token');
        assert.ok(rt1);
        t += 36_000_000 - 60_000; // within the refresh margin of the 10 h token
        const all = await Promise.all(Array.from({ length: 10 }, () => client.catalog()));
        assert.equal(all.length, 10);
        const rt2 = await store.get('builtin:refresh-token');
        assert.ok(rt2 && rt2 !== rt1, 'the rotated refresh token was saved');
        // a fresh client starting from the saved refresh token signs in with it
        const again = new PortalClient({
          baseUrl: engine.url,
          refreshTokenAccount: 'builtin:refresh-token',
          secretStore: store,
          credentials: async () => ({ ...harness.robotCreds(engine.engine.credentials), password: 'wrong-password' }),
        });
        assert.equal((await again.catalog()).data.portal.name, engine.engine.portalName);
        again.close();
      } finally {
        client.close();
        await engine.close();
      }
    });
  },
);

describe(
  'console core on the built-in engine',
  { skip: fs.existsSync(engineIndex) ? false : 'electron/engine/index.ts does not exist yet' },
  () => {
    test('monitor, request, people, user cap, extend/terminate, outage and recovery', async () => {
      const harness = await import('../support/engine-harness.js');
      const config = harness.portalConfig({
        name: 'lab',
        portal: { sessions: { maximum: 0, registered: 1, anonymous: 1 } },
        workshops: [
          { name: 'lab-k8s', capacity: 2, reserved: 0, initial: 0, expires: '30m' },
          { name: 'lab-spring', capacity: 5, reserved: 0, initial: 0, expires: '30m' },
        ],
        workshopSpecs: { 'lab-k8s': { title: 'Kubernetes Basics' }, 'lab-spring': { title: 'Spring Lab' } },
      });
      const engine = await harness.startTestEngine({ config });
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'console-engine-'));
      const core = await createConsoleCore({
        dataDir: dir,
        secretStore: new MemorySecretStore(),
        mode: 'web',
        version: 't',
        builtinPortal: { url: engine.url, credentials: harness.robotCreds(engine.engine.credentials) },
        tuning: { pollIntervalMs: 50, maxBackoffMs: 200, offlineAfterFailures: 2, requestTimeoutMs: 2000, retries: 0 },
      });
      try {
        const live = await waitForEvent(
          core,
          'monitor.portal',
          (s) => s.status === 'live' && s.environments.length === 2,
        );
        assert.equal(live.portal?.name, 'lab');
        assert.equal(live.label, os.hostname());
        const k8s = live.environments.find((e) => e.workshop.title === 'Kubernetes Basics');
        const spring = live.environments.find((e) => e.workshop.title === 'Spring Lab');
        assert.ok(k8s && spring);
        assert.ok(Math.abs(live.clockOffsetMs) < 2500, `clock offset ${live.clockOffsetMs}`);

        const a = await core.handlers['sessions.request']({
          portalId: 'builtin',
          environment: k8s.name,
          email: 'ada@example.org',
          firstName: 'Ada',
        });
        assert.equal(a.user, 'ada-example-org');
        assert.ok(a.activationUrl.startsWith(`${engine.url}/workshops/session/${a.session}/activate/?token=`));
        const seen = await waitForEvent(core, 'monitor.portal', (s) =>
          s.environments.some((e) => e.sessions.some((x) => x.name === a.session)),
        );
        assert.equal(seen.environments.find((e) => e.name === k8s.name)?.allocated, 1);

        const people = await core.handlers['people.find']({ query: 'ada@example.org' });
        assert.deepEqual(
          people.sessions.map((s) => s.name),
          [a.session],
        );
        assert.deepEqual(people.failures, []);

        await assert.rejects(
          core.handlers['sessions.request']({ portalId: 'builtin', environment: spring.name, user: 'ada-example-org' }),
          (e: unknown) => e instanceof ConsoleError && e.code === 'user-cap',
        );
        await core.handlers['sessions.request']({ portalId: 'builtin', environment: k8s.name, user: 'bob' });
        await assert.rejects(
          core.handlers['sessions.request']({ portalId: 'builtin', environment: k8s.name, user: 'cy' }),
          (e: unknown) => e instanceof ConsoleError && e.code === 'no-capacity' && /Kubernetes Basics/.test(e.message),
        );
        await assert.rejects(
          core.handlers['sessions.request']({ portalId: 'builtin', environment: 'lab-w99', user: 'cy' }),
          (e: unknown) => e instanceof ConsoleError && e.code === 'unknown-workshop',
        );

        const ended = await core.handlers['sessions.terminate']({ portalId: 'builtin', session: a.session });
        assert.equal(ended.session, a.session);

        const port = new URL(engine.url).port;
        await engine.engine.close();
        const down = await waitForEvent(core, 'monitor.portal', (s) => s.status === 'offline');
        assert.match(down.lastError ?? '', /portal unreachable/);
        await engine.restart({ port: Number(port) });
        const back = await waitForEvent(core, 'monitor.portal', (s) => s.status === 'live');
        assert.equal(back.lastError, null);
      } finally {
        await core.close();
        await engine.close();
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  },
);
