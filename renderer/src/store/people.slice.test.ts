import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DirectoryEntry } from '../../../shared/contract';
import { createAppStore } from './app-store';
import { personKey, personName } from './people.slice';
import { filterSessions, sessionRows } from './selectors/sessions';
import { environmentView, portalSnapshot } from './test-data';

const ada: DirectoryEntry = {
  portalId: 'p',
  user: 'ada-example-org',
  email: 'ada@example.org',
  firstName: 'Ada',
  lastName: 'Lovelace',
  source: 'new-session',
};

test('the directory: an event attendee wins over a New session record of the same user; pushes add people', () => {
  const store = createAppStore();
  const s = () => store.getState();
  s().applyDirectory([{ ...ada, firstName: 'Ada A.', source: 'event' }, ada]);
  assert.equal(s().people[personKey('p', 'ada-example-org')]?.firstName, 'Ada A.');
  s().applyPeople([{ ...ada, user: 'bob', email: 'bob@example.org', firstName: '', lastName: '' }]);
  const bob = s().people[personKey('p', 'bob')];
  assert.ok(bob);
  assert.equal(personName(bob), 'bob@example.org', 'no name: the email stands in');
  // the same user id on another portal is someone else
  assert.equal(s().people[personKey('q', 'ada-example-org')], undefined);
});

test('the session filter finds a session by parts of its owner’s name or email', () => {
  const snap = portalSnapshot({
    environments: [
      environmentView({
        name: 'w',
        sessions: [
          { name: 's1', state: 'RUNNING', user: 'ada-example-org', started: null, expires: null, extendable: null },
          { name: 's2', state: 'RUNNING', user: 'bob', started: null, expires: null, extendable: null },
        ],
      }),
    ],
  });
  const rows = sessionRows(snap, '*');
  const owner = (u: string) => (u === ada.user ? `${ada.firstName} ${ada.lastName} ${ada.email}` : '');
  assert.deepEqual(
    filterSessions(rows, 'lovel', [], owner).map((r) => r.name),
    ['s1'],
  );
  assert.deepEqual(
    filterSessions(rows, 'ada running', [], owner).map((r) => r.name),
    ['s1'],
  );
  assert.deepEqual(
    filterSessions(rows, 'lovel').map((r) => r.name),
    [],
    'without the directory, ids only',
  );
});
