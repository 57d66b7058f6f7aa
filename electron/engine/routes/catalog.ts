import { HttpError, json, type Reply } from '../http/reply';
import { last, parseCatalogQuery, QueryStringError } from '../http/query-string';
import { EnvironmentState, type EnvironmentRecord, type UserRecord } from '../domain/model';
import type { Context, EngineContext, Route } from './types';
import { environmentSummaryJson } from './views';

/** The catalog: environments with their sessions, workshops, one environment's status. */

const SLUG = '[-a-zA-Z0-9_]+';
const ENV_STATES = new Map([
  ['STARTING', EnvironmentState.STARTING],
  ['RUNNING', EnvironmentState.RUNNING],
  ['STOPPING', EnvironmentState.STOPPING],
  ['STOPPED', EnvironmentState.STOPPED],
]);

/** Python's `re.match(r'(\\w+)\\[(\\w+)\\]', key)`: anchored at the start only, `\\w` Unicode-aware. */
const LABEL_KEY = /^([\p{L}\p{N}_]+)\[([\p{L}\p{N}_]+)\]/u;

export const isTrue = (v: string | undefined): boolean => v !== undefined && ['true', '1'].includes(v.toLowerCase());

function catalogEnvironments(ctx: Context, caller: UserRecord | null, engine: EngineContext): Reply {
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
    const upper = value.toUpperCase();
    const s = ENV_STATES.get(upper);
    if (s !== undefined && engine.dialect.catalogStates.includes(upper)) states.add(s);
  }
  if (states.size === 0) states.add(EnvironmentState.RUNNING);
  // the `name` and `labels[k]` filters came with Educates 2.7: Learning Center ignores them
  const filters = engine.dialect.portalLabels;
  const names = filters ? (query.get('name') ?? []) : [];
  const labels = new Map<string, string>();
  for (const [key, values] of filters ? query : []) {
    const m = LABEL_KEY.exec(key);
    if (m !== null && m[1] === 'labels') labels.set(m[2] ?? '', values[values.length - 1] ?? '');
  }
  const now = store.now();
  const chosen: EnvironmentRecord[] = [];
  for (const env of store.environments()) {
    if (!states.has(env.state)) continue;
    if (names.length > 0 && !names.includes(env.workshopName)) continue;
    let ok = true;
    for (const [k, v] of labels) if (env.labels[k] !== v) ok = false;
    if (ok) chosen.push(env);
  }
  const cached = engine.catalog.body(store, chosen, withSessions, now);
  if (cached !== null)
    return { status: 200, headers: { 'content-type': 'application/json' }, body: cached.body, onSent: cached.release };
  const out: string[] = [`{"portal":${engine.views.portalJson(store)},"environments":[`];
  chosen.forEach((env, i) => {
    if (i > 0) out.push(',');
    engine.views.pushEnvironmentJson(out, env, 'catalog', withSessions, now);
  });
  out.push(']}');
  return json(200, out.join(''));
}

function catalogWorkshops(_ctx: Context, _caller: UserRecord | null, engine: EngineContext): Reply {
  const store = engine.portal.store;
  const envs = [...store.environments()]
    .filter((e) => e.state === EnvironmentState.RUNNING)
    .sort((a, b) => a.position - b.position);
  const parts = envs.map(
    (env) => `${engine.views.catalogWorkshopJson(env).slice(0, -1)},"environment":${environmentSummaryJson(env)}}`,
  );
  return json(200, `{"portal":${engine.views.portalJson(store)},"workshops":[${parts.join(',')}]}`);
}

function environmentStatus(ctx: Context, caller: UserRecord | null, engine: EngineContext): Reply {
  if (caller?.isRobot !== true) throw new HttpError(403, 'Status requests not permitted');
  const env = engine.portal.store.environmentNamed(ctx.params['env'] ?? '');
  if (env === undefined) throw new HttpError(403, 'Environment does not exist');
  const withSessions = isTrue(last(ctx.query(), 'sessions'));
  return json(200, engine.views.environmentJson(env, 'status', withSessions, engine.portal.store.now()));
}

export const catalogRoutes: Route[] = [
  {
    pattern: /^\/workshops\/catalog\/environments\/$/,
    methods: ['GET'],
    auth: 'catalog',
    handler: catalogEnvironments,
  },
  {
    pattern: /^\/workshops\/catalog\/workshops\/$/,
    methods: ['GET'],
    auth: 'catalog',
    handler: catalogWorkshops,
    when: (d) => d.catalogWorkshops,
  },
  {
    pattern: new RegExp(`^/workshops/environment/(?<env>${SLUG})/status/$`),
    methods: ['GET'],
    auth: 'bearer',
    handler: environmentStatus,
    when: (d) => d.environmentStatus,
  },
];
