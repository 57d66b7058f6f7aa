import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SessionView } from '../../../../shared/contract';
import { filterSessions, groupByEnvironment, nextSort, sessionRows, sortSessions, ALL_ENVIRONMENTS } from './sessions';
import { environmentView, portalSnapshot, workshopInfo } from '../test-data';

function s(name: string, over: Partial<SessionView> = {}): SessionView {
  return {
    name,
    state: 'RUNNING',
    user: `${name}-user`,
    started: '2026-01-01T10:00:00Z',
    expires: '2026-01-01T11:00:00Z',
    extendable: true,
    ...over,
  };
}

const workshop = workshopInfo({ title: 'Workshop' });

const snap = portalSnapshot({
  clockOffsetMs: 2000,
  environments: [
    environmentView({
      name: 'a-w01',
      workshop,
      capacity: 3,
      allocated: 2,
      sessions: [s('a1', { expires: '2026-01-01T10:30:00Z' }), s('a2', { expires: null, state: 'WAITING' })],
    }),
    environmentView({
      name: 'b-w01',
      workshop,
      capacity: 3,
      allocated: 1,
      sessions: [s('b1', { expires: '2026-01-01T10:10:00Z', user: 'ada@example.org' })],
    }),
  ],
});

test('rows of one environment or of all, with environment and clock offset', () => {
  assert.deepEqual(
    sessionRows(snap, 'a-w01').map((r) => r.name),
    ['a1', 'a2'],
  );
  const all = sessionRows(snap, ALL_ENVIRONMENTS);
  assert.deepEqual(
    all.map((r) => `${r.environment}/${r.name}`),
    ['a-w01/a1', 'a-w01/a2', 'b-w01/b1'],
  );
  assert.equal(all[0]?.clockOffsetMs, 2000);
  assert.deepEqual(sessionRows(undefined, '*'), []);
  assert.deepEqual(sessionRows(snap, 'nope'), []);
});

test('an environment kept by the store gives the same row objects; a new clock offset gives new ones', () => {
  const again = sessionRows({ ...snap, label: 'renamed' }, '*');
  sessionRows(snap, '*').forEach((r, i) => assert.equal(again[i], r));
  assert.equal(sessionRows(snap, 'a-w01'), sessionRows(snap, 'a-w01'));
  const shifted = sessionRows({ ...snap, clockOffsetMs: 5000 }, 'a-w01');
  assert.equal(shifted[0]?.clockOffsetMs, 5000);
});

test('filter matches every word, case-insensitive, and by state', () => {
  const rows = sessionRows(snap, '*');
  assert.deepEqual(
    filterSessions(rows, 'ADA').map((r) => r.name),
    ['b1'],
  );
  assert.deepEqual(
    filterSessions(rows, 'a-w01 waiting').map((r) => r.name),
    ['a2'],
  );
  assert.deepEqual(
    filterSessions(rows, '', ['WAITING']).map((r) => r.name),
    ['a2'],
  );
  assert.deepEqual(filterSessions(rows, '  ').length, 3);
  assert.deepEqual(filterSessions(rows, 'zzz'), []);
});

test('sort by countdown keeps sessions without expiry last in both directions', () => {
  const rows = sessionRows(snap, '*');
  const now = Date.parse('2026-01-01T10:00:00Z');
  assert.deepEqual(
    sortSessions(rows, { key: 'countdown', desc: false }, now).map((r) => r.name),
    ['b1', 'a1', 'a2'],
  );
  assert.deepEqual(
    sortSessions(rows, { key: 'countdown', desc: true }, now).map((r) => r.name),
    ['a1', 'b1', 'a2'],
  );
  assert.deepEqual(
    sortSessions(rows, { key: 'name', desc: true }).map((r) => r.name),
    ['b1', 'a2', 'a1'],
  );
  assert.deepEqual(
    sortSessions(rows, { key: 'user', desc: false }).map((r) => r.name),
    ['a1', 'a2', 'b1'],
  );
  assert.deepEqual(
    sortSessions(rows, null).map((r) => r.name),
    ['a1', 'a2', 'b1'],
  );
});

test('sort is stable for equal keys', () => {
  const rows = sessionRows(snap, '*');
  assert.deepEqual(
    sortSessions(rows, { key: 'state', desc: false }).map((r) => r.name),
    ['a1', 'b1', 'a2'],
  );
});

test('selected sessions grouped by environment for bulk actions', () => {
  const rows = sessionRows(snap, '*');
  const g = groupByEnvironment(rows, new Set(['a2', 'b1', 'ghost']));
  assert.deepEqual(
    [...g],
    [
      ['a-w01', ['a2']],
      ['b-w01', ['b1']],
    ],
  );
});

test('a header sorts ascending first, then turns its direction; another header starts ascending again', () => {
  const first = nextSort(null, 'user');
  assert.deepEqual(first, { key: 'user', desc: false });
  const second = nextSort(first, 'user');
  assert.deepEqual(second, { key: 'user', desc: true });
  assert.deepEqual(nextSort(second, 'user'), { key: 'user', desc: false });
  assert.deepEqual(nextSort(second, 'state'), { key: 'state', desc: false });
});
