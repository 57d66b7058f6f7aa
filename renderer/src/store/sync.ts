import { invoke, on, onConnection } from '../lib/api';
import type { AppStore } from './app-store';

/**
 * Wires the console to the store: subscribes to pushes and reads the state (see startSync for when it re-reads).
 */
export async function loadAll(store: AppStore): Promise<void> {
  const s = store.getState();
  const requestedAt = performance.now();
  const [info, portals, settings, fleet] = await Promise.all([
    invoke('app.info', {}),
    invoke('portals.list', {}),
    invoke('settings.get', {}),
    invoke('monitor.snapshot', {}),
  ]);
  if (info.ok) s.setAppInfo(info.data);
  if (portals.ok) s.setPortals(portals.data);
  if (settings.ok) s.setSettings(settings.data);
  if (fleet.ok) s.applyFleet(fleet.data, requestedAt);
  else s.setSnapshotError(fleet.error.message);
}

export async function reloadPortals(store: AppStore): Promise<void> {
  const portals = await invoke('portals.list', {});
  if (portals.ok) store.getState().setPortals(portals.data);
}

export function startSync(store: AppStore): () => void {
  const offs = [
    on('monitor.portal', (p) => store.getState().applyPortalSnapshot(p)),
    on('monitor.portalRemoved', ({ portalId }) => store.getState().removePortalSnapshot(portalId)),
    on('alerts.raised', (a) => store.getState().raiseAlert(a)),
    on('roster.progress', (r) => store.getState().applyRosterState(r)),
  ];
  // Read at once for a fast first screen. In web mode that read may be computed before the console has subscribed
  // this page's event stream, and pushes come only on change, so read again once the stream is open (and after
  // every reconnect, since pushes sent meanwhile are lost). Out-of-order replies are sorted out by the slice.
  let streamOpen = false;
  let dropped = false;
  let readSinceOpen = false;
  const read = () => {
    readSinceOpen = streamOpen;
    void loadAll(store);
  };
  offs.push(
    onConnection((c) => {
      store.getState().setConnection(c);
      if (c === 'down') {
        dropped = true;
        streamOpen = false;
      }
      if (c === 'open') {
        const needed = dropped || !readSinceOpen;
        streamOpen = true;
        dropped = false;
        if (needed) read();
      }
    }),
  );
  if (!readSinceOpen) read();
  return () => offs.forEach((off) => off());
}
