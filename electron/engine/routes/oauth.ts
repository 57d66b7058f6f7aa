import { parseFormQuery, first } from '../http/query-string';
import { json, text, type Reply } from '../http/reply';
import { verifySecret } from '../config/credentials';
import { ACCESS_TOKEN_SECONDS } from '../state/auth-store';
import type { UserRecord } from '../domain/model';
import type { Context, EngineContext, Route } from './types';

/** OAuth2 as django-oauth-toolkit 2.3.0 / oauthlib answer it. */

const NO_STORE = { 'cache-control': 'no-store', pragma: 'no-cache' };

function oauthError(status: number, error: string, description?: string): Reply {
  const body = description === undefined ? { error } : { error, error_description: description };
  return json(status, JSON.stringify(body), NO_STORE);
}

interface ClientCredentials {
  clientId: string | null;
  clientSecret: string | null;
  viaBasic: boolean;
}

function clientCredentials(ctx: Context, form: Map<string, string[]>): ClientCredentials | 'malformed' {
  const header = ctx.headers.authorization;
  if (header !== undefined && /^Basic\s+/i.test(header)) {
    const decoded = Buffer.from(header.replace(/^Basic\s+/i, '').trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return 'malformed';
    try {
      return {
        clientId: decodeURIComponent(decoded.slice(0, colon)),
        clientSecret: decodeURIComponent(decoded.slice(colon + 1)),
        viaBasic: true,
      };
    } catch {
      return 'malformed';
    }
  }
  return {
    clientId: first(form, 'client_id') ?? null,
    clientSecret: first(form, 'client_secret') ?? null,
    viaBasic: false,
  };
}

/** The robot application is a public client: the secret is optional, but when one is sent it must be right. */
async function authenticateClient(engine: EngineContext, creds: ClientCredentials | 'malformed'): Promise<boolean> {
  const client = engine.portal.store.client;
  if (creds === 'malformed' || client === null || creds.clientId === null || creds.clientId !== client.clientId)
    return false;
  if (creds.clientSecret === null || (creds.clientSecret === '' && !creds.viaBasic)) return true;
  return verifySecret(creds.clientSecret, client.secretHash);
}

async function tokenHandler(ctx: Context, _caller: unknown, engine: EngineContext): Promise<Reply> {
  const form = parseFormQuery((await ctx.body()).toString('utf8'));
  const grantType = first(form, 'grant_type');
  if (
    grantType === undefined ||
    grantType === '' ||
    !['password', 'refresh_token', 'authorization_code', 'client_credentials'].includes(grantType)
  ) {
    return oauthError(400, 'unsupported_grant_type');
  }
  if (!(await authenticateClient(engine, clientCredentials(ctx, form)))) {
    return oauthError(401, 'invalid_client');
  }
  const store = engine.portal.store;
  if (grantType === 'password') {
    // oauthlib checks every required parameter first, then duplicates (scope included)
    for (const param of ['username', 'password']) {
      if ((first(form, param) ?? '') === '') {
        return oauthError(400, 'invalid_request', `Request is missing ${param} parameter.`);
      }
    }
    for (const param of ['grant_type', 'username', 'password', 'scope']) {
      if ((form.get(param)?.length ?? 0) > 1) {
        return oauthError(400, 'invalid_request', `Duplicate ${param} parameter.`);
      }
    }
    const user = store.userNamed(first(form, 'username') ?? '');
    const key = `${engine.portal.store.client?.clientId ?? ''}\u0000${ctx.remoteAddress}`;
    const check = await engine.logins.check(key, user?.passwordHash ?? null, first(form, 'password') ?? '');
    if (check.outcome === 'throttled') {
      const body = {
        error: 'slow_down',
        error_description:
          'Too many failed sign-ins for this client from this address; ' + `try again in ${check.retryAfterS} s.`,
      };
      return json(429, JSON.stringify(body), { ...NO_STORE, 'retry-after': String(check.retryAfterS) });
    }
    // the user may have been removed while scrypt ran: look it up again
    if (check.outcome !== 'ok' || user === undefined || store.userNamed(user.username) !== user) {
      return oauthError(400, 'invalid_grant', 'Invalid credentials given.');
    }
    return tokens(engine, user);
  }
  if (grantType === 'refresh_token') {
    const refresh = first(form, 'refresh_token') ?? '';
    if (refresh === '') {
      return oauthError(400, 'invalid_request', 'Missing refresh token parameter.');
    }
    const user = store.auth.userForRefreshToken(refresh);
    if (user === null) {
      return oauthError(400, 'invalid_grant');
    }
    store.auth.revokeToken(refresh); // rotation: the old refresh token (and its access token) stop working now
    return tokens(engine, user);
  }
  return oauthError(400, 'unauthorized_client');
}

function tokens(engine: EngineContext, user: UserRecord): Reply {
  const { access, refresh } = engine.portal.store.auth.issueTokens(user);
  const body =
    `{"access_token":"${access}","expires_in":${ACCESS_TOKEN_SECONDS},"token_type":"Bearer","scope":"user:info",` +
    `"refresh_token":"${refresh}"}`;
  return json(200, body, NO_STORE);
}

async function revokeHandler(ctx: Context, _caller: unknown, engine: EngineContext): Promise<Reply> {
  const form = parseFormQuery((await ctx.body()).toString('utf8'));
  if (!(await authenticateClient(engine, clientCredentials(ctx, form)))) {
    return oauthError(401, 'invalid_client');
  }
  const token = first(form, 'token') ?? '';
  if (token === '') {
    return oauthError(400, 'invalid_request', 'Missing token parameter.');
  }
  engine.portal.store.auth.revokeToken(token);
  return text(200, ''); // RFC 7009: 200 even for an unknown token
}

export const oauthRoutes: Route[] = [
  { pattern: /^\/oauth2\/token\/$/, methods: ['POST', 'OPTIONS'], auth: 'none', handler: tokenHandler },
  { pattern: /^\/oauth2\/revoke-token\/$/, methods: ['POST', 'OPTIONS'], auth: 'none', handler: revokeHandler },
];
