/**
 * A burst of 1,000 concurrent session requests against the built-in engine (real loopback HTTP, real SQLite).
 * 800 distinct users, 200 of them asking twice at the same moment. Afterwards: no 5xx other than the portal's
 * documented 503 "No session available", the capacity is never exceeded, no session is owned by two users, a
 * user who asked twice got the same session both times, and the catalog agrees with the replies.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { portalConfig, startTestEngine, type TestEngine } from '../support/engine-harness';

const PORTAL = 'burst';
const ENV = `${PORTAL}-w01`;
const CAPACITY = 150;
const REQUESTS = 1000;
const DOUBLE_ASKERS = 200;

interface CatalogEnvironment {
  name: string;
  capacity: number;
  allocated: number;
  available: number;
  sessions?: Array<{ name: string; user: string; state: string }>;
}

let te: TestEngine;

before(async () => {
  te = await startTestEngine({
    config: portalConfig({
      name: PORTAL,
      workshops: [{ name: 'lab-burst', capacity: CAPACITY, reserved: 10, initial: 10, expires: '30m' }],
    }),
  });
});
after(async () => {
  await te?.close();
});

test(
  `${REQUESTS} concurrent allocations: no 5xx, capacity held, no session owned twice`,
  { timeout: 120_000 },
  async () => {
    const token = await te.robotToken();
    const users = Array.from(
      { length: REQUESTS },
      (_, i) => `burst-user-${i < REQUESTS - DOUBLE_ASKERS ? i : i - (REQUESTS - DOUBLE_ASKERS)}`,
    );
    const started = Date.now();
    // watch the counters while the burst is on: capacity must hold at every moment, not only at the end
    let bursting = true;
    let samples = 0;
    let maxAllocated = 0;
    const watcher = (async () => {
      while (bursting) {
        const env = await te.apiJson<CatalogEnvironment>(`/workshops/environment/${ENV}/status/`);
        samples++;
        maxAllocated = Math.max(maxAllocated, env.allocated);
        assert.ok(
          env.allocated <= env.capacity,
          `allocated ${env.allocated} > capacity ${env.capacity} during the burst`,
        );
        await new Promise((r) => setTimeout(r, 10));
      }
    })();
    const replies = await Promise.all(
      users.map(async (user) => {
        const res = await fetch(
          `${te.url}/workshops/environment/${ENV}/request/` +
            `?index_url=${encodeURIComponent('https://hub.test/')}&user=${user}&timeout=0`,
          { headers: { authorization: `Bearer ${token}` } },
        );
        const body = await res.text();
        return { user, status: res.status, body };
      }),
    );
    const elapsedMs = Date.now() - started;
    bursting = false;
    await watcher;

    const byStatus = new Map<number, number>();
    for (const r of replies) byStatus.set(r.status, (byStatus.get(r.status) ?? 0) + 1);
    console.log(
      `burst: ${REQUESTS} requests in ${elapsedMs} ms; statuses ${JSON.stringify(Object.fromEntries(byStatus))}; ` +
        `${samples} samples of the counters during the burst, max allocated ${maxAllocated}`,
    );
    assert.ok(samples >= 1, 'the counters were sampled during the burst');

    const unexpected = replies.filter((r) => r.status !== 200 && r.status !== 503);
    assert.deepEqual(
      unexpected.map((r) => `${r.status} ${r.body.slice(0, 100)}`),
      [],
      'only 200 or 503',
    );
    for (const r of replies.filter((x) => x.status === 503))
      assert.deepEqual(JSON.parse(r.body), { error: 'No session available' });

    const ok = replies
      .filter((r) => r.status === 200)
      .map((r) => ({ asked: r.user, ...(JSON.parse(r.body) as { name: string; user: string }) }));
    const sessionOwner = new Map<string, string>();
    const userSession = new Map<string, string>();
    for (const a of ok) {
      assert.equal(a.user, a.asked, 'the reply names the user who asked');
      const owner = sessionOwner.get(a.name);
      assert.ok(owner === undefined || owner === a.user, `${a.name} handed to ${owner} and ${a.user}`);
      sessionOwner.set(a.name, a.user);
      const had = userSession.get(a.user);
      assert.ok(had === undefined || had === a.name, `${a.user} got ${had} and ${a.name}`);
      userSession.set(a.user, a.name);
    }
    assert.ok(sessionOwner.size <= CAPACITY, `${sessionOwner.size} sessions handed out, capacity ${CAPACITY}`);
    // more users than capacity asked, so the environment must end exactly full
    assert.equal(sessionOwner.size, CAPACITY, 'every place was handed out');

    const catalog = (
      await te.apiJson<{ environments: CatalogEnvironment[] }>('/workshops/catalog/environments/?sessions=true')
    ).environments.find((e) => e.name === ENV);
    assert.ok(catalog, 'environment listed');
    assert.ok(catalog.allocated <= catalog.capacity, 'catalog: allocated within capacity');
    assert.equal(catalog.allocated, sessionOwner.size, 'catalog count matches the 200 replies');
    const listed = catalog.sessions ?? [];
    assert.equal(new Set(listed.map((s) => s.name)).size, listed.length, 'no session listed twice');
    for (const s of listed) assert.equal(s.user, sessionOwner.get(s.name), `${s.name} owner in the catalog`);
  },
);
