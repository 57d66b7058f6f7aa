import type { Dialect } from '../../shared/contract';
import type { PortalCredentials } from '../services/core-types';

/**
 * The messages between the shell and the built-in engine's process (`electron/engine/engine-process.ts`).
 * The engine runs off the console's main thread so a busy engine never stalls the UI or the IPC handlers.
 */
export interface EngineStartOptions {
  /** the engine's own data folder (its SQLite database lives here) */
  dataDir: string;
  configPath?: string;
  /** the API dialect to speak; default: the config's (its API group), Educates for the demo portal */
  dialect?: Dialect;
  host?: string;
  /** 0 or absent: a free port */
  port?: number;
  /** robot (and optionally admin) credentials the engine must accept; they win over its config and its own */
  credentials?: EngineCredentialsInput;
  startupDelayMs?: number;
}

export interface EngineCredentialsInput {
  robot?: Partial<PortalCredentials>;
  admin?: { username?: string; password?: string };
}

/** The console's view of the built-in portal's robot account, in the engine's shape. */
export function engineCredentials(credentials: PortalCredentials): EngineCredentialsInput {
  const { clientId, clientSecret, username, password } = credentials;
  return { robot: { clientId, clientSecret, username, password } };
}

export type EngineParentMessage = { type: 'start'; options: EngineStartOptions } | { type: 'stop' };

export type EngineChildMessage =
  | { type: 'ready'; url: string; port: number; portalName: string }
  | { type: 'error'; message: string }
  | { type: 'log'; line: string };

export function parseChildMessage(message: unknown): EngineChildMessage | null {
  if (typeof message !== 'object' || message === null) return null;
  const m = message as Record<string, unknown>;
  if (m['type'] === 'ready' && typeof m['url'] === 'string' && typeof m['port'] === 'number') {
    return {
      type: 'ready',
      url: m['url'],
      port: m['port'],
      portalName: typeof m['portalName'] === 'string' ? m['portalName'] : '',
    };
  }
  if (m['type'] === 'log' && typeof m['line'] === 'string') return { type: 'log', line: m['line'] };
  if (m['type'] === 'error') {
    return { type: 'error', message: typeof m['message'] === 'string' ? m['message'] : 'the engine failed to start' };
  }
  return null;
}
