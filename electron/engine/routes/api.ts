import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import {
  environmentSummaryJson,
  nextExpiry,
  scheduleJson,
  userSessionJson,
} from './views';
import { HttpError, sendJson, sendNotFound, type Context } from '../http/http-util';
import { EnvironmentState, SessionState, type SessionRecord, type UserRecord } from '../domain/model';
import { resolveParameters } from './request-parameters';
import { last, parseCatalogQuery, QueryStringError, quotePlus, stripped } from '../http/query-string';
import type { EngineContext, Route } from './types';
import { formatDateTime as fmt } from '../domain/datetime';
import { isExtendable } from '../domain/extension';

/** The REST API of reference §3–§7. Error texts are the real portal's, word for word. */

const SLUG = '([-a-zA-Z0-9_]+)';
const ENV_STATES = new Map([
  ['STARTING', EnvironmentState.STARTING],
  ['RUNNING', EnvironmentState.RUNNING],
  ['STOPPING', EnvironmentState.STOPPING],
  ['STOPPED', EnvironmentState.STOPPED],
]);

/** Python's `re.match(r'(\\w+)\\[(\\w+)\\]', key)`: anchored at the start only, `\\w` Unicode-aware. */
const LABEL_KEY = /^([\p{L}\p{N}_]+)\[([\p{L}\p{N}_]+)\]/u;

const isTrue = (v: string | undefined): boolean => v !== undefined && ['true', '1'].includes(v.toLowerCase());

function catalogEnvironments(ctx: Context, caller: UserRecord | null, engine: EngineContext): void {
  const store = engine.portal.store;
  let query: Map<string, string[]>;
  try {
    query = parseCatalogQuery(ctx.rawQuery);
  } catch (err) {
    if (err instanceof QueryStringError) throw new HttpError(400, err.message);
    throw err;
  }
  const robot = caller?.isRobot === true;
  // `sessions` and `state` come from Django's request.GET; unknown states are ignored like the real portal does
  const form = robot ? ctx.query() : new Map<string, string[]>();
  const withSessions = robot && isTrue(last(form, 'sessions'));
  const states = new Set<number>();
  for (const value of form.get('state') ?? []) {
    const s = ENV_STATES.get(value.toUpperCase());
    if (s !== undefined) states.add(s);
  }
  if (states.size === 0) states.add(EnvironmentState.RUNNING);
  const names = query.get('name') ?? [];
  const labels = new Map<string, string>();
  for (const [key, values] of query) {
    const m = LABEL_KEY.exec(key);
    if (m !== null && m[1] === 'labels') labels.set(m[2] ?? '', values[values.length - 1] ?? '');
  }
  const now = store.now();
  const out: string[] = [`{"portal":${engine.views.portalJson(store)},"environments":[`];
  let firstEnv = true;
  for (const env of store.environments()) {
    if (!states.has(env.state)) continue;
    if (names.length > 0 && !names.includes(env.workshopName)) continue;
    let ok = true;
    for (const [k, v] of labels) if (env.labels[k] !== v) ok = false;
    if (!ok) continue;
    if (!firstEnv) out.push(',');
    firstEnv = false;
    engine.views.pushEnvironmentJson(out, env, 'catalog', withSessions, now);
  }
  out.push(']}');
  sendJson(ctx.res, 200, out.join(''));
}

function catalogWorkshops(ctx: Context, _caller: UserRecord | null, engine: EngineContext): void {
  const store = engine.portal.store;
  const envs = [...store.environments()].filter((e) => e.state === EnvironmentState.RUNNING).sort((a, b) => a.position - b.position);
  const parts = envs.map((env) => `${engine.views.catalogWorkshopJson(env).slice(0, -1)},"environment":${environmentSummaryJson(env)}}`);
  sendJson(ctx.res, 200, `{"portal":${engine.views.portalJson(store)},"workshops":[${parts.join(',')}]}`);
}

function environmentStatus(ctx: Context, caller: UserRecord | null, engine: EngineContext): void {
  if (caller?.isRobot !== true) throw new HttpError(403, 'Status requests not permitted');
  const env = engine.portal.store.environmentNamed(ctx.params['env'] ?? '');
  if (env === undefined) throw new HttpError(403, 'Environment does not exist');
  const withSessions = isTrue(last(ctx.query(), 'sessions'));
  sendJson(ctx.res, 200, engine.views.environmentJson(env, 'status', withSessions, engine.portal.store.now()));
}

