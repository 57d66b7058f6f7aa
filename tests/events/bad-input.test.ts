import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createDispatcher, type Dispatch } from '../../electron/ipc/dispatch';
import type { Handlers } from '../../electron/services/core-types';
import { methodNames } from '../../shared/contract';
import { environmentOf, labConfig, runEnded, startFixture, type Fixture } from './helpers';

const HOUR = 3_600_000;
const T = Date.UTC(2030, 0, 1);
const valid = (env: string) => ({ name: 'E', portalId: 'builtin', environments: [env], startsAt: T, endsAt: T + HOUR });

/** every events.* method with inputs the schema must refuse: the handler never runs */
function schemaCases(env: string): Array<[string, unknown, RegExp]> {
  const ok = valid(env);
  return [
    ['events.list', { extra: 1 }, /unrecognized|extra/i],
    ['events.list', null, /input/],
    ['events.get', {}, /^eventId: /],
    ['events.get', { eventId: '' }, /^eventId: /],
    ['events.get', { eventId: 'x'.repeat(201) }, /^eventId: /],
    ['events.create', { ...ok, name: '   ' }, /^name: /],
    ['events.create', { ...ok, environments: [] }, /at least one workshop environment/],
    ['events.create', { ...ok, environments: [env, env] }, /listed twice/],
    ['events.create', { ...ok, environments: ['bad env'] }, /letters, digits/],
    ['events.create', { ...ok, endsAt: T }, /must end after it starts/],
    ['events.create', { ...ok, startsAt: -1 }, /^startsAt: /],
    ['events.create', { ...ok, startsAt: 1.5 }, /^startsAt: /],
    ['events.create', { ...ok, activationWindowS: -1 }, /^activationWindowS: /],
    ['events.create', { ...ok, activationWindowS: 604_801 }, /^activationWindowS: /],
    ['events.create', { ...ok, activationWindowS: 60.5 }, /^activationWindowS: /],
    ['events.create', { ...ok, indexUrl: 'javascript:alert(1)' }, /http\(s\)/],
    ['events.create', { ...ok, indexUrl: 'https://user:pw@example.org/' }, /user name or password/],
    ['events.create', { ...ok, indexUrl: 'file:///etc/passwd' }, /http\(s\)/],
    ['events.update', { name: 'x' }, /^eventId: /],
    ['events.update', { eventId: 'e', startsAt: T, endsAt: T - 1 }, /must end after it starts/],
    ['events.archive', { eventId: 'e' }, /^archived: /],
    ['events.archive', { eventId: 'e', archived: 'yes' }, /^archived: /],
    ['events.delete', { eventId: 'e' }, /^endSessions: /],
    ['events.parseAttendees', { text: 'a@b.c' }, /^format: /],
    ['events.parseAttendees', { text: 'x', format: 'xlsx' }, /^format: /],
    ['events.parseAttendees', { text: 'x'.repeat(5_000_001), format: 'csv' }, /^text: /],
    ['events.addAttendees', { eventId: 'e', attendees: [], source: 'csv' }, /^attendees: /],
    [
      'events.addAttendees',
      { eventId: 'e', attendees: [{ email: 'not-mail' }], source: 'csv' },
      /^attendees\.0\.email: /,
    ],
    [
      'events.addAttendees',
      { eventId: 'e', attendees: [{ email: 'a@example.org', user: 'a b' }], source: 'csv' },
      /user/,
    ],
    [
      'events.addAttendees',
      { eventId: 'e', attendees: [{ email: 'a@example.org', firstName: 'x'.repeat(151) }], source: 'csv' },
      /firstName/,
    ],
    ['events.addAttendees', { eventId: 'e', attendees: [{ email: 'a@example.org' }], source: 'import' }, /^source: /],
    [
      'events.addAttendees',
      { eventId: 'e', attendees: Array.from({ length: 10_001 }, () => ({ email: 'a@example.org' })), source: 'csv' },
      /^attendees: /,
    ],
    ['events.updateAttendee', { eventId: 'e' }, /^attendeeId: /],
    ['events.updateAttendee', { eventId: 'e', attendeeId: 'a', environment: '../x' }, /^environment: /],
    ['events.removeAttendees', { eventId: 'e', attendeeIds: [], endSessions: false }, /^attendeeIds: /],
    ['events.removeAttendees', { eventId: 'e', attendeeIds: ['a', 'a'], endSessions: false }, /listed twice/],
    ['events.removeAttendees', { eventId: 'e', attendeeIds: ['a'] }, /^endSessions: /],
    ['events.allocate', { eventId: 'e', scope: 'everyone' }, /^scope: /],
    ['events.allocate', { eventId: 'e', scope: 'selected' }, /required with scope "selected"/],
    [
      'events.allocate',
      { eventId: 'e', scope: 'all', attendeeIds: ['a'] },
      /required with scope "selected" and only then/,
    ],
    ['events.allocate', { eventId: 'e', scope: 'all', concurrency: 0 }, /^concurrency: /],
    ['events.allocate', { eventId: 'e', scope: 'all', concurrency: 33 }, /^concurrency: /],
    ['events.allocate', { eventId: 'e', scope: 'all', confirmShortActivation: 'yes' }, /^confirmShortActivation: /],
    ['events.cancel', { eventId: 7 }, /^eventId: /],
    ['events.reissue', { eventId: 'e', attendeeIds: [] }, /^attendeeIds: /],
    ['events.report', {}, /^eventId: /],
    ['events.exportCsv', { eventId: 'e', kind: 'pdf' }, /^kind: /],
    ['people.find', { query: '  ' }, /^query: /],
    ['alerts.list', { limit: 0 }, /^limit: /],
    ['alerts.list', { limit: 1001 }, /^limit: /],
    ['alerts.list', { sinceMs: -1 }, /^sinceMs: /],
    ['alerts.list', { limit: '10' }, /^limit: /],
  ];
}

