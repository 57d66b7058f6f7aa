import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { PortalSnapshot, SessionState } from '../../shared/contract';
import type { AllocationRec, AttendeeRec, EventRec } from '../../electron/services/events/event-model';
import { indexSnapshot, reconcileEvent } from '../../electron/services/events/reconcile';

const T = 1_800_000_000_000;
const iso = (ms: number) => new Date(ms).toISOString();

function rec(over: Partial<AllocationRec>): AllocationRec {
  return {
    id: 1,
    environment: 'lab-w01',
    session: 'lab-w01-s001',
    activationUrl: 'http://portal/activate',
    requestedAt: T - 60_000,
    allocatedAt: T - 60_000,
    activateBy: T + 3_600_000,
    expiresAt: T + 3_600_000,
    firstRunningAt: null,
    endedAt: null,
    extensions: 0,
    status: 'waiting',
    reason: null,
    flags: [],
    ...over,
  };
}

function event(current: AllocationRec | null): { e: EventRec; a: AttendeeRec } {
  const a: AttendeeRec = {
    id: 'a1',
    eventId: 'e1',
    seq: 1,
    email: 'ada@example.org',
    firstName: 'Ada',
    lastName: 'L',
    user: 'ada',
    environment: 'lab-w01',
    source: 'csv',
    addedAt: T,
    current,
    sessions: current?.session ? 1 : 0,
  };
  const e: EventRec = {
    id: 'e1',
    name: 'E',
    portalId: 'p',
    environments: ['lab-w01', 'lab-w02'],
    startsAt: T,
    endsAt: T + 1,
    activationWindowS: 3600,
    indexUrl: null,
    archived: false,
    createdAt: T,
    updatedAt: T,
    revision: 0,
    attendees: new Map([[a.id, a]]),
  };
  return { e, a };
}

type Seen = {
  name: string;
  env?: string;
  user?: string;
  state: SessionState;
  started?: number;
  expires?: number | null;
};

function snapshot(sessions: Seen[], seenAt = T, offset = 0): PortalSnapshot {
  const envs = ['lab-w01', 'lab-w02'];
  return {
    portalId: 'p',
    label: 'P',
    status: 'live',
    lastSeenAt: seenAt,
    lastError: null,
    clockOffsetMs: offset,
    portal: null,
    environments: envs.map((name) => ({
      name,
      state: 'RUNNING',
      workshop: {
        name,
        title: name,
        description: '',
        vendor: '',
        difficulty: '',
        duration: '',
        tags: [],
        labels: {},
        logo: '',
        url: '',
      },
      duration: 1800,
      capacity: 10,
      reserved: 0,
      allocated: 0,
      available: 0,
      sessions: sessions
        .filter((s) => (s.env ?? 'lab-w01') === name)
        .map((s) => ({
          name: s.name,
          state: s.state,
          user: s.user ?? 'ada',
          started: s.started === undefined ? iso(T - 60_000) : iso(s.started),
          expires: s.expires === undefined ? iso(T + 3_600_000) : s.expires === null ? null : iso(s.expires),
          extendable: null,
        })),
      revision: 1,
    })),
    dialect: 'educates',
    revision: 1,
    epoch: 'test',
  };
}

function run(
  current: AllocationRec | null,
  seen: Seen[],
  o: { now?: number; seenAt?: number; offset?: number; inFlight?: number[] } = {},
) {
  const { e, a } = event(current);
  const index = indexSnapshot(snapshot(seen, o.seenAt ?? T, o.offset ?? 0), new Set(e.environments));
  return { a, r: reconcileEvent(e, index, { now: o.now ?? T, inFlight: new Set(o.inFlight ?? []), graceMs: 16_000 }) };
}

