import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import path from 'node:path';
import type { EventName, EventPayload } from '../../shared/contract';
import type { ConsoleEvents } from '../../electron/services/core-types';
import { startWebServer } from '../../electron/web/web-server';

/**
 * The event stream against a reader that stops reading: the server must cut it off once its buffer passes the
 * limit (and drop its subscriptions), not keep every event in memory. A fake event hub drives the stream.
 */
function fakeEvents() {
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  const events: ConsoleEvents = {
    on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void) {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      set.add(listener as (p: unknown) => void);
      return () => set.delete(listener as (p: unknown) => void);
    },
  };
  const count = () => [...listeners.values()].reduce((n, set) => n + set.size, 0);
  const emit = (event: string, payload: unknown) => {
    for (const l of [...(listeners.get(event) ?? [])]) l(payload);
  };
  return { events, count, emit };
}

test('an event stream whose reader stops reading is dropped once its buffer passes the limit', async () => {
  const hub = fakeEvents();
  const token = 'stream-test-token-0123456789abcdefghijklmnopq';
  const server = await startWebServer({
    dispatch: async () => ({ ok: true, data: null }),
    events: hub.events,
    token,
    staticRoot: path.resolve(__dirname, '..', '..', 'dist', 'renderer'),
    maxStreamBufferBytes: 256 * 1024,
  });
  const socket = net.connect(server.port, '127.0.0.1');
  try {
    let received = '';
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => {
        received += chunk;
        if (received.includes(': connected')) resolve();
      });
      socket.write(`GET /api/events?token=${token} HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n\r\n`);
    });
    assert.match(received, /^HTTP\/1\.1 200/);
    assert.ok(hub.count() > 0, 'the stream subscribed to events');
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    // the reader stops reading; the kernel's buffers fill first, then the server's
    socket.pause();
    socket.removeAllListeners('data');
    const payload = { portalId: 'p', blob: 'x'.repeat(256 * 1024) };
    let emitted = 0;
    while (hub.count() > 0 && emitted < 2000) {
      hub.emit('monitor.portalRemoved', payload);
      emitted += 1;
      // let the socket flush what the kernel accepts, as a real event loop would between polls
      await new Promise((resolve) => setImmediate(resolve));
    }
    assert.equal(hub.count(), 0, `the stream was still subscribed after ${emitted} events of 256 kB`);
    socket.resume();
    await closed;
  } finally {
    socket.destroy();
    await server.close();
  }
});