describe('events: bad input is refused with a clear error and changes nothing', () => {
  let f: Fixture;
  let env: string;
  let dispatch: Dispatch;
  let calls: string[];
  const logs: string[] = [];
  before(async () => {
    f = await startFixture(labConfig([{ name: 'lab-k8s', capacity: 5, reserved: 0, initial: 0, expires: '1h' }]));
    env = await environmentOf(f.core, 'lab-k8s');
    calls = [];
    const counted = Object.fromEntries(
      Object.entries(f.core.handlers).map(([m, h]) => [
        m,
        (input: unknown) => {
          calls.push(m);
          return (h as (i: unknown) => Promise<unknown>)(input);
        },
      ]),
    ) as unknown as Handlers;
    dispatch = createDispatcher({ handlers: counted, validateOutput: true, log: (l) => logs.push(l) });
  });
  after(() => f.close());

  test('every events method is in the table', () => {
    const covered = new Set(schemaCases('x').map(([m]) => m));
    for (const m of methodNames.filter((n) => n.startsWith('events.'))) assert.ok(covered.has(m), m);
  });

  test('schema: refused as invalid-input before the handler runs', async () => {
    for (const [method, input, pattern] of schemaCases(env)) {
      const r = await dispatch(method, input);
      assert.equal(r.ok, false, `${method} ${JSON.stringify(input).slice(0, 120)}`);
      if (!r.ok) {
        assert.equal(r.error.code, 'invalid-input', `${method}: ${r.error.message}`);
        assert.match(r.error.message, pattern, method);
      }
    }
    assert.deepEqual(calls, []);
  });

  test('meaning: unknown ids, foreign environments, a second run, archived events, wrong statuses', async () => {
    const expectError = async (method: string, input: unknown, code: string, pattern: RegExp) => {
      const r = await dispatch(method, input);
      assert.equal(r.ok, false, `${method} ${JSON.stringify(input)}`);
      if (!r.ok) {
        assert.equal(r.error.code, code, `${method}: ${r.error.message}`);
        assert.match(r.error.message, pattern);
      }
    };
    await expectError('events.get', { eventId: 'nope' }, 'not-found', /no such event/);
    await expectError('events.create', { ...valid(env), portalId: 'nope' }, 'not-found', /no such portal/);
    const created = await dispatch('events.create', valid(env));
    assert.ok(created.ok);
    const ev = (created as { data: { id: string; revision: number } }).data;
    await expectError(
      'events.update',
      { eventId: ev.id, endsAt: T - HOUR },
      'invalid-input',
      /must end after it starts/,
    );
    await expectError(
      'events.updateAttendee',
      { eventId: ev.id, attendeeId: 'nope', firstName: 'x' },
      'not-found',
      /no such attendee/,
    );
    await expectError(
      'events.removeAttendees',
      { eventId: ev.id, attendeeIds: ['nope'], endSessions: false },
      'not-found',
      /no such attendee/,
    );

    const add = await dispatch('events.addAttendees', {
      eventId: ev.id,
      source: 'manual',
      attendees: [
        { email: 'ada@example.org' },
        { email: 'ADA@example.org' },
        { email: 'ada2@example.org', user: 'ada-example-org' },
        { email: 'bob@example.org', environment: 'lab-w99' },
      ],
    });
    assert.ok(add.ok);
    const added = (add as { data: { added: Array<{ id: string }>; skipped: Array<{ email: string; reason: string }> } })
      .data;
    assert.equal(added.added.length, 1);
    assert.deepEqual(added.skipped, [
      { email: 'ADA@example.org', reason: 'already in this event (same email)' },
      { email: 'ada2@example.org', reason: 'already in this event (same user id ada-example-org)' },
      { email: 'bob@example.org', reason: 'lab-w99 is not an environment of this event' },
    ]);
    const ada = added.added[0]?.id as string;
    await expectError(
      'events.updateAttendee',
      { eventId: ev.id, attendeeId: ada, environment: 'lab-w99' },
      'invalid-input',
      /not an environment of this event/,
    );
    await expectError(
      'events.reissue',
      { eventId: ev.id, attendeeIds: [ada] },
      'conflict',
      /only ended or expired attendees are reissued/,
    );
    await expectError(
      'events.allocate',
      { eventId: ev.id, scope: 'selected', attendeeIds: ['nope'] },
      'not-found',
      /no such attendee/,
    );

    // a second run while one is going; edits that would orphan a session
    const first = await dispatch('events.allocate', { eventId: ev.id, scope: 'all', concurrency: 1 });
    assert.ok(first.ok);
    await expectError('events.allocate', { eventId: ev.id, scope: 'all' }, 'conflict', /already running/);
    await runEnded(f.core, ev.id);
    await expectError(
      'events.updateAttendee',
      { eventId: ev.id, attendeeId: ada, email: 'new@example.org' },
      'conflict',
      /has a session: end it before changing the email/,
    );
    await expectError(
      'events.update',
      { eventId: ev.id, portalId: 'builtin', environments: ['lab-w02'] },
      'conflict',
      /cannot be removed: ada@example\.org has a session there/,
    );

    await dispatch('events.archive', { eventId: ev.id, archived: true });
    await expectError(
      'events.allocate',
      { eventId: ev.id, scope: 'all' },
      'conflict',
      /archived: restore it before allocating/,
    );

    // nothing above left a trace: the event is as the valid calls made it
    const d = await dispatch('events.get', { eventId: ev.id });
    assert.ok(d.ok);
    const detail = (
      d as {
        data: {
          event: { environments: string[]; endsAt: number };
          attendees: Array<{ email: string; status: string }>;
        };
      }
    ).data;
    assert.deepEqual(detail.event.environments, [env]);
    assert.equal(detail.event.endsAt, T + HOUR);
    assert.deepEqual(
      detail.attendees.map((a) => [a.email, a.status]),
      [['ada@example.org', 'waiting']],
    );
    assert.deepEqual(logs, [], 'no internal error was logged');
  });
});
