import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PortalSnapshot } from '../../../../shared/contract';
import { buildCommands, filterCommands } from './commands';

const workshop = { name: 'w', title: 'Kubernetes Basics', description: '', vendor: '', difficulty: '', duration: '', tags: [], labels: {}, logo: '', url: '' };
const portal: PortalSnapshot = {
  portalId: 'p1',
  label: 'Lab portal',
  status: 'live',
  lastSeenAt: 0,
  lastError: null,
  clockOffsetMs: 0,
  portal: null,
  environments: [{ name: 'k8s-w01', state: 'RUNNING', workshop, duration: 0, capacity: 1, reserved: 0, allocated: 0, available: 0, sessions: [] }],
};

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
