import { EnvironmentState, type EnvironmentRecord, type SessionRecord } from '../domain/model';
import type { SessionLifecycle } from './sessions';
import type { PortalStore } from './store';

/** What the pool reads of the store, and what it does to sessions. */
export type PoolStore = Pick<PortalStore, 'settings' | 'portalActive' | 'environments' | 'unownedReserved'>;
export type PoolSessions = Pick<SessionLifecycle, 'create' | 'stop'>;

/**
 * Upkeep of the reserved (unowned, pre-started) sessions, reference §9.2 and §9.5. Reserved sessions still
 * STARTING count as reserved here (`reservedLive`), a documented difference from the real portal.
 */

/** How many reserved sessions an environment gets when it goes RUNNING: `min(initial, headroom)`. */
export function initialSessionCount(state: PoolStore, env: EnvironmentRecord): number {
  const maximum = state.settings.maximum;
  const headroom = maximum > 0 ? Math.max(0, maximum - state.portalActive) : env.initial;
  return Math.min(env.initial, headroom, Math.max(0, env.capacity - env.active));
}

/** `replace_reserved_session`: after an allocation or a deletion, one new reserved session if all limits allow. */
export function replaceReservedSession(state: PoolStore, sessions: PoolSessions, env: EnvironmentRecord): void {
  if (env.state !== EnvironmentState.RUNNING || env.reserved <= 0) return;
  if (env.reservedLive >= env.reserved || env.active >= env.capacity) return;
  if (state.settings.maximum > 0 && state.portalActive >= state.settings.maximum) return;
  sessions.create(env, null);
}

/** The `count` oldest (by creation) unowned STARTING/WAITING sessions of the portal. */
export function oldestUnownedReserved(state: PoolStore, count: number): SessionRecord[] {
  if (count <= 0) return [];
  return [...state.unownedReserved].sort((a, b) => a.createdAt - b.createdAt || a.id - b.id).slice(0, count);
}

/**
 * `terminate_reserved_sessions`: available sessions beyond `reserved` (oldest first; never while `initial >
 * reserved`, whose extra sessions are only used up), then, over the portal maximum, the excess oldest reserved
 * sessions of any environment.
 */
export function trimReserved(state: PoolStore, sessions: PoolSessions): void {
  for (const env of state.environments()) {
    if (env.state !== EnvironmentState.RUNNING) continue;
    if (env.initial > env.reserved) continue;
    const extra = env.available.size - env.reserved;
    if (extra <= 0) continue;
    const oldest = [...env.available].sort((a, b) => a.id - b.id).slice(0, extra);
    for (const s of oldest) sessions.stop(s, 'Session/Terminate');
  }
  const maximum = state.settings.maximum;
  if (maximum > 0) {
    for (const s of oldestUnownedReserved(state, state.portalActive - maximum)) sessions.stop(s, 'Session/Terminate');
  }
}

/** `initiate_reserved_sessions`: tops every RUNNING environment up to `reserved`, within capacity and maximum. */
export function topUpReserved(state: PoolStore, sessions: PoolSessions): void {
  for (const env of [...state.environments()].sort((a, b) => a.position - b.position)) {
    if (env.state !== EnvironmentState.RUNNING || env.reserved <= 0) continue;
    if (env.initial === 0 && env.records === 0) continue;
    let count = Math.min(env.reserved - env.reservedLive, env.capacity - env.active);
    if (state.settings.maximum > 0) count = Math.min(count, state.settings.maximum - state.portalActive);
    for (let i = 0; i < count; i++) sessions.create(env, null);
  }
}
