import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConsoleError, methodNames } from '../../shared/contract';
import { createDispatcher, isMethodName } from '../../electron/ipc/dispatch';
import { redact } from '../../electron/ipc/redact';
import type { Handlers } from '../../electron/services/core-types';

/** Handlers that record every call; only the methods a test needs are defined. */
function recordingHandlers(impl: Partial<Record<string, (input: unknown) => Promise<unknown>>>) {
  const calls: Array<{ method: string; input: unknown }> = [];
  const handlers: Record<string, (input: unknown) => Promise<unknown>> = {};
  for (const [method, fn] of Object.entries(impl)) {
    handlers[method] = async (input) => {
      calls.push({ method, input });
      return fn?.(input);
    };
  }
  return { handlers: handlers as unknown as Handlers, calls };
}

const appInfo = {
  version: '1.0.0',
  mode: 'web',
  keychain: { available: false, backend: 'none', message: 'm' },
  settingsWarning: null,
};

test('unknown and prototype method names are refused before any lookup', async () => {
  const { handlers, calls } = recordingHandlers({ 'app.info': async () => appInfo });
  const logs: string[] = [];
  const dispatch = createDispatcher({ handlers, log: (l) => logs.push(l) });
  for (const name of [
    'nope',
    '__proto__',
    'constructor',
    'toString',
    'hasOwnProperty',
    'valueOf',
    '__defineGetter__',
    'app.info ',
    '',
    'APP.INFO',
  ]) {
    const r = await dispatch(name, {});
    assert.deepEqual(r, { ok: false, error: { code: 'not-found', message: 'unknown method' } }, name);
    assert.equal(isMethodName(name), false, name);
  }
  assert.equal(calls.length, 0);
  assert.deepEqual(logs, []);
  for (const name of methodNames) assert.equal(isMethodName(name), true, name);
});

test('a method without a handler says it is not supported', async () => {
  const dispatch = createDispatcher({ handlers: recordingHandlers({}).handlers, log: () => undefined });
  const r = await dispatch('app.info', {});
  assert.equal(r.ok, false);
  assert.equal(!r.ok && r.error.code, 'not-supported');
});

test('invalid inputs are refused with the zod issues summarized, and the handler never runs', async () => {
  const { handlers, calls } = recordingHandlers({
    'app.info': async () => appInfo,
    'portals.remove': async (input) => input,
    'sessions.request': async () => ({}),
  });
  const dispatch = createDispatcher({ handlers, log: () => undefined });
  const cases: Array<[string, unknown, RegExp]> = [
    ['app.info', { extra: 1 }, /extra|unrecognized/i],
    ['app.info', undefined, /input/],
    ['app.info', 'text', /input/],
    ['portals.remove', {}, /^id: /],
    ['portals.remove', { id: '' }, /^id: /],
    ['portals.remove', { id: 42 }, /^id: /],
    ['sessions.request', { portalId: 'p', environment: 'bad slug', user: 'u' }, /environment/],
    ['sessions.request', { portalId: 'p', environment: 'demo-w01' }, /user id or an email/],
  ];
  for (const [method, input, pattern] of cases) {
    const r = await dispatch(method, input);
    assert.equal(r.ok, false, `${method} ${JSON.stringify(input)}`);
    if (!r.ok) {
      assert.equal(r.error.code, 'invalid-input');
      assert.match(r.error.message, pattern);
    }
  }
  assert.equal(calls.length, 0);
});

test('a valid call reaches the handler with the parsed input and returns ok', async () => {
  const { handlers, calls } = recordingHandlers({
    'people.find': async (input) => ({ query: (input as { query: string }).query, sessions: [], failures: [] }),
  });
  const dispatch = createDispatcher({ handlers, validateOutput: true, log: () => undefined });
  const r = await dispatch('people.find', { query: '  ada@example.org  ' });
  // the schema trims: the handler sees the parsed value, not the raw one
  assert.deepEqual(calls, [{ method: 'people.find', input: { query: 'ada@example.org' } }]);
  assert.deepEqual(r, { ok: true, data: { query: 'ada@example.org', sessions: [], failures: [] } });
});

