/**
 * `kill -9` of the engine (the CLI in a child process) in the middle of a burst of allocations, then a restart on
 * the same data folder. Every allocation that was answered 200 before the kill must still be there, owned by the
 * same user; SQLite's `PRAGMA integrity_check` must say `ok`; and the deadline timers must be re-armed: a session
 * still waiting for activation when the engine died expires at its time after the restart.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import Database from 'better-sqlite3';
import {
  getToken,
  makeTempDir,
  portalConfig,
  spawnEngineCli,
  waitFor,
  type ClientCredentials,
  type EngineCliProcess,
} from '../support/engine-harness';

const PORTAL = 'crash';
const ENV = `${PORTAL}-w01`;
const BURST = 600;
const KILL_AFTER_ANSWERS = 150;
/** activation timeout (s) of the session that must expire after the restart */
const PENDING_TIMEOUT_S = 8;

interface Stored {
  robot: { clientId: string; clientSecret: string; username: string; password: string };
}
interface CatalogSession {
  name: string;
  user: string;
  state: string;
  expires?: string;
}
interface Catalog {
  environments: Array<{ name: string; capacity: number; allocated: number; sessions?: CatalogSession[] }>;
}

const tmp = makeTempDir('pc-crash-');
const engines: EngineCliProcess[] = [];
after(async () => {
  for (const e of engines) {
    e.kill('SIGKILL');
    await e.exited;
  }
  tmp.cleanup();
});

function robotOf(dataDir: string): ClientCredentials {
  const stored = JSON.parse(fs.readFileSync(path.join(dataDir, 'credentials.json'), 'utf8')) as Stored;
  return stored.robot;
}

async function sessionsOf(url: string, token: string): Promise<CatalogSession[]> {
  const res = await fetch(`${url}/workshops/catalog/environments/?sessions=true`, {
    headers: { authorization: `Bearer ${token}` },
  });
  assert.equal(res.status, 200);
  const env = ((await res.json()) as Catalog).environments.find((e) => e.name === ENV);
  assert.ok(env, `${ENV} listed`);
  assert.ok(env.allocated <= env.capacity, 'capacity held');
  return env.sessions ?? [];
}

test(
  'kill -9 mid-burst: answered allocations survive, the database is intact, deadlines re-armed',
  { timeout: 120_000 },
  async () => {
    const dataDir = path.join(tmp.dir, 'data');
    const configPath = path.join(tmp.dir, 'portal.yaml');
    fs.writeFileSync(
      configPath,
      portalConfig({ name: PORTAL, workshops: [{ name: 'lab-crash', capacity: 1000, reserved: 0, expires: '30m' }] }),
    );
    const args = ['--data', dataDir, '--config', configPath, '--host', '127.0.0.1', '--port', '0'];

    const first = await spawnEngineCli(args);
    engines.push(first);
    const token = await getToken(first.url, robotOf(dataDir));
    const auth = { authorization: `Bearer ${token}` };
    const request = (user: string, timeout: number) =>
      fetch(
        `${first.url}/workshops/environment/${ENV}/request/` +
          `?index_url=https%3A%2F%2Fhub.test%2F&user=${user}&timeout=${timeout}`,
        {
          headers: auth,
        },
      );

    // a session left waiting for activation: its deadline lives only in the database when the process dies
    const pendingRes = await request('pending-user', PENDING_TIMEOUT_S);
    assert.equal(pendingRes.status, 200);
    const pendingName = ((await pendingRes.json()) as { name: string }).name;
    const pendingListed = (await sessionsOf(first.url, token)).find((s) => s.name === pendingName);
    assert.ok(pendingListed?.expires, 'the pending session has an activation deadline');
    const pendingExpiresAt = Date.parse(pendingListed.expires);

    // the burst; the engine is killed once enough answers are in, with the rest still in flight
    const answered: Array<{ user: string; name: string }> = [];
    let answers = 0;
    let killed = false;
    const outcomes = await Promise.allSettled(
      Array.from({ length: BURST }, async (_, i) => {
        const user = `crash-user-${i}`;
        const res = await request(user, 0);
        const body = await res.text();
        answers++;
        if (res.status === 200) answered.push({ user, name: (JSON.parse(body) as { name: string }).name });
        else assert.ok(res.status < 500 || res.status === 503, `status ${res.status}`);
        if (answers >= KILL_AFTER_ANSWERS && !killed) {
          killed = true;
          first.kill('SIGKILL');
        }
      }),
    );
    const exit = await first.exited;
    assert.equal(exit.signal, 'SIGKILL', 'the engine died by kill -9');
    const rejected = outcomes.filter((o) => o.status === 'rejected').length;
    console.log(`crash: ${answered.length} allocations answered 200 before kill -9; ${rejected} requests cut off`);
    assert.ok(answered.length >= KILL_AFTER_ANSWERS - 5, 'the burst was mostly answered before the kill');
    assert.ok(rejected > 0, 'the kill happened mid-burst (some requests never got an answer)');

    // the files as the dead process left them (WAL included)
    const db = new Database(path.join(dataDir, 'portal.db'));
    try {
      assert.deepEqual(db.pragma('integrity_check'), [{ integrity_check: 'ok' }]);
    } finally {
      db.close();
    }

    const second = await spawnEngineCli(args);
    engines.push(second);
    const token2 = await getToken(second.url, robotOf(dataDir));
    const after = await sessionsOf(second.url, token2);
    const owner = new Map(after.map((s) => [s.name, s.user]));
    assert.equal(owner.size, after.length, 'no session listed twice');
    const lost = answered.filter((a) => owner.get(a.name) !== a.user).map((a) => `${a.name} (${a.user})`);
    assert.deepEqual(lost, [], 'every allocation answered 200 is still there, with its owner');
    assert.equal(new Set(after.map((s) => s.user)).size, after.length, 'no user holds two sessions');

    // the re-armed deadline: still waiting before its time, gone after it
    if (Date.now() < pendingExpiresAt - 1000) {
      assert.ok(
        after.some((s) => s.name === pendingName),
        'the pending session is still there before its deadline',
      );
    }
    const goneAt = await waitFor(
      async () => ((await sessionsOf(second.url, token2)).some((s) => s.name === pendingName) ? undefined : Date.now()),
      { timeoutMs: PENDING_TIMEOUT_S * 1000 + 20_000, intervalMs: 200 },
    );
    assert.ok(goneAt >= pendingExpiresAt - 1000, 'it did not expire before its deadline');
    const survivors = await sessionsOf(second.url, token2);
    assert.ok(
      answered.every((a) => survivors.some((s) => s.name === a.name)),
      'the running sessions were not expired with it',
    );
    second.kill('SIGTERM');
    assert.equal((await second.exited).code, 0, 'a clean stop after the restart');
  },
);
