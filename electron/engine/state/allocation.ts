import {
  EnvironmentState,
  SessionState,
  type EnvironmentRecord,
  type SessionRecord,
  type UserRecord,
} from '../domain/model';
import { oldestUnownedReserved, replaceReservedSession } from './reserved-pool';
import type { SessionLifecycle } from './sessions';
import type { PortalStore } from './store';

/** What allocation reads and changes in the store, and what it does to sessions. */
export type AllocationStore = Pick<
  PortalStore,
  | 'now'
  | 'transaction'
  | 'settings'
  | 'portalActive'
  | 'portalAllocated'
  | 'environments'
  | 'unownedReserved'
  | 'updateSession'
  | 'emit'
>;
export type AllocationSessions = Pick<SessionLifecycle, 'create' | 'stop' | 'markRunning'>;

export type AllocationResult =
  { ok: true; session: SessionRecord } | { ok: false; reason: 'unavailable' | 'cannot-reacquire' };

export interface AllocationRequest {
  /** activation token (REST); null for the web flow */
  token: string | null;
  /** activation timeout in seconds (REST); 0 disables it */
  timeoutS: number;
  reacquire: string | null;
  indexUrl: string | null;
  analyticsUrl: string | null;
  params: { name: string; value: string }[];
}

/** `retrieve_session_for_user`, in one transaction of the portal state. */
export function allocate(
  state: AllocationStore,
  sessions: AllocationSessions,
  env: EnvironmentRecord,
  user: UserRecord,
  req: AllocationRequest,
): AllocationResult {
  return state.transaction((): AllocationResult => {
    const now = state.now();
    for (const s of user.live) {
      if (s.env !== env || s.state === SessionState.STOPPING) continue;
      // a pending session's activation window restarts first (even when the reacquire name then differs); it
      // keeps its token, or takes the new one if it had none (a web-flow session still starting)
      if (req.token !== null && (s.state === SessionState.STARTING || s.state === SessionState.WAITING)) {
        state.updateSession(s, pendingFields(s, req.token, req.timeoutS, now));
      }
      if (req.reacquire !== null && s.name !== req.reacquire) return { ok: false, reason: 'unavailable' };
      if (req.token !== null && s.token === null) return { ok: false, reason: 'cannot-reacquire' };
      return { ok: true, session: s };
    }
    if (req.reacquire !== null) return { ok: false, reason: 'unavailable' };
    if (!user.isStaff) {
      const cap = user.isAnonymous ? state.settings.anonymous : state.settings.registered;
      if (cap > 0 && user.live.size >= cap) return { ok: false, reason: 'unavailable' };
    }
    if (env.state !== EnvironmentState.RUNNING) {
      // STOPPING/STOPPED environments have capacity 0; the caller refuses STARTING ones beforehand
      return { ok: false, reason: 'unavailable' };
    }
    const reserved = env.available.values().next();
    if (!reserved.done) {
      const s = reserved.value;
      assign(state, sessions, s, user, req, now);
      replaceReservedSession(state, sessions, env);
      return { ok: true, session: s };
    }
    if (env.active >= env.capacity) return { ok: false, reason: 'unavailable' };
    const maximum = state.settings.maximum;
    if (maximum > 0) {
      if (state.portalAllocated >= maximum) return { ok: false, reason: 'unavailable' };
      if (state.portalActive >= maximum) {
        // reclaim the oldest reserved session of any environment if there is one; the new session is created
        // either way (the active count may include sessions that are still STOPPING)
        for (const x of oldestUnownedReserved(state, 1)) sessions.stop(x, 'Session/Terminate');
      }
    }
    const s = sessions.create(env, null);
    assign(state, sessions, s, user, req, now);
    return { ok: true, session: s };
  });
}

/**
 * `Session.mark_as_pending(user, token, timeout)`: started = now, an existing token is kept, and expires = now +
 * timeout, or now + duration when the timeout is 0, or left as it was when there is no duration either.
 */
function pendingFields(
  s: SessionRecord,
  token: string,
  timeoutS: number,
  now: number,
): Pick<SessionRecord, 'startedAt' | 'token' | 'expiresAt'> {
  let expiresAt = s.expiresAt;
  if (timeoutS > 0) expiresAt = now + timeoutS * 1000;
  else if (s.env.durationS > 0) expiresAt = now + s.env.durationS * 1000;
  return { startedAt: now, token: s.token ?? token, expiresAt };
}

/** Gives a reserved or new session to the user: pending with a token (REST), else RUNNING (web flow). */
function assign(
  state: AllocationStore,
  sessions: AllocationSessions,
  s: SessionRecord,
  user: UserRecord,
  req: AllocationRequest,
  now: number,
): void {
  const common = { owner: user, indexUrl: req.indexUrl, analyticsUrl: req.analyticsUrl, params: req.params };
  if (req.token !== null) {
    state.updateSession(s, { ...common, ...pendingFields(s, req.token, req.timeoutS, now) });
    state.emit('Session/Pending', { session: s });
  } else if (s.state === SessionState.WAITING) {
    state.updateSession(s, common);
    sessions.markRunning(s);
  } else {
    state.updateSession(s, { ...common, startedAt: now, activateWhenReady: true });
  }
}
