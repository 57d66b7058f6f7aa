/**
 * Conformance in both dialects (issue #12): one table of expectations with a column for Educates and one for
 * Learning Center. Every row runs real HTTP requests against a real engine of each dialect, started from the same
 * config except for the API group, on clocks the tests move.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { EDUCATES_API, LEARNING_CENTER_API, startTestEngine, type TestEngine } from '../support/engine-harness';
import { ManualClock } from '../support/manual-clock';
import { config, INDEX_URL, qs, uid } from './helpers';

type Dialect = 'educates' | 'learningcenter';
interface Engine {
  te: TestEngine;
  clock: ManualClock;
}
const engines = new Map<Dialect, Engine>();

const PORTAL = 'dia-portal';
const W1 = `${PORTAL}-w01`; // capacity 40, reserved 1, expires 10m, one declared request parameter
const W2 = `${PORTAL}-w02`; // capacity 40, no reserved session, expires 20m, overtime 10m, deadline 30m

function yaml(apiVersion: string): string {
  return config(PORTAL, {
    apiVersion,
    portal: { labels: { event: 'dialects' } },
    workshops: [
      { name: 'lab-one', capacity: 40, reserved: 1, expires: '10m', labels: { track: 'one' } },
      { name: 'lab-two', capacity: 40, reserved: 0, expires: '20m', overtime: '10m', deadline: '30m' },
    ],
    workshopSpecs: {
      'lab-one': { url: 'https://labs.test/one', request: { parameters: [{ name: 'GREETING', value: 'hello' }] } },
    },
  });
}

before(async () => {
  for (const [dialect, apiVersion] of [
    ['educates', EDUCATES_API],
    ['learningcenter', LEARNING_CENTER_API],
  ] as const) {
    const clock = new ManualClock();
    engines.set(dialect, { te: await startTestEngine({ clock, config: yaml(apiVersion) }), clock });
  }
});
after(async () => {
  for (const { te } of engines.values()) await te.close();
});

type Json = Record<string, unknown>;

async function get(te: TestEngine, path: string, token?: string): Promise<{ status: number; body: string }> {
  const res = await te.api(path, token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, body: await res.text() };
}
async function getJson(te: TestEngine, path: string, token?: string): Promise<Json> {
  const r = await get(te, path, token);
  assert.equal(r.status, 200, `${path}: ${r.status} ${r.body.slice(0, 200)}`);
  return JSON.parse(r.body) as Json;
}
async function request(
  te: TestEngine,
  env: string,
  params: Record<string, string> = {},
  init: RequestInit = {},
): Promise<{ status: number; body: string }> {
  const res = await te.api(
    `/workshops/environment/${env}/request/${qs({ index_url: INDEX_URL, user: uid('dia'), ...params })}`,
    init,
  );
  return { status: res.status, body: await res.text() };
}
async function requested(
  te: TestEngine,
  env: string,
  params: Record<string, string> = {},
  init: RequestInit = {},
): Promise<Json> {
  const r = await request(te, env, params, init);
  assert.equal(r.status, 200, r.body);
  return JSON.parse(r.body) as Json;
}
async function catalogSession(te: TestEngine, env: string, name: string): Promise<Json> {
  const catalog = await getJson(te, '/workshops/catalog/environments/?sessions=true');
  const sessions = ((catalog['environments'] as Json[]).find((e) => e['name'] === env)?.['sessions'] ?? []) as Json[];
  const s = sessions.find((x) => x['name'] === name);
  assert.ok(s, `${name} in the catalog`);
  return s;
}
/** seconds from the engine's now to a session's expiry */
async function expiresInS(e: Engine, env: string, name: string): Promise<number> {
  return (Date.parse(String((await catalogSession(e.te, env, name))['expires'])) - e.clock.now()) / 1000;
}
/** A running session of `env` whose end is `leftS` seconds away. */
async function runningSession(e: Engine, env: string, leftS: number): Promise<string> {
  const reply = await requested(e.te, env);
  const res = await fetch(`${e.te.url}${String(reply['url'])}`, { redirect: 'manual' });
  await res.text();
  assert.equal(res.status, 302);
  const name = String(reply['name']);
  e.clock.advance((await expiresInS(e, env, name)) * 1000 - leftS * 1000);
  return name;
}

