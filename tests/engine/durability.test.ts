/**
 * Durability (engine spec "Persistence", "Lifecycle"): restart keeps users, sessions and tokens and re-arms
 * deadlines; `kill -9` right after 200 replies loses none of them; the SQLite file stays consistent.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import {
  makeTempDir,
  requestToken,
  robotCreds,
  spawnEngineCli,
  startTestEngine,
  type EngineCliProcess,
  type TestEngine,
} from '../support/engine-harness';
import { ManualClock } from '../support/manual-clock';
import { catalogEnvironmentsSchema, requestReplySchema, type RequestReply } from '../support/portal-schemas';
import {
  activateOk,
  catalog,
  config,
  qs,
  INDEX_URL,
  requestSession,
  scheduleStatus,
  uid,
  userSessions,
} from './helpers';

function integrity(dbFile: string): string {
  const db = new Database(dbFile);
  try {
    return String(db.pragma('integrity_check', { simple: true }));
  } finally {
    db.close();
  }
}

const W1 = 'dur-portal-w01';
const W2 = 'dur-portal-w02';
const CONFIG = config('dur-portal', {
  workshops: [
    { name: 'lab-dur', capacity: 100, reserved: 1, expires: '30m' },
    { name: 'lab-short', capacity: 10, reserved: 0, expires: '4s' },
  ],
});

describe('restart on the same data folder', () => {
  // one clock across restarts, so a deadline can pass while the engine is down
  const clock = new ManualClock();
  let te: TestEngine;
  before(async () => {
    te = await startTestEngine({ clock, config: CONFIG });
  });
  after(async () => {
    await te?.close();
  });

  test('users, sessions and tokens survive a restart', async () => {
    const tokens = await requestToken(te.url, robotCreds(te.engine.credentials));
    const bearer = { headers: { authorization: `Bearer ${tokens.access_token}` } };
    const alice = await requestSession(te, W1, { user: uid('alice') });
    await activateOk(te, alice);
    const bob = await requestSession(te, W1, { user: uid('bob') });
    const credentials = te.engine.credentials;

    await te.restart();
    assert.deepEqual(te.engine.credentials, credentials);

    const res = await te.api('/workshops/catalog/environments/?sessions=true', bearer);
    assert.equal(res.status, 200, 'an access token issued before the restart still works');
    const body = catalogEnvironmentsSchema.parse(await res.json());
    const sessions = body.environments.find((e) => e.name === W1)?.sessions ?? [];
    assert.equal(sessions.find((s) => s.name === alice.name)?.state, 'RUNNING');
    assert.equal(sessions.find((s) => s.name === alice.name)?.user, alice.user);
    assert.ok(sessions.some((s) => s.name === bob.name && s.user === bob.user && s.state !== 'RUNNING'));
    assert.deepEqual(
      (await userSessions(te, alice.user)).sessions.map((s) => s.name),
      [alice.name],
    );
    const again = await requestSession(te, W1, { user: bob.user });
    assert.equal(again.url, bob.url, 'same session and activation token after restart');
    await activateOk(te, bob);

    const refreshed = await fetch(`${te.url}/oauth2/token/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: tokens.refresh_token,
        client_id: credentials.robot.clientId,
        client_secret: credentials.robot.clientSecret,
      }).toString(),
    });
    assert.equal(refreshed.status, 200, 'a refresh token issued before the restart still works');
    await refreshed.text();

    const carol = await requestSession(te, W1, { user: uid('carol') });
    assert.ok(![alice.name, bob.name].includes(carol.name), 'session numbering continues after a restart');
  });

  test('deadlines are re-armed: one that passed while down is gone at start, pending ones still fire', async () => {
    const early = await requestSession(te, W1, { user: uid('early'), timeout: '1' });
    const late = await requestSession(te, W1, { user: uid('late'), timeout: '8' });
    const running = await requestSession(te, W2, { user: uid('running') });
    await activateOk(te, running);
    const sessionsNow = (await catalog(te, '?sessions=true')).environments.flatMap((e) => e.sessions ?? []);
    const earlyExpires = sessionsNow.find((s) => s.name === early.name)?.expires;
    const lateExpires = sessionsNow.find((s) => s.name === late.name)?.expires;
    const runningExpires = sessionsNow.find((s) => s.name === running.name)?.expires;
    assert.ok(earlyExpires && lateExpires && runningExpires);

    await te.engine.close();
    assert.equal(clock.pending, 0, 'a closed engine keeps no timer');
    // the activation deadline passes while the engine is down
    clock.advance(Date.parse(earlyExpires) - clock.now() + 200);
    await te.restart();
    clock.advance(100); // start-up stopped it; its simulated deletion completes on the next sweep
    assert.equal(
      await scheduleStatus(te, early.name),
      404,
      'a session whose deadline passed while down is stopped at start',
    );
    assert.notEqual(await scheduleStatus(te, late.name), 404, 'a pending session is still there');
    assert.notEqual(await scheduleStatus(te, running.name), 404, 'a running session is still there');
    clock.advance(Date.parse(runningExpires) - clock.now() + 100);
    assert.equal(await scheduleStatus(te, running.name), 404, 'expiry re-armed after restart');
    assert.notEqual(await scheduleStatus(te, late.name), 404);
    clock.advance(Date.parse(lateExpires) - clock.now() + 100);
    assert.equal(await scheduleStatus(te, late.name), 404, 'activation deadline re-armed after restart');
  });

  test('the database passes PRAGMA integrity_check after a clean close', async () => {
    await te.engine.close();
    assert.equal(integrity(path.join(te.dataDir, 'portal.db')), 'ok');
    await te.restart();
  });
});

describe('kill -9 right after 200 replies', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  let cli: EngineCliProcess | undefined;
  before(() => {
    tmp = makeTempDir('engine-kill-');
  });
  after(async () => {
    if (cli) {
      cli.kill('SIGKILL');
      await cli.exited;
    }
    tmp?.cleanup();
  });

  test('every session answered with 200 is still there with its owner after restart', async () => {
    const configFile = path.join(tmp.dir, 'portal.yaml');
    fs.writeFileSync(
      configFile,
      config('kill-portal', {
        portal: {
          credentials: {
            robot: { username: 'kill-robot', password: 'kill-robot-pw' },
            admin: { username: 'kill-admin', password: 'kill-admin-pw' },
          },
          clients: { robot: { id: 'kill-client', secret: 'kill-secret' } },
        },
        workshops: [{ name: 'lab-kill', capacity: 300, reserved: 2, expires: '30m' }],
      }),
    );
    const dataDir = path.join(tmp.dir, 'data');
    const args = ['--config', configFile, '--data', dataDir, '--host', '127.0.0.1', '--port', '0'];
    const creds = {
      clientId: 'kill-client',
      clientSecret: 'kill-secret',
      username: 'kill-robot',
      password: 'kill-robot-pw',
    };

    cli = await spawnEngineCli(args);
    const { access_token: token } = await requestToken(cli.url, creds);
    const url = cli.url;
    const answered: RequestReply[] = [];
    const TOTAL = 80;
    const KILL_AFTER = 50;
    let killed = false;
    await Promise.allSettled(
      Array.from({ length: TOTAL }, async (_, i) => {
        const res = await fetch(
          `${url}/workshops/environment/kill-portal-w01/request/` +
            qs({ index_url: INDEX_URL, user: `kill-user-${i}`, timeout: '0' }),
          {
            headers: { authorization: `Bearer ${token}` },
          },
        );
        const text = await res.text();
        if (res.status !== 200) return;
        answered.push(requestReplySchema.parse(JSON.parse(text)));
        if (answered.length >= KILL_AFTER && !killed) {
          killed = true;
          cli?.kill('SIGKILL');
        }
      }),
    );
    assert.ok(killed, `the engine was killed after ${KILL_AFTER} replies (got ${answered.length})`);
    const exit = await cli.exited;
    assert.equal(exit.signal, 'SIGKILL');
    cli = undefined;

    assert.equal(integrity(path.join(dataDir, 'portal.db')), 'ok');

    cli = await spawnEngineCli(args);
    const res = await fetch(`${cli.url}/workshops/catalog/environments/?sessions=true`, {
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(res.status, 200, 'the access token survived the kill');
    const body = catalogEnvironmentsSchema.parse(await res.json());
    const owners = new Map((body.environments[0]?.sessions ?? []).map((s) => [s.name, s.user]));
    for (const reply of answered)
      assert.equal(owners.get(reply.name), reply.user, `${reply.name} of ${reply.user} survived`);
    assert.equal(new Set(answered.map((r) => r.name)).size, answered.length, 'no session was given twice');
    cli.kill('SIGTERM');
    const stopped = await cli.exited;
    assert.equal(stopped.code, 0);
    cli = undefined;
    assert.equal(integrity(path.join(dataDir, 'portal.db')), 'ok');
  });
});
