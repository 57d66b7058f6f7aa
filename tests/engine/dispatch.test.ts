/**
 * The routes without sockets (issue #13): a request made up in memory goes through the dispatcher and comes back
 * as `{status, headers, body}`, only once its changes are committed. A commit that fails is answered 503 and
 * the in-memory state is reloaded from the database (the batch rolled back): nothing reports a change that was
 * not saved.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parsePortalConfig } from '../../electron/engine/config/config-file';
import { hashSecret, verifySecret } from '../../electron/engine/config/credentials';
import { DEFAULT_HTTP_LIMITS } from '../../electron/engine/http/limits';
import type { Reply } from '../../electron/engine/http/reply';
import { makeRequest } from '../../electron/engine/http/request';
import { createEngineServer } from '../../electron/engine/http/server';
import { openDatabase, type Db } from '../../electron/engine/persistence/database';
import { NOT_SAVED, respond } from '../../electron/engine/routes/dispatch';
import { LoginGuard } from '../../electron/engine/routes/login-guard';
import type { EngineContext } from '../../electron/engine/routes/types';
import { Views } from '../../electron/engine/routes/views';
import { CatalogCache } from '../../electron/engine/routes/catalog-cache';
import { EDUCATES } from '../../electron/engine/domain/dialect';
import { AnalyticsSender } from '../../electron/engine/state/analytics';
import { systemClock } from '../../electron/engine/state/clock';
import { Portal } from '../../electron/engine/state/portal';
import { makeTempDir } from '../support/engine-harness';
import { config, INDEX_URL, qs } from './helpers';

const URL_BASE = 'http://portal.test';

interface Core {
  engine: EngineContext;
  db: Db;
  logs: string[];
  token: string;
  send(method: string, url: string, headers?: Record<string, string>): Promise<Reply>;
  close(): void;
}

/** The engine's parts wired as startEngine wires them, but no server: requests go straight to `respond`. */
async function startCore(dir: string): Promise<Core> {
  const logs: string[] = [];
  const log = (line: string): void => void logs.push(line);
  const db = openDatabase(dir);
  const portal = new Portal(db, new AnalyticsSender(log), {
    dialect: EDUCATES,
    startupDelayMs: 0,
    purgeAfterMs: 36 * 3600_000,
    clock: systemClock,
    log,
  });
  const cfg = parsePortalConfig(
    'memory.yaml',
    config('core-portal', { workshops: [{ name: 'lab-core', capacity: 3, reserved: 0, expires: '30m' }] }),
    log,
  );
  portal.environments.applyConfig(cfg, 'hash-1');
  const robotHash = await hashSecret('robot-pw');
  portal.environments.applyAccounts(
    { username: 'robot@test', passwordHash: robotHash },
    { username: 'admin@test', passwordHash: await hashSecret('admin-pw') },
    { clientId: 'client', secretHash: await hashSecret('secret') },
  );
  portal.start(URL_BASE);
  const robot = portal.store.userNamed('robot@test');
  assert.ok(robot);
  const token = portal.store.auth.issueTokens(robot).access;
  portal.store.commitBatch();
  const views = new Views(EDUCATES);
  const engine: EngineContext = {
    portal,
    dialect: EDUCATES,
    views,
    catalog: new CatalogCache(views),
    log,
    logins: new LoginGuard(verifySecret, robotHash, () => Date.now()),
  };
  return {
    engine,
    db,
    logs,
    token,
    send: (method, url, headers = {}) =>
      respond(
        makeRequest({ method, url, headers: { authorization: `Bearer ${token}`, ...headers } }),
        engine,
        (route, err) => log(`${route}: ${String(err)}`),
      ),
    close() {
      portal.close();
      db.close();
    },
  };
}

const bodyOf = (reply: Reply): string => (typeof reply.body === 'string' ? reply.body : reply.body.toString('utf8'));
const ENV = 'core-portal-w01';
const request = (user: string): string => `/workshops/environment/${ENV}/request/${qs({ index_url: INDEX_URL, user })}`;

