/**
 * Request timeouts, size and connection limits (issue #8), with the limits shortened through `startEngine`'s
 * `limits` option: a slow client is cut with 408, oversized headers get 431, a body over the limit 413, and
 * connections beyond the limit are closed. HEAD is answered as GET without a body.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { DEFAULT_HTTP_LIMITS } from '../../electron/engine/index';
import { rawRequest, startTestEngine, type TestEngine } from '../support/engine-harness';
import { config } from './helpers';

const CONFIG = config('limit-portal', { workshops: [{ name: 'lab-limit', capacity: 2 }] });
/** short timeouts, for the slow-client tests only (under load a normal request could take longer) */
let slow: TestEngine;
/** small size and connection limits, default timeouts */
let te: TestEngine;
before(async () => {
  slow = await startTestEngine({
    config: CONFIG,
    limits: { headersTimeoutMs: 300, requestTimeoutMs: 600, checkIntervalMs: 50 },
  });
  te = await startTestEngine({ config: CONFIG, limits: { maxBodyBytes: 1000 } });
});
after(async () => {
  await slow?.close();
  await te?.close();
});

/** Opens a raw connection, writes `chunks`, and resolves with everything the server sent until it closed. */
function rawConnection(chunks: string[], engine = te): { socket: net.Socket; received: Promise<string> } {
  const url = new URL(engine.url);
  const socket = net.connect(Number(url.port), url.hostname);
  let data = '';
  socket.setEncoding('utf8').on('data', (c: string) => (data += c));
  const received = new Promise<string>((resolve) => socket.on('close', () => resolve(data)));
  socket.on('connect', () => {
    for (const c of chunks) socket.write(c);
  });
  socket.on('error', () => undefined);
  return { socket, received };
}

describe('slow clients', () => {
  test('headers that never finish get 408 Request Timeout and the connection is closed', async () => {
    const { received } = rawConnection(['GET /workshops/catalog/ HTTP/1.1\r\nHost: x\r\n'], slow);
    assert.match(await received, /^HTTP\/1\.1 408 Request Timeout\r\n/);
  });

  test('a body that never finishes gets 408 too', async () => {
    const { received } = rawConnection(
      [
        'POST /oauth2/token/ HTTP/1.1\r\nHost: x\r\n' +
          'Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 500\r\n\r\n',
        'grant_type=pass',
      ],
      slow,
    );
    assert.match(await received, /^HTTP\/1\.1 408 Request Timeout\r\n/);
  });

  test('the production defaults are finite and far below Node’s', () => {
    assert.ok(DEFAULT_HTTP_LIMITS.headersTimeoutMs <= 15_000);
    assert.ok(DEFAULT_HTTP_LIMITS.requestTimeoutMs <= 30_000);
    assert.ok(DEFAULT_HTTP_LIMITS.checkIntervalMs <= 1_000);
  });
});

describe('sizes and connections', () => {
  test('headers over the size limit get 431', async () => {
    const res = await rawRequest(te.url, '/workshops/catalog/', { headers: { 'x-padding': 'p'.repeat(20_000) } });
    assert.equal(res.status, 431);
  });

  test('a body over the configured limit gets 413', async () => {
    const res = await rawRequest(te.url, '/oauth2/token/', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `grant_type=password&username=a&password=${'p'.repeat(2000)}`,
    });
    assert.equal(res.status, 413);
  });

  test('connections beyond the limit are closed at once; the open ones still get answers', async () => {
    const crowded = await startTestEngine({ config: CONFIG, limits: { maxConnections: 8 } });
    const url = new URL(crowded.url);
    const open: net.Socket[] = [];
    try {
      for (let i = 0; i < 8; i++) {
        const s = net.connect(Number(url.port), url.hostname);
        s.on('error', () => undefined);
        await new Promise((r) => s.once('connect', r));
        open.push(s);
      }
      // the server counts a connection once it has accepted it: wait until an extra one is refused
      let refused = false;
      for (let attempt = 0; attempt < 50 && !refused; attempt++) {
        const { socket, received } = rawConnection(['GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'], crowded);
        const text = await received;
        socket.destroy();
        refused = text === '';
      }
      assert.ok(refused, 'a ninth connection was closed without an answer');
      const first = open[0] as net.Socket;
      const answer = new Promise<string>((resolve) =>
        first.setEncoding('utf8').once('data', (c: string) => resolve(c)),
      );
      first.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
      assert.match(await answer, /^HTTP\/1\.1 302 /);
    } finally {
      for (const s of open) s.destroy();
      await crowded.close();
    }
  });
});

describe('HEAD', () => {
  test('HEAD is answered as GET with no body', async () => {
    const token = await te.robotToken();
    for (const [path, headers] of [
      ['/', {}],
      ['/workshops/catalog/', {}],
      ['/workshops/catalog/environments/', { authorization: `Bearer ${token}` }],
    ] as const) {
      const get = await rawRequest(te.url, path, { headers });
      const head = await rawRequest(te.url, path, { method: 'HEAD', headers });
      assert.equal(head.status, get.status, path);
      assert.equal(head.body, '', `${path}: no body`);
      assert.equal(head.headers['content-type'], get.headers['content-type'], path);
      assert.equal(head.headers['content-length'], get.headers['content-length'], path);
    }
  });

  test('HEAD on a POST-only route is still 405', async () => {
    const res = await rawRequest(te.url, '/oauth2/token/', { method: 'HEAD' });
    assert.equal(res.status, 405);
  });
});
