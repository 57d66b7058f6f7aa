import { test } from 'node:test';
import assert from 'node:assert/strict';
import { environmentGauge, freeSlots, percent, portalGauge, thresholdLevel } from './gauges';
import { environmentView, portalSnapshot } from '../store/test-data';

const env = environmentView;

function portal(maximum: number, allocated: number) {
  return portalSnapshot({ portal: { name: 'p', url: 'u', maximum, registered: 0, anonymous: 0, allocated } });
}

test('threshold levels', () => {
  assert.equal(thresholdLevel(8, 10, 90), 'ok');
  assert.equal(thresholdLevel(9, 10, 90), 'warn');
  assert.equal(thresholdLevel(10, 10, 90), 'full');
  assert.equal(thresholdLevel(12, 10, 90), 'full');
  assert.equal(thresholdLevel(5, 10, 50), 'warn');
  assert.equal(thresholdLevel(0, 0, 90), 'ok');
  assert.equal(thresholdLevel(1, 0, 90), 'full');
});

test('percent is clamped', () => {
  assert.equal(percent(5, 10), 50);
  assert.equal(percent(15, 10), 100);
  assert.equal(percent(-1, 10), 0);
  assert.equal(percent(3, 0), 0);
  assert.equal(percent(Number.NaN, 10), 0);
});

test('portal gauge: allocated of maximum, or no maximum when 0', () => {
  const g = portalGauge(portal(20, 18), 90);
  assert.ok(g);
  assert.equal(g.bounded, true);
  assert.equal(g.percent, 90);
  assert.equal(g.level, 'warn');
  assert.equal(g.label, '18 of 20 allocated');
  const none = portalGauge(portal(0, 7), 90);
  assert.ok(none);
  assert.equal(none.bounded, false);
  assert.equal(none.level, 'ok');
  assert.equal(none.label, '7 allocated, no maximum');
  assert.equal(portalGauge({ ...portal(1, 1), portal: null }, 90), null);
});

test('environment gauge: allocated and available segments never exceed the bar', () => {
  const g = environmentGauge(env({ capacity: 10, allocated: 6, available: 2, reserved: 2 }), 90);
  assert.equal(g.allocatedPercent, 60);
  assert.equal(g.availablePercent, 20);
  assert.equal(g.level, 'ok');
  assert.equal(g.label, '6 in use, 2 reserved of 10 capacity');
  const over = environmentGauge(env({ capacity: 10, allocated: 9, available: 5 }), 90);
  assert.equal(over.allocatedPercent + over.availablePercent, 100);
  assert.equal(over.level, 'warn');
  assert.equal(environmentGauge(env({ capacity: 0 }), 90).allocatedPercent, 0);
  assert.equal(freeSlots(env({ capacity: 10, allocated: 7 })), 3);
  assert.equal(freeSlots(env({ capacity: 5, allocated: 7 })), 0);
});
