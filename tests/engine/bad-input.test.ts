/**
 * Bad input tables (the engine never answers a client's mistake with a 500 and never crashes) and routing
 * (405 with Allow, 301 to the slashed path, 404 for unknown routes).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { rawRequest, startTestEngine, type TestEngine } from '../support/engine-harness';
import { config, INDEX_URL } from './helpers';

const W1 = 'bad-portal-w01';
const IDX = encodeURIComponent(INDEX_URL);

let te: TestEngine;
let token: string;
before(async () => {
  te = await startTestEngine({
    config: config('bad-portal', { workshops: [{ name: 'lab-bad', capacity: 400, reserved: 0, expires: '30m' }] }),
  });
  token = await te.robotToken();
});
after(async () => {
  await te?.close();
});

interface Case {
  name: string;
  path: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Allowed statuses; 500 is never allowed. */
  status: number[];
  /** Exact plain-text body, when the reference or the engine spec gives one. */
  text?: string;
}

const req = (query: string): string => `/workshops/environment/${W1}/request/?index_url=${IDX}&${query}`;
const json = { 'content-type': 'application/json' };

const REQUEST_CASES: Case[] = [
  { name: 'timeout=abc', path: req('timeout=abc'), status: [400] },
  { name: 'timeout=1.5', path: req('timeout=1.5'), status: [400] },
  { name: 'timeout=1e400', path: req('timeout=1e400'), status: [400] },
  { name: 'timeout=-1', path: req('timeout=-1'), status: [200, 400] },
  { name: 'timeout huge', path: req('timeout=999999999999999999999999999999'), status: [200, 400] },
  { name: 'timeout empty', path: req('timeout='), status: [200, 400] },
  {
    name: 'malformed JSON body',
    path: req('user=j1'),
    method: 'POST',
    headers: json,
    body: '{"parameters": [',
    status: [400],
    text: 'Invalid JSON request payload',
  },
  {
    name: 'JSON array body',
    path: req('user=j2'),
    method: 'POST',
    headers: json,
    body: '[]',
    status: [400],
    text: 'Malformed JSON request payload',
  },
  {
    name: 'JSON string body',
    path: req('user=j3'),
    method: 'POST',
    headers: json,
    body: '"text"',
    status: [400],
    text: 'Malformed JSON request payload',
  },
  {
    name: 'JSON number body',
    path: req('user=j4'),
    method: 'POST',
    headers: json,
    body: '42',
    status: [400],
    text: 'Malformed JSON request payload',
  },
  {
    name: 'JSON null body',
    path: req('user=j5'),
    method: 'POST',
    headers: json,
    body: 'null',
    status: [400],
    text: 'Malformed JSON request payload',
  },
  {
    name: 'parameters not a list',
    path: req('user=j6'),
    method: 'POST',
    headers: json,
    body: '{"parameters": "x"}',
    status: [400],
    text: 'Malformed JSON request payload',
  },
  {
    name: 'parameters an object',
    path: req('user=j7'),
    method: 'POST',
    headers: json,
    body: '{"parameters": {"name": "A"}}',
    status: [400],
    text: 'Malformed JSON request payload',
  },
  {
    name: 'parameter item not an object',
    path: req('user=j8'),
    method: 'POST',
    headers: json,
    body: '{"parameters": ["A"]}',
    status: [400],
  },
  {
    name: 'parameter item null',
    path: req('user=j9'),
    method: 'POST',
    headers: json,
    body: '{"parameters": [null]}',
    status: [400],
  },
  {
    name: 'parameter with empty name',
    path: req('user=j10'),
    method: 'POST',
    headers: json,
    body: '{"parameters": [{"name": "", "value": "x"}]}',
    status: [400],
    text: 'Malformed JSON request payload',
  },
  {
    name: 'parameter with a number value',
    path: req('user=j11'),
    method: 'POST',
    headers: json,
    body: '{"parameters": [{"name": "A", "value": 1}]}',
    status: [400],
    text: 'Malformed JSON request payload',
  },
  {
    name: 'JSON body on GET is parsed too',
    path: req('user=j12'),
    method: 'GET',
    headers: json,
    body: '{"parameters": 5}',
    status: [400],
    text: 'Malformed JSON request payload',
  },
  {
    name: 'form-encoded body',
    path: req('user=f1'),
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'user=x&first_name=y',
    status: [400],
  },
  // Django's QueryDict splits each pair at its first '=', so the real /request/ accepts this (only the catalog
  // parses its query by hand and fails on it): the engine does the same rather than break such clients.
  {
    name: 'unencoded = in a value',
    path: `/workshops/environment/${W1}/request/?index_url=https://hub.test/?a=b`,
    status: [200],
  },
  {
    name: 'unencoded = in a catalog filter value',
    path: '/workshops/catalog/environments/?name=a=b',
    status: [200, 400],
  },
  {
    name: 'bad percent-encoding in index_url',
    path: `/workshops/environment/${W1}/request/?index_url=https%3A%2F%2Fhub.test%2F%zz`,
    status: [200, 400],
  },
  { name: 'bad percent-encoding in user', path: req('user=%zz%'), status: [200, 400] },
  { name: 'truncated percent-encoding', path: req('user=abc%E'), status: [200, 400] },
  { name: 'invalid UTF-8 bytes', path: req('user=%C3%28%FF'), status: [200, 400] },
  { name: 'very long user', path: req(`user=${'u'.repeat(5000)}`), status: [200, 400] },
  {
    name: 'very long index_url',
    path: `/workshops/environment/${W1}/request/?index_url=${IDX}${'x'.repeat(6000)}`,
    status: [200, 400],
  },
  { name: 'unicode user', path: req(`user=${encodeURIComponent('用户-ü-🎓')}`), status: [200, 400] },
  { name: 'unicode email', path: req(`user=mail1&email=${encodeURIComponent('ü@例え.jp')}`), status: [200, 400] },
  { name: 'empty user', path: req('user='), status: [200] },
  { name: 'repeated user', path: req('user=rep1&user=rep2'), status: [200, 400] },
  {
    name: 'empty query segments',
    path: `/workshops/environment/${W1}/request/?&&index_url=${IDX}&&=&`,
    status: [200, 400],
  },
  { name: 'parameter without =', path: `/workshops/environment/${W1}/request/?index_url`, status: [400] },
  { name: 'NUL escape in user', path: req('user=a%00b'), status: [200, 400] },
  { name: 'analytics_url that is not a URL', path: req('user=an1&analytics_url=not%20a%20url'), status: [200, 400] },
  { name: 'session= with junk', path: req('user=s1&session=%00%zz'), status: [400, 503] },
];

