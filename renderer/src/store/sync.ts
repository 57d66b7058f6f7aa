import { invoke, on, onConnection } from '../lib/api';
import type { AppStore } from './app-store';

/**
 * Wires the console to the store: subscribes to pushes and reads the state (see startSync for when it re-reads).
 */
export async function loadAll(store: AppStore): Promise<void> {
  const s = store.getState();
  const requestedAt = performance.now();
  const [info, portals, settings, fleet, events, alerts, people] = await Promise.all([
    invoke('app.info', {}),
    invoke('portals.list', {}),
    invoke('settings.get', {}),
    invoke('monitor.snapshot', {}),
    invoke('events.list', {}),
    invoke('alerts.list', {}),
    invoke('people.directory', {}),
    // the open event's attendees are re-read too: pushes sent while the stream was down are lost
    s.eventDetail ? loadEventDetail(store, s.eventDetail.eventId) : undefined,
  ]);
  if (info.ok) s.setAppInfo(info.data);
  if (portals.ok) s.setPortals(portals.data);
  if (settings.ok) s.setSettings(settings.data);
  if (fleet.ok) s.applyFleet(fleet.data);
  else s.setSnapshotError(fleet.error.message);
  if (events.ok) s.applyEventList(events.data, requestedAt);
  else s.setEventsError(events.error.message);
  if (alerts.ok) s.applyAlertLog(alerts.data);
  if (people.ok) s.applyDirectory(people.data);
}

/** Reads one event with all its attendees; pushes that overtake the reply are sorted out by the slice. */
export async function loadEventDetail(store: AppStore, eventId: string): Promise<void> {
  const requestedAt = performance.now();
  const r = await invoke('events.get', { eventId });
  if (r.ok) store.getState().applyEventDetail(r.data, requestedAt);
  else store.getState().setEventDetailError(eventId, r.error.message);
}

let peopleTimer: ReturnType<typeof setTimeout> | undefined;
/** attendees come and go with events.changed: the directory is read again, at most once a second */
function rereadPeople(store: AppStore): void {
  if (peopleTimer !== undefined) return;
  peopleTimer = setTimeout(() => {
    peopleTimer = undefined;
    void invoke('people.directory', {}).then((r) => r.ok && store.getState().applyDirectory(r.data));
  }, 1000);
}

export async function reloadPortals(store: AppStore): Promise<void> {
  const portals = await invoke('portals.list', {});
  if (portals.ok) store.getState().setPortals(portals.data);
}

/** Resolves after the next frame (so a first render can paint first), or after `maxMs` where frames do not run. */
function afterNextFrame(maxMs = 100): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, maxMs);
    requestAnimationFrame(() =>
      setTimeout(() => {
        clearTimeout(timer);
        resolve();
      }, 0),
    );
  });
}

export function startSync(store: AppStore): () => void {
  const offs = [
    on('monitor.portal', (p) => store.getState().applyPortalSnapshot(p)),
    on('monitor.portalRemoved', (removal) => store.getState().removePortalSnapshot(removal)),
    on('alerts.raised', (a) => store.getState().raiseAlert(a)),
    on('alerts.acknowledged', ({ ids, at }) => store.getState().applyAcknowledged(ids, at)),
    on('events.changed', (p) => {
      store.getState().applyEventChanged(p);
      rereadPeople(store);
    }),
    on('people.changed', ({ entries }) => store.getState().applyPeople(entries)),
    on('events.removed', ({ eventId }) => store.getState().applyEventRemoved(eventId)),
  ];
  // Read at once for a fast first screen. In web mode that read may be computed before the console has subscribed
  // this page's event stream, and pushes come only on change, so read again once the stream is open (and after
  // every reconnect, since pushes sent meanwhile are lost). Reads and pushes carry revisions, so the slice keeps the
  // newest whatever order they arrive in, and a portal whose revision did not change keeps its object: a repeated
  // read re-renders nothing.
  // The repeated read only has to be sent after the stream opened, not at that moment: while an earlier read is
  // still on its way it waits for it and for the frame that shows it, instead of competing with it for the network
  // and the main thread (with 10,000 sessions, a second transfer and parse of the fleet before the first paint).
  let streamOpen = false;
  let dropped = false;
  let readSinceOpen = false;
  let stopped = false;
  let inflight: Promise<void> | null = null;
  const read = () => {
    readSinceOpen = streamOpen;
    const p = loadAll(store).finally(() => {
      if (inflight === p) inflight = null;
    });
    inflight = p;
  };
  const readAgain = () => {
    const pending = inflight;
    if (!pending) return read();
    void pending
      .then(() => afterNextFrame())
      .then(() => {
        // dropped meanwhile: the next 'open' reads again
        if (!stopped && streamOpen) read();
      });
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
        if (needed) readAgain();
      }
    }),
  );
  if (!readSinceOpen && !inflight) read();
  return () => {
    stopped = true;
    offs.forEach((off) => off());
  };
}
