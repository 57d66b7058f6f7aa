/**
 * Anonymous user flood (issue #8): cookie-less GETs of the web create flow against a full environment create no
 * user and no login; only requests that get a session leave a user behind.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { startEngine } from '../../electron/engine/index';
import { makeTempDir } from '../support/engine-harness';
import { config, qs } from './helpers';

test('300 cookie-less create requests against a full environment leave one user and one login, not 300', async (t) => {
  const tmp = makeTempDir('engine-flood-');
  t.after(() => tmp.cleanup());
  const configPath = path.join(tmp.dir, 'portal.yaml');
  fs.writeFileSync(
    configPath,
    config('flood-portal', {
      portal: { registration: { type: 'anonymous' } },
      workshops: [{ name: 'lab-flood', capacity: 1, reserved: 0 }],
    }),
  );
  const dataDir = path.join(tmp.dir, 'data');
  const engine = await startEngine({ dataDir, configPath, port: 0 });
  let cookies = 0;
  let unavailable = 0;
  try {
    const create =
      `${engine.url}/workshops/environment/flood-portal-w01/create/` + qs({ index_url: 'https://hub.test/' });
    const first = await fetch(create, { redirect: 'manual' });
    await first.text();
    assert.match(first.headers.get('location') ?? '', /^\/workshops\/session\/flood-portal-w01-s001\/$/);
    assert.equal(first.headers.getSetCookie().length, 1, 'the one who got the session is logged in');
    for (let batch = 0; batch < 10; batch++) {
      const replies = await Promise.all(Array.from({ length: 30 }, () => fetch(create, { redirect: 'manual' })));
      for (const res of replies) {
        await res.text();
        assert.equal(res.status, 302);
        if (
          new URL(res.headers.get('location') ?? '', engine.url).searchParams.get('notification') ===
          'session-unavailable'
        )
          unavailable++;
        cookies += res.headers.getSetCookie().length;
      }
    }
  } finally {
    await engine.close();
  }
  assert.equal(unavailable, 300);
  assert.equal(cookies, 0, 'no login for a browser that got no session');
  const db = new Database(path.join(dataDir, 'portal.db'), { readonly: true });
  try {
    const count = (sql: string): number => (db.prepare(sql).get() as { n: number }).n;
    assert.equal(count('SELECT count(*) AS n FROM users WHERE is_anonymous = 1'), 1);
    assert.equal(count('SELECT count(*) AS n FROM browser_sessions'), 1);
    assert.equal(
      count("SELECT count(*) AS n FROM events WHERE name = 'User/Create'"),
      1,
      'one User/Create, for the user who got the session',
    );
  } finally {
    db.close();
  }
});