// Django's EmailValidator, simplified: a non-empty local part, a dotted domain of letters, digits and hyphens.
const EMAIL = /^[-!#$%&'*+/=?^_`{}|~0-9A-Za-z]+(\.[-!#$%&'*+/=?^_`{}|~0-9A-Za-z]+)*@([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;
const TOKEN_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** 32 distinct letters and digits, like Python's `random.sample(ascii_letters + digits, 32)`. */
function activationToken(): string {
  const chars = TOKEN_CHARS.split('');
  const random = randomBytes(64);
  for (let i = 0; i < 32; i++) {
    // a partial Fisher–Yates shuffle; the 16-bit draw keeps the modulo bias below 0.1 %
    const j = i + (random.readUInt16BE(i * 2) % (chars.length - i));
    const t = chars[i] as string;
    chars[i] = chars[j] as string;
    chars[j] = t;
  }
  return chars.slice(0, 32).join('');
}

function parseParameters(body: Buffer): { name: string; value: string }[] {
  if (body.length === 0) return [];
  let data: unknown;
  try {
    data = JSON.parse(body.toString('utf8'));
  } catch {
    throw new HttpError(400, 'Invalid JSON request payload');
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new HttpError(400, 'Malformed JSON request payload');
  const list = (data as Record<string, unknown>)['parameters'];
  if (list === undefined) return [];
  if (!Array.isArray(list)) throw new HttpError(400, 'Malformed JSON request payload');
  return list.map((item: unknown) => {
    // the real portal answers 500 for an item that is not an object; a client's mistake gets a 400 here
    if (typeof item !== 'object' || item === null || Array.isArray(item)) throw new HttpError(400, 'Malformed JSON request payload: each parameter must be an object with name and value');
    const { name, value } = item as Record<string, unknown>;
    if (typeof name !== 'string' || name === '' || (value !== undefined && typeof value !== 'string')) {
      throw new HttpError(400, 'Malformed JSON request payload');
    }
    return { name, value: value ?? '' };
  });
}

async function requestSession(ctx: Context, caller: UserRecord | null, engine: EngineContext): Promise<void> {
  const store = engine.portal.store;
  if (caller?.isRobot !== true) throw new HttpError(403, 'Session requests not permitted');
  const env = store.environmentNamed(ctx.params['env'] ?? '');
  if (env === undefined) throw new HttpError(403, 'Environment does not exist');
  // like the portal's view: the last value of a repeated parameter, with surrounding whitespace stripped
  const q = ctx.query();
  const indexUrl = stripped(q, 'index_url') || stripped(q, 'redirect_url');
  if (indexUrl === '') throw new HttpError(400, 'Need redirect URL for workshop index');
  const email = stripped(q, 'email');
  if (email !== '' && !EMAIL.test(email)) throw new HttpError(400, 'Invalid email address provided');
  const timeoutText = last(q, 'timeout');
  let timeoutS = 60;
  if (timeoutText !== undefined) {
    // the real portal's int() raises and answers 500; a client's mistake gets a 400 here
    if (!/^\s*\+?\d{1,9}\s*$/.test(timeoutText)) throw new HttpError(400, 'Invalid timeout: expected a whole number of seconds (0 disables the activation deadline)');
    timeoutS = Number(timeoutText.trim());
  }
  const supplied = parseParameters(await ctx.body());
  if (env.state === EnvironmentState.STARTING) {
    // the real portal dereferences a missing workshop here (500); request only RUNNING environments
    throw new HttpError(400, 'Environment is still starting: request sessions only from RUNNING environments');
  }
  const username = stripped(q, 'user') || randomUUID();
  if (username.length > 150) throw new HttpError(400, 'Invalid user name: at most 150 characters');
  const analyticsUrl = stripped(q, 'analytics_url') || null;
  if (analyticsUrl !== null && !/^https?:\/\//i.test(analyticsUrl)) throw new HttpError(400, 'Invalid analytics URL: expected an http(s) URL');
  const reacquire = last(q, 'session') || null;
  const params = resolveParameters(env.workshop.parameters, supplied);
  const token = activationToken();
  const result = store.transaction(() => {
    let user = store.userNamed(username);
    if (user === undefined) {
      user = engine.portal.createAnonymousUser(username, {
        email,
        firstName: stripped(q, 'first_name') || stripped(q, 'firstname'),
        lastName: stripped(q, 'last_name') || stripped(q, 'lastname'),
      });
    }
    if (user.isStaff || user.isRobot) return { error: 'forbidden-user' as const };
    return { user, allocation: engine.portal.allocate(env, user, { token, timeoutS, reacquire, indexUrl, analyticsUrl, params }) };
  });
  if ('error' in result) throw new HttpError(400, 'Session requests not permitted for user');
  const { allocation, user } = result;
  if (!allocation.ok) {
    const message = allocation.reason === 'cannot-reacquire' ? 'Cannot be reacquired' : 'No session available';
    sendJson(ctx.res, 503, JSON.stringify({ error: message }));
    return;
  }
  const s = allocation.session;
  const name = JSON.stringify(s.name);
  const url = `/workshops/session/${s.name}/activate/?token=${s.token ?? ''}&index_url=${quotePlus(indexUrl)}`;
  sendJson(
    ctx.res,
    200,
    `{"name":${name},"session":${name},"user":${JSON.stringify(user.username)},"url":${JSON.stringify(url)},"namespace":${name},` +
      `"workshop":${JSON.stringify(env.workshopName)},"environment":${JSON.stringify(env.name)}}`,
  );
}

function userSessions(ctx: Context, caller: UserRecord | null, engine: EngineContext): void {
  if (caller?.isRobot !== true) throw new HttpError(403, 'Session requests not permitted');
  const username = ctx.params['user'] ?? '';
  const user = engine.portal.store.userNamed(username);
  const now = engine.portal.store.now();
  const parts: string[] = [];
  if (user !== undefined) {
    const live = [...user.live].filter((s) => s.state !== SessionState.STOPPING).sort((a, b) => a.env.id - b.env.id || a.id - b.id);
    for (const s of live) parts.push(userSessionJson(s, now));
  }
  sendJson(ctx.res, 200, `{"user":${JSON.stringify(username)},"sessions":[${parts.join(',')}]}`);
}

/**
 * `portal.allocated_session(name)` (any state but STOPPED, reserved sessions included; 404 otherwise), then, for the
 * endpoints that need an owner, the 400 `unowned` reply, and only then the owner/staff/robot permission check: the
 * real views run the "not in use" check before the permission check (reference §7).
 */
function sessionFor(ctx: Context, caller: UserRecord | null, engine: EngineContext, unowned: string | null = null): SessionRecord | null {
  const s = engine.portal.store.sessionNamed(ctx.params['session'] ?? '');
  if (s === undefined || s.state === SessionState.STOPPED) {
    sendNotFound(ctx.res);
    return null;
  }
  if (unowned !== null && s.owner === null) throw new HttpError(400, unowned);
  if (caller === null || (!caller.isStaff && !caller.isRobot && s.owner !== caller)) throw new HttpError(403, 'Access to session not permitted');
  return s;
}

const NOT_IN_USE = 'Session is not currently in use';

function schedule(ctx: Context, caller: UserRecord | null, engine: EngineContext): void {
  const s = sessionFor(ctx, caller, engine);
  if (s === null) return;
  sendJson(ctx.res, 200, scheduleJson(s, engine.portal.store.now(), null));
}

function extend(ctx: Context, caller: UserRecord | null, engine: EngineContext): void {
  const s = sessionFor(ctx, caller, engine, NOT_IN_USE);
  if (s === null) return;
  const now = engine.portal.store.now();
  let extended = false;
  if (isExtendable(s.env, s.state === SessionState.RUNNING, s.startedAt, s.expiresAt, now)) {
    const expires = nextExpiry(s);
    if (expires !== null) {
      engine.portal.sessions.extend(s, expires);
      extended = true;
    }
  }
  sendJson(ctx.res, 200, scheduleJson(s, engine.portal.store.now(), extended));
}

function terminate(ctx: Context, caller: UserRecord | null, engine: EngineContext): void {
  const s = sessionFor(ctx, caller, engine, NOT_IN_USE);
  if (s === null) return;
  // like `mark_as_stopping()`: a session already STOPPING is marked again (expires = now, Session/Stopping again)
  engine.portal.sessions.terminate(s);
  sendJson(ctx.res, 200, JSON.stringify({ started: s.startedAt === null ? null : fmt(s.startedAt), expires: s.expiresAt === null ? null : fmt(s.expiresAt) }));
}

function sessionConfig(ctx: Context, caller: UserRecord | null, engine: EngineContext): void {
  const s = sessionFor(ctx, caller, engine);
  if (s === null) return;
  // there is no workshop dashboard here: the URL is the engine's own session page
  const url = s.state === SessionState.STARTING ? null : `${engine.portal.store.url}/workshops/session/${s.name}/`;
  sendJson(ctx.res, 200, JSON.stringify({ url, password: s.configPassword }));
}

function authorize(ctx: Context, caller: UserRecord | null, engine: EngineContext): void {
  const s = sessionFor(ctx, caller, engine, NOT_IN_USE);
  if (s === null || caller === null || s.owner === null) return;
  sendJson(ctx.res, 200, JSON.stringify({ owner: s.owner.username, user: caller.username, staff: caller.isStaff }));
}

async function sessionEvent(ctx: Context, caller: UserRecord | null, engine: EngineContext): Promise<void> {
  const s = sessionFor(ctx, caller, engine, 'Session was never allocated');
  if (s === null || caller === null) return;
  const contentType = (ctx.req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (contentType !== 'application/json') throw new HttpError(400, 'No event data provided');
  let data: unknown;
  try {
    data = JSON.parse((await ctx.body()).toString('utf8'));
  } catch {
    throw new HttpError(400, 'Invalid JSON request payload');
  }
  const event = typeof data === 'object' && data !== null ? (data as Record<string, unknown>)['event'] : undefined;
  const name = typeof event === 'object' && event !== null ? (event as Record<string, unknown>)['name'] : undefined;
  if (typeof name !== 'string' || name === '') throw new HttpError(400, 'No event data provided');
  const eventData = (event as Record<string, unknown>)['data'];
  const payload = typeof eventData === 'object' && eventData !== null && !Array.isArray(eventData) ? (eventData as Record<string, unknown>) : {};
  if (name.length > 200) throw new HttpError(400, 'Event name too long');
  // the session may have stopped while the body was read
  if (engine.portal.store.sessionNamed(s.name) !== s) {
    sendNotFound(ctx.res);
    return;
  }
  engine.portal.sessions.recordEvent(s, caller, name, payload);
  sendJson(ctx.res, 200, '{}');
}

export const apiRoutes: Route[] = [
  { pattern: /^\/workshops\/catalog\/environments\/$/, methods: ['GET'], auth: 'catalog', handler: catalogEnvironments },
  { pattern: /^\/workshops\/catalog\/workshops\/$/, methods: ['GET'], auth: 'catalog', handler: catalogWorkshops },
  { pattern: new RegExp(`^/workshops/environment/(?<env>${SLUG.slice(1, -1)})/status/$`), methods: ['GET'], auth: 'bearer', handler: environmentStatus },
  { pattern: new RegExp(`^/workshops/environment/(?<env>${SLUG.slice(1, -1)})/request/$`), methods: ['GET', 'POST'], auth: 'bearer', handler: requestSession },
  { pattern: new RegExp(`^/workshops/user/(?<user>${SLUG.slice(1, -1)})/sessions/$`), methods: ['GET'], auth: 'bearer', handler: userSessions },
  { pattern: new RegExp(`^/workshops/session/(?<session>${SLUG.slice(1, -1)})/schedule/$`), methods: ['GET'], auth: 'bearer', handler: schedule },
  { pattern: new RegExp(`^/workshops/session/(?<session>${SLUG.slice(1, -1)})/extend/$`), methods: ['GET'], auth: 'bearer', handler: extend },
  { pattern: new RegExp(`^/workshops/session/(?<session>${SLUG.slice(1, -1)})/terminate/$`), methods: ['GET'], auth: 'bearer', handler: terminate },
  { pattern: new RegExp(`^/workshops/session/(?<session>${SLUG.slice(1, -1)})/config/$`), methods: ['GET'], auth: 'bearer', handler: sessionConfig },
  { pattern: new RegExp(`^/workshops/session/(?<session>${SLUG.slice(1, -1)})/authorize/$`), methods: ['GET'], auth: 'bearer', handler: authorize },
  { pattern: new RegExp(`^/workshops/session/(?<session>${SLUG.slice(1, -1)})/event/$`), methods: ['POST'], auth: 'bearer', handler: sessionEvent },
];

export function constantTimeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}
