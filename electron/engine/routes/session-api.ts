import { timingSafeEqual } from 'node:crypto';
import { HttpError, json, notFound, ReplyError, type Reply } from '../http/reply';
import { formatDateTime as fmt } from '../domain/datetime';
import { SessionState, type SessionRecord, type UserRecord } from '../domain/model';
import type { Context, EngineContext, Route } from './types';

/** A user's sessions and the session utilities. Error texts are the real portal's. */

const SLUG = '[-a-zA-Z0-9_]+';

function userSessions(ctx: Context, caller: UserRecord | null, engine: EngineContext): Reply {
  if (caller?.isRobot !== true) throw new HttpError(403, 'Session requests not permitted');
  const username = ctx.params['user'] ?? '';
  const user = engine.portal.store.userNamed(username);
  const now = engine.portal.store.now();
  const parts: string[] = [];
  if (user !== undefined) {
    const live = [...user.live]
      .filter((s) => s.state !== SessionState.STOPPING)
      .sort((a, b) => a.env.id - b.env.id || a.id - b.id);
    for (const s of live) parts.push(engine.views.userSessionJson(s, now));
  }
  return json(200, `{"user":${JSON.stringify(username)},"sessions":[${parts.join(',')}]}`);
}

/**
 * `portal.allocated_session(name)` (any state but STOPPED, reserved sessions included; 404 otherwise), then, for the
 * endpoints that need an owner, the `unowned` reply (400; 403 in Learning Center), and only then the permission
 * check: the owner, staff, and (unless `ownerOrStaff`) robots. The real views run the "not in use" check before the
 * permission check.
 */
function sessionFor(
  ctx: Context,
  caller: UserRecord | null,
  engine: EngineContext,
  unowned: string | null = null,
  ownerOrStaff = false,
): SessionRecord {
  const s = engine.portal.store.sessionNamed(ctx.params['session'] ?? '');
  if (s === undefined || s.state === SessionState.STOPPED) throw new ReplyError(notFound());
  if (unowned !== null && s.owner === null) throw new HttpError(engine.dialect.notInUseStatus, unowned);
  const robotAllowed = caller?.isRobot === true && !ownerOrStaff;
  if (caller === null || (!caller.isStaff && !robotAllowed && s.owner !== caller))
    throw new HttpError(403, 'Access to session not permitted');
  return s;
}

/** Before Educates 2.1 (and so in Learning Center) robots could not schedule, extend or authorize. */
const ownerOrStaff = (engine: EngineContext): boolean => !engine.dialect.robotActsOnSessions;

const NOT_IN_USE = 'Session is not currently in use';

function schedule(ctx: Context, caller: UserRecord | null, engine: EngineContext): Reply {
  // reserved sessions answer too since Educates 2.1; before, a session had to be in use
  const unowned = engine.dialect.scheduleStatus ? null : NOT_IN_USE;
  const s = sessionFor(ctx, caller, engine, unowned, ownerOrStaff(engine));
  return json(200, engine.views.scheduleJson(s, engine.portal.store.now(), null));
}

function extend(ctx: Context, caller: UserRecord | null, engine: EngineContext): Reply {
  const s = sessionFor(ctx, caller, engine, NOT_IN_USE, ownerOrStaff(engine));
  const now = engine.portal.store.now();
  let extended = false;
  if (engine.views.extendable(s, now)) {
    const expires = engine.views.nextExpiry(s);
    if (expires !== null) {
      engine.portal.sessions.extend(s, expires);
      extended = true;
    }
  }
  return json(200, engine.views.scheduleJson(s, engine.portal.store.now(), extended));
}

function terminate(ctx: Context, caller: UserRecord | null, engine: EngineContext): Reply {
  const s = sessionFor(ctx, caller, engine, NOT_IN_USE);
  // like `mark_as_stopping()`: a session already STOPPING is marked again (expires = now, Session/Stopping again)
  engine.portal.sessions.terminate(s);
  return json(
    200,
    JSON.stringify({
      started: s.startedAt === null ? null : fmt(s.startedAt),
      expires: s.expiresAt === null ? null : fmt(s.expiresAt),
    }),
  );
}

function sessionConfig(ctx: Context, caller: UserRecord | null, engine: EngineContext): Reply {
  const s = sessionFor(ctx, caller, engine);
  // there is no workshop dashboard here: the URL is the engine's own session page
  const url = s.state === SessionState.STARTING ? null : `${engine.portal.store.url}/workshops/session/${s.name}/`;
  return json(200, JSON.stringify({ url, password: s.configPassword }));
}

function authorize(ctx: Context, caller: UserRecord | null, engine: EngineContext): Reply {
  const s = sessionFor(ctx, caller, engine, NOT_IN_USE, ownerOrStaff(engine));
  // sessionFor has refused a session without owner and a caller without token
  const owner = s.owner as UserRecord;
  const user = caller as UserRecord;
  return json(200, JSON.stringify({ owner: owner.username, user: user.username, staff: user.isStaff }));
}

async function sessionEvent(ctx: Context, caller: UserRecord | null, engine: EngineContext): Promise<Reply> {
  const s = sessionFor(ctx, caller, engine, 'Session was never allocated');
  if (caller === null) throw new HttpError(403, 'Access to session not permitted');
  const contentType = (ctx.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
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
  const payload =
    typeof eventData === 'object' && eventData !== null && !Array.isArray(eventData)
      ? (eventData as Record<string, unknown>)
      : {};
  if (name.length > 200) throw new HttpError(400, 'Event name too long');
  // the session may have stopped while the body was read
  if (engine.portal.store.sessionNamed(s.name) !== s) {
    return notFound();
  }
  engine.portal.sessions.recordEvent(s, caller, name, payload);
  return json(200, '{}');
}

export const sessionRoutes: Route[] = [
  {
    pattern: new RegExp(`^/workshops/user/(?<user>${SLUG})/sessions/$`),
    methods: ['GET'],
    auth: 'bearer',
    handler: userSessions,
  },
  {
    pattern: new RegExp(`^/workshops/session/(?<session>${SLUG})/schedule/$`),
    methods: ['GET'],
    auth: 'bearer',
    handler: schedule,
  },
  {
    pattern: new RegExp(`^/workshops/session/(?<session>${SLUG})/extend/$`),
    methods: ['GET'],
    auth: 'bearer',
    handler: extend,
  },
  {
    pattern: new RegExp(`^/workshops/session/(?<session>${SLUG})/terminate/$`),
    methods: ['GET'],
    auth: 'bearer',
    handler: terminate,
    when: (d) => d.terminate,
  },
  {
    pattern: new RegExp(`^/workshops/session/(?<session>${SLUG})/config/$`),
    methods: ['GET'],
    auth: 'bearer',
    handler: sessionConfig,
    when: (d) => d.sessionConfig,
  },
  {
    pattern: new RegExp(`^/workshops/session/(?<session>${SLUG})/authorize/$`),
    methods: ['GET'],
    auth: 'bearer',
    handler: authorize,
  },
  {
    pattern: new RegExp(`^/workshops/session/(?<session>${SLUG})/event/$`),
    methods: ['POST'],
    auth: 'bearer',
    handler: sessionEvent,
  },
];

export function constantTimeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}
