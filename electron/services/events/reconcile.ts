import type { PortalSnapshot, SessionState } from '../../../shared/contract';
import { LIVE, type AllocationRec, type AttendeeRec, type EventRec } from './event-model';
import type { AllocationPatch } from './event-store';

/** one session of the portal's latest catalog, with its times on the local clock */
export interface SeenSession {
  name: string;
  environment: string;
  state: SessionState;
  user: string;
  startedAt: number | null;
  expiresAt: number | null;
  /** what it was read from: an unchanged session is the same object from one snapshot to the next */
  from: { started: string | null; expires: string | null; offsetMs: number };
}

/** a portal snapshot indexed for the environments some event uses */
export interface PortalIndex {
  portalId: string;
  /** local time of the poll that produced it */
  seenAt: number;
  byName: Map<string, SeenSession>;
  /** environment → user → their session (not stopping) */
  byUserEnv: Map<string, Map<string, SeenSession>>;
  /** environments present in the catalog, with their capacity */
  capacity: Map<string, number>;
}

const ownedBy = (index: PortalIndex, environment: string, user: string) => index.byUserEnv.get(environment)?.get(user);

/** a later `expires` by more than this, while running, is an extension (the smallest one the portal grants is 5 min) */
const EXTENSION_MIN_MS = 60_000;
/**
 * Times from the portal move with its clock offset, which is known to about a second: smaller moves of `expires` are
 * not a change worth writing and pushing.
 */
const CLOCK_JITTER_MS = 2_000;
const moved = (from: number | null, to: number | null) =>
  from === null || to === null ? from !== to : Math.abs(from - to) > CLOCK_JITTER_MS;
/** clock slack when telling "expired at its deadline" from "ended before it" */
const DEADLINE_SLACK_MS = 5_000;

/**
 * Indexes the sessions of the wanted environments. A session unchanged since `previous` keeps its object (no dates
 * parsed again), which also lets reconciliation skip the attendees whose session did not move.
 */
export function indexSnapshot(s: PortalSnapshot, wanted: ReadonlySet<string>, previous?: PortalIndex): PortalIndex {
  const byName = new Map<string, SeenSession>();
  const byUserEnv = new Map<string, Map<string, SeenSession>>();
  const capacity = new Map<string, number>();
  const offsetMs = s.clockOffsetMs;
  const local = (iso: string | null) => {
    if (!iso) return null;
    const ms = Date.parse(iso);
    return Number.isFinite(ms) ? ms - offsetMs : null;
  };
  for (const env of s.environments) {
    if (!wanted.has(env.name)) continue;
    capacity.set(env.name, env.capacity);
    const users = new Map<string, SeenSession>();
    byUserEnv.set(env.name, users);
    for (const x of env.sessions) {
      const old = previous?.byName.get(x.name);
      const same =
        old !== undefined &&
        old.state === x.state &&
        old.user === x.user &&
        old.environment === env.name &&
        old.from.started === x.started &&
        old.from.expires === x.expires &&
        old.from.offsetMs === offsetMs;
      const seen: SeenSession = same
        ? old
        : {
            name: x.name,
            environment: env.name,
            state: x.state,
            user: x.user,
            startedAt: local(x.started),
            expiresAt: local(x.expires),
            from: { started: x.started, expires: x.expires, offsetMs },
          };
      byName.set(x.name, seen);
      if (x.user && x.state !== 'STOPPING') users.set(x.user, seen);
    }
  }
  return { portalId: s.portalId, seenAt: s.lastSeenAt ?? 0, byName, byUserEnv, capacity };
}

export interface ReconcileOptions {
  now: number;
  /** allocation rows whose request is in flight in this process */
  inFlight: ReadonlySet<number>;
  /**
   * A session missing from a poll that may have started before it was allocated proves nothing: absence counts
   * only in polls that ended this long after the allocation (the longest a poll can take).
   */
  graceMs: number;
  /**
   * What each live allocation was last compared with: an allocation whose session is the same object as then (the
   * session did not change) and that did not change itself needs no comparison.
   */
  memo?: WeakMap<AllocationRec, Compared>;
}

export interface Compared {
  seen: SeenSession;
  status: AllocationRec['status'];
  expiresAt: number | null;
  activateBy: number | null;
}

export interface Reconciled {
  patches: Array<{ a: AttendeeRec; rec: AllocationRec; patch: AllocationPatch }>;
  /** sessions the portal gave to an attendee that the console has not recorded: fill `into` (an intent) or add */
  adopt: Array<{ a: AttendeeRec; session: SeenSession; into: AllocationRec | null }>;
  /** intents left by a console that stopped mid-request, with nothing on the portal: the request never landed */
  drop: Array<{ a: AttendeeRec; rec: AllocationRec }>;
  /** the earliest time a deferred decision is due (a session absent within the grace period), or null */
  recheckAt: number | null;
}