const CATALOG_CASES: Case[] = [
  { name: 'labels[', path: '/workshops/catalog/environments/?labels[=x', status: [200, 400] },
  { name: 'labels[] empty key', path: '/workshops/catalog/environments/?labels[]=x', status: [200, 400] },
  { name: 'labels[a=b', path: '/workshops/catalog/environments/?labels[a=b', status: [200, 400] },
  { name: 'labels]x[', path: '/workshops/catalog/environments/?labels]x[=1', status: [200, 400] },
  { name: 'labels with no value', path: '/workshops/catalog/environments/?labels[a]', status: [200, 400] },
  { name: 'state=bogus', path: '/workshops/catalog/environments/?state=bogus', status: [200, 400] },
  { name: 'sessions=maybe', path: '/workshops/catalog/environments/?sessions=maybe', status: [200] },
  {
    name: 'bad percent-encoding',
    path: '/workshops/catalog/environments/?name=%zz&labels%5Bk%zz%5D=1',
    status: [200, 400],
  },
  { name: 'unencoded = in value', path: '/workshops/catalog/environments/?name=a=b', status: [200, 400] },
  { name: 'status ?sessions=%', path: `/workshops/environment/${W1}/status/?sessions=%`, status: [200, 400] },
];

async function check(c: Case, auth = true): Promise<void> {
  const res = await rawRequest(te.url, c.path, {
    method: c.method ?? 'GET',
    headers: { ...(auth ? { authorization: `Bearer ${token}` } : {}), ...c.headers },
    ...(c.body !== undefined ? { body: c.body } : {}),
  });
  assert.notEqual(res.status, 500, `${c.name}: 500 ${res.body.slice(0, 200)}`);
  assert.ok(
    c.status.includes(res.status),
    `${c.name}: got ${res.status} ${res.body.slice(0, 200)}, expected one of ${c.status.join('/')}`,
  );
  if (c.text !== undefined) assert.equal(res.body, c.text, c.name);
}

