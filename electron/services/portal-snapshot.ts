import type { Dialect, EnvironmentView, PortalSnapshot, PortalStatus } from '../../shared/contract';
import type { Catalog } from './portal-schemas';

/** what the monitor knows of one portal, as far as its snapshot shows it */
export interface SnapshotSource {
  portal: { id: string; label: string };
  status: PortalStatus;
  lastSeenAt: number | null;
  lastError: string | null;
  clockOffsetMs: number;
  catalog: Catalog | null;
  environments: EnvironmentView[];
  dialect: Dialect | null;
  /** the revision of the last push, and what it carried (see nextPush) */
  revision: number;
  pushedHead: string | null;
  pushedEnvironments: EnvironmentView[];
}

export function portalSnapshot(state: SnapshotSource, epoch: string): PortalSnapshot {
  const p = state.catalog?.portal;
  return {
    portalId: state.portal.id,
    label: state.portal.label,
    status: state.status,
    lastSeenAt: state.lastSeenAt,
    lastError: state.lastError,
    clockOffsetMs: state.clockOffsetMs,
    portal: p
      ? {
          name: p.name,
          url: p.url,
          maximum: p.sessions.maximum,
          registered: p.sessions.registered,
          anonymous: p.sessions.anonymous,
          allocated: p.sessions.allocated,
        }
      : null,
    environments: state.environments,
    dialect: state.dialect,
    revision: state.revision,
    epoch,
  };
}

/**
 * The snapshot to push, with the revision `nextRevision` gives, or null: only something other than the passing of
 * time (lastSeenAt, countdowns) counts as a change. The few scalar fields are compared as text, the environments by
 * identity (an unchanged one is the same object, see environmentViews). Environments new in this push take its
 * revision; the state remembers what was pushed.
 */
export function nextPush(state: SnapshotSource, epoch: string, nextRevision: () => number): PortalSnapshot | null {
  const s = portalSnapshot(state, epoch);
  const head = JSON.stringify([s.label, s.status, s.lastError, s.clockOffsetMs, s.portal, s.dialect]);
  const envs = state.environments;
  const sameEnvs =
    envs.length === state.pushedEnvironments.length && envs.every((e, i) => e === state.pushedEnvironments[i]);
  if (head === state.pushedHead && sameEnvs) return null;
  state.revision = nextRevision();
  for (const e of envs) if (e.revision === 0) e.revision = state.revision;
  state.pushedHead = head;
  state.pushedEnvironments = envs;
  return { ...s, revision: state.revision };
}
