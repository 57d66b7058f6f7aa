import type { StateCreator } from 'zustand/vanilla';
import type { FleetSnapshot, PortalSnapshot } from '../../../shared/contract';
import type { AppState } from './app-store';

export interface SnapshotSlice {
  /** portal snapshots by id; an unchanged portal keeps its object so memoized views do not re-render */
  snapshots: Record<string, PortalSnapshot>;
  /** portal ids in display order */
  portalOrder: string[];
  snapshotLoaded: boolean;
  snapshotError: string | null;
  /** performance.now() when each portal was last pushed (or removed by a push); newer than a read means the read is older */
  pushedAt: Record<string, number>;
  /** when the read now shown was sent; an older read arriving later is dropped */
  fleetRequestedAt: number;
  /**
   * Takes a full read. `requestedAt` is when the read was sent: a portal pushed (or removed) after that keeps
   * its pushed state, because the read may have been computed before the push and arrived after it.
   */
  applyFleet(fleet: FleetSnapshot, requestedAt?: number): void;
  applyPortalSnapshot(snapshot: PortalSnapshot, receivedAt?: number): void;
  removePortalSnapshot(portalId: string, receivedAt?: number): void;
  setSnapshotError(message: string | null): void;
}

/** Deep equality of JSON data (what a snapshot is: objects, arrays, strings, numbers, booleans, null). */
export function sameData(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameData(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  const keys = Object.keys(x);
  if (keys.length !== Object.keys(y).length) return false;
  for (const k of keys) if (!(k in y) || !sameData(x[k], y[k])) return false;
  return true;
}

export const createSnapshotSlice: StateCreator<AppState, [], [], SnapshotSlice> = (set) => ({
  snapshots: {},
  portalOrder: [],
  snapshotLoaded: false,
  snapshotError: null,
  pushedAt: {},
  fleetRequestedAt: Number.NEGATIVE_INFINITY,
  applyFleet: (fleet, requestedAt = Number.NEGATIVE_INFINITY) =>
    set((s) => {
      if (requestedAt < s.fleetRequestedAt) return {};
      const newer = (id: string) => (s.pushedAt[id] ?? Number.NEGATIVE_INFINITY) > requestedAt;
      const snapshots: Record<string, PortalSnapshot> = {};
      const portalOrder: string[] = [];
      for (const p of fleet.portals) {
        if (newer(p.portalId)) {
          const pushed = s.snapshots[p.portalId];
          if (!pushed) continue; // removed by a push after the read was sent
          snapshots[p.portalId] = pushed;
        } else {
          // a read repeats what the console already pushed: keep the object of a portal that did not change, so
          // nothing that shows it renders again (a portal of 10,000 sessions is compared in a few ms; rendering it
          // again costs far more)
          const current = s.snapshots[p.portalId];
          snapshots[p.portalId] = current && sameData(current, p) ? current : p;
        }
        portalOrder.push(p.portalId);
      }
      // portals pushed after the read was sent but missing from it were added meanwhile
      for (const id of s.portalOrder) {
        const pushed = s.snapshots[id];
        if (!(id in snapshots) && pushed && newer(id)) {
          snapshots[id] = pushed;
          portalOrder.push(id);
        }
      }
      const unchanged =
        portalOrder.length === s.portalOrder.length &&
        portalOrder.every((id, i) => id === s.portalOrder[i] && snapshots[id] === s.snapshots[id]);
      return unchanged
        ? { snapshotLoaded: true, snapshotError: null, fleetRequestedAt: requestedAt }
        : { snapshots, portalOrder, snapshotLoaded: true, snapshotError: null, fleetRequestedAt: requestedAt };
    }),
  applyPortalSnapshot: (snapshot, receivedAt = performance.now()) =>
    set((s) => ({
      snapshots: { ...s.snapshots, [snapshot.portalId]: snapshot },
      portalOrder: s.portalOrder.includes(snapshot.portalId) ? s.portalOrder : [...s.portalOrder, snapshot.portalId],
      pushedAt: { ...s.pushedAt, [snapshot.portalId]: receivedAt },
    })),
  removePortalSnapshot: (portalId, receivedAt = performance.now()) =>
    set((s) => {
      const pushedAt = { ...s.pushedAt, [portalId]: receivedAt };
      if (!(portalId in s.snapshots) && !s.portalOrder.includes(portalId)) return { pushedAt };
      const snapshots = { ...s.snapshots };
      delete snapshots[portalId];
      return { snapshots, portalOrder: s.portalOrder.filter((id) => id !== portalId), pushedAt };
    }),
  setSnapshotError: (snapshotError) => set({ snapshotError }),
});
