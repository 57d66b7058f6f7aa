import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  IPC_EVENT_CHANNEL,
  IPC_INVOKE_CHANNEL,
  type EventName,
  type EventPayload,
  type Result,
} from '../../shared/contract';
import type { Dispatch } from '../../electron/ipc/dispatch';
import {
  forwardEvents,
  registerHandlers,
  type EventSinkLike,
  type InvokeEventLike,
  type IpcMainLike,
} from '../../electron/ipc/register-handlers';
import { createSenderCheck } from '../../electron/ipc/sender-policy';
import type { ConsoleEvents } from '../../electron/services/core-types';

const RENDERER = 'file:///opt/portal-console/dist/renderer/index.html';

type Listener = (event: InvokeEventLike, ...args: unknown[]) => Promise<unknown>;

function fakeIpcMain() {
  const handlers = new Map<string, Listener>();
  const removed: string[] = [];
  const ipcMain: IpcMainLike = {
    handle: (channel, listener) => {
      assert.equal(handlers.has(channel), false, 'a channel is registered once');
      handlers.set(channel, listener);
    },
    removeHandler: (channel) => {
      removed.push(channel);
      handlers.delete(channel);
    },
  };
  return { ipcMain, handlers, removed };
}

function recordingDispatch() {
  const calls: Array<[string, unknown]> = [];
  const dispatch: Dispatch = async (method, input) => {
    calls.push([method, input]);
    return { ok: true, data: 'dispatched' };
  };
  return { dispatch, calls };
}

function setup(devServerUrl?: string) {
  const fake = fakeIpcMain();
  const { dispatch, calls } = recordingDispatch();
  const unregister = registerHandlers({
    ipcMain: fake.ipcMain,
    dispatch,
    isTrustedSender: createSenderCheck({ rendererUrl: RENDERER, ...(devServerUrl ? { devServerUrl } : {}) }),
  });
  const listener = fake.handlers.get(IPC_INVOKE_CHANNEL);
  assert.ok(listener);
  const call = (frame: InvokeEventLike['senderFrame'], ...args: unknown[]) =>
    listener({ senderFrame: frame }, ...args) as Promise<Result<unknown>>;
  return { ...fake, calls, unregister, call };
}

test('exactly one IPC channel is registered, and unregistering removes it', () => {
  const s = setup();
  assert.deepEqual([...s.handlers.keys()], [IPC_INVOKE_CHANNEL]);
  s.unregister();
  assert.deepEqual(s.removed, [IPC_INVOKE_CHANNEL]);
});

test("the app's own top-level page is dispatched to (hash routes included)", async () => {
  const s = setup();
  for (const url of [
    RENDERER,
    `${RENDERER}#/portals`,
    'file:///opt/portal-console/dist/renderer/index.html#/roster/x',
  ]) {
    assert.deepEqual(await s.call({ url, parent: null }, 'app.info', {}), { ok: true, data: 'dispatched' }, url);
  }
  assert.deepEqual(s.calls[0], ['app.info', {}]);
});

test('a frame from anywhere else gets forbidden and nothing is dispatched', async () => {
  const s = setup();
  const foreign = [
    'https://evil.example/',
    'http://127.0.0.1:5173/',
    'file:///opt/portal-console/dist/renderer/other.html',
    'file:///etc/passwd',
    `${RENDERER}?inject=1`,
    'file:///opt/portal-console/dist/renderer/index.html/../../../evil.html',
    'file://remote-host/opt/portal-console/dist/renderer/index.html',
    'about:blank',
    'devtools://devtools/bundled/inspector.html',
    'data:text/html,<script>1</script>',
    '',
    'not a url',
  ];
  for (const url of foreign) {
    const r = await s.call({ url, parent: null }, 'app.info', {});
    assert.deepEqual(r, { ok: false, error: { code: 'forbidden', message: 'this page may not use the console' } }, url);
  }
  // a destroyed frame, and a subframe even when it shows the app's page
  assert.equal((await s.call(null, 'app.info', {})).ok, false);
  assert.equal((await s.call({ url: RENDERER, parent: { url: RENDERER } }, 'app.info', {})).ok, false);
  assert.equal(s.calls.length, 0);
});

test('a development server is trusted by origin only when configured', async () => {
  const dev = setup('http://localhost:5173/');
  assert.equal((await dev.call({ url: 'http://localhost:5173/#/x', parent: null }, 'app.info', {})).ok, true);
  assert.equal((await dev.call({ url: 'http://localhost:5174/', parent: null }, 'app.info', {})).ok, false);
  assert.equal((await dev.call({ url: 'https://localhost:5173/', parent: null }, 'app.info', {})).ok, false);
  assert.throws(() => createSenderCheck({ rendererUrl: RENDERER, devServerUrl: 'javascript:alert(1)' }));
  for (const remote of [
    'https://evil.example/',
    'http://192.168.1.5:5173/',
    'http://localhost.evil.example:5173/',
    'http://127.0.0.1.evil.example/',
  ]) {
    assert.throws(() => createSenderCheck({ rendererUrl: RENDERER, devServerUrl: remote }), /on this machine/, remote);
  }
  for (const local of ['http://127.0.0.1:5173/', 'http://[::1]:5173/', 'https://localhost:5173/']) {
    assert.doesNotThrow(() => createSenderCheck({ rendererUrl: RENDERER, devServerUrl: local }), local);
  }
  assert.throws(() => createSenderCheck({ rendererUrl: 'https://example.org/index.html' }));
});

test('a non-string method name from a trusted frame is invalid input', async () => {
  const s = setup();
  const r = await s.call({ url: RENDERER, parent: null }, { toString: () => 'app.info' }, {});
  assert.equal(!r.ok && r.error.code, 'invalid-input');
  assert.equal(s.calls.length, 0);
});

test('events are forwarded to the window as {event, payload}, never to a destroyed one, until unsubscribed', () => {
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  const events: ConsoleEvents = {
    on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void) {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      set.add(listener as (p: unknown) => void);
      return () => set.delete(listener as (p: unknown) => void);
    },
  };
  const emit = (event: string, payload: unknown) => {
    for (const l of listeners.get(event) ?? []) l(payload);
  };
  const sent: unknown[][] = [];
  let destroyed = false;
  const sink: EventSinkLike = { isDestroyed: () => destroyed, send: (...args) => sent.push(args) };
  const off = forwardEvents(events, () => sink);

  emit('monitor.portalRemoved', { portalId: 'p1' });
  assert.deepEqual(sent, [[IPC_EVENT_CHANNEL, { event: 'monitor.portalRemoved', payload: { portalId: 'p1' } }]]);
  destroyed = true;
  emit('monitor.portalRemoved', { portalId: 'p2' });
  assert.equal(sent.length, 1);
  destroyed = false;
  off();
  emit('monitor.portalRemoved', { portalId: 'p3' });
  assert.equal(sent.length, 1);
  for (const set of listeners.values()) assert.equal(set.size, 0);
});
