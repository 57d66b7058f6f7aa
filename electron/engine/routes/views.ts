import { formatDateTime } from '../domain/datetime';
import { countdown, extendedExpiry, isExpiring, isExtendable } from '../domain/extension';
import {
  ENVIRONMENT_STATE_NAMES,
  SESSION_STATE_NAMES,
  SessionState,
  type EnvironmentRecord,
  type SessionRecord,
} from '../domain/model';
import type { PortalState } from '../state/portal-state';

/**
 * JSON bodies of the REST API, built as strings: the catalog with `sessions=true` over 10,000 sessions must
 * stay fast, so the fixed parts are cached and only the time-dependent fields are computed per request.
 * Key order follows the real portal.
 */

export function portalJson(state: PortalState): string {
  if (state.portalJsonCache !== null) return state.portalJsonCache;
  const s = state.settings;
  const json =
    `{"name":${JSON.stringify(state.name)},"labels":${JSON.stringify(s.labels)},"uid":${JSON.stringify(state.uid)},` +
    `"generation":${state.generation},"url":${JSON.stringify(state.url)},"sessions":{"maximum":${s.maximum},` +
    `"registered":${s.registered},"anonymous":${s.anonymous},"allocated":${state.portalAllocated}}}`;
  state.portalJsonCache = json;
  return json;
}

function workshopFields(env: EnvironmentRecord): string {
  const w = env.workshop;
  return (
    `"title":${JSON.stringify(w.title)},"description":${JSON.stringify(w.description)},"vendor":${JSON.stringify(w.vendor)},` +
    `"authors":${JSON.stringify(w.authors)},"difficulty":${JSON.stringify(w.difficulty)},"duration":${JSON.stringify(w.duration)},` +
    `"tags":${JSON.stringify(w.tags)},"labels":${JSON.stringify(env.labels)},"logo":${JSON.stringify(w.logo)},"url":${JSON.stringify(w.url)}`
  );
}

/** `workshop` object: catalog form (`name` = alias or resource name, plus `resource`) or status form. */
export function workshopJson(env: EnvironmentRecord, form: 'catalog' | 'status'): string {
  if (form === 'catalog') {
    env.workshopJson ??= `{"name":${JSON.stringify(env.alias ?? env.workshopName)},"resource":${JSON.stringify(env.workshopName)},${workshopFields(env)}}`;
    return env.workshopJson;
  }
  return `{"name":${JSON.stringify(env.workshopName)},${workshopFields(env)}}`;
}

/** `"expires":…,"countdown":…,"extendable":…` or "" when the session has no expiry. */
function expiryFields(s: SessionRecord, now: number): string {
  if (s.expiresAt === null) return '';
  const extendable = isExtendable(s.env, s.state === SessionState.RUNNING, s.startedAt, s.expiresAt, now);
  return `,"expires":"${formatDateTime(s.expiresAt)}","countdown":${countdown(s.expiresAt, now)},"extendable":${extendable}`;
}

const dt = (ms: number | null): string => (ms === null ? 'null' : `"${formatDateTime(ms)}"`);

export function catalogSessionJson(s: SessionRecord, now: number): string {
  let head = s.catalogJson;
  if (head === null) {
    const name = JSON.stringify(s.name);
    head =
      `{"name":${name},"state":"${SESSION_STATE_NAMES[s.state]}","namespace":${name},"user":${JSON.stringify(s.owner?.username ?? '')},` +
      `"started":${dt(s.startedAt)}` +
      (s.expiresAt === null ? '}' : `,"expires":"${formatDateTime(s.expiresAt)}","countdown":`);
    s.catalogJson = head;
  }
  if (s.expiresAt === null) return head;
  const extendable = s.state === SessionState.RUNNING && isExtendable(s.env, true, s.startedAt, s.expiresAt, now);
  return `${head}${countdown(s.expiresAt, now)},"extendable":${extendable}}`;
}

/** Appends one environment's JSON to `out` (chunks are joined once per reply: cheaper than growing a string). */
export function pushEnvironmentJson(out: string[], env: EnvironmentRecord, form: 'catalog' | 'status', withSessions: boolean, now: number): void {
  out.push(
    `{"name":${JSON.stringify(env.name)},"state":"${ENVIRONMENT_STATE_NAMES[env.state]}","workshop":${workshopJson(env, form)},` +
      `"duration":${env.durationS},"capacity":${env.capacity},"reserved":${env.reserved},"allocated":${env.allocated.size},"available":${env.available.size}`,
  );
  if (withSessions) {
    out.push(',"sessions":[');
    let firstSession = true;
    for (const s of env.allocated) {
      if (!firstSession) out.push(',');
      firstSession = false;
      out.push(catalogSessionJson(s, now));
    }
    out.push(']');
  }
  out.push('}');
}

export function environmentJson(env: EnvironmentRecord, form: 'catalog' | 'status', withSessions: boolean, now: number): string {
  const out: string[] = [];
  pushEnvironmentJson(out, env, form, withSessions, now);
  return out.join('');
}

export function environmentSummaryJson(env: EnvironmentRecord): string {
  return (
    `{"name":${JSON.stringify(env.name)},"state":"${ENVIRONMENT_STATE_NAMES[env.state]}","duration":${env.durationS},` +
    `"capacity":${env.capacity},"reserved":${env.reserved},"allocated":${env.allocated.size},"available":${env.available.size}}`
  );
}

export function userSessionJson(s: SessionRecord, now: number): string {
  const name = JSON.stringify(s.name);
  return (
    `{"name":${name},"namespace":${name},"workshop":${JSON.stringify(s.env.workshopName)},"environment":${JSON.stringify(s.env.name)},` +
    `"started":${dt(s.startedAt)}${expiryFields(s, now)}}`
  );
}

/** Body of `/schedule/` and `/extend/` (reference §7). */
export function scheduleJson(s: SessionRecord, now: number, extended: boolean | null): string {
  const inputs = s.env;
  let out = `{"status":"${SESSION_STATE_NAMES[s.state]}","started":${dt(s.startedAt)},"expires":${dt(s.expiresAt)}`;
  if (extended !== null) out += `,"extended":${extended}`;
  out += `,"expiring":${isExpiring(inputs, s.expiresAt, now)}`;
  if (s.expiresAt !== null) {
    const extendable = isExtendable(inputs, s.state === SessionState.RUNNING, s.startedAt, s.expiresAt, now);
    out += `,"countdown":${countdown(s.expiresAt, now)},"extendable":${extendable}`;
  }
  return `${out}}`;
}

export function nextExpiry(s: SessionRecord): number | null {
  if (s.startedAt === null || s.expiresAt === null) return null;
  return extendedExpiry(s.env, s.startedAt, s.expiresAt);
}
