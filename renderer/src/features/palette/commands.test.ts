import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildCommands, filterCommands } from './commands';
import { environmentView, eventSummary, portalSnapshot, workshopInfo } from '../../store/test-data';

const portal = portalSnapshot({
  portalId: 'p1',
  label: 'Lab portal',
  environments: [
    environmentView({ name: 'k8s-w01', workshop: workshopInfo({ title: 'Kubernetes Basics' }), capacity: 1 }),
  ],
});

test('commands cover screens, portals, environments and themes', () => {
  const all = buildCommands([portal], '');
  assert.ok(all.some((c) => c.label === 'Fleet overview'));
  assert.ok(all.some((c) => c.label === 'Sessions on Lab portal'));
  assert.ok(all.some((c) => c.label === 'Kubernetes Basics on Lab portal'));
  assert.ok(all.some((c) => c.id === 'theme-dark'));
});

test('a query narrows the list and always offers a person lookup last', () => {
  const found = buildCommands([portal], 'kubernetes');
  assert.equal(found[0]?.id, 'env-p1-k8s-w01');
  // the person lookup is the fallback, offered last
  assert.equal(found.at(-1)?.id, 'find-person');
  assert.ok(!found.some((c) => c.label === 'Events'));
  assert.deepEqual(
    filterCommands(buildCommands([portal], ''), 'events').map((c) => c.label),
    ['Events', 'New event'],
  );
});

test('every event that is not archived can be opened, reported, handed out and checked in from the palette', () => {
  const events = [
    eventSummary({ id: 'e1', name: 'Spring workshop' }),
    eventSummary({ id: 'e2', name: 'Old one', archived: true }),
  ];
  const found = buildCommands([portal], 'spring', events);
  assert.deepEqual(
    found.filter((c) => c.id !== 'find-person').map((c) => c.label),
    [
      'Event: Spring workshop',
      'Report of Spring workshop',
      'Handout of Spring workshop',
      'Check-in page of Spring workshop',
      'Projector view of Spring workshop',
    ],
  );
  assert.deepEqual(found.find((c) => c.id === 'event-e1-projector')?.run, {
    route: { name: 'projector', eventId: 'e1' },
  });
  assert.deepEqual(found[0]?.run, { route: { name: 'event', eventId: 'e1', tab: 'attendees' } });
  assert.equal(buildCommands([portal], 'old one', events).filter((c) => c.id !== 'find-person').length, 0);
});
