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
    { name: 'roster' },
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
