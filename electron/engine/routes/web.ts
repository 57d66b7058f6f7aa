import { randomUUID } from 'node:crypto';
import { HttpError, html, json, redirect, ReplyError, type Reply } from '../http/reply';
import { readCookie } from '../http/request';
import {
  EnvironmentState,
  SESSION_STATE_NAMES,
  SessionState,
  type SessionRecord,
  type UserRecord,
} from '../domain/model';
import { last, stripped, updateQueryParams } from '../http/query-string';
import type { Context, EngineContext, Route } from './types';
import { constantTimeEqual } from './session-api';
import { catalogPage, sessionPage, type Page } from './web-pages';
import { formatDateTime } from '../domain/datetime';

/**
 * The browser side: activation, the session page, the web create flow and a small catalog, so redirects
 * land somewhere real. The login cookie is HttpOnly (scripts cannot steal it) and SameSite=Lax (other sites
 * cannot make a browser send it with their POSTs); only its SHA-256 is stored.
 */
const COOKIE = 'sessionid';
const COOKIE_MAX_AGE = 14 * 24 * 3600;
const SLUG = '[-a-zA-Z0-9_]+';

function browserUser(ctx: Context, engine: EngineContext): UserRecord | null {
  const id = readCookie(ctx.headers, COOKIE);
  return id === null || id === '' ? null : engine.portal.store.auth.userForBrowserSession(id);
}

function loginCookie(engine: EngineContext, user: UserRecord): string {
  const id = engine.portal.store.auth.createBrowserSession(user);
  return `${COOKIE}=${id}; HttpOnly; SameSite=Lax; Path=/; Max-Age=${COOKIE_MAX_AGE}`;
}

/** Where redirects go: the stored/given index_url, PORTAL_INDEX for non-staff, the catalog. */
function indexFor(engine: EngineContext, indexUrl: string | null, user: UserRecord | null): string {
  if (indexUrl !== null && indexUrl !== '') return indexUrl;
  const portalIndex = engine.portal.store.settings.index;
  if (portalIndex !== null && user?.isStaff !== true) return portalIndex;
  return '/workshops/catalog/';
}

function pageReply(p: Page): Reply {
  return html(200, p.html, { 'content-security-policy': p.csp });
}

function activate(ctx: Context, _caller: UserRecord | null, engine: EngineContext): Reply {
  const store = engine.portal.store;
  const q = ctx.query();
  const token = last(q, 'token') ?? '';
  if (token === '') throw new HttpError(400, 'No access token supplied');
  const s = store.sessionNamed(ctx.params['session'] ?? '');
  if (s !== undefined && s.state === SessionState.STOPPED) {
    const user = browserUser(ctx, engine);
    if (user !== null && s.owner === user && s.indexUrl !== null && s.indexUrl !== '') {
      return redirect(302, updateQueryParams(s.indexUrl, { notification: 'session-deleted' }));
    }
  }
  if (s === undefined || s.state === SessionState.STOPPED) throw new HttpError(400, 'Invalid session name supplied');
  if (s.token === null || !constantTimeEqual(s.token, token))
    throw new HttpError(400, 'Invalid access token for session');
  const owner = s.owner;
  if (owner === null) throw new HttpError(400, 'No owner defined for session');
  engine.portal.sessions.activate(s);
  return redirect(302, `/workshops/session/${s.name}/`, {
    'set-cookie': loginCookie(engine, owner),
    'cache-control': 'no-store',
  });
}

/** the longest query kept in `next` (it is percent-encoded again, so it can triple in size) */
const MAX_NEXT_QUERY = 2048;

/** Python's `quote(text, safe='/')`, as Django's `redirect_to_login` encodes `next`. */
function quoteKeepSlash(text: string): string {
  return encodeURIComponent(text)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%2F/g, '/');
}

/**
 * The session page and /delete/: `login_required(login_url="/")` sends a browser that is not
 * logged in to `/?next=<path>`; the owner's own STOPPED session with an index_url goes there with session-deleted;
 * anything else that is not the user's own live session (staff included) is session-invalid, which never goes to
 * index_url. Returns the session, or ends the request with that redirect.
 */
