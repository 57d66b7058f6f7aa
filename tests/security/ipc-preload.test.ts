import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import Module from 'node:module';
import path from 'node:path';
import { eventNames, IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL, methodNames, type Result } from '../../shared/contract';

/**
 * Loads the BUILT preload (`dist/preload/preload.js`, what Electron runs) in Node with a fake `electron` module
 * and checks the surface it hands to page script. `npm test` builds first; run `npm run build` otherwise.
 */
const PRELOAD = path.resolve(__dirname, '..', '..', 'dist', 'preload', 'preload.js');

type ChannelListener = (event: unknown, ...args: unknown[]) => void;

interface Loaded {
  exposed: Array<{ key: string; api: unknown }>;
  required: string[];
  invokes: unknown[][];
  channelListeners: Map<string, ChannelListener[]>;
  ipcRenderer: Record<string, unknown>;
}

function loadPreload(
  invokeResult: (args: unknown[]) => Promise<unknown> = async () => ({ ok: true, data: 'from-main' }),
): Loaded {
  assert.ok(fs.existsSync(PRELOAD), `${PRELOAD} is missing: run \`npm run build\``);
  const loaded: Loaded = { exposed: [], required: [], invokes: [], channelListeners: new Map(), ipcRenderer: {} };
  const ipcRenderer = {
    invoke: (...args: unknown[]) => {
      loaded.invokes.push(args);
      return invokeResult(args);
    },
    on: (channel: string, listener: ChannelListener) => {
      loaded.channelListeners.set(channel, [...(loaded.channelListeners.get(channel) ?? []), listener]);
      return ipcRenderer;
    },
    send: () => assert.fail('the preload must not use ipcRenderer.send'),
    sendSync: () => assert.fail('the preload must not use ipcRenderer.sendSync'),
    postMessage: () => assert.fail('the preload must not use ipcRenderer.postMessage'),
  };
  loaded.ipcRenderer = ipcRenderer;
  const electron = {
    contextBridge: { exposeInMainWorld: (key: string, api: unknown) => loaded.exposed.push({ key, api }) },
    ipcRenderer,
  };

  const mod = Module as unknown as {
    _load: (request: string, parent: { filename?: string } | null, isMain: boolean) => unknown;
  };
  const original = mod._load;
  mod._load = function (request, parent, isMain) {
    if (parent?.filename === PRELOAD) {
      loaded.required.push(request);
      if (request === 'electron') return electron;
    }
    return original.call(this, request, parent, isMain);
  };
  try {
    delete require.cache[PRELOAD];
    require(PRELOAD);
  } finally {
    mod._load = original;
    delete require.cache[PRELOAD];
  }
  return loaded;
}

function bridgeOf(loaded: Loaded) {
  assert.equal(loaded.exposed.length, 1, 'exactly one global is exposed');
  const [{ key, api }] = loaded.exposed as [{ key: string; api: unknown }];
  assert.equal(key, 'portalConsole');
  return api as {
    invoke: (method: string, input: unknown) => Promise<Result<unknown>>;
    on: (event: string, listener: (...args: unknown[]) => void) => () => void;
  };
}

test('the preload is one file that requires only electron', () => {
  const loaded = loadPreload();
  assert.deepEqual([...new Set(loaded.required)], ['electron']);
});

test('it exposes exactly ConsoleBridge (invoke and on) as window.portalConsole, and no raw IPC', () => {
  const loaded = loadPreload();
  const api = bridgeOf(loaded);
  assert.deepEqual(
    Reflect.ownKeys(api as object)
      .map(String)
      .sort(),
    ['invoke', 'on'],
  );
  assert.equal(typeof api.invoke, 'function');
  assert.equal(typeof api.on, 'function');
  // nothing reachable from the exposed object is ipcRenderer or one of its functions
  const ipcValues = new Set<unknown>([loaded.ipcRenderer, ...Object.values(loaded.ipcRenderer)]);
  for (const value of Object.values(api as object)) assert.equal(ipcValues.has(value), false);
  assert.equal(Object.getPrototypeOf(api), Object.prototype);
  // the only channel it listens on is the event channel
  assert.deepEqual([...loaded.channelListeners.keys()], [IPC_EVENT_CHANNEL]);
});

