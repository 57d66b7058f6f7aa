import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { CONSOLE_DB_FILE, openConsoleDb, schemaVersion } from '../../electron/services/console-db';
import { EventStore } from '../../electron/services/events/event-store';
import { MIGRATIONS } from '../../electron/services/migrations';

function tempDir(t: { after(fn: () => void): void }) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'console-db-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const LATEST = MIGRATIONS.at(-1)?.version ?? 0;

test('a new console.db: private files, WAL, every migration applied', (t) => {
  const parent = tempDir(t);
  const dir = path.join(parent, 'console');
  const c = openConsoleDb(dir);
  try {
    c.db.exec('CREATE TABLE probe (x)'); // a write, so the WAL and shared-memory files exist
    assert.equal(fs.statSync(dir).mode & 0o777, 0o700);
    for (const f of [CONSOLE_DB_FILE, `${CONSOLE_DB_FILE}-wal`, `${CONSOLE_DB_FILE}-shm`]) {
      assert.equal(fs.statSync(path.join(dir, f)).mode & 0o777, 0o600, f);
    }
    assert.equal(c.db.pragma('journal_mode', { simple: true }), 'wal');
    assert.equal(schemaVersion(c.db), LATEST);
    assert.equal(c.warning, null);
  } finally {
    c.close();
  }
});

test('a database made by the first version opens with the current code, its events intact', (t) => {
  const dir = tempDir(t);
  const first = openConsoleDb(dir, { migrations: MIGRATIONS.slice(0, 1) });
  assert.equal(schemaVersion(first.db), 1);
  assert.throws(() => first.db.prepare('SELECT count(*) FROM alerts').get(), /no such table/);
  const old = new EventStore(first.db, () => 1_000);
  const e = old.createEvent({
    name: 'Old event',
    portalId: 'builtin',
    environments: ['lab-w01', 'lab-w02'],
    startsAt: 1,
    endsAt: 2,
    activationWindowS: 0,
    indexUrl: 'https://example.org/',
  });
  const [a] = old.addAttendees(e, [
    { email: 'Ada@example.org', firstName: 'Ada', lastName: 'L', user: 'ada', environment: 'lab-w02', source: 'csv' },
  ]);
  assert.ok(a);
  const rec = old.insertAllocation(e, a, {
    environment: 'lab-w02',
    session: 'lab-w02-s001',
    activationUrl: 'http://127.0.0.1:1/activate/?token=t',
    requestedAt: 5,
    allocatedAt: 6,
    activateBy: null,
    expiresAt: null,
    firstRunningAt: 7,
    endedAt: null,
    extensions: 2,
    status: 'running',
    reason: null,
    flags: ['note'],
  });
  first.close();

  const now = openConsoleDb(dir);
  try {
    assert.ok(LATEST >= 2, 'there is a later version to migrate to');
    assert.equal(schemaVersion(now.db), LATEST);
    // what the later versions added is there
    assert.deepEqual(now.db.prepare('SELECT count(*) AS n FROM capacity_points').get(), { n: 0 });
    assert.deepEqual(now.db.prepare('SELECT count(*) AS n FROM alerts').get(), { n: 0 });
    const store = new EventStore(now.db, () => 2_000);
    const [loaded] = store.list();
    assert.ok(loaded);
    assert.deepEqual({ ...loaded, attendees: undefined }, { ...e, attendees: undefined });
    const la = loaded.attendees.get(a.id);
    assert.deepEqual({ ...la, current: undefined }, { ...a, current: undefined });
    assert.deepEqual(la?.current, rec);
    // and it can still be changed
    store.patchAllocations(loaded, [{ a: la, rec: la?.current, patch: { status: 'ended', endedAt: 9 } }]);
  } finally {
    now.close();
  }
});

test('a file that is not a database is moved aside (kept) and the console starts on a new one', (t) => {
  const dir = tempDir(t);
  fs.writeFileSync(
    path.join(dir, CONSOLE_DB_FILE),
    'this is not SQLite, just text that someone saved here\n'.repeat(100),
  );
  const c = openConsoleDb(dir, { now: () => Date.UTC(2026, 0, 2, 3, 4, 5) });
  try {
    assert.match(
      c.warning ?? '',
      /could not be read as a database; it was moved aside to console\.db\.corrupt-2026-01-02T03-04-05-000Z/,
    );
    assert.ok(
      fs
        .readFileSync(path.join(dir, `${CONSOLE_DB_FILE}.corrupt-2026-01-02T03-04-05-000Z`), 'utf8')
        .startsWith('this is not SQLite'),
    );
    assert.equal(schemaVersion(c.db), LATEST);
  } finally {
    c.close();
  }
});

test('a database from a newer version is refused, and left as it was', (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, CONSOLE_DB_FILE);
  const db = new Database(file);
  db.pragma(`user_version = ${LATEST + 1}`);
  db.close();
  const before = fs.readFileSync(file);
  assert.throws(
    () => openConsoleDb(dir),
    new RegExp(`written by a newer portal-console \\(schema ${LATEST + 1}; this version knows up to ${LATEST}\\)`),
  );
  assert.deepEqual(fs.readFileSync(file), before);
  assert.deepEqual(
    fs.readdirSync(dir).filter((f) => f.includes('corrupt')),
    [],
  );
});
