/**
 * Property-based fuzzing (fast-check) of every engine endpoint's inputs: paths, query strings, bodies, tokens,
 * methods and headers, sent byte for byte over loopback HTTP to the engine CLI in a child process. Properties:
 * no 5xx (other than the portal's documented 503 `{"error": …}` of the request endpoint), the process never dies,
 * and after every run the capacity and ownership invariants hold (allocated ≤ capacity per environment and
 * within the portal maximum, no session listed twice, no user with two live (not STOPPING) sessions in one
 * environment, and no user above the per-user cap). Each property is bounded in runs and in time.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import {
  getToken,
  makeTempDir,
  portalConfig,
  rawRequest,
  spawnEngineCli,
  type ClientCredentials,
  type EngineCliProcess,
} from '../support/engine-harness';
import type { RawResponse } from '../support/http';

const PORTAL = 'fuzz';
const ENVS = [`${PORTAL}-w01`, `${PORTAL}-w02`];
const MAXIMUM = 6;
const PER_USER = 2;
const RUNS = Number(process.env['FUZZ_RUNS'] ?? 300);
const TIME_LIMIT_MS = 25_000;
/** the engine may POST analytics to this URL; it is loopback and closed, so nothing leaves the machine */
const CLOSED_LOOPBACK = 'http://127.0.0.1:9/hook';

interface Stored {
  robot: ClientCredentials & { clientId: string; clientSecret: string };
  admin: { username: string; password: string };
}
interface CatalogEnv {
  name: string;
  capacity: number;
  allocated: number;
  sessions?: Array<{ name: string; user: string; state: string }>;
}
interface Catalog {
  portal: { sessions: { maximum: number; allocated: number } };
  environments: CatalogEnv[];
}

const tmp = makeTempDir('pc-fuzz-');
let engine: EngineCliProcess;
let stored: Stored;
const tokens = { robot: '', admin: '' };
let runsChecked = 0;
const statusSeen = new Map<number, number>();

const robotCreds = (): ClientCredentials => stored.robot;
const adminCreds = (): ClientCredentials => ({
  ...stored.robot,
  username: stored.admin.username,
  password: stored.admin.password,
});

before(async () => {
  const dataDir = path.join(tmp.dir, 'data');
  const configPath = path.join(tmp.dir, 'portal.yaml');
  fs.writeFileSync(
    configPath,
    portalConfig({
      name: PORTAL,
      portal: { sessions: { maximum: MAXIMUM, registered: PER_USER, anonymous: PER_USER } },
      workshops: [
        { name: 'lab-fuzz-one', capacity: 4, reserved: 1, expires: '30m', overtime: '10m', deadline: '60m' },
        { name: 'lab-fuzz-two', capacity: 3, reserved: 0, expires: '20m' },
      ],
      workshopSpecs: { 'lab-fuzz-one': { request: { parameters: [{ name: 'WORKSHOP_USERNAME', value: 'x' }] } } },
    }),
  );
  engine = await spawnEngineCli(['--data', dataDir, '--config', configPath, '--host', '127.0.0.1', '--port', '0']);
  stored = JSON.parse(fs.readFileSync(path.join(dataDir, 'credentials.json'), 'utf8')) as Stored;
  tokens.robot = await getToken(engine.url, robotCreds());
  tokens.admin = await getToken(engine.url, adminCreds());
});

after(async () => {
  if (engine) {
    engine.kill('SIGKILL');
    await engine.exited;
  }
  tmp.cleanup();
  console.log(
    `fuzz: ${runsChecked} runs checked; ` +
      `statuses ${JSON.stringify(Object.fromEntries([...statusSeen].sort((a, b) => a[0] - b[0])))}`,
  );
});

