import { formatDateTime } from '../domain/datetime';
import { countdown, extendedExpiry, isExpiring, isExtendable } from '../domain/extension';
import {
  ENVIRONMENT_STATE_NAMES,
  SESSION_STATE_NAMES,
  SessionState,
  type EnvironmentRecord,
  type SessionRecord,
} from '../domain/model';
import type { PortalStore } from '../state/store';

/**
 * JSON bodies of the REST API, built as strings: the catalog with `sessions=true` over 10,000 sessions must
 * stay fast, so the fixed parts are cached (by the revision the store bumps on every change of a record) and only
 * the time-dependent fields are computed per request. Key order follows the real portal.
 */

interface Cached {
  revision: number;
  json: string;
}

/** The cached JSON fragments of one engine; entries go with their records. */
export class ViewCache {
  private portal: Cached = { revision: -1, json: '' };
  private readonly workshops = new WeakMap<EnvironmentRecord, Cached>();
  private readonly sessionHeads = new WeakMap<SessionRecord, Cached>();

  portalJson(store: PortalStore): string {
    if (this.portal.revision === store.revision) return this.portal.json;
    const s = store.settings;
    const json =
      `{"name":${JSON.stringify(store.name)},"labels":${JSON.stringify(s.labels)},"uid":${JSON.stringify(store.uid)},` +
      `"generation":${store.generation},"url":${JSON.stringify(store.url)},"sessions":{"maximum":${s.maximum},` +
      `"registered":${s.registered},"anonymous":${s.anonymous},"allocated":${store.portalAllocated}}}`;
    this.portal = { revision: store.revision, json };
    return json;
  }

  /** `workshop` object in the catalog form (`name` = alias or resource name, plus `resource`). */
  catalogWorkshopJson(env: EnvironmentRecord): string {
    const cached = this.workshops.get(env);
    if (cached !== undefined && cached.revision === env.revision) return cached.json;
    const json = `{"name":${JSON.stringify(env.alias ?? env.workshopName)},"resource":${JSON.stringify(env.workshopName)},${workshopFields(env)}}`;
    this.workshops.set(env, { revision: env.revision, json });
    return json;
  }

  /** Catalog JSON of a session up to `"countdown":` (or the whole object when it has no expiry). */
  sessionHead(s: SessionRecord): string {
    const cached = this.sessionHeads.get(s);
    if (cached !== undefined && cached.revision === s.revision) return cached.json;
    const name = JSON.stringify(s.name);
    const json =
      `{"name":${name},"state":"${SESSION_STATE_NAMES[s.state]}","namespace":${name},"user":${JSON.stringify(s.owner?.username ?? '')},` +
      `"started":${dt(s.startedAt)}` +
      (s.expiresAt === null ? '}' : `,"expires":"${formatDateTime(s.expiresAt)}","countdown":`);
    this.sessionHeads.set(s, { revision: s.revision, json });
    return json;
  }

  catalogSessionJson(s: SessionRecord, now: number): string {
    const head = this.sessionHead(s);
    if (s.expiresAt === null) return head;
    const extendable = s.state === SessionState.RUNNING && isExtendable(s.env, true, s.startedAt, s.expiresAt, now);
    return `${head}${countdown(s.expiresAt, now)},"extendable":${extendable}}`;
  }

  /** Appends one environment's JSON to `out` (chunks are joined once per reply: cheaper than growing a string). */
  pushEnvironmentJson(out: string[], env: EnvironmentRecord, form: 'catalog' | 'status', withSessions: boolean, now: number): void {
    const workshop = form === 'catalog' ? this.catalogWorkshopJson(env) : statusWorkshopJson(env);
    out.push(
      `{"name":${JSON.stringify(env.name)},"state":"${ENVIRONMENT_STATE_NAMES[env.state]}","workshop":${workshop},` +
        `"duration":${env.durationS},"capacity":${env.capacity},"reserved":${env.reserved},"allocated":${env.allocated.size},"available":${env.available.size}`,
    );
    if (withSessions) {
      out.push(',"sessions":[');
      let firstSession = true;
      for (const s of env.allocated) {
        if (!firstSession) out.push(',');
        firstSession = false;
        out.push(this.catalogSessionJson(s, now));
      }
      out.push(']');
    }
    out.push('}');
  }

  environmentJson(env: EnvironmentRecord, form: 'catalog' | 'status', withSessions: boolean, now: number): string {
    const out: string[] = [];
    this.pushEnvironmentJson(out, env, form, withSessions, now);
    return out.join('');
  }
}

function workshopFields(env: EnvironmentRecord): string {
  const w = env.workshop;
  return (
    `"title":${JSON.stringify(w.title)},"description":${JSON.stringify(w.description)},"vendor":${JSON.stringify(w.vendor)},` +
    `"authors":${JSON.stringify(w.authors)},"difficulty":${JSON.stringify(w.difficulty)},"duration":${JSON.stringify(w.duration)},` +
    `"tags":${JSON.stringify(w.tags)},"labels":${JSON.stringify(env.labels)},"logo":${JSON.stringify(w.logo)},"url":${JSON.stringify(w.url)}`
  );
}

/** `workshop` object in the status form: `name` is the Workshop resource name, and there is no `resource`. */
function statusWorkshopJson(env: EnvironmentRecord): string {
  return `{"name":${JSON.stringify(env.workshopName)},${workshopFields(env)}}`;
}

/** `"expires":…,"countdown":…,"extendable":…` or "" when the session has no expiry. */
function expiryFields(s: SessionRecord, now: number): string {
  if (s.expiresAt === null) return '';
  const extendable = isExtendable(s.env, s.state === SessionState.RUNNING, s.startedAt, s.expiresAt, now);
  return `,"expires":"${formatDateTime(s.expiresAt)}","countdown":${countdown(s.expiresAt, now)},"extendable":${extendable}`;
}

const dt = (ms: number | null): string => (ms === null ? 'null' : `"${formatDateTime(ms)}"`);

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
