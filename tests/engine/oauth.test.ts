/** OAuth2: token, refresh with rotation, revoke, errors, 403s. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestEngine, type TestEngine } from '../support/engine-harness';
import { oauthErrorSchema, tokenReplySchema } from '../support/portal-schemas';
import { config, expectEmpty403, expectPlainText, qs, INDEX_URL } from './helpers';

const CONFIG = config('oauth-portal', { workshops: [{ name: 'lab-oauth', capacity: 3, reserved: 1 }] });
const ENV = 'oauth-portal-w01';

let te: TestEngine;
before(async () => {
  te = await startTestEngine({ config: CONFIG });
});
after(async () => {
  await te?.close();
});

function basic(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
}

function tokenPost(body: Record<string, string>, authorization?: string, path = '/oauth2/token/'): Promise<Response> {
  return fetch(`${te.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(authorization ? { authorization } : {}) },
    body: new URLSearchParams(body).toString(),
  });
}

function robotPassword(): Record<string, string> {
  const r = te.engine.credentials.robot;
  return { grant_type: 'password', username: r.username, password: r.password };
}

function robotBasic(): string {
  const r = te.engine.credentials.robot;
  return basic(r.clientId, r.clientSecret);
}

function bearer(token: string): RequestInit {
  return { headers: { authorization: `Bearer ${token}` } };
}

async function expectOAuthError(res: Response, status: number, error: string): Promise<void> {
  const text = await res.text();
  assert.equal(res.status, status, `expected ${status} ${error}, got ${res.status} ${text}`);
  assert.equal(oauthErrorSchema.parse(JSON.parse(text)).error, error);
}

describe('password grant', () => {
  test('HTTP Basic client auth gives the reference token reply with no-store caching', async () => {
    const res = await tokenPost(robotPassword(), robotBasic());
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /application\/json/);
    assert.match(res.headers.get('cache-control') ?? '', /no-store/);
    assert.equal(res.headers.get('pragma'), 'no-cache');
    const body = tokenReplySchema.parse(await res.json());
    assert.notEqual(body.access_token, body.refresh_token);
    const cat = await te.api('/workshops/catalog/environments/', bearer(body.access_token));
    assert.equal(cat.status, 200);
    await cat.text();
  });

  test('client auth in the body (client_id + client_secret) works too', async () => {
    const r = te.engine.credentials.robot;
    const res = await tokenPost({ ...robotPassword(), client_id: r.clientId, client_secret: r.clientSecret });
    assert.equal(res.status, 200);
    tokenReplySchema.parse(await res.json());
  });

  test('each grant issues a distinct access token', async () => {
    const a = tokenReplySchema.parse(await (await tokenPost(robotPassword(), robotBasic())).json());
    const b = tokenReplySchema.parse(await (await tokenPost(robotPassword(), robotBasic())).json());
    assert.notEqual(a.access_token, b.access_token);
  });

  test('the admin user can get a (staff) token with the robot client', async () => {
    const a = te.engine.credentials.admin;
    const res = await tokenPost({ grant_type: 'password', username: a.username, password: a.password }, robotBasic());
    assert.equal(res.status, 200);
    tokenReplySchema.parse(await res.json());
  });

  test('a wrong password or unknown user is 400 invalid_grant', async () => {
    await expectOAuthError(
      await tokenPost({ ...robotPassword(), password: 'wrong-password' }, robotBasic()),
      400,
      'invalid_grant',
    );
    await expectOAuthError(
      await tokenPost({ ...robotPassword(), username: 'nobody-here' }, robotBasic()),
      400,
      'invalid_grant',
    );
  });

  test('a wrong client secret or unknown client is 401 invalid_client', async () => {
    const r = te.engine.credentials.robot;
    await expectOAuthError(
      await tokenPost(robotPassword(), basic(r.clientId, 'not-the-secret')),
      401,
      'invalid_client',
    );
    await expectOAuthError(
      await tokenPost(robotPassword(), basic('no-such-client', r.clientSecret)),
      401,
      'invalid_client',
    );
    await expectOAuthError(
      await tokenPost({ ...robotPassword(), client_id: r.clientId, client_secret: 'wrong' }),
      401,
      'invalid_client',
    );
    await expectOAuthError(
      await tokenPost({ ...robotPassword(), client_id: 'no-such-client', client_secret: 'x' }),
      401,
      'invalid_client',
    );
  });

  test(
    'an unknown grant type is 400 unsupported_grant_type; ' + 'client_credentials is 400 unauthorized_client',
    async () => {
      await expectOAuthError(
        await tokenPost({ ...robotPassword(), grant_type: 'magic' }, robotBasic()),
        400,
        'unsupported_grant_type',
      );
      await expectOAuthError(
        await tokenPost({ grant_type: 'client_credentials' }, robotBasic()),
        400,
        'unauthorized_client',
      );
    },
  );

  test('a missing password is 400 invalid_request', async () => {
    const { grant_type, username } = robotPassword() as { grant_type: string; username: string };
    await expectOAuthError(await tokenPost({ grant_type, username }, robotBasic()), 400, 'invalid_request');
  });

  test(
    'password grant: every missing parameter is reported before any duplicate, ' +
      'and grant_type/scope count too (oauthlib)',
    async () => {
      const r = te.engine.credentials.robot;
      const raw = async (
        body: string,
      ): Promise<{ status: number; json: { error: string; error_description?: string } }> => {
        const res = await fetch(`${te.url}/oauth2/token/`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: robotBasic() },
          body,
        });
        return { status: res.status, json: (await res.json()) as { error: string; error_description?: string } };
      };
      const user = encodeURIComponent(r.username);
      const pass = encodeURIComponent(r.password);
      const missing = await raw(`grant_type=password&username=${user}&username=other`);
      assert.deepEqual(
        [missing.status, missing.json],
        [400, { error: 'invalid_request', error_description: 'Request is missing password parameter.' }],
      );
      const dupGrant = await raw(`grant_type=password&grant_type=password&username=${user}&password=${pass}`);
      assert.deepEqual(
        [dupGrant.status, dupGrant.json],
        [400, { error: 'invalid_request', error_description: 'Duplicate grant_type parameter.' }],
      );
      const dupScope = await raw(`grant_type=password&username=${user}&password=${pass}&scope=a&scope=b`);
      assert.deepEqual(
        [dupScope.status, dupScope.json],
        [400, { error: 'invalid_request', error_description: 'Duplicate scope parameter.' }],
      );
    },
  );

  test('the token endpoint is POST only: GET is 405 with Allow', async () => {
    const res = await fetch(`${te.url}/oauth2/token/`);
    await res.text();
    assert.equal(res.status, 405);
    assert.match(res.headers.get('allow') ?? '', /POST/);
  });
});

describe('refresh and revoke', () => {
  test('refresh rotates: new tokens work, the old refresh token is refused after use', async () => {
    const r = te.engine.credentials.robot;
    const first = tokenReplySchema.parse(await (await tokenPost(robotPassword(), robotBasic())).json());
    const res = await tokenPost({
      grant_type: 'refresh_token',
      refresh_token: first.refresh_token,
      client_id: r.clientId,
      client_secret: r.clientSecret,
    });
    assert.equal(res.status, 200);
    const second = tokenReplySchema.parse(await res.json());
    assert.notEqual(second.refresh_token, first.refresh_token);
    assert.notEqual(second.access_token, first.access_token);
    const cat = await te.api('/workshops/catalog/environments/', bearer(second.access_token));
    assert.equal(cat.status, 200);
    await cat.text();
    await expectOAuthError(
      await tokenPost({
        grant_type: 'refresh_token',
        refresh_token: first.refresh_token,
        client_id: r.clientId,
        client_secret: r.clientSecret,
      }),
      400,
      'invalid_grant',
    );
    // The rotated refresh token still works, here with Basic client auth.
    const third = await tokenPost({ grant_type: 'refresh_token', refresh_token: second.refresh_token }, robotBasic());
    assert.equal(third.status, 200);
    tokenReplySchema.parse(await third.json());
  });

  test('an unknown refresh token is 400 invalid_grant', async () => {
    await expectOAuthError(
      await tokenPost({ grant_type: 'refresh_token', refresh_token: 'x'.repeat(30) }, robotBasic()),
      400,
      'invalid_grant',
    );
  });

  test('revoke answers 200 with an empty body and the access token stops working', async () => {
    const r = te.engine.credentials.robot;
    const t = tokenReplySchema.parse(await (await tokenPost(robotPassword(), robotBasic())).json());
    const before = await te.api('/workshops/catalog/environments/', bearer(t.access_token));
    assert.equal(before.status, 200);
    await before.text();
    const res = await tokenPost(
      { token: t.access_token, client_id: r.clientId, client_secret: r.clientSecret },
      undefined,
      '/oauth2/revoke-token/',
    );
    assert.equal(res.status, 200);
    assert.equal(await res.text(), '');
    await expectEmpty403(await te.api('/workshops/catalog/environments/', bearer(t.access_token)), 'revoked token');
  });

  test('revoking a refresh token makes it unusable', async () => {
    const r = te.engine.credentials.robot;
    const t = tokenReplySchema.parse(await (await tokenPost(robotPassword(), robotBasic())).json());
    const res = await tokenPost(
      { token: t.refresh_token, client_id: r.clientId, client_secret: r.clientSecret },
      undefined,
      '/oauth2/revoke-token/',
    );
    assert.equal(res.status, 200);
    assert.equal(await res.text(), '');
    await expectOAuthError(
      await tokenPost({ grant_type: 'refresh_token', refresh_token: t.refresh_token }, robotBasic()),
      400,
      'invalid_grant',
    );
  });

  test('revoking an unknown token is 200 with an empty body', async () => {
    const r = te.engine.credentials.robot;
    const res = await tokenPost(
      { token: 'not-a-token-at-all', client_id: r.clientId, client_secret: r.clientSecret },
      undefined,
      '/oauth2/revoke-token/',
    );
    assert.equal(res.status, 200);
    assert.equal(await res.text(), '');
  });
});

describe('protected endpoints', () => {
  const S = `${ENV}-s001`;
  const endpoints: Array<[string, string]> = [
    ['GET', '/workshops/catalog/environments/'],
    ['GET', '/workshops/catalog/workshops/'],
    ['GET', `/workshops/environment/${ENV}/status/`],
    ['GET', `/workshops/environment/${ENV}/request/${qs({ index_url: INDEX_URL })}`],
    ['POST', `/workshops/environment/${ENV}/request/${qs({ index_url: INDEX_URL })}`],
    ['GET', '/workshops/user/someone/sessions/'],
    ['GET', `/workshops/session/${S}/schedule/`],
    ['GET', `/workshops/session/${S}/extend/`],
    ['GET', `/workshops/session/${S}/terminate/`],
    ['GET', `/workshops/session/${S}/config/`],
    ['GET', `/workshops/session/${S}/authorize/`],
    ['POST', `/workshops/session/${S}/event/`],
    // The OAuth check runs before the method check, so a wrong method without a token is 403, not 405.
    ['DELETE', '/workshops/catalog/environments/'],
    ['PUT', `/workshops/environment/${ENV}/request/${qs({ index_url: INDEX_URL })}`],
  ];
  const badAuth: Array<[string, Record<string, string>]> = [
    ['no Authorization header', {}],
    ['an unknown bearer token', { authorization: 'Bearer abcdefghijklmnopqrstuvwxyz0123' }],
    ['an empty bearer token', { authorization: 'Bearer ' }],
    ['a Basic header', { authorization: robotBasicPlaceholder() }],
  ];
  function robotBasicPlaceholder(): string {
    return `Basic ${Buffer.from('robot@educates:whatever').toString('base64')}`;
  }
  for (const [method, path] of endpoints) {
    test(`${method} ${path.split('?')[0]} without a valid token is 403 with an empty body`, async () => {
      for (const [what, headers] of badAuth) {
        const res = await fetch(`${te.url}${path}`, {
          method,
          headers: method === 'POST' ? { ...headers, 'content-type': 'application/json' } : headers,
          ...(method === 'POST' ? { body: '{"event": {"name": "X"}}' } : {}),
          redirect: 'manual',
        });
        await expectEmpty403(res, `${method} ${path} with ${what}`);
      }
    });
  }

  test('the robot token is accepted by a protected endpoint', async () => {
    const res = await te.api('/workshops/catalog/environments/');
    assert.equal(res.status, 200);
    await res.text();
  });
});

describe('a staff (admin) token on robot-only endpoints', () => {
  test('request is 403 "Session requests not permitted"', async () => {
    const token = await te.adminToken();
    await expectPlainText(
      await te.api(`/workshops/environment/${ENV}/request/${qs({ index_url: INDEX_URL })}`, bearer(token)),
      403,
      'Session requests not permitted',
    );
  });

  test('user sessions is 403 "Session requests not permitted"', async () => {
    const token = await te.adminToken();
    await expectPlainText(
      await te.api('/workshops/user/someone/sessions/', bearer(token)),
      403,
      'Session requests not permitted',
    );
  });

  test('environment status is 403 "Status requests not permitted"', async () => {
    const token = await te.adminToken();
    await expectPlainText(
      await te.api(`/workshops/environment/${ENV}/status/`, bearer(token)),
      403,
      'Status requests not permitted',
    );
  });

  test('the catalog answers but ignores the robot-only sessions and state parameters', async () => {
    const token = await te.adminToken();
    const res = await te.api('/workshops/catalog/environments/?sessions=true&state=STOPPING', bearer(token));
    assert.equal(res.status, 200);
    const body = (await res.json()) as { environments: Array<Record<string, unknown>> };
    assert.equal(body.environments.length, 1);
    assert.equal(body.environments[0]?.['state'], 'RUNNING');
    assert.equal('sessions' in (body.environments[0] ?? {}), false);
  });
});
