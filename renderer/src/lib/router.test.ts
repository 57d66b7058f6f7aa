import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRoute, routeHref, type Route } from './router';

test('routes round-trip through the hash', () => {
  const routes: Route[] = [
    { name: 'fleet' },
    { name: 'environment', portalId: 'p 1', environment: '*' },
    { name: 'environment', portalId: 'p1', environment: 'lab-w01' },
    { name: 'people', query: 'ada@example.org' },
    { name: 'people', query: '' },
    { name: 'create', portalId: 'p1', environment: 'lab-w01' },
    { name: 'create', portalId: null, environment: null },
    { name: 'events' },
    { name: 'event-new' },
    { name: 'event', eventId: 'e/1 x', tab: 'attendees' },
    { name: 'event', eventId: 'e1', tab: 'report' },
    { name: 'event', eventId: 'e1', tab: 'handout' },
    { name: 'event', eventId: 'e1', tab: 'edit' },
    { name: 'timeline', portalId: 'p1' },
    { name: 'timeline', portalId: null },
    { name: 'settings' },
    { name: 'portals' },
  ];
  for (const r of routes) assert.deepEqual(parseRoute(routeHref(r)), r, routeHref(r));
});

test('unknown or malformed hashes fall back to the fleet', () => {
  for (const h of ['', '#', '#/nope', '#/portal', '#token=abc']) assert.deepEqual(parseRoute(h), { name: 'fleet' }, h);
  assert.deepEqual(parseRoute('#/portal/%E0%A4%A'), { name: 'environment', portalId: '%E0%A4%A', environment: '*' });
});

test('the roster route opens the events; an unknown event tab opens its attendees', () => {
  assert.deepEqual(parseRoute('#/roster'), { name: 'events' });
  assert.deepEqual(parseRoute('#/event'), { name: 'events' });
  assert.deepEqual(parseRoute('#/event/e1/nope'), { name: 'event', eventId: 'e1', tab: 'attendees' });
});
