import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PortalView } from '../../../../shared/contract';
import {
  checkEdit,
  checkNew,
  duplicatesOf,
  humanizeMessage,
  toDraft,
  touchesConnection,
  urlHint,
} from './portal-draft';

const remote: PortalView = {
  id: 'remote-1',
  label: 'Remote',
  baseUrl: 'https://portal.example.org',
  clientId: 'c',
  username: 'robot',
  builtin: false,
  enabled: true,
  pollIntervalMs: 5000,
  defaultIndexUrl: 'https://portal.example.org/workshops/catalog/',
  secrets: { clientSecret: true, password: true, persisted: true },
};
const builtin: PortalView = {
  ...remote,
  id: 'builtin',
  label: 'laptop',
  baseUrl: 'http://127.0.0.1:41234',
  builtin: true,
  clientId: 'console-x',
};

test('errors name the fields as the form shows them', () => {
  const r = checkNew({
    ...toDraft(null),
    label: 'x',
    baseUrl: 'http://u:p@127.0.0.1:1',
    clientId: 'c',
    clientSecret: 's',
    username: 'u',
    password: 'p',
  });
  assert.equal(r.ok, false);
  assert.match(r.ok ? '' : (r.errors[0]?.message ?? ''), /^Portal URL: must not contain a user name or password/);
  const missing = checkNew(toDraft(null));
  assert.deepEqual(missing.ok ? [] : missing.errors.map((e) => e.message), [
    'Label: required',
    'Portal URL: required',
    'Client id: required',
    'Client secret: required',
    'Robot username: required',
    'Robot password: required',
  ]);
  assert.equal(
    humanizeMessage(
      'draft.baseUrl: must be an http(s) URL; changes.clientSecret: too short; pollIntervalMs: too big; other: x',
    ),
    'Portal URL: must be an http(s) URL; Client secret: too short; Poll interval (seconds): too big; other: x',
  );
});

test('an edit sends only what changed; the built-in portal never sends its address or robot', () => {
  const same = checkEdit(toDraft(remote), remote);
  assert.deepEqual(same.ok && same.value, { id: 'remote-1' });
  const moved = checkEdit(
    { ...toDraft(remote), baseUrl: 'https://portal.example.org/workshops/catalog/', password: 'new' },
    remote,
  );
  assert.ok(moved.ok);
  assert.deepEqual(moved.value, { id: 'remote-1', baseUrl: 'https://portal.example.org', password: 'new' });
  assert.equal(touchesConnection(moved.value), true);
  const b = checkEdit(
    { ...toDraft(builtin), label: 'Demo laptop', pollSeconds: '10', enabled: false, baseUrl: 'http://elsewhere' },
    builtin,
  );
  assert.ok(b.ok);
  assert.deepEqual(b.value, { id: 'builtin', label: 'Demo laptop', pollIntervalMs: 10_000, enabled: false });
  assert.equal(touchesConnection(b.value), false);
});

test('duplicates are found by origin; the URL hint names the host a URL really reaches', () => {
  assert.deepEqual(
    duplicatesOf('https://PORTAL.example.org:443/workshops/catalog/', [remote, builtin], null).map((p) => p.id),
    ['remote-1'],
  );
  assert.deepEqual(duplicatesOf('https://portal.example.org', [remote], 'remote-1'), []);
  assert.deepEqual(urlHint('http://portal.example.org:443@127.0.0.1:18101'), {
    tone: 'warn',
    text:
      'Connects to 127.0.0.1:18101: the URL must not contain a user name or password ' +
      '(the robot credentials have their own fields).',
  });
  assert.equal(urlHint('https://portal.example.org')?.text, 'Connects to portal.example.org.');
  assert.equal(urlHint('not a url'), null);
});
