import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AttendeeView, EventChanged } from '../../../shared/contract';
import { createAppStore } from './app-store';
import { attendeeView, eventSummary } from './test-data';

const person = (id: string, over: Partial<AttendeeView> = {}) =>
  attendeeView({ id, email: `${id}@example.org`, user: id, ...over });

function push(revision: number, attendees: AttendeeView[] = [], removed: string[] = []): EventChanged {
  return {
    eventId: 'ev',
    revision,
    summary: eventSummary({ revision, total: attendees.length }),
    attendees,
    removedAttendeeIds: removed,
  };
}

test('event list: a read sent before a push does not roll the summary back; equal revisions follow the newer', () => {
  const store = createAppStore();
  const s = () => store.getState();
  s().applyEventChanged(push(5), 200);
  s().applyEventList([eventSummary({ revision: 4, name: 'old' })], 100);
  assert.equal(s().events['ev']?.revision, 5, 'an older read loses to the push');
  s().applyEventList([eventSummary({ revision: 6, name: 'new' })], 150);
  assert.equal(s().events['ev']?.name, 'new', 'a higher revision wins whenever it was sent');
  // same revision, run progress moved: the read sent after the latest push wins, one sent before does not
  const run = {
    runId: 'r',
    eventId: 'ev',
    scope: 'all' as const,
    status: 'running' as const,
    total: 9,
    done: 3,
    allocated: 3,
    failed: 0,
    cancelled: 0,
    startedAt: 0,
    endedAt: null,
    errors: [],
  };
  s().applyEventChanged({ ...push(6), summary: eventSummary({ revision: 6, name: 'new', run }) }, 300);
  s().applyEventSummary(eventSummary({ revision: 6, name: 'new', run: { ...run, done: 1 } }), 250);
  assert.equal(s().events['ev']?.run?.done, 3);
  s().applyEventSummary(eventSummary({ revision: 6, name: 'new', run: { ...run, done: 7 } }), 350);
  assert.equal(s().events['ev']?.run?.done, 7);
});

test('event list: removed by a push stays removed; created by a push survives an older read', () => {
  const store = createAppStore();
  const s = () => store.getState();
  s().applyEventList([eventSummary({ id: 'a' }), eventSummary({ id: 'b' })], 10);
  s().applyEventRemoved('a', 20);
  s().applyEventChanged({ ...push(0), eventId: 'c', summary: eventSummary({ id: 'c' }) }, 30);
  s().applyEventList([eventSummary({ id: 'a' }), eventSummary({ id: 'b' })], 15);
  assert.deepEqual(Object.keys(s().events).sort(), ['b', 'c']);
  // a later read knows best: c is gone, a stays removed
  s().applyEventList([eventSummary({ id: 'b' })], 40);
  assert.deepEqual(Object.keys(s().events), ['b']);
  // an unchanged read keeps the record (nothing re-renders)
  const before = s().events;
  s().applyEventList([eventSummary({ id: 'b' })], 50);
  assert.equal(s().events, before);
});

test('attendees: pushes before the read are kept, the read fills the rest, removals stick', () => {
  const store = createAppStore();
  const s = () => store.getState();
  s().openEventDetail('ev');
  // the read (revision 3) is computed, then a push (revision 4) moves b and removes c and adds d, then the read lands
  s().applyEventChanged(push(4, [person('b', { status: 'running' }), person('d')], ['c']), 200);
  s().applyEventDetail(
    {
      event: eventSummary({ revision: 3 }),
      attendees: [person('a'), person('b', { status: 'waiting' }), person('c')],
    },
    100,
  );
  const d = s().eventDetail;
  assert.ok(d?.loaded);
  assert.deepEqual(d.order, ['a', 'b', 'd']);
  assert.equal(d.attendees['b']?.status, 'running');
  assert.equal(d.attendees['c'], undefined);
  assert.equal(s().events['ev']?.revision, 4);

  // an older push for one row is ignored; a newer one applies; an unchanged read keeps every object
  s().applyEventChanged(push(2, [person('a', { status: 'failed' })]), 210);
  assert.equal(s().eventDetail?.attendees['a']?.status, 'not-allocated');
  s().applyEventChanged(push(5, [person('a', { status: 'waiting' })]), 220);
  const held = s().eventDetail;
  s().applyEventDetail(
    {
      event: eventSummary({ revision: 5 }),
      attendees: [person('a', { status: 'waiting' }), person('b', { status: 'running' }), person('d')],
    },
    230,
  );
  assert.equal(s().eventDetail?.attendees, held?.attendees);
  assert.equal(s().eventDetail?.order, held?.order);
});

test('attendee pushes for another event, or with no event open, leave the detail alone', () => {
  const store = createAppStore();
  const s = () => store.getState();
  s().applyEventChanged(push(1, [person('a')]));
  assert.equal(s().eventDetail, null);
  s().openEventDetail('other');
  s().applyEventChanged(push(2, [person('a')]));
  assert.deepEqual(s().eventDetail?.order, []);
  assert.equal(s().events['ev']?.revision, 2, 'the summary still follows');
});
