import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Alert, EnvironmentView, FleetSnapshot, PortalSnapshot } from '../../../shared/contract';
import { createAppStore } from './app-store';
import { MAX_TOASTS } from './alerts.slice';
import { isNewer } from './snapshot.slice';
import { environmentView, portalSnapshot, workshopInfo } from './test-data';

function snap(id: string, revision: number, allocated = 0, epoch = 'e1'): PortalSnapshot {
  return portalSnapshot({
    portalId: id,
    label: id,
    lastSeenAt: 1,
    portal: { name: id, url: 'u', maximum: 0, registered: 0, anonymous: 0, allocated },
    revision,
    epoch,
  });
}

function fleet(revision: number, portals: PortalSnapshot[], epoch = 'e1'): FleetSnapshot {
  return { generatedAt: 1, revision, epoch, portals };
}

test('snapshot slice: fleet, per-portal pushes keep order, removal', () => {
  const store = createAppStore();
  const s = () => store.getState();
  assert.equal(s().snapshotLoaded, false);
  s().applyFleet(fleet(2, [snap('a', 1), snap('b', 2)]));
  assert.equal(s().snapshotLoaded, true);
  assert.deepEqual(s().portalOrder, ['a', 'b']);
  const b = s().snapshots['b'];
  s().applyPortalSnapshot(snap('a', 3, 5));
  assert.equal(s().snapshots['a']?.portal?.allocated, 5);
  assert.equal(s().snapshots['b'], b, 'an untouched portal keeps its object');
  s().applyPortalSnapshot(snap('c', 4));
  assert.deepEqual(s().portalOrder, ['a', 'b', 'c']);
  s().removePortalSnapshot({ portalId: 'a', revision: 5, epoch: 'e1' });
  assert.deepEqual(s().portalOrder, ['b', 'c']);
  assert.equal(s().snapshots['a'], undefined);
  const before = s();
  s().removePortalSnapshot({ portalId: 'ghost', revision: 6, epoch: 'e1' });
  assert.equal(s().snapshots, before.snapshots);
});

test('whatever order reads and pushes arrive in, each portal keeps its newest revision', () => {
  const store = createAppStore();
  const s = () => store.getState();
  const connecting = { ...snap('a', 1), status: 'connecting' as const, portal: null };
  // a read made at revision 4 arrives after pushes of revisions 5 to 7
  s().applyPortalSnapshot(snap('a', 5, 3));
  s().applyPortalSnapshot(snap('c', 6, 1));
  s().removePortalSnapshot({ portalId: 'b', revision: 7, epoch: 'e1' });
  s().applyFleet(fleet(4, [connecting, snap('b', 4)]));
  assert.equal(s().snapshots['a']?.status, 'live');
  assert.equal(s().snapshots['a']?.portal?.allocated, 3);
  assert.equal(s().snapshots['b'], undefined, 'removed after the read was made');
  assert.deepEqual(s().portalOrder, ['a', 'c'], 'added after the read was made');
  // a push older than what is held is dropped
  s().applyPortalSnapshot(snap('a', 2, 9));
  assert.equal(s().snapshots['a']?.portal?.allocated, 3);
  // a read made later wins, and a portal it does not list was removed before it
  s().applyFleet(fleet(9, [{ ...connecting, revision: 8 }]));
  assert.equal(s().snapshots['a']?.status, 'connecting');
  assert.deepEqual(s().portalOrder, ['a']);
  // a console started since (another epoch) replaces everything, whatever its revisions
  s().applyFleet(fleet(1, [snap('z', 1, 0, 'e2')], 'e2'));
  assert.deepEqual(s().portalOrder, ['z']);
  s().applyPortalSnapshot(snap('z', 2, 4, 'e2'));
  assert.equal(s().snapshots['z']?.portal?.allocated, 4);
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
  assert.equal(
    store.getState().toasts.some((t) => t.id === `a${MAX_TOASTS + 1}`),
    false,
  );
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
  assert.deepEqual(
    s().alertHistory.map((a) => [a.id, a.count]),
    [['alert-1', 2]],
  );
  assert.deepEqual(
    s().toasts.map((a) => a.id),
    ['alert-1'],
  );
  // the log read after the push holds the older count: the push wins
  s().applyAlertLog([{ ...base }, { ...base, id: 'alert-2', kind: 'portal-recovered', raisedAt: 30 }]);
  assert.deepEqual(
    s().alertHistory.map((a) => [a.id, a.count]),
    [
      ['alert-2', 1],
      ['alert-1', 2],
    ],
  );
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
  const view = {
    id: 'p',
    label: 'P',
    baseUrl: 'http://x',
    clientId: 'c',
    username: 'u',
    builtin: false,
    enabled: true,
    pollIntervalMs: 5000,
    defaultIndexUrl: '',
    secrets: { clientSecret: true, password: true, persisted: false },
  };
  store.getState().upsertPortal(view);
  store.getState().upsertPortal({ ...view, label: 'Q' });
  assert.deepEqual(
    store.getState().portals.map((p) => p.label),
    ['Q'],
  );
  store.getState().dropPortal('p');
  assert.equal(store.getState().portals.length, 0);
});

