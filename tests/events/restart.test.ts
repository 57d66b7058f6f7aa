import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { CONSOLE_DB_FILE } from '../../electron/services/console-db';
import { rawRequest } from '../support/engine-harness';
import {
  environmentOf,
  labConfig,
  makeEvent,
  people,
  runEnded,
  startFixture,
  untilAttendees,
  untilSnapshot,
} from './helpers';

test('after a restart: an intent that landed is adopted with its link, one that did not is undone', async (t) => {
  const f = await startFixture(labConfig([{ name: 'lab-k8s', capacity: 20, reserved: 0, initial: 0, expires: '1h' }]));
  t.after(() => f.close());
  const env = await environmentOf(f.core, 'lab-k8s');
  const ev = await makeEvent(f.core, 'Crash', [env]);
  const added = (
    await f.core.handlers['events.addAttendees']({ eventId: ev.id, attendees: people(3, 'crash'), source: 'csv' })
  ).added;
  const [a, b, c] = added;
  assert.ok(a && b && c);
  await f.core.close();

  // What a console killed mid-request leaves: intents for a and b; a's request reached the portal, b's did not.
  const db = new Database(path.join(f.dataDir, CONSOLE_DB_FILE));
  const requestedAt = Date.now() - 30_000;
  const insert = db.prepare(
    'INSERT INTO allocations (attendee_id, event_id, environment, requested_at, status) ' +
      "VALUES (?, ?, ?, ?, 'allocating')",
  );
  for (const x of [a, b]) insert.run(x.id, ev.id, env, requestedAt);
  db.close();
  const landed = await f.engine.apiJson<{ name: string; url: string }>(
    `/workshops/environment/${env}/request/?user=${a.user}&timeout=3600` +
      `&index_url=${encodeURIComponent(`${f.engine.url}/`)}`,
    { method: 'POST' },
  );

  const core = await f.restart();
  const list = await untilAttendees(core, ev.id, (l) =>
    l.every((x) => x.status !== 'allocating' && (x.status !== 'waiting' || x.activationUrl !== null)),
  );
  const ra = list.find((x) => x.id === a.id);
  assert.equal(ra?.status, 'waiting');
  assert.equal(ra?.session, landed.name);
  // the link of the session that landed, recovered: same session, same activation token (index_url is echoed)
  const got = new URL(ra?.activationUrl as string);
  const want = new URL(`${f.engine.url}${landed.url}`);
  assert.equal(got.pathname, want.pathname);
  assert.equal(got.searchParams.get('token'), want.searchParams.get('token'));
  assert.match(ra?.flags.join(' ') ?? '', /recovered: the console stopped while this was being allocated/);
  assert.equal(list.find((x) => x.id === b.id)?.status, 'not-allocated');
  assert.equal(list.find((x) => x.id === c.id)?.status, 'not-allocated');

  // allocating the rest never requests a second session for a
  await core.handlers['events.allocate']({ eventId: ev.id, scope: 'unallocated' });
  assert.equal((await runEnded(core, ev.id)).run?.total, 2);
  const snap = await untilSnapshot(
    core,
    (s) => (s.environments.find((e) => e.name === env)?.sessions.length ?? 0) === 3,
  );
  const owners = snap.environments.find((e) => e.name === env)?.sessions.map((s) => s.user) ?? [];
  assert.deepEqual([...owners].sort(), [a.user, b.user, c.user].sort(), 'one session each');
});

test('the built-in portal on another port after a restart: live links move, are flagged, still work', async (t) => {
  const f = await startFixture(labConfig([{ name: 'lab-k8s', capacity: 20, reserved: 0, initial: 0, expires: '1h' }]));
  t.after(() => f.close());
  const env = await environmentOf(f.core, 'lab-k8s');
  const ev = await makeEvent(f.core, 'Moved', [env]);
  await f.core.handlers['events.addAttendees']({ eventId: ev.id, attendees: people(2, 'moved'), source: 'csv' });
  await f.core.handlers['events.allocate']({ eventId: ev.id, scope: 'all' });
  await runEnded(f.core, ev.id);
  const before = (await f.core.handlers['events.get']({ eventId: ev.id })).attendees;
  const oldPort = new URL(f.engine.url).port;

  await f.core.close();
  await f.engine.restart();
  const newPort = new URL(f.engine.url).port;
  if (newPort === oldPort) return t.skip('the engine came back on the same port');
  const core = await f.restart();
  const after = (await core.handlers['events.get']({ eventId: ev.id })).attendees;
  for (const [i, a] of after.entries()) {
    const old = new URL(before[i]?.activationUrl as string);
    assert.equal(a.activationUrl, `${f.engine.url}${old.pathname}${old.search}`);
    assert.deepEqual(a.flags, [`link-reissued: the built-in portal moved from :${oldPort} to :${newPort}`]);
  }
  const link = new URL(after[0]?.activationUrl as string);
  assert.equal((await rawRequest(link.origin, `${link.pathname}${link.search}`)).status, 302);
  await untilAttendees(core, ev.id, (l) => l[0]?.status === 'running');
});
