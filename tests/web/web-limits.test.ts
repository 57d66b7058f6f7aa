import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import path from 'node:path';
import type { EventName, EventPayload } from '../../shared/contract';
import type { ConsoleEvents } from '../../electron/services/core-types';
import { DEFAULT_LIMITS, startWebServer, type WebServer } from '../../electron/web/web-server';

/**
 * Web mode's timeouts and connection limit, with short test values (production defaults are in DEFAULT_LIMITS):
 * a request whose body or headers trickle in gets 408 and is closed, an idle keep-alive socket is closed, a
 * connection beyond the limit is refused, and the event stream, long-lived by design, outlives all of them.
 */
const TOKEN = 'limits-test-token-0123456789abcdefghijklmnopq';
const LIMITS = {
  requestTimeoutMs: 400,
  headersTimeoutMs: 300,
  keepAliveTimeoutMs: 300,
  timeoutCheckIntervalMs: 50,
  maxConnections: 4,
};
/** far longer than any limit under test: the wait for an event that must come, not a timing assertion */
const PATIENCE_MS = 8_000;

const quietEvents: ConsoleEvents = {
  on<E extends EventName>(_event: E, _listener: (payload: EventPayload<E>) => void) {
    return () => undefined;
  },
};

interface Conversation {
  socket: net.Socket;
  received(): string;
  /** resolves with everything received once the server closes the connection, or null if it stays open */
  closed(withinMs?: number): Promise<string | null>;
  waitFor(pattern: RegExp): Promise<void>;
}

function talk(port: number, first?: string): Promise<Conversation> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let text = '';
    let ended = false;
    const endWaiters: Array<() => void> = [];
    const dataWaiters: Array<() => void> = [];
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      text += chunk;
      for (const w of dataWaiters.splice(0)) w();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      ended = true;
      for (const w of endWaiters.splice(0)) w();
    });
    socket.once('connect', () => {
      if (first !== undefined) socket.write(first);
      resolve({
        socket,
        received: () => text,
        closed: (withinMs = PATIENCE_MS) =>
          new Promise((done) => {
            if (ended) return done(text);
            const timer = setTimeout(() => done(null), withinMs);
            endWaiters.push(() => {
              clearTimeout(timer);
              done(text);
            });
          }),
        waitFor: (pattern) =>
          new Promise((done, fail) => {
            const timer = setTimeout(
              () => fail(new Error(`no ${String(pattern)} within ${PATIENCE_MS} ms; got ${JSON.stringify(text)}`)),
              PATIENCE_MS,
            );
            const check = () => {
              if (pattern.test(text)) {
                clearTimeout(timer);
                done();
              } else dataWaiters.push(check);
            };
            check();
          }),
      });
    });
    socket.once('error', reject);
  });
}

describe('web mode timeouts and connection limits', () => {
  let server: WebServer;
  before(async () => {
    server = await startWebServer({
      dispatch: async () => ({ ok: true, data: {} }),
      events: quietEvents,
      token: TOKEN,
      staticRoot: path.resolve(__dirname, '..', '..', 'dist', 'renderer'),
      heartbeatMs: 100,
      limits: LIMITS,
    });
  });
  after(async () => {
    await server?.close();
  });

  const host = () => `Host: 127.0.0.1:${server.port}\r\n`;

  test('production defaults: every timeout and the connection limit are set', () => {
    assert.ok(DEFAULT_LIMITS.requestTimeoutMs > 0 && DEFAULT_LIMITS.requestTimeoutMs <= 60_000);
    assert.ok(
      DEFAULT_LIMITS.headersTimeoutMs > 0 && DEFAULT_LIMITS.headersTimeoutMs <= DEFAULT_LIMITS.requestTimeoutMs,
    );
    assert.ok(DEFAULT_LIMITS.keepAliveTimeoutMs > 0 && DEFAULT_LIMITS.keepAliveTimeoutMs <= 10_000);
    assert.ok(DEFAULT_LIMITS.maxConnections >= 16 && DEFAULT_LIMITS.maxConnections <= 1024);
  });

  test('a body that trickles in gets 408 and the connection is closed', async () => {
    const c = await talk(
      server.port,
      `POST /api/invoke/app.info HTTP/1.1\r\n${host()}Authorization: Bearer ${TOKEN}\r\n` +
        'Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"a":',
    );
    const got = await c.closed();
    c.socket.destroy();
    assert.notEqual(got, null, 'the slow request was still open');
    assert.match(got ?? '', /^HTTP\/1\.1 408 /);
  });

  test('headers that trickle in get 408 and the connection is closed', async () => {
    const c = await talk(server.port, `GET / HTTP/1.1\r\n${host()}X-Slow: 1`);
    const got = await c.closed();
    c.socket.destroy();
    assert.notEqual(got, null, 'the slow headers were still open');
    assert.match(got ?? '', /^HTTP\/1\.1 408 /);
  });

  test('an idle keep-alive connection is closed after its answer', async () => {
    const c = await talk(
      server.port,
      `POST /api/invoke/app.info HTTP/1.1\r\n${host()}Authorization: Bearer ${TOKEN}\r\n` +
        'Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}',
    );
    await c.waitFor(/^HTTP\/1\.1 200 [\s\S]*\{"ok":true/);
    const got = await c.closed();
    c.socket.destroy();
    assert.notEqual(got, null, 'the idle keep-alive connection stayed open');
  });

  test('the event stream stays open past every timeout, and connections beyond the limit are refused', async () => {
    const streams: Conversation[] = [];
    try {
      for (let i = 0; i < LIMITS.maxConnections; i += 1) {
        const c = await talk(server.port, `GET /api/events?token=${TOKEN} HTTP/1.1\r\n${host()}\r\n`);
        await c.waitFor(/: connected/);
        streams.push(c);
      }
      // well past the request, header and keep-alive timeouts, the streams are still open and still fed
      const first = streams[0] as Conversation;
      const seen = first.received().length;
      assert.equal(await first.closed(LIMITS.requestTimeoutMs * 3), null, 'the event stream was closed');
      assert.ok(first.received().length > seen, 'heartbeats kept arriving');
      assert.match(first.received().slice(seen), /: heartbeat/);

      // one more connection than the limit: closed without an answer
      const extra = await talk(server.port, `GET /api/events?token=${TOKEN} HTTP/1.1\r\n${host()}\r\n`);
      const refused = await extra.closed();
      extra.socket.destroy();
      assert.equal(refused, '', 'the extra connection was served');

      // a slot freed is usable again (once the server has seen the close, which it learns asynchronously)
      streams.pop()?.socket.destroy();
      let served = false;
      for (let attempt = 0; attempt < 100 && !served; attempt += 1) {
        const again = await talk(server.port, `GET /api/events?token=${TOKEN} HTTP/1.1\r\n${host()}\r\n`);
        streams.push(again);
        served = await Promise.race([again.waitFor(/: connected/).then(() => true), again.closed().then(() => false)]);
      }
      assert.ok(served, 'a freed slot was never usable again');
    } finally {
      for (const c of streams) c.socket.destroy();
    }
  });
});
