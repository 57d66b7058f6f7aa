import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import {
  bearerToken,
  HttpError,
  makeContext,
  sendForbiddenEmpty,
  sendNotFound,
  sendRedirect,
  sendText,
  type Context,
} from './http-util';
import type { UserRecord } from '../domain/model';
import { applyLimits, serverOptions, type HttpLimits } from './limits';
import type { EngineContext, Route } from '../routes/types';
import { apiRoutes } from '../routes/api';
import { oauthRoutes } from '../routes/oauth';
import { webRoutes } from '../routes/web';

const ROUTES: Route[] = [...oauthRoutes, ...apiRoutes, ...webRoutes];

/**
 * CORS for every origin, like the real portal (`CORS_ALLOW_ALL_ORIGINS`). This is safe here because the REST
 * API authenticates only with Bearer tokens a page must already hold; cookies never authenticate an API call
 * and no response is credentialed (no Access-Control-Allow-Credentials), so another site gains nothing.
 */
const CORS = { 'access-control-allow-origin': '*' };

function match(path: string): { route: Route; params: Record<string, string> } | null {
  for (const route of ROUTES) {
    const m = route.pattern.exec(path);
    if (m !== null) return { route, params: { ...(m.groups ?? {}) } };
  }
  return null;
}

function callerFor(ctx: Context, engine: EngineContext): UserRecord | null {
  const token = bearerToken(ctx.req);
  return token === null ? null : engine.portal.store.auth.userForAccessToken(token);
}

async function dispatch(ctx: Context, engine: EngineContext): Promise<void> {
  let path: string;
  try {
    path = decodeURIComponent(ctx.path);
  } catch {
    sendNotFound(ctx.res);
    return;
  }
  if (ctx.method === 'OPTIONS' && ctx.req.headers['access-control-request-method'] !== undefined) {
    // CORS preflight (django-cors-headers answers it before any view)
    ctx.res.writeHead(200, {
      'access-control-allow-headers': 'accept, authorization, content-type, user-agent, x-csrftoken, x-requested-with',
      'access-control-allow-methods': 'DELETE, GET, OPTIONS, PATCH, POST, PUT',
      'access-control-max-age': '86400',
      'content-length': 0,
    });
    ctx.res.end();
    return;
  }
  const found = match(path);
  if (found === null) {
    if (!path.endsWith('/') && match(`${path}/`) !== null && (ctx.method === 'GET' || ctx.method === 'HEAD')) {
      // Django's APPEND_SLASH: a permanent redirect that keeps the query string
      sendRedirect(ctx.res, 301, `${ctx.path}/${ctx.rawQuery === '' ? '' : `?${ctx.rawQuery}`}`);
      return;
    }
    sendNotFound(ctx.res);
    return;
  }
  const { route, params } = found;
  ctx.params = params;
  let caller: UserRecord | null = null;
  if (route.auth === 'bearer' || route.auth === 'catalog') {
    caller = callerFor(ctx, engine);
    const open = route.auth === 'catalog' && engine.portal.store.settings.catalogVisibility === 'public';
    if (caller === null && !open) {
      sendForbiddenEmpty(ctx.res);
      return;
    }
  }
  // HEAD is answered as GET without a body (Node leaves the body out of replies to HEAD)
  const method = ctx.method === 'HEAD' && route.methods.includes('GET') ? 'GET' : ctx.method;
  if (!route.methods.includes(method)) {
    ctx.res.writeHead(405, { allow: route.methods.join(', '), 'content-type': 'text/html; charset=utf-8', 'content-length': 0 });
    ctx.res.end();
    return;
  }
  if (ctx.method === 'OPTIONS') {
    ctx.res.writeHead(200, { allow: route.methods.join(', '), 'content-type': 'text/html; charset=utf-8', 'content-length': 0 });
    ctx.res.end();
    return;
  }
  await route.handler(ctx, caller, engine);
}

/**
 * Durability: a reply must never report a change that is not committed yet. With group commit the change
 * may still sit in the open batch when the handler ends the response, so the end is deferred until the
 * batch commits. If the commit fails the connection is dropped instead: the client sees an error, never a
 * false success.
 */
function holdUntilCommitted(res: ServerResponse, engine: EngineContext): void {
  const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
  res.end = ((...args: unknown[]) => {
    const pending = engine.portal.store.whenCommitted();
    if (pending === null) return end(...args);
    pending.then(
      () => end(...args),
      () => res.destroy(),
    );
    return res;
  }) as ServerResponse['end'];
}

/** The server and its gate: requests wait until the engine is ready (`open`) and are dropped if it never is. */
export interface EngineServer {
  server: Server;
  open(engine: EngineContext): void;
  fail(): void;
}

/** requests held while the engine starts (it listens first, then loads its state); beyond this: 503 */
const MAX_HELD = 1000;

export function createEngineServer(log: (line: string) => void, limits: HttpLimits): EngineServer {
  const loggedFailures = new Set<string>();
  const serve = (engine: EngineContext, req: IncomingMessage, res: ServerResponse): void => {
    for (const [k, v] of Object.entries(CORS)) res.setHeader(k, v);
    holdUntilCommitted(res, engine);
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const ctx = makeContext(req, res, q < 0 ? url : url.slice(0, q), q < 0 ? '' : url.slice(q + 1), limits.maxBodyBytes);
    const fail = (err: unknown): void => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (err instanceof HttpError) {
        sendText(res, err.status, err.message, err.status === 413 ? { connection: 'close' } : {});
        return;
      }
      // never the URL or body in the log: they can carry tokens; one line per distinct failure
      const what = `${err instanceof Error ? err.name : 'Error'}: ${err instanceof Error ? err.message : String(err)}`;
      const route = match(ctx.path)?.route.pattern.source ?? 'unknown route';
      const key = `${route} ${what}`;
      if (!loggedFailures.has(key)) {
        loggedFailures.add(key);
        log(`internal error on ${ctx.method} ${route}: ${what}`);
      }
      sendText(res, 500, 'Internal error');
    };
    try {
      const done = dispatch(ctx, engine);
      done.catch(fail);
    } catch (err) {
      fail(err);
    }
  };
  let engine: EngineContext | null = null;
  let failed = false;
  const held: [IncomingMessage, ServerResponse][] = [];
  const server = createServer(serverOptions(limits), (req, res) => {
    if (engine !== null) serve(engine, req, res);
    else if (failed) res.destroy();
    else if (held.length >= MAX_HELD) sendText(res, 503, 'The portal is starting', { 'retry-after': '1' });
    else held.push([req, res]);
  });
  applyLimits(server, limits, log);
  return {
    server,
    open(ready) {
      engine = ready;
      for (const [req, res] of held.splice(0)) serve(ready, req, res);
    },
    fail() {
      failed = true;
      for (const [, res] of held.splice(0)) res.destroy();
    },
  };
}