describe('reconcile', () => {
  test('RUNNING: running, first seen at the session start, expiry followed (clock offset applied)', () => {
    const { r } = run(
      rec({}),
      [{ name: 'lab-w01-s001', state: 'RUNNING', started: T - 5_000, expires: T + 1_805_000 }],
      {
        offset: 5_000,
      },
    );
    assert.deepEqual(r.patches[0]?.patch, { status: 'running', firstRunningAt: T - 10_000, expiresAt: T + 1_800_000 });
  });

  test('an expiry later by minutes while running is an extension; by the clock jitter it is nothing', () => {
    const running = rec({ status: 'running', firstRunningAt: T - 60_000, expiresAt: T + 60_000 });
    const ext = run(running, [{ name: 'lab-w01-s001', state: 'RUNNING', expires: T + 360_000 }]).r;
    assert.deepEqual(ext.patches[0]?.patch, { extensions: 1, expiresAt: T + 360_000 });
    assert.deepEqual(run(running, [{ name: 'lab-w01-s001', state: 'RUNNING', expires: T + 61_500 }]).r.patches, []);
  });

  test('gone while waiting: expired past the deadline, ended before it; gone while running: ended', () => {
    const late = run(rec({ activateBy: T - 1000 }), [], { now: T }).r;
    assert.deepEqual(late.patches[0]?.patch, { status: 'expired', endedAt: T - 1000 });
    const early = run(rec({}), [], { now: T }).r;
    assert.deepEqual(early.patches[0]?.patch, { status: 'ended', endedAt: T });
    const ran = run(rec({ status: 'running', firstRunningAt: T - 9000, expiresAt: T - 500 }), [], { now: T }).r;
    assert.deepEqual(ran.patches[0]?.patch, { status: 'ended', endedAt: T - 500 }, 'it ended when it expired');
    const stopping = run(rec({ activateBy: T - 1000 }), [{ name: 'lab-w01-s001', state: 'STOPPING' }]).r;
    assert.equal(stopping.patches[0]?.patch.status, 'expired');
  });

  test('absence in a poll that may predate the allocation proves nothing: decided later', () => {
    const fresh = rec({ allocatedAt: T - 1000, requestedAt: T - 1100 });
    const { r } = run(fresh, [], { seenAt: T });
    assert.deepEqual(r.patches, []);
    assert.equal(r.recheckAt, T - 1000 + 16_000);
  });

  test('a request in flight is left alone; a left-over intent is adopted, or dropped after the grace period', () => {
    const intent = rec({
      session: null,
      activationUrl: null,
      allocatedAt: null,
      status: 'allocating',
      requestedAt: T - 20_000,
    });
    assert.deepEqual(run(intent, [], { inFlight: [1] }).r, { patches: [], adopt: [], drop: [], recheckAt: null });
    const found = run(intent, [{ name: 'lab-w01-s009', state: 'WAITING' }]).r;
    assert.equal(found.adopt[0]?.session.name, 'lab-w01-s009');
    assert.equal(found.adopt[0]?.into, intent);
    assert.equal(run(intent, []).r.drop[0]?.rec, intent);
    assert.equal(run({ ...intent, requestedAt: T - 1000 }, []).r.recheckAt, T + 15_000);
  });

  test('a user session in another environment of the event is adopted; a stopping one or another user is not', () => {
    assert.equal(run(null, [{ name: 'lab-w02-s001', env: 'lab-w02', state: 'RUNNING' }]).r.adopt.length, 1);
    assert.equal(run(null, [{ name: 'lab-w02-s001', env: 'lab-w02', state: 'STOPPING' }]).r.adopt.length, 0);
    assert.equal(run(null, [{ name: 'lab-w01-s002', user: 'bob', state: 'RUNNING' }]).r.adopt.length, 0);
    const ended = rec({ status: 'ended', endedAt: T - 1 });
    assert.equal(run(ended, [{ name: 'lab-w01-s002', state: 'WAITING' }]).r.adopt[0]?.session.name, 'lab-w01-s002');
  });

  test('an "ended" session seen again was missed by a poll: it is revived', () => {
    const ended = rec({ status: 'ended', endedAt: T - 1, firstRunningAt: T - 9000 });
    const { r } = run(ended, [{ name: 'lab-w01-s001', state: 'RUNNING' }]);
    assert.deepEqual(r.patches[0]?.patch, { endedAt: null, status: 'running' });
    assert.deepEqual(r.adopt, []);
  });

  test('a portal without session states: only the expiry is followed', () => {
    const { r } = run(rec({}), [{ name: 'lab-w01-s001', state: 'UNKNOWN', expires: T + 7_200_000 }]);
    assert.deepEqual(r.patches[0]?.patch, { expiresAt: T + 7_200_000 });
  });
});