test('a repeated read keeps every object; a new revision keeps the environments that did not change', () => {
  const store = createAppStore();
  const s = () => store.getState();
  const env = (name: string, revision: number, expires: string) =>
    environmentView({
      name,
      workshop: workshopInfo({ tags: ['a'], labels: { k: 'v' } }),
      duration: 3600,
      capacity: 2,
      allocated: 1,
      available: 1,
      sessions: [
        { name: `${name}-s1`, state: 'RUNNING', user: 'u', started: '2026-01-01T00:00:00Z', expires, extendable: true },
      ],
      revision,
    });
  const withSessions = (revision: number, envs: EnvironmentView[]): PortalSnapshot => ({
    ...snap('a', revision, 1),
    environments: envs,
  });
  s().applyFleet(
    fleet(3, [
      withSessions(3, [env('e1', 2, '2026-01-01T01:00:00Z'), env('e2', 3, '2026-01-01T01:00:00Z')]),
      snap('b', 1),
    ]),
  );
  const first = s();
  // the same revisions again, as new objects (a second read parses a new reply)
  s().applyFleet(
    fleet(3, [
      withSessions(3, [env('e1', 2, '2026-01-01T01:00:00Z'), env('e2', 3, '2026-01-01T01:00:00Z')]),
      snap('b', 1),
    ]),
  );
  assert.equal(s().snapshots, first.snapshots, 'the record is kept when no portal changed');
  assert.equal(s().portalOrder, first.portalOrder);
  // e2 changed at revision 4: portal a is new, its e1 is the object held, its e2 the new one; b keeps its own
  s().applyPortalSnapshot(
    withSessions(4, [env('e1', 2, '2026-01-01T01:00:00Z'), env('e2', 4, '2026-01-01T02:00:00Z')]),
  );
  const a = s().snapshots['a'];
  assert.notEqual(a, first.snapshots['a']);
  assert.equal(a?.environments[0], first.snapshots['a']?.environments[0]);
  assert.notEqual(a?.environments[1], first.snapshots['a']?.environments[1]);
  assert.equal(a?.environments[1]?.sessions[0]?.expires, '2026-01-01T02:00:00Z');
  assert.equal(s().snapshots['b'], first.snapshots['b']);
  // only the label changed: every environment, and their list, is the one held
  s().applyPortalSnapshot({
    ...withSessions(5, [env('e1', 2, '2026-01-01T01:00:00Z'), env('e2', 4, '2026-01-01T02:00:00Z')]),
    label: 'A',
  });
  assert.equal(s().snapshots['a']?.label, 'A');
  assert.equal(s().snapshots['a']?.environments, a?.environments);
  // a new order is a change
  s().applyFleet(fleet(6, [snap('b', 1), s().snapshots['a'] as PortalSnapshot]));
  assert.deepEqual(s().portalOrder, ['b', 'a']);
});

test('isNewer: a higher revision of the same run, or any revision of another run', () => {
  assert.equal(isNewer({ revision: 2, epoch: 'x' }, { revision: 1, epoch: 'x' }), true);
  assert.equal(isNewer({ revision: 1, epoch: 'x' }, { revision: 1, epoch: 'x' }), false);
  assert.equal(isNewer({ revision: 1, epoch: 'x' }, { revision: 2, epoch: 'x' }), false);
  assert.equal(isNewer({ revision: 1, epoch: 'y' }, { revision: 9, epoch: 'x' }), true);
  assert.equal(isNewer({ revision: 1, epoch: 'y' }, undefined), true);
});
