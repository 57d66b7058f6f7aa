import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Alert, PortalSnapshot } from '../../../shared/contract';
import { createAppStore } from './app-store';
import { MAX_TOASTS } from './alerts.slice';
import { sameData } from './snapshot.slice';
import { environmentView, portalSnapshot, workshopInfo } from './test-data';

function snap(id: string, allocated = 0): PortalSnapshot {
  return portalSnapshot({ portalId: id, label: id, lastSeenAt: 1, portal: { name: id, url: 'u', maximum: 0, registered: 0, anonymous: 0, allocated } });
}

test('snapshot slice: fleet, per-portal pushes keep order, removal', () => {
  const store = createAppStore();
  const s = () => store.getState();
  assert.equal(s().snapshotLoaded, false);
  s().applyFleet({ generatedAt: 1, portals: [snap('a'), snap('b')] });
  assert.equal(s().snapshotLoaded, true);
  assert.deepEqual(s().portalOrder, ['a', 'b']);
  const b = s().snapshots['b'];
  s().applyPortalSnapshot(snap('a', 5));
  assert.equal(s().snapshots['a']?.portal?.allocated, 5);
  assert.equal(s().snapshots['b'], b, 'an untouched portal keeps its object');
  s().applyPortalSnapshot(snap('c'));
  assert.deepEqual(s().portalOrder, ['a', 'b', 'c']);
  s().removePortalSnapshot('a');
  assert.deepEqual(s().portalOrder, ['b', 'c']);
  assert.equal(s().snapshots['a'], undefined);
  const before = s();
  s().removePortalSnapshot('ghost');
  assert.equal(s().snapshots, before.snapshots);
});

test('a read that arrives after a newer push does not roll the portal back', () => {
  const store = createAppStore();
  const s = () => store.getState();
  const connecting = { ...snap('a'), status: 'connecting' as const, portal: null };
  // read sent at t=100, push of the live state received at t=150, read reply (computed earlier) applied after
  s().applyPortalSnapshot(snap('a', 3), 150);
  s().applyPortalSnapshot(snap('c', 1), 150);
  s().removePortalSnapshot('b', 150);
  s().applyFleet({ generatedAt: 1, portals: [connecting, snap('b')] }, 100);
  assert.equal(s().snapshots['a']?.status, 'live');
  assert.equal(s().snapshots['a']?.portal?.allocated, 3);
  assert.equal(s().snapshots['b'], undefined, 'removed by a push after the read was sent');
  assert.deepEqual(s().portalOrder, ['a', 'c'], 'added by a push after the read was sent');
  // a read sent after the push wins
  s().applyFleet({ generatedAt: 2, portals: [connecting] }, 200);
  assert.equal(s().snapshots['a']?.status, 'connecting');
  assert.deepEqual(s().portalOrder, ['a']);
  // and a read sent before it, arriving late, is dropped
  s().applyFleet({ generatedAt: 3, portals: [snap('z')] }, 190);
  assert.deepEqual(s().portalOrder, ['a']);
});

test('alerts slice: toasts capped, duplicates ignored, dismiss', () => {
  const store = createAppStore();
  const alert = (i: number): Alert => ({
    id: `a${i}`,
    kind: 'capacity',
    portalId: 'p',
    portalLabel: 'P',
    environment: null,
    session: null,
    message: `m${i}`,
    raisedAt: i,
    count: 1,
    acknowledgedAt: null,
  });
  for (let i = 0; i < MAX_TOASTS + 2; i++) store.getState().raiseAlert(alert(i));
  store.getState().raiseAlert(alert(0));
  assert.equal(store.getState().toasts.length, MAX_TOASTS);
  assert.equal(store.getState().alertHistory.length, MAX_TOASTS + 2);
  assert.equal(store.getState().alertHistory[0]?.id, `a${MAX_TOASTS + 1}`);
  store.getState().dismissToast(`a${MAX_TOASTS + 1}`);
  assert.equal(store.getState().toasts.some((t) => t.id === `a${MAX_TOASTS + 1}`), false);
});