interface Row {
  what: string;
  /** performs real requests against one engine and returns what it observed */
  observe: (e: Engine, dialect: Dialect) => Promise<unknown>;
  educates: unknown;
  learningcenter: unknown;
}

const WORKSHOP_KEYS = ['title', 'description', 'vendor', 'authors', 'difficulty', 'duration', 'tags'];

const ROWS: Row[] = [
  {
    what: 'catalog workshop keys',
    observe: async ({ te }) =>
      Object.keys(
        ((await getJson(te, '/workshops/catalog/environments/'))['environments'] as Json[])[0]?.['workshop'] as Json,
      ),
    educates: ['name', 'resource', ...WORKSHOP_KEYS, 'labels', 'logo', 'url'],
    learningcenter: ['name', 'id', ...WORKSHOP_KEYS, 'logo', 'url'],
  },
  {
    what: 'catalog workshop id: a 32-digit hex hash of the content',
    observe: async ({ te }) => {
      const w = ((await getJson(te, '/workshops/catalog/environments/'))['environments'] as Json[])[0]?.[
        'workshop'
      ] as Json;
      return typeof w['id'] === 'string' && /^[0-9a-f]{32}$/.test(w['id']);
    },
    educates: false,
    learningcenter: true,
  },
  {
    what: 'catalog portal keys',
    observe: async ({ te }) => Object.keys((await getJson(te, '/workshops/catalog/environments/'))['portal'] as Json),
    educates: ['name', 'labels', 'uid', 'generation', 'url', 'sessions'],
    learningcenter: ['name', 'uid', 'generation', 'url', 'sessions'],
  },
  {
    what: 'catalog filters name= and labels[k]= (environments listed)',
    observe: async ({ te }) => [
      ((await getJson(te, '/workshops/catalog/environments/?name=lab-two'))['environments'] as Json[]).length,
      ((await getJson(te, '/workshops/catalog/environments/?labels[track]=one'))['environments'] as Json[]).length,
    ],
    educates: [1, 1],
    learningcenter: [2, 2],
  },
  {
    what: 'catalog state=STOPPED (robot): only STOPPED ones, or ignored (RUNNING)',
    observe: async ({ te }) =>
      ((await getJson(te, '/workshops/catalog/environments/?state=STOPPED'))['environments'] as Json[]).length,
    educates: 0,
    learningcenter: 2,
  },
  {
    what: 'generated accounts',
    observe: async ({ te }) => [te.engine.credentials.admin.username, te.engine.credentials.robot.username],
    educates: ['educates', 'robot@educates'],
    learningcenter: ['learningcenter', 'robot@learningcenter'],
  },
  {
    what: 'activation deadline with timeout=600 / timeout=0 (seconds from now)',
    observe: async (e) => {
      const a = await requested(e.te, W2, { timeout: '600' });
      const b = await requested(e.te, W2, { timeout: '0' });
      return [await expiresInS(e, W2, String(a['name'])), await expiresInS(e, W2, String(b['name']))];
    },
    educates: [600, 1200],
    learningcenter: [60, 60],
  },
  {
    what: 'timeout=abc',
    observe: async ({ te }) => (await request(te, W2, { timeout: 'abc' })).status,
    educates: 400,
    learningcenter: 200,
  },
  {
    what: 'a parameters body that is not JSON',
    observe: async ({ te }) => (await request(te, W2, {}, { method: 'POST', body: '{nope' })).status,
    educates: 400,
    learningcenter: 200,
  },
  {
    what: 'analytics_url=ftp://x',
    observe: async ({ te }) => (await request(te, W2, { analytics_url: 'ftp://x' })).status,
    educates: 400,
    learningcenter: 200,
  },
  {
    what: 'session= reacquire of a session the user does not have',
    observe: async ({ te }) => (await request(te, W2, { session: `${W2}-s999` })).status,
    educates: 503,
    learningcenter: 200,
  },
  ...(
    [
      ['GET /workshops/catalog/workshops/', () => '/workshops/catalog/workshops/'],
      ['GET /workshops/environment/<env>/status/', () => `/workshops/environment/${W1}/status/`],
      ['GET /workshops/environment/<env>/status (no slash)', () => `/workshops/environment/${W1}/status`],
    ] as const
  ).map(([what, path]): Row => ({
    what,
    observe: async ({ te }) => (await get(te, path())).status,
    educates: what.endsWith('(no slash)') ? 301 : 200,
    learningcenter: 404,
  })),
  ...(['terminate', 'config'] as const).map((endpoint): Row => ({
    what: `GET /workshops/session/<s>/${endpoint}/ (robot)`,
    observe: async ({ te }) =>
      (await get(te, `/workshops/session/${String((await requested(te, W2))['name'])}/${endpoint}/`)).status,
    educates: 200,
    learningcenter: 404,
  })),
  ...(['schedule', 'extend', 'authorize'] as const).map((endpoint): Row => ({
    what: `GET /workshops/session/<s>/${endpoint}/ as the robot, and as staff`,
    observe: async ({ te }) => {
      const name = String((await requested(te, W2))['name']);
      const robot = await get(te, `/workshops/session/${name}/${endpoint}/`);
      const staff = await get(te, `/workshops/session/${name}/${endpoint}/`, await te.adminToken());
      return [robot.status, robot.status === 403 ? robot.body : '', staff.status];
    },
    educates: [200, '', 200],
    learningcenter: [403, 'Access to session not permitted', 200],
  })),
  {
    what: 'schedule of an owned session: keys (staff)',
    observe: async ({ te }) =>
      Object.keys(
        await getJson(
          te,
          `/workshops/session/${String((await requested(te, W2))['name'])}/schedule/`,
          await te.adminToken(),
        ),
      ),
    educates: ['status', 'started', 'expires', 'expiring', 'countdown', 'extendable'],
    learningcenter: ['started', 'expires', 'expiring', 'countdown', 'extendable'],
  },
  {
    what: 'schedule and extend of a reserved session (staff): status and text',
    observe: async ({ te }) => {
      const admin = await te.adminToken();
      const reserved = `${W1}-s001`;
      const schedule = await get(te, `/workshops/session/${reserved}/schedule/`, admin);
      const extend = await get(te, `/workshops/session/${reserved}/extend/`, admin);
      return [schedule.status, extend.status, extend.body];
    },
    educates: [200, 400, 'Session is not currently in use'],
    learningcenter: [403, 403, 'Session is not currently in use'],
  },
  {
    what: 'a 10-minute session 4 minutes before its end (default deadline): extendable, then extended by (s)',
    observe: async (e) => {
      const name = await runningSession(e, W1, 240);
      const admin = await e.te.adminToken();
      const before = (await catalogSession(e.te, W1, name))['extendable'];
      const extend = await getJson(e.te, `/workshops/session/${name}/extend/`, admin);
      return [before, extend['extended'], (await expiresInS(e, W1, name)) - 240];
    },
    educates: [false, false, 0],
    learningcenter: [true, true, 300],
  },
  {
    what: 'the same session extended again right away, and once more near its new end (s added)',
    observe: async (e) => {
      const name = await runningSession(e, W1, 100);
      const admin = await e.te.adminToken();
      const first = await getJson(e.te, `/workshops/session/${name}/extend/`, admin);
      const again = await getJson(e.te, `/workshops/session/${name}/extend/`, admin);
      e.clock.advance(((await expiresInS(e, W1, name)) - 100) * 1000);
      const later = await getJson(e.te, `/workshops/session/${name}/extend/`, admin);
      return [first['extended'], again['extended'], later['extended']];
    },
    educates: [false, false, false],
    learningcenter: [true, false, true],
  },
  {
    what: 'overtime 10m, deadline 30m: 4 minutes before the end, extended to (s left)',
    observe: async (e) => {
      const name = await runningSession(e, W2, 240);
      await getJson(e.te, `/workshops/session/${name}/extend/`, await e.te.adminToken());
      return expiresInS(e, W2, name);
    },
    // Educates: + max(300, overtime) up to the deadline; Learning Center ignores overtime: + the threshold (300 s)
    educates: 840,
    learningcenter: 540,
  },
];

describe('one table, two dialects', () => {
  for (const row of ROWS) {
    for (const dialect of ['educates', 'learningcenter'] as const) {
      test(`${row.what} — ${dialect}`, async () => {
        const engine = engines.get(dialect);
        assert.ok(engine);
        assert.deepEqual(await row.observe(engine, dialect), row[dialect]);
      });
    }
  }
});