/** Node's HTTP client refuses control characters and spaces in a request path; everything else goes raw. */
const printable = (s: string): string =>
  // eslint-disable-next-line no-control-regex -- control characters are exactly what this escapes
  s.replace(/[\x00-\x20\x7f]/g, (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`);

// ---- generators ------------------------------------------------------------------------------------------

const slugish = fc.stringMatching(/^[-a-zA-Z0-9_]{1,40}$/);
const anyText = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(
    '',
    ' ',
    '-1',
    '0',
    '1',
    '1e309',
    'NaN',
    '9'.repeat(40),
    '%',
    '%zz',
    '../',
    '..%2f',
    '\u0000',
    'true',
    'null',
    '[]',
    '{}',
  ),
  fc.string({ minLength: 2000, maxLength: 5000 }),
);
const envName = fc.oneof(fc.constantFrom(...ENVS, `${PORTAL}-w99`, `${PORTAL}-w1`), slugish);
const sessionName = fc.oneof(
  fc.constantFrom(...ENVS.flatMap((e) => [1, 2, 3, 4, 5].map((n) => `${e}-s00${n}`))),
  slugish,
);
const userName = fc.oneof(fc.constantFrom('alice', 'bob', 'carol', 'dave'), slugish, anyText);

const pathArb: fc.Arbitrary<string> = fc.oneof(
  fc.constant('/oauth2/token/'),
  fc.constant('/oauth2/revoke-token/'),
  fc.constant('/oauth2/authorize/'),
  fc.constant('/workshops/catalog/environments/'),
  fc.constant('/workshops/catalog/workshops/'),
  fc.constant('/workshops/catalog/'),
  envName.map((e) => `/workshops/environment/${e}/status/`),
  envName.map((e) => `/workshops/environment/${e}/request/`),
  envName.map((e) => `/workshops/environment/${e}/create/`),
  envName.map((e) => `/workshops/environment/${e}/`),
  fc
    .tuple(
      sessionName,
      fc.constantFrom('activate', 'schedule', 'extend', 'terminate', 'config', 'authorize', 'event', 'delete'),
    )
    .map(([s, a]) => `/workshops/session/${s}/${a}/`),
  sessionName.map((s) => `/workshops/session/${s}/`),
  userName.map((u) => `/workshops/user/${encodeURIComponent(u)}/sessions/`),
  // no trailing slash, odd encodings, traversal, very long, raw bytes
  fc.constantFrom(
    '/workshops/catalog/environments',
    '/workshops//catalog/environments/',
    '/%2e%2e/etc/passwd',
    '/workshops/session/%00/schedule/',
  ),
  fc.array(fc.oneof(slugish, anyText.map(encodeURIComponent)), { maxLength: 6 }).map((parts) => `/${parts.join('/')}`),
  fc.string({ unit: 'binary-ascii', maxLength: 80 }).map((s) => `/${printable(s).replace(/[#?]/g, 'x')}`),
);

const queryKeys = [
  'index_url',
  'redirect_url',
  'user',
  'email',
  'first_name',
  'last_name',
  'firstname',
  'lastname',
  'timeout',
  'session',
  'sessions',
  'state',
  'name',
  'labels[track]',
  'token',
  'notification',
];
const queryValue = (key: string): fc.Arbitrary<string> =>
  key === 'analytics_url' ? fc.constantFrom(CLOSED_LOOPBACK, 'not a url', '', 'ftp://127.0.0.1/') : anyText;
const queryArb: fc.Arbitrary<string> = fc.oneof(
  fc.constant(''),
  fc
    .array(
      fc
        .oneof(fc.constantFrom(...queryKeys, 'analytics_url'), slugish)
        .chain((k) => queryValue(k).map((v) => [k, v] as [string, string])),
      { maxLength: 8 },
    )
    .map((pairs) => `?${new URLSearchParams(pairs).toString()}`),
  // raw, not URL-encoded: odd bytes the server must refuse or ignore
  fc.string({ unit: 'binary-ascii', maxLength: 60 }).map((s) => `?${printable(s).replace(/#/g, '%23')}`),
  fc.constantFrom(
    '?timeout=abc&index_url=x',
    '?index_url=&redirect_url=',
    '?sessions=true&state=RUNNING&state=nope',
    '?%',
    '?a=%zz',
  ),
);

type AuthKind = 'robot' | 'admin' | 'none' | 'garbage' | 'empty-bearer' | 'basic' | 'lower' | 'long';
const authArb = fc.constantFrom<AuthKind>(
  'robot',
  'robot',
  'robot',
  'admin',
  'none',
  'garbage',
  'empty-bearer',
  'basic',
  'lower',
  'long',
);
function authHeader(kind: AuthKind): Record<string, string> {
  switch (kind) {
    case 'robot':
      return { authorization: `Bearer ${tokens.robot}` };
    case 'admin':
      return { authorization: `Bearer ${tokens.admin}` };
    case 'none':
      return {};
    case 'garbage':
      return { authorization: 'Bearer not-a-token' };
    case 'empty-bearer':
      return { authorization: 'Bearer ' };
    case 'basic':
      return { authorization: `Basic ${Buffer.from(`${stored.robot.clientId}:wrong`).toString('base64')}` };
    case 'lower':
      return { authorization: `bearer ${tokens.robot}` };
    case 'long':
      return { authorization: `Bearer ${'x'.repeat(8000)}` };
  }
}

const bodyArb: fc.Arbitrary<string | undefined> = fc.oneof(
  fc.constant(undefined),
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
  fc
    .record({
      parameters: fc.oneof(
        fc.array(fc.oneof(fc.record({ name: anyText, value: anyText }), fc.jsonValue({ maxDepth: 2 })), {
          maxLength: 5,
        }),
        fc.jsonValue({ maxDepth: 1 }),
      ),
    })
    .map((v) => JSON.stringify(v)),
  fc
    .record({
      grant_type: fc.constantFrom('password', 'refresh_token', 'client_credentials', 'authorization_code', '', 'x'),
      username: fc.oneof(fc.constant('robot'), anyText),
      password: anyText,
      refresh_token: anyText,
      client_id: anyText,
      client_secret: anyText,
      token: anyText,
    })
    .map((r) => new URLSearchParams(r).toString()),
  anyText,
  fc.constantFrom(
    '{',
    '{"parameters": [1]}',
    '{"parameters": [{"name": "", "value": 1}]}',
    '[]',
    'null',
    '\u0000\u0001',
  ),
);

const methodArb = fc.constantFrom('GET', 'GET', 'POST', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS');
const contentTypeArb = fc.constantFrom(
  undefined,
  'application/json',
  'application/x-www-form-urlencoded',
  'text/plain',
  'multipart/form-data; boundary=x',
  'application/json; charset=latin1',
  'garbage/%%%',
);
const extraHeadersArb = fc.dictionary(
  fc.constantFrom(
    'x-forwarded-for',
    'accept',
    'accept-encoding',
    'origin',
    'cookie',
    'x-requested-with',
    'content-encoding',
  ),
  fc.oneof(
    fc.string({ unit: 'grapheme-ascii', maxLength: 40 }).map((s) => s.replace(/[\r\n]/g, '')),
    fc.constantFrom('gzip', 'sessionid=abc', 'http://evil.test'),
  ),
  { maxKeys: 3 },
);

// ---- checks --------------------------------------------------------------------------------------------

async function send(
  method: string,
  pathAndQuery: string,
  headers: Record<string, string>,
  body: string | undefined,
): Promise<RawResponse> {
  const res = await rawRequest(engine.url, pathAndQuery, {
    method,
    headers,
    ...(body !== undefined && { body }),
    timeoutMs: 15_000,
  });
  statusSeen.set(res.status, (statusSeen.get(res.status) ?? 0) + 1);
  return res;
}

function assertNoServerError(res: RawResponse, what: string): void {
  if (res.status === 503 && /\/request\/(\?|$)/.test(what.split(' ')[1] ?? '')) {
    const parsed = JSON.parse(res.body) as { error?: unknown };
    assert.equal(typeof parsed.error, 'string', `${what}: 503 carries the documented {"error"} body`);
    return;
  }
  assert.ok(res.status < 500, `${what} -> ${res.status} ${res.body.slice(0, 200)}`);
}

async function freshRobotCatalog(): Promise<Catalog> {
  let res = await rawRequest(engine.url, '/workshops/catalog/environments/?sessions=true', {
    headers: { authorization: `Bearer ${tokens.robot}` },
  });
  if (res.status === 403) {
    // the fuzzer may have revoked the robot's token through /oauth2/revoke-token/; that is allowed
    tokens.robot = await getToken(engine.url, robotCreds());
    tokens.admin = await getToken(engine.url, adminCreds());
    res = await rawRequest(engine.url, '/workshops/catalog/environments/?sessions=true', {
      headers: { authorization: `Bearer ${tokens.robot}` },
    });
  }
  assert.equal(res.status, 200, `catalog after the run: ${res.status} ${res.body.slice(0, 200)}`);
  return JSON.parse(res.body) as Catalog;
}

async function assertInvariants(): Promise<void> {
  assert.equal(engine.child.exitCode, null, `the engine process is alive; stderr: ${engine.stderr().slice(-1000)}`);
  const catalog = await freshRobotCatalog();
  const allNames = new Set<string>();
  const perUser = new Map<string, number>();
  let total = 0;
  for (const env of catalog.environments) {
    assert.ok(env.allocated <= env.capacity, `${env.name}: allocated ${env.allocated} > capacity ${env.capacity}`);
    const sessions = env.sessions ?? [];
    assert.equal(env.allocated, sessions.length, `${env.name}: allocated matches the listed sessions`);
    const usersHere = new Set<string>();
    for (const s of sessions) {
      assert.ok(!allNames.has(s.name), `session ${s.name} listed twice`);
      allNames.add(s.name);
      // a STOPPING session still counts (allocated, per-user cap) but may coexist with the user's next one
      if (s.state !== 'STOPPING') {
        assert.ok(!usersHere.has(s.user), `${s.user} owns two live sessions in ${env.name}`);
        usersHere.add(s.user);
      }
      perUser.set(s.user, (perUser.get(s.user) ?? 0) + 1);
    }
    total += sessions.length;
  }
  assert.ok(total <= MAXIMUM, `portal allocated ${total} > maximum ${MAXIMUM}`);
  assert.equal(catalog.portal.sessions.allocated, total, 'portal allocated count matches');
  for (const [user, n] of perUser) assert.ok(n <= PER_USER, `${user} holds ${n} sessions, cap ${PER_USER}`);
  runsChecked++;
}

const options = (seedOffset: number): fc.Parameters<unknown> => ({
  numRuns: RUNS,
  interruptAfterTimeLimit: TIME_LIMIT_MS,
  markInterruptAsFailure: false,
  endOnFailure: true,
  includeErrorInReport: true,
  ...(process.env['FUZZ_SEED'] !== undefined && { seed: Number(process.env['FUZZ_SEED']) + seedOffset }),
});

describe('engine fuzzing', { timeout: 180_000 }, () => {
  test('any endpoint, method, token, query, body and headers: no 5xx, no crash, invariants hold', async () => {
    await fc.assert(
      fc.asyncProperty(
        methodArb,
        pathArb,
        queryArb,
        authArb,
        bodyArb,
        contentTypeArb,
        extraHeadersArb,
        async (method, p, q, auth, body, ct, extra) => {
          const headers: Record<string, string> = {
            ...extra,
            ...authHeader(auth),
            ...(ct !== undefined && { 'content-type': ct }),
          };
          const res = await send(method, `${p}${q}`, headers, body);
          assertNoServerError(res, `${method} ${p}${q.slice(0, 100)}`);
          await assertInvariants();
        },
      ),
      options(0),
    );
  });

  test(
    'robot traffic on the real routes (allocate, schedule, extend, terminate, look up): ' + 'no 5xx, invariants hold',
    async () => {
      const action = fc.oneof(
        fc
          .tuple(
            fc.constantFrom(...ENVS),
            fc.constantFrom('alice', 'bob', 'carol', 'dave', 'erin', 'frank'),
            fc.constantFrom('0', '60', '5', 'x', ''),
            bodyArb,
          )
          .map(([env, user, timeout, body]) => ({
            method: body === undefined ? 'GET' : 'POST',
            path:
              `/workshops/environment/${env}/request/?` +
              new URLSearchParams({
                index_url: 'https://hub.test/',
                user,
                timeout,
                analytics_url: CLOSED_LOOPBACK,
              }).toString(),
            body,
          })),
        fc
          .tuple(sessionName, fc.constantFrom('schedule', 'extend', 'terminate', 'config', 'authorize'))
          .map(([s, a]) => ({
            method: 'GET',
            path: `/workshops/session/${s}/${a}/`,
            body: undefined,
          })),
        fc
          .tuple(sessionName, bodyArb)
          .map(([s, body]) => ({ method: 'POST', path: `/workshops/session/${s}/event/`, body })),
        fc
          .constantFrom('alice', 'bob', 'carol', 'nobody')
          .map((u) => ({ method: 'GET', path: `/workshops/user/${u}/sessions/`, body: undefined })),
        fc
          .constantFrom(...ENVS)
          .map((e) => ({ method: 'GET', path: `/workshops/environment/${e}/status/?sessions=true`, body: undefined })),
      );
      await fc.assert(
        fc.asyncProperty(fc.array(action, { minLength: 1, maxLength: 6 }), fc.boolean(), async (actions, asAdmin) => {
          for (const a of actions) {
            const headers = {
              authorization: `Bearer ${asAdmin ? tokens.admin : tokens.robot}`,
              'content-type': 'application/json',
            };
            const res = await send(a.method, a.path, headers, a.body);
            assertNoServerError(res, `${a.method} ${a.path}`);
          }
          await assertInvariants();
        }),
        options(1),
      );
    },
  );

  test('concurrent bursts of requests for the same users: no 5xx, no double allocation', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.constantFrom(...ENVS), fc.constantFrom('alice', 'bob', 'carol', 'dave', 'erin')), {
          minLength: 2,
          maxLength: 12,
        }),
        async (reqs) => {
          const results = await Promise.all(
            reqs.map(([env, user]) =>
              send(
                'GET',
                `/workshops/environment/${env}/request/?index_url=https%3A%2F%2Fhub.test%2F&user=${user}`,
                { authorization: `Bearer ${tokens.robot}` },
                undefined,
              ),
            ),
          );
          const sessionOf = new Map<string, string>();
          results.forEach((res, i) => {
            const [env, user] = reqs[i] ?? ['', ''];
            assertNoServerError(res, `GET /workshops/environment/${env}/request/ (${user})`);
            if (res.status === 200) {
              const name = (JSON.parse(res.body) as { name: string }).name;
              const key = `${env}/${user}`;
              assert.ok(
                !sessionOf.has(key) || sessionOf.get(key) === name,
                `${key} got ${sessionOf.get(key)} and ${name}`,
              );
              sessionOf.set(key, name);
            }
          });
          await assertInvariants();
          // free the places again so later runs allocate too
          await Promise.all(
            [...new Set(sessionOf.values())].map((s) =>
              send('GET', `/workshops/session/${s}/terminate/`, { authorization: `Bearer ${tokens.robot}` }, undefined),
            ),
          );
        },
      ),
      options(2),
    );
  });
});
