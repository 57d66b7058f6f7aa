import { createHash } from 'node:crypto';
import { formatDateTime } from '../domain/datetime';
import type { Dialect } from '../domain/dialect';
import { countdown, extendedExpiry, isExpiring, isExtendable } from '../domain/extension';
import {
  ENVIRONMENT_STATE_NAMES,
  SESSION_STATE_NAMES,
  SessionState,
  type EnvironmentRecord,
  type SessionRecord,
} from '../domain/model';
import type { WorkshopDefinition } from '../domain/portal-config';
import type { PortalStore } from '../state/store';

/**
 * JSON bodies of the REST API in the engine's dialect, built as strings: the catalog with `sessions=true` over
 * 10,000 sessions must stay fast, so the fixed parts are cached (by the revision the store bumps on every change of
 * a record) and only the time-dependent fields are computed per request. Key order follows the real portal.
 */

interface Cached {
  revision: number;
  json: string;
}

const dt = (ms: number | null): string => (ms === null ? 'null' : `"${formatDateTime(ms)}"`);

/**
 * Learning Center's workshop `id`: a hash that identifies the content, not the resource name (the real one hashes
 * the image, repository or site of the instructions; the engine's workshops have only their `url` and texts).
 */
export function workshopId(w: WorkshopDefinition): string {
  const content = w.url !== '' ? w.url : `${w.title}\n${w.description}`;
  return createHash('md5').update(content).digest('hex');
}

function workshopFields(env: EnvironmentRecord, identity: Dialect['workshopIdentity']): string {
  const w = env.workshop;
  const labels = identity === 'labels' ? `"labels":${JSON.stringify(env.labels)},` : '';
  return (
    `"title":${JSON.stringify(w.title)},"description":${JSON.stringify(w.description)},` +
    `"vendor":${JSON.stringify(w.vendor)},"authors":${JSON.stringify(w.authors)},` +
    `"difficulty":${JSON.stringify(w.difficulty)},"duration":${JSON.stringify(w.duration)},` +
    `"tags":${JSON.stringify(w.tags)},${labels}"logo":${JSON.stringify(w.logo)},"url":${JSON.stringify(w.url)}`
  );
}

/** `workshop` object in the status form: `name` is the Workshop resource name, and there is no `resource`. */
function statusWorkshopJson(env: EnvironmentRecord): string {
  return `{"name":${JSON.stringify(env.workshopName)},${workshopFields(env, 'labels')}}`;
}

export function environmentSummaryJson(env: EnvironmentRecord): string {
  return (
    `{"name":${JSON.stringify(env.name)},"state":"${ENVIRONMENT_STATE_NAMES[env.state]}","duration":${env.durationS},` +
    `"capacity":${env.capacity},"reserved":${env.reserved},"allocated":${env.allocated.size},` +
    `"available":${env.available.size}}`
  );
}

/** The JSON bodies of one engine, with their cached fragments (entries go with their records). */
export class Views {
  private portal: Cached = { revision: -1, json: '' };
  private readonly workshops = new WeakMap<EnvironmentRecord, Cached>();
  private readonly sessionHeads = new WeakMap<SessionRecord, Cached>();

  constructor(private readonly dialect: Dialect) {}

  portalJson(store: PortalStore): string {
    if (this.portal.revision === store.revision) return this.portal.json;
    const s = store.settings;
    const labels = this.dialect.portalLabels ? `"labels":${JSON.stringify(s.labels)},` : '';
    const json =
      `{"name":${JSON.stringify(store.name)},${labels}"uid":${JSON.stringify(store.uid)},` +
      `"generation":${store.generation},"url":${JSON.stringify(store.url)},"sessions":{"maximum":${s.maximum},` +
      `"registered":${s.registered},"anonymous":${s.anonymous},"allocated":${store.portalAllocated}}}`;
    this.portal = { revision: store.revision, json };
    return json;
  }

  /** `workshop` in the catalog: `name` (alias or resource name) and `resource` (Educates), or `name` and `id`. */
  catalogWorkshopJson(env: EnvironmentRecord): string {
    const cached = this.workshops.get(env);
    if (cached !== undefined && cached.revision === env.revision) return cached.json;
    const identity = this.dialect.workshopIdentity;
    const json =
      identity === 'labels'
        ? `{"name":${JSON.stringify(env.alias ?? env.workshopName)},"resource":${JSON.stringify(env.workshopName)},` +
          `${workshopFields(env, identity)}}`
        : `{"name":${JSON.stringify(env.workshopName)},"id":"${workshopId(env.workshop)}",` +
          `${workshopFields(env, identity)}}`;
    this.workshops.set(env, { revision: env.revision, json });
    return json;
  }

