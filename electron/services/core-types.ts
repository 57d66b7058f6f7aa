import type { EventName, EventPayload, MethodName, MethodOutput, Methods } from '../../shared/contract';
import type { z } from 'zod';
import type { CheckinLimits } from './checkin/checkin-server';

/** Where secrets live. The keytar implementation uses service "portal-console"; nothing here writes plaintext. */
export interface SecretStore {
  /** false where no keychain can be reached: then secrets live in memory for this run only */
  readonly persistent: boolean;
  describe(): { available: boolean; backend: string; message: string };
  get(account: string): Promise<string | null>;
  set(account: string, value: string): Promise<void>;
  delete(account: string): Promise<boolean>;
}

/** Robot and OAuth client credentials of a portal. Only main ever holds these. */
export interface PortalCredentials {
  clientId: string;
  clientSecret: string;
  username: string;
  password: string;
}

/** The built-in engine as the shell started it (child process in web mode, utilityProcess in Electron). */
export interface BuiltinPortal {
  url: string;
  credentials: PortalCredentials;
  /**
   * The engine keeps its port across restarts; when another program held it at start-up the engine moved to a
   * new one, and this is its previous base URL (links handed out for it no longer reach the engine). Absent or
   * null: the engine is where it was.
   */
  movedFrom?: string | null;
  /**
   * Set when the engine did not start: the reason, as a sentence for the built-in portal's card ("the built-in
   * engine did not start: …"). The console carries on with its remote portals; `url` is where the engine was meant
   * to listen.
   */
  startError?: string | null;
}

export type HandlerInput<M extends MethodName> = z.output<Methods[M]['input']>;

/** One function per contract method; inputs arrive already validated by the IPC/web wrapper. */
export type Handlers = { [M in MethodName]: (input: HandlerInput<M>) => Promise<MethodOutput<M>> };

export interface ConsoleEvents {
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}

export interface ConsoleCoreOptions {
  /** the console's user data folder (settings.json lives here) */
  dataDir: string;
  secretStore: SecretStore;
  mode: 'electron' | 'web';
  version: string;
  builtinPortal: BuiltinPortal | null;
  /** injectable clock for tests and accelerated-time runs; defaults to Date.now */
  now?: () => number;
  /** optional tuning (tests, benchmarks); every field has a production default */
  tuning?: ConsoleTuning;
  /** the check-in pages' rate limits, body limit and timeouts (tests); default `DEFAULT_CHECKIN_LIMITS` */
  checkinLimits?: Partial<CheckinLimits>;
  /** where services report their own failures (redacted, never personal data); default stderr */
  log?: (line: string) => void;
}

export interface ConsoleTuning {
  /** per-request timeout towards portals (default 15 s) */
  requestTimeoutMs?: number;
  /** retries of safe portal requests (default 2) and the first backoff step (default 250 ms) */
  retries?: number;
  retryBaseMs?: number;
  /** failed polls in a row before a portal is "offline" (default 3) */
  offlineAfterFailures?: number;
  /**
   * cap of the poll backoff while a portal is down (default: its poll interval + 5 s; 60 s for rejected
   * credentials)
   */
  maxBackoffMs?: number;
  /** overrides every portal's poll interval (e.g. fast tests); the stored setting is unchanged */
  pollIntervalMs?: number;
  /** lifetime of a bulk confirmation token (default 60 s) */
  bulkConfirmTtlMs?: number;
  /** how long any keychain call may take before it fails with keychain-unavailable (default 5 s) */
  keychainTimeoutMs?: number;
  /** minimum time between two events.changed pushes of one event (default 250 ms) */
  eventPushIntervalMs?: number;
}

export interface ConsoleCore {
  handlers: Handlers;
  events: ConsoleEvents;
  close(): Promise<void>;
}