function ownSession(ctx: Context, engine: EngineContext): { s: SessionRecord; user: UserRecord } {
  const user = browserUser(ctx, engine);
  if (user === null) {
    // A query too long to carry back in a Location header (clients refuse headers past ~16 KB) is dropped:
    // the login page only needs to know which page to return to.
    const query = ctx.rawQuery === '' || ctx.rawQuery.length > MAX_NEXT_QUERY ? '' : `?${ctx.rawQuery}`;
    const full = `${ctx.path}${query}`;
    throw new ReplyError(redirect(302, `/?next=${quoteKeepSlash(full)}`));
  }
  const s = engine.portal.store.sessionNamed(ctx.params['session'] ?? '');
  if (
    s !== undefined &&
    s.owner === user &&
    s.state === SessionState.STOPPED &&
    s.indexUrl !== null &&
    s.indexUrl !== ''
  ) {
    throw new ReplyError(redirect(302, updateQueryParams(s.indexUrl, { notification: 'session-deleted' })));
  }
  if (s === undefined || s.owner !== user || s.state === SessionState.STOPPED) {
    throw new ReplyError(
      redirect(302, updateQueryParams(indexFor(engine, null, user), { notification: 'session-invalid' })),
    );
  }
  return { s, user };
}

/**
 * `overdue` (Educates 2.3 and later): a session still starting that long after it was allocated is given up, by
 * sending its page to `/delete/` with `notification=startup-timeout`. The real portal's page does this in the
 * browser; here the page asks the engine (`activity/`), so the rule is the engine's clock, not the browser's.
 */
function overdueRedirect(s: SessionRecord, engine: EngineContext): string | null {
  if (!engine.dialect.startupTimeout || s.env.overdueS <= 0) return null;
  if (s.state !== SessionState.STARTING && s.state !== SessionState.WAITING) return null;
  if (engine.portal.store.now() < (s.startedAt ?? s.createdAt) + s.env.overdueS * 1000) return null;
  return `/workshops/session/${s.name}/delete/?notification=startup-timeout`;
}

/** How often the session page reports activity: often enough for `orphaned`, at least every 30 s. */
function heartbeatMs(s: SessionRecord): number {
  const orphanedMs = s.env.orphanedS * 1000;
  return orphanedMs > 0 ? Math.min(30_000, Math.max(1_000, Math.floor(orphanedMs / 4))) : 30_000;
}

function sessionView(ctx: Context, _caller: UserRecord | null, engine: EngineContext): Reply {
  const { s } = ownSession(ctx, engine);
  const overdue = overdueRedirect(s, engine);
  if (overdue !== null) return redirect(302, overdue, { 'cache-control': 'no-store' });
  const p = sessionPage({
    portalName: engine.portal.store.name,
    title: s.env.workshop.title || s.env.workshopName,
    session: s.name,
    state: SESSION_STATE_NAMES[s.state],
    expires: s.expiresAt === null ? null : formatDateTime(s.expiresAt),
    heartbeatMs: heartbeatMs(s),
  });
  return pageReply(p);
}

/**
 * The session page's sign of life (an engine route; the real portal asks the workshop dashboard instead). Only the
 * owner's browser counts: anything else gets 403, and the page then reloads into the usual redirects.
 */
async function activity(ctx: Context, _caller: UserRecord | null, engine: EngineContext): Promise<Reply> {
  const user = browserUser(ctx, engine);
  const s = engine.portal.store.sessionNamed(ctx.params['session'] ?? '');
  if (user === null || s === undefined || s.owner !== user || s.state === SessionState.STOPPED) {
    throw new HttpError(403, 'Not your session');
  }
  let visible = true;
  try {
    const body: unknown = JSON.parse((await ctx.body()).toString('utf8') || '{}');
    if (typeof body === 'object' && body !== null && (body as { visible?: unknown }).visible === false) visible = false;
  } catch {
    // a beat without a readable body still says the page is open
  }
  if (s.state === SessionState.RUNNING) engine.portal.store.recordActivity(s, visible);
  const state = SESSION_STATE_NAMES[s.state];
  return json(
    200,
    JSON.stringify({
      state,
      expires: s.expiresAt === null ? null : formatDateTime(s.expiresAt),
      redirect: overdueRedirect(s, engine),
    }),
    {
      'cache-control': 'no-store',
    },
  );
}

function deleteSession(ctx: Context, _caller: UserRecord | null, engine: EngineContext): Reply {
  const { s, user } = ownSession(ctx, engine);
  engine.portal.sessions.terminate(s);
  // Learning Center knows no notification but session-deleted here (it has no startup-timeout)
  const asked = engine.dialect.startupTimeout ? last(ctx.query(), 'notification') : undefined;
  return redirect(
    302,
    updateQueryParams(indexFor(engine, s.indexUrl, user), { notification: asked || 'session-deleted' }),
  );
}