  /** Catalog JSON of a session up to `"countdown":` (or the whole object when it has no expiry). */
  sessionHead(s: SessionRecord): string {
    const cached = this.sessionHeads.get(s);
    if (cached !== undefined && cached.revision === s.revision) return cached.json;
    const name = JSON.stringify(s.name);
    const json =
      `{"name":${name},"state":"${SESSION_STATE_NAMES[s.state]}","namespace":${name},` +
      `"user":${JSON.stringify(s.owner?.username ?? '')},` +
      `"started":${dt(s.startedAt)}` +
      (s.expiresAt === null ? '}' : `,"expires":"${formatDateTime(s.expiresAt)}","countdown":`);
    this.sessionHeads.set(s, { revision: s.revision, json });
    return json;
  }

  extendable(s: SessionRecord, now: number): boolean {
    return isExtendable(s.env, s.state === SessionState.RUNNING, s.startedAt, s.expiresAt, now, this.dialect.extension);
  }

  /**
   * Whether `extendable` can turn true by time alone, before the session itself changes: only a running session can
   * be extended, and with a deadline only one whose expiry is still before it.
   */
  mayBecomeExtendable(s: SessionRecord): boolean {
    if (s.state !== SessionState.RUNNING || s.startedAt === null || s.expiresAt === null) return false;
    return this.dialect.extension === 'repeat' || s.expiresAt < s.startedAt + s.env.deadlineS * 1000;
  }

  /** The expiry after one extension, or null when the session has none. */
  nextExpiry(s: SessionRecord): number | null {
    if (s.startedAt === null || s.expiresAt === null) return null;
    return extendedExpiry(s.env, s.startedAt, s.expiresAt, this.dialect.extension);
  }

  catalogSessionJson(s: SessionRecord, now: number): string {
    const head = this.sessionHead(s);
    if (s.expiresAt === null) return head;
    return `${head}${countdown(s.expiresAt, now)},"extendable":${this.extendable(s, now)}}`;
  }

  /** Appends one environment's JSON to `out` (chunks are joined once per reply: cheaper than growing a string). */
  pushEnvironmentJson(
    out: string[],
    env: EnvironmentRecord,
    form: 'catalog' | 'status',
    withSessions: boolean,
    now: number,
  ): void {
    const workshop = form === 'catalog' ? this.catalogWorkshopJson(env) : statusWorkshopJson(env);
    out.push(
      `{"name":${JSON.stringify(env.name)},"state":"${ENVIRONMENT_STATE_NAMES[env.state]}","workshop":${workshop},` +
        `"duration":${env.durationS},"capacity":${env.capacity},"reserved":${env.reserved},` +
        `"allocated":${env.allocated.size},"available":${env.available.size}`,
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

  userSessionJson(s: SessionRecord, now: number): string {
    const name = JSON.stringify(s.name);
    const expiry =
      s.expiresAt === null
        ? ''
        : `,"expires":"${formatDateTime(s.expiresAt)}","countdown":${countdown(s.expiresAt, now)},` +
          `"extendable":${this.extendable(s, now)}`;
    return (
      `{"name":${name},"namespace":${name},"workshop":${JSON.stringify(s.env.workshopName)},` +
      `"environment":${JSON.stringify(s.env.name)},` +
      `"started":${dt(s.startedAt)}${expiry}}`
    );
  }

  /** Body of `/schedule/` and `/extend/` (Learning Center's has no `status`). */
  scheduleJson(s: SessionRecord, now: number, extended: boolean | null): string {
    const status = this.dialect.scheduleStatus ? `"status":"${SESSION_STATE_NAMES[s.state]}",` : '';
    let out = `{${status}"started":${dt(s.startedAt)},"expires":${dt(s.expiresAt)}`;
    if (extended !== null) out += `,"extended":${extended}`;
    out += `,"expiring":${isExpiring(s.env, s.expiresAt, now)}`;
    if (s.expiresAt !== null)
      out += `,"countdown":${countdown(s.expiresAt, now)},"extendable":${this.extendable(s, now)}`;
    return `${out}}`;
  }
}