test(
  'a ConsoleError keeps its code and message; ' + 'anything else becomes a generic internal error, logged redacted',
  async () => {
    const logs: string[] = [];
    const { handlers } = recordingHandlers({
      'portals.remove': async () => {
        throw new ConsoleError('not-found', 'no such portal');
      },
      'portals.list': async () => {
        // a ConsoleError from another copy of the class (compiled and source contract in one process)
        throw Object.assign(new Error('busy'), { name: 'ConsoleError', code: 'conflict' });
      },
      'settings.get': async () => {
        throw new Error(
          'failed at https://portal.example.org/workshops/session/activate/?token=SECRET-ACT ' +
            'password=hunter2 Bearer abc.def',
        );
      },
      'monitor.snapshot': async () => {
        // A handler that throws a non-Error must still answer.
        // eslint-disable-next-line @typescript-eslint/only-throw-error
        throw 'a string';
      },
    });
    const dispatch = createDispatcher({ handlers, log: (l) => logs.push(l) });

    assert.deepEqual(await dispatch('portals.remove', { id: 'x' }), {
      ok: false,
      error: { code: 'not-found', message: 'no such portal' },
    });
    assert.deepEqual(await dispatch('portals.list', {}), { ok: false, error: { code: 'conflict', message: 'busy' } });

    const r = await dispatch('settings.get', {});
    assert.equal(r.ok, false);
    if (!r.ok) {
      assert.equal(r.error.code, 'internal');
      assert.doesNotMatch(r.error.message, /SECRET|hunter2|portal\.example/);
    }
    const s = await dispatch('monitor.snapshot', {});
    assert.equal(!s.ok && s.error.code, 'internal');

    assert.equal(logs.length, 2);
    assert.match(logs[0] ?? '', /settings\.get failed/);
    for (const line of logs) assert.doesNotMatch(line, /SECRET-ACT|hunter2|abc\.def/);
  },
);

test('in development, a handler output outside the contract becomes an internal error naming the method', async () => {
  const logs: string[] = [];
  const { handlers } = recordingHandlers({
    'portals.remove': async () => ({ id: 7, activationUrl: 'https://x/?token=LEAK' }),
  });
  const strict = createDispatcher({ handlers, validateOutput: true, log: (l) => logs.push(l) });
  const r = await strict('portals.remove', { id: 'a' });
  assert.equal(!r.ok && r.error.code, 'internal');
  assert.match(logs.join('\n'), /portals\.remove returned data outside the contract: id:/);
  assert.doesNotMatch(logs.join('\n'), /LEAK/);
  const lenient = createDispatcher({ handlers, log: () => undefined });
  assert.equal((await lenient('portals.remove', { id: 'a' })).ok, true);
});

test('redact removes query strings, user info, bearer tokens and key=value secrets', () => {
  const text =
    'GET https://portal.example.org/activate/?token=T0K3N&x=1 via https://robot:pa55@portal.example.org/ ' +
    'Authorization: Bearer eyJhbGci.x.y client_secret=abc123 "password": "hunter2"';
  const out = redact(text);
  for (const secret of ['T0K3N', 'pa55', 'eyJhbGci', 'abc123', 'hunter2']) assert.doesNotMatch(out, new RegExp(secret));
  assert.match(out, /https:\/\/portal\.example\.org\/activate\/\?\[redacted\]/);
});

test(
  'IPC inputs carrying own __proto__ / constructor keys ' + '(no JSON-level guard on that path) reach handlers clean',
  async () => {
    const { handlers, calls } = recordingHandlers({
      'portals.add': async () => undefined,
      'settings.update': async () => undefined,
    });
    const dispatch = createDispatcher({ handlers, log: () => undefined });
    // JSON.parse (and structured clone over IPC) make `__proto__` an own property, unlike an object literal
    const poison = () =>
      JSON.parse('{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}') as object;
    const portal = {
      label: 'p',
      baseUrl: 'http://portal.example.org/',
      clientId: 'c',
      clientSecret: 's',
      username: 'u',
      password: 'w',
    };
    await dispatch('portals.add', Object.assign(poison(), portal));
    await dispatch('settings.update', {
      alerts: Object.assign(poison(), { capacityPercent: 80, expiringMinutes: 10, notifyOs: true }),
      theme: 'dark',
    });
    assert.equal(calls.length, 2);
    for (const { input } of calls) {
      const walk = (value: unknown): void => {
        if (typeof value !== 'object' || value === null) return;
        assert.equal(Object.getPrototypeOf(value), Object.prototype);
        assert.equal(Object.prototype.hasOwnProperty.call(value, '__proto__'), false);
        assert.equal(Object.prototype.hasOwnProperty.call(value, 'constructor'), false);
        for (const v of Object.values(value)) walk(v);
      };
      walk(input);
    }
    assert.equal((Object.prototype as Record<string, unknown>)['polluted'], undefined);
  },
);
