import type {
  ConsoleBridge,
  EventName,
  EventPayload,
  MethodInput,
  MethodName,
  MethodOutput,
  Result,
} from '../../../shared/contract';
import { backoffDelay } from '../../../shared/util/backoff';

/**
 * The only module that touches the bridge. In Electron the preload exposes `window.portalConsole`; in web mode
 * the same contract travels over loopback HTTP to the page's own origin (see shared/contract/bridge.ts).
 */

declare global {
  interface Window {
    portalConsole?: ConsoleBridge;
  }
}

const API_PREFIX = '/api';
const TOKEN_KEY = 'portal-console.token';

type Listener = (payload: never) => void;
type ConnectionState = 'connecting' | 'open' | 'down';

let bridge: ConsoleBridge | null = null;
let connection: ConnectionState = 'connecting';
const connectionListeners = new Set<(state: ConnectionState) => void>();

/**
 * Reads the per-launch token from `#token=…` once and removes it from the address bar (so it is not copied,
 * bookmarked or shown over a shoulder); sessionStorage keeps it for a reload of this tab only.
 */
function takeWebToken(): string | null {
  const hash = window.location.hash.startsWith('#') ? window.location.hash.slice(1) : '';
  const params = new URLSearchParams(hash);
  const fromHash = params.get('token');
  if (fromHash) {
    try {
      window.sessionStorage.setItem(TOKEN_KEY, fromHash);
    } catch {
      // storage disabled: the token still works for this page's lifetime
    }
    window.history.replaceState(null, '', window.location.pathname + window.location.search + '#/');
    return fromHash;
  }
  try {
    return window.sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

function emitConnection(state: ConnectionState): void {
  connection = state;
  for (const l of connectionListeners) l(state);
}

function createWebBridge(token: string | null): ConsoleBridge {
  const listeners = new Map<string, Set<Listener>>();
  let source: EventSource | null = null;
  /** failed connections in a row: the step of the reconnection backoff (0.5, 1, 2… up to 10 s) */
  let failures = 0;
  let retryTimer: number | undefined;

  const dispatch = (event: string, data: string): void => {
    const set = listeners.get(event);
    if (!set || set.size === 0) return;
    let payload: unknown;
    try {
      payload = JSON.parse(data);
    } catch {
      return; // a malformed push is dropped rather than crashing the page
    }
    for (const l of set) (l as (p: unknown) => void)(payload);
  };

  const connect = (): void => {
    if (source) return;
    emitConnection('connecting');
    const es = new EventSource(`${API_PREFIX}/events?token=${encodeURIComponent(token ?? '')}`);
    source = es;
    es.onopen = () => {
      failures = 0;
      emitConnection('open');
    };
    es.onerror = () => {
      // EventSource retries on its own after a network error, but gives up for good on an HTTP error status
      // (e.g. the console restarted); then reconnect ourselves with a capped backoff.
      emitConnection('down');
      if (es.readyState === EventSource.CLOSED) {
        es.close();
        source = null;
        window.clearTimeout(retryTimer);
        failures += 1;
        retryTimer = window.setTimeout(connect, backoffDelay(failures, { baseMs: 500, maxMs: 10_000 }));
      }
    };
    for (const name of listeners.keys())
      es.addEventListener(name, (e) => dispatch(name, (e as MessageEvent<string>).data));
  };

  const attach = (name: string): void => {
    if (source) source.addEventListener(name, (e) => dispatch(name, (e as MessageEvent<string>).data));
  };

  return {
    async invoke<M extends MethodName>(method: M, input: MethodInput<M>): Promise<Result<MethodOutput<M>>> {
      let res: Response;
      try {
        res = await fetch(`${API_PREFIX}/invoke/${encodeURIComponent(method)}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token ?? ''}` },
          body: JSON.stringify(input ?? {}),
          credentials: 'omit',
          cache: 'no-store',
        });
      } catch (e) {
        return { ok: false, error: { code: 'internal', message: `The console did not answer (${String(e)})` } };
      }
      if (res.status === 401 || res.status === 403) {
        return {
          ok: false,
          error: {
            code: 'forbidden',
            message: 'This page is not signed in to the console: open the link the console printed.',
          },
        };
      }
      try {
        return (await res.json()) as Result<MethodOutput<M>>;
      } catch {
        return {
          ok: false,
          error: { code: 'bad-response', message: `The console answered ${res.status} without a result` },
        };
      }
    },
    on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
      let set = listeners.get(event);
      if (!set) {
        set = new Set();
        listeners.set(event, set);
        attach(event);
      }
      set.add(listener);
      connect();
      return () => {
        set.delete(listener);
      };
    },
  };
}

/** Chooses the transport once, before the first render. */
export function initApi(): void {
  if (bridge) return;
  if (window.portalConsole) {
    bridge = window.portalConsole;
    emitConnection('open');
  } else bridge = createWebBridge(takeWebToken());
}

function current(): ConsoleBridge {
  if (!bridge) initApi();
  return bridge as ConsoleBridge;
}

export function invoke<M extends MethodName>(method: M, input: MethodInput<M>): Promise<Result<MethodOutput<M>>> {
  return current()
    .invoke(method, input)
    .catch((e: unknown) => ({ ok: false as const, error: { code: 'internal' as const, message: String(e) } }));
}

export function on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
  return current().on(event, listener);
}

/** Web mode only: 'open' again after a drop means pushes may have been missed, so callers re-read state. */
export function onConnection(listener: (state: ConnectionState) => void): () => void {
  connectionListeners.add(listener);
  listener(connection);
  return () => connectionListeners.delete(listener);
}

export type { ConnectionState };
