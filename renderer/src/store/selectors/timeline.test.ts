import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CapacityPoint } from '../../../../shared/contract';
import { timelineSeries } from './timeline';

test('timeline series for a portal and for one environment', () => {
  const points: CapacityPoint[] = [
    {
      t: 2,
      portalAllocated: 3,
      environments: { b: { allocated: 1, available: 1, capacity: 5 }, a: { allocated: 2, available: 0, capacity: 4 } },
    },
    { t: 1, portalAllocated: 1, environments: { a: { allocated: 1, available: 1, capacity: 4 } } },
  ];
  const whole = timelineSeries(points, null);
  assert.deepEqual(
    whole.lines.map((l) => l.label),
    ['portal allocated', 'a allocated', 'b allocated'],
  );
  assert.deepEqual(whole.data, [
    { t: 1, portal: 1, env0: 1, env1: 0 },
    { t: 2, portal: 3, env0: 2, env1: 1 },
  ]);
  const one = timelineSeries(points, 'b');
  assert.deepEqual(one.data, [
    { t: 1, allocated: 0, available: 0, capacity: 0 },
    { t: 2, allocated: 1, available: 1, capacity: 5 },
  ]);
});
