import { test } from 'node:test';
import assert from 'node:assert/strict';
import { methods, events, methodNames, eventNames, sessionRequestSchema, portalInputSchema } from './index';

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
  assert.equal(sessionRequestSchema.safeParse({ portalId: 'p', environment: 'demo-w01', email: 'not-mail' }).success, false);
  assert.equal(sessionRequestSchema.safeParse({ portalId: 'p', environment: 'demo-w01', email: 'ada@example.org' }).success, true);
});

test('portal URLs must be http(s)', () => {
  const base = { label: 'x', clientId: 'c', clientSecret: 's', username: 'u', password: 'p' };
  for (const bad of ['javascript:alert(1)', 'file:///etc/passwd', 'not a url', 'ftp://host/']) {
    assert.equal(portalInputSchema.safeParse({ ...base, baseUrl: bad }).success, false, bad);
  }
  assert.equal(portalInputSchema.safeParse({ ...base, baseUrl: 'https://portal.example.org' }).success, true);
});
