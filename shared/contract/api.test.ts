import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  events,
  eventNames,
  hasUserinfo,
  methodNames,
  methods,
  portalInputSchema,
  portalRoot,
  samePortal,
  sessionRequestSchema,
  withoutUserinfo,
} from './index';

test('every method has an input and an output schema, every event a payload schema', () => {
  assert.ok(methodNames.length > 10);
  for (const name of methodNames) {
    assert.equal(typeof methods[name].input.safeParse, 'function', name);
    assert.equal(typeof methods[name].output.safeParse, 'function', name);
  }
  for (const name of eventNames) assert.equal(typeof events[name].safeParse, 'function', name);
});

test('a session request needs a user id or an email, and a slug environment', () => {
  assert.equal(sessionRequestSchema.safeParse({ portalId: 'p', environment: 'demo-w01' }).success, false);
  assert.equal(sessionRequestSchema.safeParse({ portalId: 'p', environment: 'demo w01', user: 'a' }).success, false);
  assert.equal(
    sessionRequestSchema.safeParse({ portalId: 'p', environment: 'demo-w01', email: 'not-mail' }).success,
    false,
  );
  assert.equal(
    sessionRequestSchema.safeParse({ portalId: 'p', environment: 'demo-w01', email: 'ada@example.org' }).success,
    true,
  );
});

test('portal URLs must be http(s)', () => {
  const base = { label: 'x', clientId: 'c', clientSecret: 's', username: 'u', password: 'p' };
  for (const bad of ['javascript:alert(1)', 'file:///etc/passwd', 'not a url', 'ftp://host/']) {
    assert.equal(portalInputSchema.safeParse({ ...base, baseUrl: bad }).success, false, bad);
  }
  assert.equal(portalInputSchema.safeParse({ ...base, baseUrl: 'https://portal.example.org' }).success, true);
});

test('no URL the console takes may carry a user name or password', () => {
  const base = { label: 'x', clientId: 'c', clientSecret: 's', username: 'u', password: 'p' };
  const withUserinfo = [
    'http://user:pass@portal.example.org',
    'https://user@portal.example.org/',
    'http://portal.example.org:443@127.0.0.1:18101',
    'http://@portal.example.org/',
    'http://:@portal.example.org/',
    'https://a@b@portal.example.org/',
  ];
  for (const url of withUserinfo) {
    assert.equal(hasUserinfo(url), true, url);
    const portal = portalInputSchema.safeParse({ ...base, baseUrl: url });
    assert.equal(portal.success, false, url);
    assert.match(portal.error?.issues[0]?.message ?? '', /user name or password/);
    assert.equal(
      portalInputSchema.safeParse({ ...base, baseUrl: 'https://p.example.org', defaultIndexUrl: url }).success,
      false,
      url,
    );
    assert.equal(
      sessionRequestSchema.safeParse({ portalId: 'p', environment: 'w', user: 'a', indexUrl: url }).success,
      false,
      url,
    );
    assert.equal(
      methods['events.create'].input.safeParse({
        name: 'Workshop day',
        portalId: 'p',
        environments: ['w'],
        startsAt: 1,
        endsAt: 2,
        indexUrl: url,
      }).success,
      false,
      url,
    );
    assert.equal(methods['portals.update'].input.safeParse({ id: 'p', baseUrl: url }).success, false, url);
    assert.equal(methods['portals.test'].input.safeParse({ draft: { ...base, baseUrl: url } }).success, false, url);
  }
  for (const url of [
    'https://portal.example.org/',
    'http://127.0.0.1:8080',
    'https://portal.example.org/workshops/catalog/?a=b@c',
  ]) {
    assert.equal(hasUserinfo(url), false, url);
  }
  assert.equal(withoutUserinfo('https://user:pass@portal.example.org/a?b#c'), 'https://portal.example.org/a?b#c');
});

test('a portal URL is trimmed to the portal root, or refused with a hint when its path is not the portal', () => {
  const base = { label: 'x', clientId: 'c', clientSecret: 's', username: 'u', password: 'p' };
  const trimmed: Array<[string, string]> = [
    ['https://portal.example.org/workshops/catalog/', 'https://portal.example.org'],
    ['https://Portal.Example.org:443/oauth2/token/', 'https://portal.example.org'],
    ['http://127.0.0.1:8080/accounts/login/?next=/workshops/catalog/', 'http://127.0.0.1:8080'],
    ['https://portal.example.org/', 'https://portal.example.org'],
    ['https://portal.example.org/?x=1#y', 'https://portal.example.org'],
  ];
  for (const [input, root] of trimmed) {
    const parsed = portalInputSchema.safeParse({ ...base, baseUrl: input });
    assert.equal(parsed.success, true, input);
    assert.equal(parsed.data?.baseUrl, root, input);
  }
  const refused = portalRoot('https://gateway.example.org/portal-a/');
  assert.equal(refused.ok, false);
  assert.match(
    refused.ok ? '' : refused.reason,
    /root of its host: use https:\/\/gateway\.example\.org \(without \/portal-a\/\)/,
  );
  assert.equal(
    portalInputSchema.safeParse({ ...base, baseUrl: 'https://gateway.example.org/portal-a/workshops/' }).success,
    false,
  );
  assert.equal(samePortal('https://portal.example.org/workshops/catalog/', 'https://PORTAL.example.org:443'), true);
  assert.equal(samePortal('https://portal.example.org', 'http://portal.example.org'), false);
});
