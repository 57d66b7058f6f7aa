import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AttendeeView } from '../../../../shared/contract';
import { attendeeView, eventSummary } from '../test-data';
import { activeEventsOn, eventPhase, filterAttendees, selectionActions, sortAttendees } from './attendees';

const ada = attendeeView({
  id: '1',
  firstName: 'Ada',
  lastName: 'Lovelace',
  email: 'ada@example.org',
  user: 'ada-example-org',
  status: 'running',
  expiresAt: 5000,
  session: 'lab-w01-abc',
});
const alan = attendeeView({
  id: '2',
  firstName: 'Alan',
  lastName: 'Turing',
  email: 'alan@example.org',
  user: 'at',
  status: 'waiting',
  activateBy: 9000,
});
const grace = attendeeView({
  id: '3',
  firstName: 'Grace',
  lastName: 'Hopper',
  email: 'grace@navy.mil',
  user: 'grace',
  status: 'expired',
});
const eve = attendeeView({
  id: '4',
  firstName: '',
  lastName: '',
  email: 'eve@example.org',
  user: 'eve',
  status: 'not-allocated',
});
const all: AttendeeView[] = [ada, alan, grace, eve];

const ids = (l: AttendeeView[]) => l.map((a) => a.id).join(',');

test('search: every word must match name, email, user id, session or status', () => {
  assert.equal(ids(filterAttendees(all, 'ada love', new Set())), '1');
  assert.equal(ids(filterAttendees(all, 'EXAMPLE.org', new Set())), '1,2,4');
  assert.equal(ids(filterAttendees(all, 'lab-w01', new Set())), '1');
  assert.equal(ids(filterAttendees(all, 'expired', new Set())), '3');
  assert.equal(ids(filterAttendees(all, 'ada turing', new Set())), '');
  assert.equal(ids(filterAttendees(all, '', new Set(['waiting', 'running']))), '1,2');
  assert.equal(ids(filterAttendees(all, 'a', new Set(['waiting']))), '2');
});

test('sort: by name (email when nameless), by status order, by countdown with no-countdown rows last', () => {
  assert.equal(ids(sortAttendees(all, { key: 'name', desc: false })), '1,2,4,3');
  assert.equal(ids(sortAttendees(all, { key: 'status', desc: false })), '4,2,1,3');
  assert.equal(ids(sortAttendees(all, { key: 'countdown', desc: false })), '1,2,3,4');
  assert.equal(ids(sortAttendees(all, { key: 'countdown', desc: true })), '2,1,3,4');
  assert.equal(ids(sortAttendees(all, null)), '1,2,3,4');
});

test('phases and the events a fleet card shows', () => {
  const e = eventSummary({ startsAt: 1000, endsAt: 2000, total: 3 });
  assert.equal(eventPhase(e, 500), 'upcoming');
  assert.equal(eventPhase(e, 1500), 'on');
  assert.equal(eventPhase(e, 2000), 'over');
  assert.equal(eventPhase({ ...e, archived: true }, 1500), 'archived');
  const holding = { ...e, id: 'holding', counts: { ...e.counts, waiting: 2 } };
  const archived = { ...e, id: 'arch', archived: true };
  const empty = { ...e, id: 'empty', total: 0 };
  const elsewhere = { ...e, id: 'else', portalId: 'q' };
  assert.deepEqual(
    activeEventsOn([e, holding, archived, empty, elsewhere], 'p', 1500)
      .map((x) => x.id)
      .sort(),
    ['ev', 'holding'],
  );
  assert.deepEqual(
    activeEventsOn([e, holding], 'p', 500).map((x) => x.id),
    ['holding'],
    'before the start only with sessions',
  );
});

test('a selection splits into who can be allocated and who can be reissued', () => {
  const { allocatable, reissuable } = selectionActions(all);
  assert.equal(ids(allocatable), '1,2,4');
  assert.equal(ids(reissuable), '3');
});
