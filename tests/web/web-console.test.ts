import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import { CONTENT_SECURITY_POLICY } from '../../electron/web/web-security';
import { rawRequest, startTestConsole, type TestConsole } from './web-helpers';

/**
 * Web mode for real: the real console core and built-in engine behind the loopback server on port 0.
 * Refused requests are checked to run no handler at all (the core's handlers are wrapped to record calls).
 */
const portalInput = {
  label: 'Unreachable test portal',
  baseUrl: 'http://127.0.0.1:9/',
  clientId: 'client',
  clientSecret: 'client-secret-value',
  username: 'robot',
  password: 'robot-password-value',
};

describe('web mode over loopback HTTP', () => {
  let web: TestConsole;

  before(async () => {
    web = await startTestConsole({ engine: true, heartbeatMs: 200 });
  });
  after(async () => {
    await web?.close();
  });

  test('it prints an address with the token in the fragment and listens on 127.0.0.1', () => {
    assert.equal(web.url, `http://127.0.0.1:${web.port}/#token=${web.token}`);
    assert.match(web.token, /^[A-Za-z0-9_-]{43}$/);
    assert.ok(web.port > 0);
  });

  test('a good token calls app.info and portals.list (the built-in portal is there)', async () => {
    const info = await web.invoke('app.info', {});
    assert.equal(info.status, 200);
    const infoBody = JSON.parse(info.body) as { ok: boolean; data: { mode: string; version: string } };
    assert.equal(infoBody.ok, true);
    assert.equal(infoBody.data.mode, 'web');
    assert.match(infoBody.data.version, /^\d+\.\d+\.\d+/);

    const list = await web.invoke('portals.list', {});
    const listBody = JSON.parse(list.body) as { ok: boolean; data: Array<{ builtin: boolean; baseUrl: string }> };
    assert.equal(listBody.ok, true);
    const builtin = listBody.data.filter((p) => p.builtin);
    assert.equal(builtin.length, 1);
    assert.equal(builtin[0]?.baseUrl.replace(/\/$/, ''), web.engineUrl?.replace(/\/$/, ''));
    // secrets never travel to the page
    assert.doesNotMatch(list.body, /password"\s*:\s*"|clientSecret"\s*:\s*"/);
  });

  test('the built-in portal accepts the credentials the shell passed to the engine (it goes live)', async () => {
    type Snapshot = { portals: Array<{ portalId: string; label: string; status: string; lastError: string | null }> };
    const list = JSON.parse((await web.invoke('portals.list', {})).body) as {
      data: Array<{ id: string; builtin: boolean }>;
    };
    const builtinId = list.data.find((p) => p.builtin)?.id;
    assert.ok(builtinId);
    const settled = new Promise<string>((resolve) => {
      const off = web.events.on('monitor.portal', (s) => {
        if (s.portalId === builtinId && s.status !== 'connecting') {
          off();
          resolve(s.status);
        }
      });
    });
    const snapshot = JSON.parse((await web.invoke('monitor.snapshot', {})).body) as { data: Snapshot };
    const now = snapshot.data.portals.find((p) => p.portalId === builtinId);
    const status = now && now.status !== 'connecting' ? now.status : await settled;
    assert.equal(status, 'live', JSON.stringify(now));
  });

  test('a missing, wrong or malformed token is refused with 401 and runs no handler', async () => {
    const before = web.handlerCalls.length;
    const cases: Array<Record<string, string>> = [
      {},
      { authorization: 'Bearer wrong-token' },
      { authorization: `Bearer ${web.token}x` },
      { authorization: `Basic ${web.token}` },
      { authorization: web.token },
    ];
    for (const headers of cases) {
      const r = await rawRequest({
        port: web.port,
        method: 'POST',
        path: '/api/invoke/portals.add',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(portalInput),
      });
      assert.equal(r.status, 401, JSON.stringify(headers));
      assert.match(r.headers['content-type'] ?? '', /application\/json/);
      assert.deepEqual(JSON.parse(r.body), {
        ok: false,
        error: { code: 'forbidden', message: 'a valid console token is needed' },
      });
    }
    // encoded spellings of the API path reach the same routes and need the token just the same
    for (const p of [
      '/%61pi/invoke/portals.add',
      '/api%2Finvoke/portals.add',
      '/%2561pi/invoke/portals.add',
      '/API/invoke/portals.add',
    ]) {
      const r = await rawRequest({
        port: web.port,
        method: 'POST',
        path: p,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(portalInput),
      });
      assert.ok(r.status === 401 || r.status === 404, `${p} → ${r.status}`);
    }
    // the token in a query string is accepted by the event stream only
    const q = await rawRequest({
      port: web.port,
      method: 'POST',
      path: `/api/invoke/app.info?token=${web.token}`,
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    assert.equal(q.status, 401);
    assert.equal(web.handlerCalls.length, before);
  });

  test('a foreign or null Origin is refused with 403 even with the right token', async () => {
    const before = web.handlerCalls.length;
    for (const origin of [
      'http://evil.example',
      'null',
      `https://127.0.0.1:${web.port}`,
      `http://127.0.0.1:${web.port + 1}`,
    ]) {
      const r = await web.invoke('portals.add', portalInput, { origin });
      assert.equal(r.status, 403, origin);
      assert.equal((JSON.parse(r.body) as { error: { code: string } }).error.code, 'forbidden');
    }
    const own = await web.invoke('app.info', {}, { origin: `http://127.0.0.1:${web.port}` });
    assert.equal(own.status, 200);
    assert.equal(web.handlerCalls.length, before + 1);
  });

  test('a bad Host header is refused on the API and on static files (DNS rebinding)', async () => {
    const before = web.handlerCalls.length;
    for (const host of ['evil.example', `evil.example:${web.port}`, `127.0.0.1:${web.port + 1}`, '127.0.0.1']) {
      const api = await web.invoke('app.info', {}, { host });
      assert.equal(api.status, 403, host);
      const page = await rawRequest({ port: web.port, path: '/', headers: { host } });
      assert.equal(page.status, 403, host);
      assert.doesNotMatch(page.body, /<html/i);
    }
    const viaLocalhost = await web.invoke('app.info', {}, { host: `localhost:${web.port}` });
    assert.equal(viaLocalhost.status, 200);
    assert.equal(web.handlerCalls.length, before + 1);
  });

  test('invalid input gives invalid-input; unknown and prototype method names give 404', async () => {
    const before = web.handlerCalls.length;
    const bad = await web.invoke('portals.add', { ...portalInput, baseUrl: 'javascript:alert(1)' });
    assert.equal(bad.status, 200);
    const badBody = JSON.parse(bad.body) as { ok: boolean; error: { code: string; message: string } };
    assert.equal(badBody.ok, false);
    assert.equal(badBody.error.code, 'invalid-input');
    assert.match(badBody.error.message, /baseUrl/);

    const extra = await web.invoke('app.info', { surprise: true });
    assert.equal((JSON.parse(extra.body) as { error: { code: string } }).error.code, 'invalid-input');

    for (const name of ['nope', '__proto__', 'constructor', 'toString', 'app.info.x']) {
      const r = await web.invoke(name, {});
      assert.equal(r.status, 404, name);
      assert.deepEqual(JSON.parse(r.body), { ok: false, error: { code: 'not-found', message: 'unknown method' } });
    }
    const unknownRoute = await rawRequest({
      port: web.port,
      path: '/api/other',
      headers: { authorization: `Bearer ${web.token}` },
    });
    assert.equal(unknownRoute.status, 404);
    assert.equal(web.handlerCalls.length, before);
  });

  test('bodies that are not JSON, poison prototypes or exceed the limit are refused before any handler', async () => {
    const before = web.handlerCalls.length;
    const auth = { authorization: `Bearer ${web.token}` };
    const text = await rawRequest({
      port: web.port,
      method: 'POST',
      path: '/api/invoke/app.info',
      headers: { ...auth, 'content-type': 'text/plain' },
      body: '{}',
    });
    assert.equal(text.status, 415);
    const broken = await rawRequest({
      port: web.port,
      method: 'POST',
      path: '/api/invoke/app.info',
      headers: { ...auth, 'content-type': 'application/json' },
      body: '{"a":',
    });
    assert.equal(broken.status, 400);
    const poisoned = await rawRequest({
      port: web.port,
      method: 'POST',
      path: '/api/invoke/settings.update',
      headers: { ...auth, 'content-type': 'application/json' },
      body: '{"__proto__":{"polluted":true}}',
    });
    assert.equal(poisoned.status, 400);
    assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
    const huge = await rawRequest({
      port: web.port,
      method: 'POST',
      path: '/api/invoke/events.parseAttendees',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'x'.repeat(7 * 1024 * 1024), format: 'csv' }),
    });
    assert.equal(huge.status, 413);
    assert.equal((JSON.parse(huge.body) as { error: { code: string } }).error.code, 'invalid-input');
    assert.equal(web.handlerCalls.length, before);
  });

  test('an attendee list of 10,000 under the limit is accepted', async () => {
    const rows = Array.from({ length: 10_000 }, (_, i) => `learner${i}@example.org,Learner,Number${i}`);
    const r = await web.invoke('events.parseAttendees', {
      text: `email,first_name,last_name\n${rows.join('\n')}`,
      format: 'csv',
    });
    assert.equal(r.status, 200);
    const body = JSON.parse(r.body) as { ok: boolean; data: { rows: unknown[] } };
    assert.equal(body.ok, true);
    assert.equal(body.data.rows.length, 10_000);
  });

  test('static files are served with the security headers', async () => {
    const page = await rawRequest({ port: web.port, path: '/' });
    assert.equal(page.status, 200);
    assert.match(page.headers['content-type'] ?? '', /text\/html/);
    assert.match(page.body, /<div id="root">/);
    const script = /src="\.?\/?(assets\/[^"]+\.js)"/.exec(page.body)?.[1];
    assert.ok(script, 'index.html references a script');
    const asset = await rawRequest({ port: web.port, path: `/${script}` });
    assert.equal(asset.status, 200);
    assert.match(asset.headers['content-type'] ?? '', /javascript/);
    const api = await web.invoke('app.info', {});
    for (const r of [page, asset, api]) {
      assert.equal(r.headers['content-security-policy'], CONTENT_SECURITY_POLICY);
      assert.equal(r.headers['x-content-type-options'], 'nosniff');
      assert.equal(r.headers['referrer-policy'], 'no-referrer');
      assert.equal(r.headers['x-frame-options'], 'DENY');
    }
    assert.equal(api.headers['cache-control'], 'no-store');
  });

  test('path traversal and hidden files are refused', async () => {
    const attempts = [
      '/../../etc/passwd',
      '/../../../../../../etc/passwd',
      '/%2e%2e/%2e%2e/etc/passwd',
      '/%2e%2e%2f%2e%2e%2fetc%2fpasswd',
      '/..%2f..%2f..%2fetc%2fpasswd',
      '/assets/..%2f..%2f..%2fpackage.json',
      '/..%5c..%5cpackage.json',
      '/%252e%252e/%252e%252e/etc/passwd',
      '/.%2e/.%2e/.%2e/package.json',
      '/assets/../../package.json',
      '/%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd',
      '/../package.json',
      '/.git/config',
      '/%00/etc/passwd',
    ];
    for (const p of attempts) {
      const r = await rawRequest({ port: web.port, path: p });
      assert.ok(r.status === 403 || r.status === 404 || r.status === 400, `${p} → ${r.status}`);
      assert.doesNotMatch(r.body, /root:|"name"\s*:\s*"portal-console"|\[core\]/, p);
    }
  });

  test(
    'requests the router refuses get a generic JSON refusal ' + 'with the security headers, never the raw URL',
    async () => {
      const before = web.handlerCalls.length;
      const marker = 'zz-reflected-zz';
      const cases = [
        { path: `/%c0${marker}`, method: 'GET' },
        { path: `/%${marker}`, method: 'GET' },
        { path: `/api/invoke/%${marker}`, method: 'POST' },
        { path: `/api/invoke/${marker}${'a'.repeat(1000)}`, method: 'POST' },
      ];
      for (const { path: p, method } of cases) {
        const body = method === 'POST' ? { body: '{}' } : {};
        const r = await rawRequest({
          port: web.port,
          method,
          path: p,
          headers: { authorization: `Bearer ${web.token}`, 'content-type': 'application/json' },
          ...body,
        });
        assert.equal(r.status, 400, p);
        assert.deepEqual(
          JSON.parse(r.body),
          { ok: false, error: { code: 'invalid-input', message: 'the request address could not be read' } },
          p,
        );
        assert.doesNotMatch(r.body, new RegExp(`${marker}|FST_`), p);
        assert.equal(r.headers['content-security-policy'], CONTENT_SECURITY_POLICY, p);
        assert.equal(r.headers['x-content-type-options'], 'nosniff', p);
        // the Host check still applies to them (DNS rebinding)
        const foreign = await rawRequest({ port: web.port, method, path: p, headers: { host: 'evil.example' } });
        assert.equal(foreign.status, 403, p);
      }
      // a static file the sender refuses (a NUL byte, an absolute-form target) is just "not found"
      for (const p of ['/%00', '/assets/%00.js', 'http://evil.example/']) {
        const r = await rawRequest({ port: web.port, path: p });
        assert.equal(r.status, 404, p);
        assert.deepEqual(JSON.parse(r.body), { ok: false, error: { code: 'not-found', message: 'not found' } }, p);
      }
      assert.equal(web.handlerCalls.length, before);
    },
  );

  test('the event stream needs the token and delivers events as `event: <name>` with JSON data', async () => {
    const refused = await rawRequest({ port: web.port, path: '/api/events?token=wrong' });
    assert.equal(refused.status, 401);
    const foreign = await rawRequest({
      port: web.port,
      path: `/api/events?token=${web.token}`,
      headers: { origin: 'http://evil.example' },
    });
    assert.equal(foreign.status, 403);

    const req = http.get({
      host: '127.0.0.1',
      port: web.port,
      path: `/api/events?token=${encodeURIComponent(web.token)}`,
      agent: false,
    });
    try {
      const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
        req.once('response', resolve);
        req.once('error', reject);
      });
      assert.equal(res.statusCode, 200);
      assert.match(res.headers['content-type'] ?? '', /^text\/event-stream/);
      assert.equal(res.headers['content-security-policy'], CONTENT_SECURITY_POLICY);
      res.setEncoding('utf8');
      let buffer = '';
      const waitFor = (pattern: RegExp) =>
        new Promise<RegExpExecArray>((resolve, reject) => {
          const check = () => {
            const match = pattern.exec(buffer);
            if (match) {
              res.off('data', onData);
              resolve(match);
            }
          };
          const onData = (chunk: string) => {
            buffer += chunk;
            check();
          };
          res.on('data', onData);
          res.once('end', () => reject(new Error(`stream ended before ${pattern}: ${buffer}`)));
          check();
        });
      await waitFor(/: connected\n\n/);

      const added = JSON.parse((await web.invoke('portals.add', portalInput)).body) as {
        ok: boolean;
        data: { id: string };
      };
      assert.equal(added.ok, true);
      const removed = await web.invoke('portals.remove', { id: added.data.id });
      assert.equal(removed.status, 200);
      const { data: removal } = JSON.parse(removed.body) as { data: { revision: number; epoch: string } };
      const match = await waitFor(/event: monitor\.portalRemoved\ndata: (.*)\n\n/);
      // the removal's place among the monitor's revisions, as the call answered it
      assert.deepEqual(JSON.parse(match[1] ?? ''), {
        portalId: added.data.id,
        revision: removal.revision,
        epoch: removal.epoch,
      });
      // the stream stays alive with heartbeats
      await waitFor(/: heartbeat\n\n/);
    } finally {
      req.destroy();
    }
  });

  test('the server is not reachable on other interfaces', async () => {
    const external = Object.values(os.networkInterfaces())
      .flat()
      .filter((a): a is os.NetworkInterfaceInfo => a !== undefined && !a.internal);
    const targets = [...external.map((a) => a.address), '::1'];
    for (const address of targets) {
      const reachable = await new Promise<boolean>((resolve) => {
        const socket = net.connect({ host: address, port: web.port });
        socket.once('connect', () => {
          socket.destroy();
          resolve(true);
        });
        socket.once('error', () => resolve(false));
      });
      assert.equal(reachable, false, address);
    }
  });
});

test('web mode refuses to listen on a non-loopback address', async () => {
  await assert.rejects(startTestConsole({ engine: false, host: '0.0.0.0' }), /loopback only/);
});

test('close() ends open event streams instead of hanging on them', async () => {
  const web = await startTestConsole({ engine: false });
  let closed = false;
  try {
    const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
      http
        .get({ host: '127.0.0.1', port: web.port, path: `/api/events?token=${web.token}`, agent: false }, resolve)
        .once('error', reject);
    });
    assert.equal(res.statusCode, 200);
    const ended = new Promise<void>((resolve) => {
      res.once('end', resolve);
      res.once('close', resolve);
      res.resume();
    });
    await web.close();
    closed = true;
    await ended;
  } finally {
    if (!closed) await web.close();
  }
});
