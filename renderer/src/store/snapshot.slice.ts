import type { StateCreator } from 'zustand/vanilla';
import type { EnvironmentView, FleetSnapshot, PortalSnapshot } from '../../../shared/contract';
import type { AppState } from './app-store';

/** Where a piece of data stands in the console's history: a revision of the monitor of one console run (epoch). */
export interface Version {
  revision: number;
  epoch: string;
}

export interface PortalRemoval extends Version {
  portalId: string;
}

export interface SnapshotSlice {
  /** portal snapshots by id; an unchanged portal keeps its object so memoized views do not re-render */
  snapshots: Record<string, PortalSnapshot>;
  /** portal ids in display order */
  portalOrder: string[];
  snapshotLoaded: boolean;
  snapshotError: string | null;
  /** the version at which each removed portal went: anything of it at or below that is older than its removal */
  removed: Record<string, Version>;
  /** a full read, in whatever order it arrives among pushes: each portal keeps the newest version it has seen */
  applyFleet(fleet: FleetSnapshot): void;
  applyPortalSnapshot(snapshot: PortalSnapshot): void;
  removePortalSnapshot(removal: PortalRemoval): void;
  setSnapshotError(message: string | null): void;
}

/**
 * Versions, not clocks: `a` is newer than `b` when it has a higher revision of the same console run. One from another
 * run is taken as newer: the console restarted behind a page that stayed open (web mode), and nothing arrives from
 * the run that ended once the page has reconnected.
 */
export function isNewer(a: Version, b: Version | undefined): boolean {
  return !b || a.epoch !== b.epoch || a.revision > b.revision;
}

/**
 * The arriving snapshot with every part that did not change replaced by the object already held: an environment
 * with the same name and revision is the same data (the monitor gives each changed environment the revision of the
 * snapshot that carries it), so what shows it, down to each session row, does not render again.
 */
function reuseUnchanged(next: PortalSnapshot, held: PortalSnapshot | undefined): PortalSnapshot {
  if (!held || held.epoch !== next.epoch) return next;
  if (held.revision === next.revision) return held;
  const before = new Map<string, EnvironmentView>(held.environments.map((e) => [e.name, e]));
  let same = next.environments.length === held.environments.length;
  const environments = next.environments.map((e, i) => {
    const old = before.get(e.name);
    const kept = old && old.revision === e.revision ? old : e;
    if (kept !== held.environments[i]) same = false;
    return kept;
  });
  return { ...next, environments: same ? held.environments : environments };
}

export const createSnapshotSlice: StateCreator<AppState, [], [], SnapshotSlice> = (set) => ({
  snapshots: {},
  portalOrder: [],
  snapshotLoaded: false,
  snapshotError: null,
  removed: {},
  applyFleet: (fleet) =>
    set((s) => {
      const snapshots: Record<string, PortalSnapshot> = {};
      const portalOrder: string[] = [];
      for (const p of fleet.portals) {
        if (!isNewer(p, s.removed[p.portalId])) continue; // removed since this read was made
        const held = s.snapshots[p.portalId];
        snapshots[p.portalId] = held && !isNewer(p, held) ? held : reuseUnchanged(p, held);
        portalOrder.push(p.portalId);
      }
      // Held but missing from the read: added after the read was made (a newer revision of the same run), or else
      // removed before it.
      for (const id of s.portalOrder) {
        const held = s.snapshots[id];
        if (!(id in snapshots) && held && held.epoch === fleet.epoch && held.revision > fleet.revision) {
          snapshots[id] = held;
          portalOrder.push(id);
        }
      }
      const unchanged =
        portalOrder.length === s.portalOrder.length &&
        portalOrder.every((id, i) => id === s.portalOrder[i] && snapshots[id] === s.snapshots[id]);
      return unchanged
        ? { snapshotLoaded: true, snapshotError: null }
        : { snapshots, portalOrder, snapshotLoaded: true, snapshotError: null };
    }),
  applyPortalSnapshot: (snapshot) =>
    set((s) => {
      const id = snapshot.portalId;
      const held = s.snapshots[id];
      if (!isNewer(snapshot, s.removed[id]) || (held && !isNewer(snapshot, held))) return {};
      return {
        snapshots: { ...s.snapshots, [id]: reuseUnchanged(snapshot, held) },
        portalOrder: s.portalOrder.includes(id) ? s.portalOrder : [...s.portalOrder, id],
      };
    }),
  removePortalSnapshot: ({ portalId, revision, epoch }) =>
    set((s) => {
      const removed = { ...s.removed, [portalId]: { revision, epoch } };
      const held = s.snapshots[portalId];
      // a snapshot of the same run newer than the removal (not expected: a removed portal is not pushed again) stays
      if (!held || (held.epoch === epoch && held.revision > revision)) return { removed };
      const snapshots = { ...s.snapshots };
      delete snapshots[portalId];
      return { snapshots, portalOrder: s.portalOrder.filter((id) => id !== portalId), removed };
    }),
  setSnapshotError: (snapshotError) => set({ snapshotError }),
});
