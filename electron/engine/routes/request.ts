import { randomUUID } from 'node:crypto';
import { randomByte } from '../config/credentials';
import { HttpError, json, type Reply } from '../http/reply';
import { last, quotePlus, stripped } from '../http/query-string';
import { EnvironmentState, type UserRecord } from '../domain/model';
import { resolveParameters } from './request-parameters';
import type { Context, EngineContext, Route } from './types';

/** Requesting a session. Error texts are the real portal's, word for word. */

const SLUG = '[-a-zA-Z0-9_]+';

// Django's EmailValidator, simplified: a non-empty local part, a dotted domain of letters, digits and hyphens.
const EMAIL_ATOM = "[-!#$%&'*+/=?^_`{}|~0-9A-Za-z]+";
const EMAIL_LABEL = '[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
const EMAIL = new RegExp(`^${EMAIL_ATOM}(\\.${EMAIL_ATOM})*@(${EMAIL_LABEL}\\.)+[A-Za-z]{2,63}$`);
const TOKEN_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** 32 distinct letters and digits, like Python's `random.sample(ascii_letters + digits, 32)`. */
function activationToken(): string {
  const chars = TOKEN_CHARS.split('');
  for (let i = 0; i < 32; i++) {
    // a partial Fisher–Yates shuffle; the 16-bit draw keeps the modulo bias below 0.1 %
    const j = i + (((randomByte() << 8) | randomByte()) % (chars.length - i));
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
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    throw new HttpError(400, 'Malformed JSON request payload');
  const list = (data as Record<string, unknown>)['parameters'];
  if (list === undefined) return [];
  if (!Array.isArray(list)) throw new HttpError(400, 'Malformed JSON request payload');
  return list.map((item: unknown) => {
    // the real portal answers 500 for an item that is not an object; a client's mistake gets a 400 here
    if (typeof item !== 'object' || item === null || Array.isArray(item))
      throw new HttpError(400, 'Malformed JSON request payload: each parameter must be an object with name and value');
    const { name, value } = item as Record<string, unknown>;
    if (typeof name !== 'string' || name === '' || (value !== undefined && typeof value !== 'string')) {
      throw new HttpError(400, 'Malformed JSON request payload');
    }
    return { name, value: value ?? '' };
  });
}

async function requestSession(ctx: Context, caller: UserRecord | null, engine: EngineContext): Promise<Reply> {
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
  const { fixedActivationTimeoutS, requestExtras } = engine.dialect;
  let timeoutS = fixedActivationTimeoutS ?? 60;
  const timeoutText = fixedActivationTimeoutS === null ? last(q, 'timeout') : undefined;
  if (timeoutText !== undefined) {
    // the real portal's int() raises and answers 500; a client's mistake gets a 400 here
    if (!/^\s*\+?\d{1,9}\s*$/.test(timeoutText))
      throw new HttpError(
        400,
        'Invalid timeout: expected a whole number of seconds (0 disables the activation deadline)',
      );
    timeoutS = Number(timeoutText.trim());
  }
  // Learning Center reads neither a parameters body nor `analytics_url` nor `session` (reacquire)
  const supplied = requestExtras ? parseParameters(await ctx.body()) : [];
  if (env.state === EnvironmentState.STARTING) {
    // the real portal dereferences a missing workshop here (500); request only RUNNING environments
    throw new HttpError(400, 'Environment is still starting: request sessions only from RUNNING environments');
  }
  const username = stripped(q, 'user') || randomUUID();
  if (username.length > 150) throw new HttpError(400, 'Invalid user name: at most 150 characters');
  const analyticsUrl = requestExtras ? stripped(q, 'analytics_url') || null : null;
  if (analyticsUrl !== null && !/^https?:\/\//i.test(analyticsUrl))
    throw new HttpError(400, 'Invalid analytics URL: expected an http(s) URL');
  const reacquire = requestExtras ? last(q, 'session') || null : null;
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
    return {
      user,
      allocation: engine.portal.allocate(env, user, { token, timeoutS, reacquire, indexUrl, analyticsUrl, params }),
    };
  });
  if ('error' in result) throw new HttpError(400, 'Session requests not permitted for user');
  const { allocation, user } = result;
  if (!allocation.ok) {
    const message = allocation.reason === 'cannot-reacquire' ? 'Cannot be reacquired' : 'No session available';
    return json(503, JSON.stringify({ error: message }));
  }
  const s = allocation.session;
  const name = JSON.stringify(s.name);
  const url = `/workshops/session/${s.name}/activate/?token=${s.token ?? ''}&index_url=${quotePlus(indexUrl)}`;
  return json(
    200,
    `{"name":${name},"session":${name},"user":${JSON.stringify(user.username)},"url":${JSON.stringify(url)},` +
      `"namespace":${name},` +
      `"workshop":${JSON.stringify(env.workshopName)},"environment":${JSON.stringify(env.name)}}`,
  );
}

export const requestRoutes: Route[] = [
  {
    pattern: new RegExp(`^/workshops/environment/(?<env>${SLUG})/request/$`),
    methods: ['GET', 'POST'],
    auth: 'bearer',
    handler: requestSession,
  },
];