/** Compares one event's attendees with the portal's latest catalog; pure, so a poll of 2,000 attendees is cheap. */
export function reconcileEvent(e: EventRec, index: PortalIndex, o: ReconcileOptions): Reconciled {
  const out: Reconciled = { patches: [], adopt: [], drop: [], recheckAt: null };
  const defer = (at: number) => {
    out.recheckAt = out.recheckAt === null ? at : Math.min(out.recheckAt, at);
  };
  for (const a of e.attendees.values()) {
    const rec = a.current;
    if (rec && o.inFlight.has(rec.id)) continue;
    if (rec && rec.status === 'allocating') {
      // an intent from a console that stopped mid-request: adopt what the portal gave, else it never landed
      const found = ownedBy(index, rec.environment, a.user);
      if (found) out.adopt.push({ a, session: found, into: rec });
      else if (index.seenAt >= rec.requestedAt + o.graceMs) out.drop.push({ a, rec });
      else defer(rec.requestedAt + o.graceMs);
      continue;
    }
    if (rec?.session && (LIVE.has(rec.status) || rec.status === 'ended' || rec.status === 'expired')) {
      const seen = index.byName.get(rec.session);
      if (seen && seen.user === a.user) {
        const last = o.memo?.get(rec);
        const unchanged =
          last !== undefined &&
          last.seen === seen &&
          last.status === rec.status &&
          last.expiresAt === rec.expiresAt &&
          last.activateBy === rec.activateBy;
        if (unchanged && LIVE.has(rec.status)) continue;
        const patch = unchanged ? null : follow(rec, seen, o.now);
        if (patch) out.patches.push({ a, rec, patch });
        else o.memo?.set(rec, { seen, status: rec.status, expiresAt: rec.expiresAt, activateBy: rec.activateBy });
        if (LIVE.has(rec.status) || seen.state !== 'STOPPING') continue;
      } else if (LIVE.has(rec.status)) {
        const since = rec.allocatedAt ?? rec.requestedAt;
        if (index.seenAt >= since + o.graceMs) out.patches.push({ a, rec, patch: gone(rec, o.now) });
        else defer(since + o.graceMs);
        continue;
      }
    }
    // not holding a session as far as the console knows: one the portal gave this user is adopted
    const found = findFor(e, a, index);
    if (found && found.name !== rec?.session) out.adopt.push({ a, session: found, into: null });
  }
  return out;
}

function findFor(e: EventRec, a: AttendeeRec, index: PortalIndex): SeenSession | undefined {
  const own = ownedBy(index, a.environment, a.user);
  if (own) return own;
  for (const env of e.environments) {
    const s = ownedBy(index, env, a.user);
    if (s) return s;
  }
  return undefined;
}

/** a session seen in the catalog: its state moves the attendee's status */
function follow(rec: AllocationRec, seen: SeenSession, now: number): AllocationPatch | null {
  if (seen.state === 'STOPPING') return LIVE.has(rec.status) ? gone(rec, now) : null;
  const patch: AllocationPatch = {};
  if (rec.status === 'ended' || rec.status === 'expired') {
    // it came back (a poll had missed it): it never ended
    patch.endedAt = null;
    patch.status = rec.firstRunningAt !== null ? 'running' : 'waiting';
  }
  if (seen.state === 'UNKNOWN') {
    // a portal that does not report session states (older samples): only the expiry is known
    if (moved(rec.expiresAt, seen.expiresAt)) patch.expiresAt = seen.expiresAt;
  } else if (seen.state === 'RUNNING') {
    patch.status = 'running';
    if (rec.firstRunningAt === null) patch.firstRunningAt = Math.min(now, seen.startedAt ?? now);
    if (
      rec.status === 'running' &&
      rec.expiresAt !== null &&
      seen.expiresAt !== null &&
      seen.expiresAt > rec.expiresAt + EXTENSION_MIN_MS
    ) {
      patch.extensions = rec.extensions + 1;
    }
    if (moved(rec.expiresAt, seen.expiresAt)) patch.expiresAt = seen.expiresAt;
  } else {
    // STARTING or WAITING with an owner: pending activation; its `expires` is the activation deadline
    if (rec.firstRunningAt === null) patch.status = 'waiting';
    if (moved(rec.expiresAt, seen.expiresAt)) patch.expiresAt = seen.expiresAt;
    if (rec.activateBy !== null && seen.expiresAt !== null && moved(rec.activateBy, seen.expiresAt)) {
      patch.activateBy = seen.expiresAt;
    }
  }
  if (patch.status === rec.status) delete patch.status;
  return Object.keys(patch).length > 0 ? patch : null;
}

/** the session left the catalog (or is stopping): ended if it ran, expired if its activation deadline passed */
function gone(rec: AllocationRec, now: number): AllocationPatch {
  if (rec.status === 'running' || rec.firstRunningAt !== null) {
    const expiredAt = rec.expiresAt !== null && rec.expiresAt <= now ? rec.expiresAt : null;
    return { status: 'ended', endedAt: expiredAt ?? now };
  }
  const deadline = rec.activateBy ?? rec.expiresAt;
  const expired = deadline !== null && now >= deadline - DEADLINE_SLACK_MS;
  return { status: expired ? 'expired' : 'ended', endedAt: expired ? Math.min(now, deadline) : now };
}
