import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildCommands, filterCommands } from './commands';
import { environmentView, portalSnapshot, workshopInfo } from '../../store/test-data';

const portal = portalSnapshot({
  portalId: 'p1',
  label: 'Lab portal',
  environments: [environmentView({ name: 'k8s-w01', workshop: workshopInfo({ title: 'Kubernetes Basics' }), capacity: 1 })],
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
  assert.ok(!found.some((c) => c.label === 'Roster'));
  assert.deepEqual(filterCommands(buildCommands([portal], ''), 'roster').map((c) => c.label), ['Roster']);
});