function createSession(ctx: Context, _caller: UserRecord | null, engine: EngineContext, autoLogin: boolean): Reply {
  const store = engine.portal.store;
  const indexUrl = stripped(ctx.query(), 'index_url') || null;
  const user = browserUser(ctx, engine);
  const env = store.environmentNamed(ctx.params['env'] ?? '');
  if (env === undefined) {
    return redirect(302, updateQueryParams(indexFor(engine, indexUrl, user), { notification: 'workshop-invalid' }));
  }
  const headers: Record<string, string> = { 'cache-control': 'no-store' };
  if (user === null) {
    const anonymous = store.settings.registrationType === 'anonymous' && store.settings.registrationEnabled;
    if (!autoLogin || !anonymous)
      throw new HttpError(403, 'Login required: this portal does not allow anonymous access');
  }
  if (env.state !== EnvironmentState.RUNNING) {
    return redirect(302, updateQueryParams(indexFor(engine, indexUrl, user), { notification: 'session-unavailable' }));
  }
  const signedIn = user;
  const { result, owner } = store.transaction(() => {
    const owner =
      signedIn ?? engine.portal.createAnonymousUser(`${engine.dialect.anonymousPrefix}:${randomUUID()}`, {});
    const result = engine.portal.allocate(env, owner, {
      token: null,
      timeoutS: 0,
      reacquire: null,
      indexUrl,
      analyticsUrl: null,
      params: [],
    });
    // no session, no new user (and no login): cookie-less requests against a full environment leave nothing behind
    if (!result.ok && signedIn === null) {
      store.discardNewUser(owner);
      return { result, owner: null };
    }
    return { result, owner };
  });
  if (owner !== null && signedIn !== owner) headers['set-cookie'] = loginCookie(engine, owner);
  if (!result.ok) {
    return redirect(
      302,
      updateQueryParams(indexFor(engine, indexUrl, owner), { notification: 'session-unavailable' }),
      headers,
    );
  }
  return redirect(302, `/workshops/session/${result.session.name}/`, headers);
}

function catalogHtml(ctx: Context, _caller: UserRecord | null, engine: EngineContext): Reply {
  const store = engine.portal.store;
  const items = [...store.environments()]
    .filter((e) => e.state === EnvironmentState.RUNNING)
    .sort((a, b) => a.position - b.position)
    .map((e) => ({
      environment: e.name,
      title: e.workshop.title || e.workshopName,
      description: e.workshop.description,
      capacity: e.capacity,
      allocated: e.allocated.size,
      available: e.available.size,
      duration: e.durationS,
    }));
  const canStart = store.settings.registrationType === 'anonymous' && store.settings.registrationEnabled;
  return pageReply(catalogPage(store.name, items, last(ctx.query(), 'notification'), canStart));
}

export const webRoutes: Route[] = [
  { pattern: /^\/$/, methods: ['GET'], auth: 'none', handler: () => redirect(302, '/workshops/catalog/') },
  { pattern: /^\/workshops\/catalog\/$/, methods: ['GET'], auth: 'none', handler: catalogHtml },
  {
    pattern: new RegExp(`^/workshops/session/(?<session>${SLUG})/activate/$`),
    methods: ['GET'],
    auth: 'none',
    handler: activate,
  },
  {
    pattern: new RegExp(`^/workshops/session/(?<session>${SLUG})/$`),
    methods: ['GET'],
    auth: 'none',
    handler: sessionView,
  },
  {
    pattern: new RegExp(`^/workshops/session/(?<session>${SLUG})/delete/$`),
    methods: ['GET'],
    auth: 'none',
    handler: deleteSession,
  },
  {
    pattern: new RegExp(`^/workshops/session/(?<session>${SLUG})/activity/$`),
    methods: ['POST'],
    auth: 'none',
    handler: activity,
  },
  {
    pattern: new RegExp(`^/workshops/environment/(?<env>${SLUG})/create/$`),
    methods: ['GET'],
    auth: 'none',
    handler: (c, u, e) => createSession(c, u, e, true),
  },
  {
    pattern: new RegExp(`^/workshops/environment/(?<env>${SLUG})/$`),
    methods: ['GET'],
    auth: 'none',
    handler: (c, u, e) => createSession(c, u, e, false),
  },
];