describe('handlers as values, without sockets', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  let core: Core;
  before(async () => {
    tmp = makeTempDir('engine-core-');
    core = await startCore(path.join(tmp.dir, 'data'));
  });
  after(() => {
    core?.close();
    tmp?.cleanup();
  });

  test('catalog, request, activation and schedule answer as over HTTP', async () => {
    const catalog = await core.send('GET', '/workshops/catalog/environments/');
    assert.equal(catalog.status, 200);
    assert.equal(catalog.headers['content-type'], 'application/json');
    assert.equal(catalog.headers['access-control-allow-origin'], '*');
    assert.equal((JSON.parse(bodyOf(catalog)) as { portal: { url: string } }).portal.url, URL_BASE);

    const reply = await core.send('GET', request('alice'));
    assert.equal(reply.status, 200, bodyOf(reply));
    const { name, url } = JSON.parse(bodyOf(reply)) as { name: string; url: string };
    const activated = await core.send('GET', url, { authorization: '' });
    assert.equal(activated.status, 302);
    assert.equal(activated.headers['location'], `/workshops/session/${name}/`);
    assert.match(String(activated.headers['set-cookie']), /^sessionid=[^;]+; HttpOnly; SameSite=Lax/);
    const schedule = await core.send('GET', `/workshops/session/${name}/schedule/`);
    assert.equal((JSON.parse(bodyOf(schedule)) as { status: string }).status, 'RUNNING');
  });

  test('a refusal is a reply too: no token 403 with an empty body, an unknown session Django’s 404 page', async () => {
    const noToken = await core.send('GET', '/workshops/catalog/environments/', { authorization: '' });
    assert.deepEqual([noToken.status, bodyOf(noToken)], [403, '']);
    const unknown = await core.send('GET', `/workshops/session/${ENV}-s999/schedule/`);
    assert.equal(unknown.status, 404);
    assert.match(bodyOf(unknown), /<h1>Not Found<\/h1>/);
  });
});

describe('a commit that fails', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  let core: Core;
  before(async () => {
    tmp = makeTempDir('engine-core-fail-');
    core = await startCore(path.join(tmp.dir, 'data'));
  });
  after(() => {
    core?.close();
    tmp?.cleanup();
  });

  test(
    'is answered 503 "not saved", the allocation is rolled back in memory too, ' + 'and the next commit works',
    async () => {
      // A deferred foreign key that every new session row violates: SQLite refuses the COMMIT itself (the statements
      // succeed), which is the failure the group commit has to survive.
      core.db.pragma('foreign_keys = ON');
      core.db.exec(`
      CREATE TABLE anchor (id INTEGER PRIMARY KEY);
      CREATE TABLE doomed (anchor_id INTEGER REFERENCES anchor(id) DEFERRABLE INITIALLY DEFERRED);
      CREATE TRIGGER doom AFTER INSERT ON sessions BEGIN INSERT INTO doomed VALUES (42); END;
    `);
      const failed = await core.send('GET', request('bob'));
      assert.equal(failed.status, 503);
      assert.equal(bodyOf(failed), NOT_SAVED);
      assert.equal(failed.headers['retry-after'], '1');
      assert.ok(
        core.logs.some((l) => l.includes('commit failed')),
        core.logs.join('\n'),
      );

      // memory was reloaded from the database: no session, no user, no allocation counted
      const store = core.engine.portal.store;
      assert.equal(store.sessionNamed(`${ENV}-s001`), undefined);
      assert.equal(store.userNamed('bob'), undefined);
      assert.equal(store.portalAllocated, 0);
      const sessions = await core.send('GET', '/workshops/user/bob/sessions/');
      assert.deepEqual(JSON.parse(bodyOf(sessions)), { user: 'bob', sessions: [] });

      core.db.exec('DROP TRIGGER doom;');
      const ok = await core.send('GET', request('bob'));
      assert.equal(ok.status, 200, bodyOf(ok));
      assert.equal(
        (JSON.parse(bodyOf(ok)) as { name: string }).name,
        `${ENV}-s001`,
        'the failed session name is free again',
      );
      const row = core.db.prepare('SELECT count(*) AS n FROM sessions WHERE name = ?').get(`${ENV}-s001`) as {
        n: number;
      };
      assert.equal(row.n, 1, 'committed');
    },
  );
});

describe('the server gate', () => {
  test('a request that arrives while the engine starts is answered once it is ready', async () => {
    const gate = createEngineServer(() => undefined, DEFAULT_HTTP_LIMITS);
    await new Promise<void>((resolve) => gate.server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (gate.server.address() as AddressInfo).port;
      const answered = new Promise<{ status: number; body: string }>((resolve, reject) => {
        http
          .get({ host: '127.0.0.1', port, path: '/ready/', agent: false }, (res) => {
            let body = '';
            res.setEncoding('utf8').on('data', (c: string) => (body += c));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
          })
          .on('error', reject);
      });
      await new Promise((r) => setTimeout(r, 50));
      gate.open(async (req) => ({
        status: 200,
        headers: { 'content-type': 'text/plain' },
        body: `ready for ${req.path}`,
      }));
      assert.deepEqual(await answered, { status: 200, body: 'ready for /ready/' });
    } finally {
      gate.server.closeAllConnections();
      await new Promise<void>((resolve) => gate.server.close(() => resolve()));
    }
  });
});
