/**
 * The bridge between the sandboxed renderer and main: exactly `ConsoleBridge` as `window.portalConsole`, and no
 * logic beyond name checks. It is bundled into one CommonJS file that requires only `electron` (a sandboxed
 * preload cannot load local files); see `vite.config.mts` beside it.
 *
 * Threats answered here: handing `ipcRenderer` (or its event objects, whose `sender` is `ipcRenderer`) to page
 * script would let any script in the page send on any channel; so neither ever crosses contextBridge.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { eventNames, methodNames } from '../../shared/contract/api';
import { IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL } from '../../shared/contract/bridge';
import type { ConsoleBridge } from '../../shared/contract/bridge';
import type { EventName, MethodName } from '../../shared/contract/api';
import type { Result } from '../../shared/contract/errors';

const knownMethods: ReadonlySet<string> = new Set<string>(methodNames);
const knownEvents: ReadonlySet<string> = new Set<string>(eventNames);
const listeners = new Map<string, Set<(payload: unknown) => void>>();

// One channel listener for all events; page listeners get only the payload, never the IpcRendererEvent.
ipcRenderer.on(IPC_EVENT_CHANNEL, (_event: unknown, message: unknown) => {
  if (typeof message !== 'object' || message === null) return;
  const { event, payload } = message as { event?: unknown; payload?: unknown };
  if (typeof event !== 'string' || !knownEvents.has(event)) return;
  for (const listener of [...(listeners.get(event) ?? [])]) {
    try {
      listener(payload);
    } catch (err) {
      // One faulty listener must not starve the others.
      console.error(err);
    }
  }
});

function refused(message: string): Result<never> {
  return { ok: false, error: { code: 'not-found', message } };
}

const bridge: ConsoleBridge = {
  invoke(method: MethodName, input: unknown) {
    if (typeof method !== 'string' || !knownMethods.has(method)) {
      return Promise.resolve(refused('unknown method'));
    }
    return ipcRenderer.invoke(IPC_INVOKE_CHANNEL, method, input).catch((): Result<never> => ({
      ok: false,
      error: { code: 'internal', message: 'the console did not answer' },
    })) as ReturnType<ConsoleBridge['invoke']>;
  },
  on(event: EventName, listener: (payload: never) => void) {
    if (typeof event !== 'string' || !knownEvents.has(event)) throw new TypeError(`unknown event: ${String(event)}`);
    if (typeof listener !== 'function') throw new TypeError('listener must be a function');
    const set = listeners.get(event) ?? new Set();
    listeners.set(event, set);
    const wrapped = listener as (payload: unknown) => void;
    set.add(wrapped);
    return () => {
      set.delete(wrapped);
    };
  },
} as ConsoleBridge;

contextBridge.exposeInMainWorld('portalConsole', bridge);