async function stillAnswers(): Promise<void> {
  const res = await te.api('/workshops/catalog/environments/');
  assert.equal(res.status, 200, 'the engine still answers');
  await res.text();
}

describe('request endpoint inputs', () => {
  for (const c of REQUEST_CASES) test(c.name, () => check(c));
  test('the engine still answers afterwards', stillAnswers);
});

describe('catalog and status inputs', () => {
  for (const c of CATALOG_CASES) test(c.name, () => check(c));
});

describe('Authorization header garbage is 403 with an empty body', () => {
  const values = [
    'Bearer',
    'Bearer    ',
    'Bearer a b c',
    `Bearer ${'x'.repeat(8000)}`,
    'Basic !!!not-base64!!!',
    'Token abc',
    'NotAScheme',
    '',
    'Bearer \u00ff\u00fe\u00e9',
    'Bearer %00%0a',
  ];
  for (const v of values) {
    test(JSON.stringify(v.slice(0, 30)), async () => {
      const res = await rawRequest(te.url, '/workshops/catalog/environments/', { headers: { authorization: v } });
      assert.equal(res.status, 403);
      assert.equal(res.body, '');
    });
  }
});

describe('token endpoint inputs', () => {
  const basic = (): string => {
    const r = te.engine.credentials.robot;
    return `Basic ${Buffer.from(`${r.clientId}:${r.clientSecret}`).toString('base64')}`;
  };
  const cases: Array<{ name: string; headers: () => Record<string, string>; body: string; status: number[] }> = [
    {
      name: 'JSON body',
      headers: () => ({ 'content-type': 'application/json', authorization: basic() }),
      body: '{"grant_type": "password"}',
      status: [400, 401],
    },
    {
      name: 'empty body',
      headers: () => ({ 'content-type': 'application/x-www-form-urlencoded', authorization: basic() }),
      body: '',
      status: [400, 401],
    },
    {
      name: 'bad percent-encoding',
      headers: () => ({ 'content-type': 'application/x-www-form-urlencoded', authorization: basic() }),
      body: 'grant_type=password&username=%zz&password=%',
      status: [400, 401],
    },
    {
      name: 'Basic without a colon',
      headers: () => ({
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from('nocolon').toString('base64')}`,
      }),
      body: 'grant_type=password&username=a&password=b',
      status: [400, 401],
    },
    {
      name: 'Basic with invalid base64',
      headers: () => ({ 'content-type': 'application/x-www-form-urlencoded', authorization: 'Basic %%%' }),
      body: 'grant_type=password&username=a&password=b',
      status: [400, 401],
    },
    {
      name: 'repeated grant_type',
      headers: () => ({ 'content-type': 'application/x-www-form-urlencoded', authorization: basic() }),
      body: 'grant_type=password&grant_type=refresh_token&username=a&password=b',
      status: [400, 401],
    },
    {
      name: 'very long password',
      headers: () => ({ 'content-type': 'application/x-www-form-urlencoded', authorization: basic() }),
      body: `grant_type=password&username=a&password=${'p'.repeat(100_000)}`,
      status: [400, 401, 413],
    },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      const res = await rawRequest(te.url, '/oauth2/token/', { method: 'POST', headers: c.headers(), body: c.body });
      assert.ok(c.status.includes(res.status), `${c.name}: ${res.status} ${res.body.slice(0, 200)}`);
    });
  }

  test('revoke with garbage is still 200 or a 4xx, never 500', async () => {
    const res = await rawRequest(te.url, '/oauth2/revoke-token/', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{{{',
    });
    assert.ok(res.status === 200 || (res.status >= 400 && res.status < 500), String(res.status));
  });
});

describe('oversized bodies', () => {
  const big = Buffer.alloc(8 * 1024 * 1024, 0x61);
  test('an 8 MiB body on request/ is 413', async () => {
    const res = await rawRequest(te.url, req('user=big1'), {
      method: 'POST',
      headers: { ...json, authorization: `Bearer ${token}` },
      body: big,
    });
    assert.equal(res.status, 413);
  });
  test('an 8 MiB body on the token endpoint is 413', async () => {
    const res = await rawRequest(te.url, '/oauth2/token/', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: big,
    });
    assert.equal(res.status, 413);
  });
  test('the engine still answers afterwards', stillAnswers);
});

describe('random query strings never give a 500', () => {
  const queryChar = fc.integer({ min: 0x21, max: 0x7e }).map((n) => String.fromCharCode(n));
  const rawValue = fc.string({ unit: queryChar, maxLength: 40 });
  test('request/', async () => {
    await fc.assert(
      fc.asyncProperty(rawValue, rawValue, rawValue, async (user, timeout, extra) => {
        const path = `/workshops/environment/${W1}/request/?index_url=${IDX}&user=${user}&timeout=${timeout}&${extra}`;
        const res = await rawRequest(te.url, path, { headers: { authorization: `Bearer ${token}` } });
        return [200, 400, 403, 404, 503].includes(res.status);
      }),
      { numRuns: 120 },
    );
  });
  test('catalog', async () => {
    await fc.assert(
      fc.asyncProperty(rawValue, async (q) => {
        const res = await rawRequest(te.url, `/workshops/catalog/environments/?${q}`, {
          headers: { authorization: `Bearer ${token}` },
        });
        return res.status === 200 || res.status === 400;
      }),
      { numRuns: 120 },
    );
  });
  test('the engine still answers afterwards', stillAnswers);
});

describe('routing', () => {
  test('a wrong method on an authorised request is 405 with Allow', async () => {
    const cases: Array<[string, string, RegExp]> = [
      ['POST', '/workshops/catalog/environments/', /GET/],
      ['DELETE', `/workshops/environment/${W1}/request/?index_url=${IDX}`, /GET.*POST|POST.*GET/],
      ['PUT', '/workshops/user/someone/sessions/', /GET/],
      ['PATCH', `/workshops/environment/${W1}/status/`, /GET/],
    ];
    for (const [method, path, allow] of cases) {
      const res = await te.api(path, { method });
      await res.text();
      assert.equal(res.status, 405, `${method} ${path}`);
      assert.match(res.headers.get('allow') ?? '', allow, `${method} ${path}`);
    }
  });

  test('GET without the trailing slash is a 301 to the slashed path, keeping the query', async () => {
    for (const auth of [true, false]) {
      const res = await fetch(`${te.url}/workshops/catalog/environments?sessions=true&name=a%20b`, {
        redirect: 'manual',
        headers: auth ? { authorization: `Bearer ${token}` } : {},
      });
      await res.text();
      assert.equal(res.status, 301);
      const to = new URL(res.headers.get('location') ?? '', te.url);
      assert.equal(`${to.pathname}${to.search}`, '/workshops/catalog/environments/?sessions=true&name=a%20b');
    }
    const user = await fetch(`${te.url}/workshops/user/x/sessions`, {
      redirect: 'manual',
      headers: { authorization: `Bearer ${token}` },
    });
    await user.text();
    assert.equal(user.status, 301);
    assert.equal(new URL(user.headers.get('location') ?? '', te.url).pathname, '/workshops/user/x/sessions/');
  });

  test('POST without the trailing slash is refused (no redirect of a POST), never a success', async () => {
    const res = await te.api(`/workshops/environment/${W1}/request?index_url=${IDX}`, { method: 'POST' });
    await res.text();
    assert.ok([301, 404].includes(res.status), String(res.status));
    assert.notEqual(res.status, 200);
  });

  test('unknown routes are 404', async () => {
    for (const path of [
      '/nope/',
      '/workshops/session/x/unknown/',
      '/workshops/environment//request/',
      '/workshops/catalog/environments/extra/',
      '/workshops/user/x/sessions/y/',
    ]) {
      const res = await te.api(path);
      await res.text();
      assert.equal(res.status, 404, path);
    }
  });
});
