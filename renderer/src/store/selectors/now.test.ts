import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PortalSnapshot, SessionView } from '../../../../shared/contract';
import { fleetTotals, needsAttention, type NowInput } from './now';
import { environmentView, eventSummary, portalSnapshot, workshopInfo } from '../test-data';

const NOW = Date.parse('2026-03-05T10:00:00Z');

function session(over: Partial<SessionView>): SessionView {
  return { name: 's', state: 'RUNNING', user: 'u', started: null, expires: null, extendable: null, ...over };
}

function portal(id: string, over: Partial<PortalSnapshot> = {}): PortalSnapshot {
  return portalSnapshot({
    portalId: id,
    label: id.toUpperCase(),
    portal: { name: id, url: '', maximum: 0, registered: 0, anonymous: 0, allocated: 0 },
    ...over,
  });
}

function input(snaps: PortalSnapshot[], over: Partial<NowInput> = {}): NowInput {
  return {
    order: snaps.map((s) => s.portalId),
    snapshots: Object.fromEntries(snaps.map((s) => [s.portalId, s])),
    events: [],
    thresholdPercent: 90,
    expiringMinutes: 10,
    nowMs: NOW,
    ...over,
  };
}

test('totals count owned sessions by state, reserved ones apart, and free seats under capacity and maximum', () => {
  const a = portal('a', {
    portal: { name: 'a', url: '', maximum: 0, registered: 0, anonymous: 0, allocated: 3 },
    environments: [
      environmentView({
        name: 'e1',
        capacity: 10,
        allocated: 3,
        available: 2,
        sessions: [
          session({ name: 'r1', user: 'ada' }),
          session({ name: 'r2', user: 'bob' }),
          session({ name: 'w1', user: 'cy', state: 'WAITING' }),
          // reserved: started ahead, nobody owns them
          session({ name: 'x1', user: '' }),
          session({ name: 'x2', user: '', state: 'WAITING' }),
          session({ name: 'gone', user: 'dee', state: 'STOPPING' }),
        ],
      }),
    ],
  });
  // the portal maximum leaves 1 even though the environment has room for 4
  const b = portal('b', {
    portal: { name: 'b', url: '', maximum: 5, registered: 0, anonymous: 0, allocated: 4 },
    environments: [
      environmentView({
        name: 'e2',
        capacity: 8,
        allocated: 4,
        available: 0,
        sessions: [session({ state: 'STARTING' })],
      }),
    ],
  });
  const off = portal('off', { status: 'offline', portal: null });
  const disabled = portal('d', { status: 'disabled' });
  const t = fleetTotals(input([a, b, off, disabled]));
  assert.deepEqual(t, { running: 2, waiting: 2, reserved: 2, free: 7 + 1, counted: 2, portals: 3, live: 2 });
});

test('needs attention: failing portals first, then capacity, expiring, activation, failed allocations', () => {
  const full = portal('full', {
    environments: [
      environmentView({ name: 'lab', workshop: workshopInfo({ title: 'Lab' }), capacity: 10, allocated: 9 }),
      environmentView({ name: 'calm', capacity: 10, allocated: 1 }),
    ],
  });
  const soon = new Date(NOW + 5 * 60_000).toISOString();
  const later = new Date(NOW + 60 * 60_000).toISOString();
  const expiring = portal('exp', {
    environments: [
      environmentView({
        name: 'x',
        capacity: 100,
        allocated: 3,
        sessions: [
          session({ name: 's1', expires: soon }),
          session({ name: 's2', expires: soon }),
          session({ name: 's3', expires: later }),
          session({ name: 's4', expires: soon, user: '' }),
        ],
      }),
    ],
  });
  const down = portal('down', { status: 'offline', lastError: 'portal unreachable: 127.0.0.1:1' });
  const refused = portal('refused', {
    status: 'credentials-rejected',
    lastError: 'the portal refused the credentials',
  });
  const events = [
    eventSummary({
      id: 'ev',
      name: 'Workshop day',
      portalId: 'full',
      startsAt: NOW - 1000,
      endsAt: NOW + 3_600_000,
      counts: { ...eventSummary().counts, waiting: 3, failed: 2 },
    }),
    eventSummary({ id: 'old', archived: true, counts: { ...eventSummary().counts, failed: 9 } }),
  ];
  const items = needsAttention(input([full, expiring, down, refused], { events }));
  assert.deepEqual(
    items.map((i) => i.key),
    ['portal:down', 'portal:refused', 'capacity:full:lab', 'expiring:exp:x', 'activation:ev', 'failed:ev'],
  );
  const [first] = items;
  assert.equal(first?.detail, 'portal unreachable: 127.0.0.1:1');
  assert.equal(first?.action.kind, 'retry');
  assert.equal(items[2]?.action.href, '#/portal/full/env/lab');
  assert.match(items[3]?.title ?? '', /^2 sessions of/);
  assert.equal(items[4]?.action.href, '#/event/ev');
});

test('the portal clock offset decides what expires soon; the threshold setting decides what is full', () => {
  const at = new Date(NOW + 20 * 60_000).toISOString();
  // the portal's clock runs 15 minutes ahead: the session ends in 5 minutes of real time
  const ahead = portal('p', {
    clockOffsetMs: 15 * 60_000,
    environments: [environmentView({ name: 'x', capacity: 10, allocated: 5, sessions: [session({ expires: at })] })],
  });
  assert.deepEqual(
    needsAttention(input([ahead])).map((i) => i.key),
    ['expiring:p:x'],
  );
  assert.deepEqual(
    needsAttention(input([ahead], { thresholdPercent: 50 })).map((i) => i.key),
    ['capacity:p:x', 'expiring:p:x'],
  );
});

test('a portal that comes back leaves the list; a disabled one is never in it', () => {
  const down = portal('p', { status: 'stale', lastError: 'timed out' });
  assert.equal(needsAttention(input([down])).length, 1);
  assert.equal(needsAttention(input([{ ...down, status: 'live', lastError: null }])).length, 0);
  assert.equal(needsAttention(input([{ ...down, status: 'disabled' }])).length, 0);
});