test(
  'every contract method is forwarded on the one invoke channel; ' + 'unknown and prototype names are refused',
  async () => {
    const loaded = loadPreload();
    const api = bridgeOf(loaded);
    for (const method of methodNames) {
      assert.deepEqual(await api.invoke(method, { x: 1 }), { ok: true, data: 'from-main' });
    }
    assert.deepEqual(
      loaded.invokes,
      methodNames.map((m) => [IPC_INVOKE_CHANNEL, m, { x: 1 }]),
    );
    loaded.invokes.length = 0;
    for (const bad of ['nope', '__proto__', 'constructor', 'toString', 'hasOwnProperty', '', 'app.info\u0000']) {
      const r = await api.invoke(bad, {});
      assert.deepEqual(r, { ok: false, error: { code: 'not-found', message: 'unknown method' } }, bad);
    }
    for (const bad of [undefined, null, 42, { toString: () => 'app.info' }, ['app.info']]) {
      assert.equal((await api.invoke(bad as unknown as string, {})).ok, false);
    }
    assert.equal(loaded.invokes.length, 0);
  },
);

test('an invoke that main rejects resolves to an internal error instead of throwing in the page', async () => {
  const api = bridgeOf(loadPreload(async () => Promise.reject(new Error('No handler registered'))));
  assert.deepEqual(await api.invoke('app.info', {}), {
    ok: false,
    error: { code: 'internal', message: 'the console did not answer' },
  });
});

test('listeners get only the payload of known events, and unsubscribe works', () => {
  const loaded = loadPreload();
  const api = bridgeOf(loaded);
  const [channelListener] = loaded.channelListeners.get(IPC_EVENT_CHANNEL) ?? [];
  assert.ok(channelListener);
  const received: unknown[][] = [];
  const off = api.on('monitor.portalRemoved', (...args) => received.push(args));
  const ipcEvent = { sender: loaded.ipcRenderer, senderId: 0, ports: [] };

  channelListener(ipcEvent, { event: 'monitor.portalRemoved', payload: { portalId: 'p1' } });
  channelListener(ipcEvent, { event: 'events.removed', payload: { other: true } });
  channelListener(ipcEvent, { event: '__proto__', payload: 1 });
  channelListener(ipcEvent, 'garbage');
  channelListener(ipcEvent, null);
  // exactly one argument, the payload: the IpcRendererEvent (whose sender is ipcRenderer) never reaches the page
  assert.deepEqual(received, [[{ portalId: 'p1' }]]);

  off();
  channelListener(ipcEvent, { event: 'monitor.portalRemoved', payload: { portalId: 'p2' } });
  assert.equal(received.length, 1);
});

test('every contract event can be subscribed; unknown events and non-function listeners throw', () => {
  const api = bridgeOf(loadPreload());
  for (const event of eventNames) assert.equal(typeof api.on(event, () => undefined), 'function');
  for (const bad of ['nope', '__proto__', 'constructor', 'portal-console:event', '']) {
    assert.throws(() => api.on(bad, () => undefined), TypeError, bad);
  }
  assert.throws(() => api.on('alerts.raised', 'not a function' as unknown as () => void), TypeError);
});

test('a throwing listener does not stop the others', () => {
  const loaded = loadPreload();
  const api = bridgeOf(loaded);
  const [channelListener] = loaded.channelListeners.get(IPC_EVENT_CHANNEL) ?? [];
  assert.ok(channelListener);
  const seen: unknown[] = [];
  const originalError = console.error;
  console.error = () => undefined;
  try {
    api.on('alerts.raised', () => {
      throw new Error('faulty');
    });
    api.on('alerts.raised', (p) => seen.push(p));
    channelListener({}, { event: 'alerts.raised', payload: { id: 'a' } });
  } finally {
    console.error = originalError;
  }
  assert.deepEqual(seen, [{ id: 'a' }]);
});
