import { acquireDataLock } from './data-lock';
import { superviseEngine, type EngineHandle, type SuperviseOptions } from '../engine-host/engine-host';
import { engineCredentials, type EngineStartOptions } from '../engine-host/engine-protocol';
import { readStoredPort, startOnStoredPort } from '../engine-host/engine-port';
import { describeError, redact } from '../ipc/redact';
import { loadBuiltinCredentials } from '../services/builtin-credentials';
import { createConsoleCore } from '../services/console-core';
import type {
  BuiltinPortal,
  ConsoleCore,
  ConsoleCoreOptions,
  ConsoleTuning,
  SecretStore,
} from '../services/core-types';
import { createSecretStore } from '../services/secret-store';
import { errorText } from '../../shared/util/error-text';
import type { Dialect } from '../../shared/contract';

/**
 * The console's boot sequence, shared by Electron (`main.ts`) and web mode (`web/start-web-console.ts`): data
 * folder locks, secret store, the built-in portal's credentials, the engine (started and supervised), the core.
 * Each front door adds only its transport (IPC and a window, or the loopback server) and registers that
 * transport's teardown with `defer`, so `close()` undoes everything in the reverse order of start.
 */
export interface BootEngineOptions {
  /** the engine's data folder (its SQLite database) */
  dataDir: string;
  /** an engine config file (YAML/JSON) to seed environments */
  configPath?: string;
  /** the API dialect the engine speaks (default: the config's, or Educates) */
  dialect?: Dialect;
  /** starts one engine process: `utilityProcess` in Electron, `child_process.fork` in web mode and tests */
  start(options: EngineStartOptions): Promise<EngineHandle>;
  /** how a crashed engine is restarted (tests observe restarts through `onStatus`) */
  supervision?: Omit<SuperviseOptions, 'log'>;
}

export interface BootOptions {
  mode: 'electron' | 'web';
  version: string;
  /** the console's data folder (settings, history) */
  consoleDir: string;
  /** null: no built-in engine (remote portals only) */
  engine: BootEngineOptions | null;
  /** default: the keychain when one answers, else memory for this run */
  secretStore?: SecretStore;
  /** build the core another way (tests wrap it); default `createConsoleCore` */
  createCore?: (options: ConsoleCoreOptions) => Promise<ConsoleCore>;
  now?: () => number;
  tuning?: ConsoleTuning;
  log: (line: string) => void;
}

export interface BootedConsole {
  core: ConsoleCore;
  secretStore: SecretStore;
  /** the supervised engine, or null when none was asked for or it did not start */
  engine: EngineHandle | null;
  builtinPortal: BuiltinPortal | null;
  /** registers a teardown that runs before everything booted so far (transports register theirs here) */
  defer(teardown: () => Promise<void> | void): void;
  /** every teardown in reverse order of start; errors are logged, not thrown; safe to call twice */
  close(): Promise<void>;
}

export async function bootConsole(options: BootOptions): Promise<BootedConsole> {
  const log = options.log;
  const teardowns: Array<() => Promise<void> | void> = [];
  let closing: Promise<void> | null = null;
  const close = () =>
    (closing ??= (async () => {
      for (const teardown of teardowns.splice(0).reverse()) {
        try {
          await teardown();
        } catch (err) {
          log(`portal-console: error while closing: ${describeError(err)}`);
        }
      }
    })());

  try {
    // One console per data folder (another `web`, or the Electron app on the same folder): refused, not shared.
    // Electron's own single-instance lock does not see web mode, which shares these folders by default.
    const consoleLock = acquireDataLock(options.consoleDir, { mode: options.mode });
    teardowns.push(() => consoleLock.release());
    const secretStore = options.secretStore ?? (await createSecretStore());

    let engine: EngineHandle | null = null;
    let builtinPortal: BuiltinPortal | null = null;
    if (options.engine) {
      const e = options.engine;
      // The engine's folder may be given separately (web --engine-data): it must not be shared either.
      const engineLock = acquireDataLock(e.dataDir, { mode: options.mode });
      teardowns.push(() => engineLock.release());
      const credentials = await loadBuiltinCredentials(secretStore);
      const startOnce = (port: number) =>
        e.start({
          dataDir: e.dataDir,
          host: '127.0.0.1',
          port,
          credentials: engineCredentials(credentials),
          ...(e.configPath !== undefined ? { configPath: e.configPath } : {}),
          ...(e.dialect !== undefined ? { dialect: e.dialect } : {}),
        });
      try {
        // The same port as last time, so links handed out before a restart still work. A crash mid-run is logged
        // and the engine restarted on that address too, so the built-in portal returns.
        const first = await startOnStoredPort(e.dataDir, startOnce, log);
        const started = superviseEngine(first.handle, startOnce, { log, ...e.supervision });
        engine = started;
        teardowns.push(() => started.stop());
        builtinPortal = { url: started.url, credentials, movedFrom: first.movedFrom };
      } catch (err) {
        // The console still manages remote portals without the built-in one, and its card says why it is missing.
        log(`portal-console: the built-in engine did not start: ${describeError(err)}`);
        const port = readStoredPort(e.dataDir);
        builtinPortal = {
          url: `http://127.0.0.1:${port ?? 0}`,
          credentials,
          movedFrom: null,
          startError: `the built-in engine did not start: ${startFailureReason(err)}`,
        };
      }
    }

    const core = await (options.createCore ?? createConsoleCore)({
      dataDir: options.consoleDir,
      secretStore,
      mode: options.mode,
      version: options.version,
      builtinPortal,
      ...(options.now ? { now: options.now } : {}),
      ...(options.tuning ? { tuning: options.tuning } : {}),
    });
    teardowns.push(() => core.close());

    return {
      core,
      secretStore,
      engine,
      builtinPortal,
      defer: (teardown) => {
        teardowns.push(teardown);
      },
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}

/** The engine host's message without its own "the built-in engine failed to start:" lead-in, redacted. */
function startFailureReason(err: unknown): string {
  const message = errorText(err);
  return (
    redact(message.replace(/^the built-in engine (failed to start: )?/i, '').split('\n')[0] ?? '') || 'unknown reason'
  );
}
