import type { Result } from './errors';
import type { EventName, EventPayload, MethodInput, MethodName, MethodOutput } from './api';

/**
 * What the preload exposes as `window.portalConsole` and what web mode offers over HTTP.
 * `lib/api.ts` in the renderer is the only module that touches it.
 */
export interface ConsoleBridge {
  invoke<M extends MethodName>(method: M, input: MethodInput<M>): Promise<Result<MethodOutput<M>>>;
  /** returns the unsubscribe function */
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}

/** IPC channel names: one for calls, one for pushes. The method or event name travels in the payload. */
export const IPC_INVOKE_CHANNEL = 'portal-console:invoke';
export const IPC_EVENT_CHANNEL = 'portal-console:event';

/**
 * Web mode over loopback HTTP:
 * - POST `${WEB_API_PREFIX}/invoke/<method>` with the JSON input as body; reply 200 with a Result JSON.
 * - GET `${WEB_API_PREFIX}/events?token=…` is a server-sent event stream; each message has `event: <name>` and
 *   the JSON payload as data (EventSource cannot set headers, hence the query parameter).
 * - Every API request carries the per-launch token: header `Authorization: Bearer <token>` (or `?token=` for SSE).
 * - The page is opened as `http://127.0.0.1:<port>/#token=<token>`; the renderer reads the fragment (which never
 *   reaches a server log) and removes it from the address bar.
 */
export const WEB_API_PREFIX = '/api';
export const WEB_TOKEN_FRAGMENT = 'token';