test('alerts slice: a grouped repeat replaces its row and shows again; acknowledgements and the log merge', () => {
  const store = createAppStore();
  const s = () => store.getState();
  const base: Alert = {
    id: 'alert-1',
    kind: 'portal-offline',
    portalId: 'p',
    portalLabel: 'Lab portal',
    environment: null,
    session: null,
    message: 'Lab portal is offline',
    raisedAt: 10,
    count: 1,
    acknowledgedAt: null,
  };
  s().raiseAlert(base);
  s().dismissToast('alert-1');
  s().raiseAlert({ ...base, count: 2, raisedAt: 20 });
  assert.deepEqual(s().alertHistory.map((a) => [a.id, a.count]), [['alert-1', 2]]);
  assert.deepEqual(s().toasts.map((a) => a.id), ['alert-1']);
  // the log read after the push holds the older count: the push wins
  s().applyAlertLog([{ ...base }, { ...base, id: 'alert-2', kind: 'portal-recovered', raisedAt: 30 }]);
  assert.deepEqual(s().alertHistory.map((a) => [a.id, a.count]), [['alert-2', 1], ['alert-1', 2]]);
  assert.equal(s().toasts.length, 1, 'alerts read from the log are not toasted');
  s().applyAcknowledged(['alert-1'], 40);
  assert.equal(s().alertHistory.find((a) => a.id === 'alert-1')?.acknowledgedAt, 40);
  assert.equal(s().toasts.length, 0);
  // a read from before the acknowledgement does not undo it
  s().applyAlertLog([{ ...base, count: 2, raisedAt: 20 }]);
  assert.equal(s().alertHistory.find((a) => a.id === 'alert-1')?.acknowledgedAt, 40);
});

test('portals and settings slices', () => {
  const store = createAppStore();
  assert.equal(store.getState().settings.alerts.capacityPercent, 90);
  const view = { id: 'p', label: 'P', baseUrl: 'http://x', clientId: 'c', username: 'u', builtin: false, enabled: true, pollIntervalMs: 5000, defaultIndexUrl: '', secrets: { clientSecret: true, password: true, persisted: false } };
  store.getState().upsertPortal(view);
  store.getState().upsertPortal({ ...view, label: 'Q' });
  assert.deepEqual(store.getState().portals.map((p) => p.label), ['Q']);
  store.getState().dropPortal('p');
  assert.equal(store.getState().portals.length, 0);
});

test('a repeated read of an unchanged fleet keeps every object, so nothing renders again', () => {
  const store = createAppStore();
  const s = () => store.getState();
  const withSessions = (id: string, expires: string): PortalSnapshot => ({
    ...snap(id, 1),
    environments: [
      environmentView({
        name: 'e1',
        workshop: workshopInfo({ tags: ['a'], labels: { k: 'v' } }),
        duration: 3600,
        capacity: 2,
        allocated: 1,
        available: 1,
        sessions: [{ name: 's1', state: 'RUNNING', user: 'u', started: '2026-01-01T00:00:00Z', expires, extendable: true }],
      }),
    ],
  });
  s().applyFleet({ generatedAt: 1, portals: [withSessions('a', '2026-01-01T01:00:00Z'), snap('b')] }, 10);
  const first = s();
  // the same data again, as new objects (a second read parses a new reply)
  s().applyFleet({ generatedAt: 2, portals: [withSessions('a', '2026-01-01T01:00:00Z'), snap('b')] }, 20);
  assert.equal(s().snapshots, first.snapshots, 'the record is kept when no portal changed');
  assert.equal(s().portalOrder, first.portalOrder);
  assert.equal(s().fleetRequestedAt, 20, 'the newer read is still recorded');
  // one session changed: that portal gets the new object, the other keeps its own
  s().applyFleet({ generatedAt: 3, portals: [withSessions('a', '2026-01-01T02:00:00Z'), snap('b')] }, 30);
  assert.notEqual(s().snapshots['a'], first.snapshots['a']);
  assert.equal(s().snapshots['a']?.environments[0]?.sessions[0]?.expires, '2026-01-01T02:00:00Z');
  assert.equal(s().snapshots['b'], first.snapshots['b']);
  // a new order is a change
  s().applyFleet({ generatedAt: 4, portals: [snap('b'), withSessions('a', '2026-01-01T02:00:00Z')] }, 40);
  assert.deepEqual(s().portalOrder, ['b', 'a']);
});

test('sameData compares JSON data deeply', () => {
  assert.equal(sameData({ a: [1, { b: null }], c: 'x' }, { a: [1, { b: null }], c: 'x' }), true);
  assert.equal(sameData({ a: [1, 2] }, { a: [1, 2, 3] }), false);
  assert.equal(sameData({ a: 1 }, { a: 1, b: undefined }), false);
  assert.equal(sameData({ a: 1, b: 2 }, { a: 1, c: 2 }), false);
  assert.equal(sameData([1], { 0: 1 }), false);
  assert.equal(sameData({ a: null }, { a: {} }), false);
  assert.equal(sameData('1', 1), false);
});
