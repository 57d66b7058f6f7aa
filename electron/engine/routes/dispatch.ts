import { bearerToken, type EngineRequest } from '../http/request';
import { empty, forbiddenEmpty, HttpError, notFound, redirect, ReplyError, text, type Reply } from '../http/reply';
import type { Dialect } from '../domain/dialect';
import type { UserRecord } from '../domain/model';
import { catalogRoutes } from './catalog';
import { oauthRoutes } from './oauth';
import { requestRoutes } from './request';
import { sessionRoutes } from './session-api';
import type { EngineContext, Route } from './types';
import { webRoutes } from './web';

const ALL_ROUTES: Route[] = [...oauthRoutes, ...catalogRoutes, ...requestRoutes, ...sessionRoutes, ...webRoutes];

/** The routes a dialect has, computed once per dialect. */
const routesByDialect = new Map<Dialect, Route[]>();
function routesOf(dialect: Dialect): Route[] {
  let routes = routesByDialect.get(dialect);
  if (routes === undefined) {
    routes = ALL_ROUTES.filter((r) => r.when === undefined || r.when(dialect));
    routesByDialect.set(dialect, routes);
  }
  return routes;
}

/**
 * CORS for every origin, like the real portal (`CORS_ALLOW_ALL_ORIGINS`). This is safe here because the REST
 * API authenticates only with Bearer tokens a page must already hold; cookies never authenticate an API call
 * and no response is credentialed (no Access-Control-Allow-Credentials), so another site gains nothing.
 */
const CORS = { 'access-control-allow-origin': '*' };

/** What a client is told when the batch holding the changes its reply reports could not be committed. */
export const NOT_SAVED = 'The portal could not save its data just now, so this request changed nothing. Try again.';

function match(routes: Route[], path: string): { route: Route; params: Record<string, string> } | null {
  for (const route of routes) {
    const m = route.pattern.exec(path);
    if (m !== null) return { route, params: { ...(m.groups ?? {}) } };
  }
  return null;
}

async function dispatch(req: EngineRequest, engine: EngineContext): Promise<Reply> {
  let path: string;
  try {
    path = decodeURIComponent(req.path);
  } catch {
    return notFound();
  }
  if (req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined) {
    // CORS preflight (django-cors-headers answers it before any view)
    return empty(200, {
      'access-control-allow-headers': 'accept, authorization, content-type, user-agent, x-csrftoken, x-requested-with',
      'access-control-allow-methods': 'DELETE, GET, OPTIONS, PATCH, POST, PUT',
      'access-control-max-age': '86400',
    });
  }
  const routes = routesOf(engine.dialect);
  const found = match(routes, path);
  if (found === null) {
    if (!path.endsWith('/') && match(routes, `${path}/`) !== null && (req.method === 'GET' || req.method === 'HEAD')) {
      // Django's APPEND_SLASH: a permanent redirect that keeps the query string
      return redirect(301, `${req.path}/${req.rawQuery === '' ? '' : `?${req.rawQuery}`}`);
    }
    return notFound();
  }
  const { route, params } = found;
  let caller: UserRecord | null = null;
  if (route.auth === 'bearer' || route.auth === 'catalog') {
    const token = bearerToken(req.headers);
    caller = token === null ? null : engine.portal.store.auth.userForAccessToken(token);
    const open = route.auth === 'catalog' && engine.portal.store.settings.catalogVisibility === 'public';
    if (caller === null && !open) return forbiddenEmpty();
  }
  // HEAD is answered as GET (the server leaves the body out)
  const method = req.method === 'HEAD' && route.methods.includes('GET') ? 'GET' : req.method;
  if (!route.methods.includes(method)) return empty(405, { allow: route.methods.join(', ') });
  if (req.method === 'OPTIONS') return empty(200, { allow: route.methods.join(', ') });
  return route.handler({ ...req, params }, caller, engine);
}

/**
 * Answers one request. Durability: a reply must never report a change that is not committed yet. With group commit
 * a change may still sit in the open batch when the handler returns, so the reply waits for that batch. If the
 * commit fails, the store has rolled the batch back and reloaded its records from the database, and the client is
 * told so (503) instead of getting a success that was not saved.
 */
export async function respond(
  req: EngineRequest,
  engine: EngineContext,
  onInternalError: (route: string, err: unknown) => void,
): Promise<Reply> {
  let reply: Reply;
  try {
    reply = await dispatch(req, engine);
  } catch (err) {
    if (err instanceof ReplyError) {
      reply = err.reply;
    } else if (err instanceof HttpError) {
      reply = text(err.status, err.message, err.status === 413 ? { connection: 'close' } : {});
    } else {
      onInternalError(match(ALL_ROUTES, req.path)?.route.pattern.source ?? 'unknown route', err);
      reply = text(500, 'Internal error');
    }
  }
  const pending = engine.portal.store.whenCommitted();
  if (pending !== null) {
    try {
      await pending;
    } catch {
      return text(503, NOT_SAVED, { ...CORS, 'retry-after': '1' });
    }
  }
  return { ...reply, headers: { ...CORS, ...reply.headers } };
}
