import fs from 'node:fs';
import path from 'node:path';
import { engineDataDir as defaultEngineDir, packageVersion, rendererDir } from '../app/app-paths';
import { acquireDataLock } from '../app/data-lock';
import { startNodeEngine } from '../engine-host/node-engine-host';
import { engineCredentials } from '../engine-host/engine-protocol';
import { superviseEngine, type EngineHandle, type SuperviseOptions } from '../engine-host/engine-host';
import { createDispatcher } from '../ipc/dispatch';
import { describeError } from '../ipc/redact';
import type { BuiltinPortal, ConsoleCore, ConsoleCoreOptions, ConsoleTuning, SecretStore } from '../services/core-types';
import { createToken } from './web-security';
import { startWebServer, type WebServer } from './web-server';
import { WEB_TOKEN_FRAGMENT } from '../../shared/contract';

/**
 * Web mode in one call: the engine (a child process), the secret store, the console core and the loopback
 * server. Used by `portal-console web` and by tests (each with its own data folder and port 0).
 */
export interface WebConsoleOptions {
  /** the console's data folder (settings, history); created when missing */
  dataDir: string;
  /** the engine's data folder; default `<dataDir>/engine` */
  engineDataDir?: string;
  /** 0 or absent: a free port */
  port?: number;
  /** a loopback address; default 127.0.0.1 */
  host?: string;
  /** start the built-in engine (default true) */
  engine?: boolean;
  /** an engine config file (YAML/JSON) to seed environments */
  engineConfigPath?: string;
  /** default: the keychain when one answers, else memory for this run */
  secretStore?: SecretStore;
  /** default: the project's `dist/renderer` */
  staticRoot?: string;
  /** check handler outputs against the contract (tests, development) */
  validateOutput?: boolean;
  heartbeatMs?: number;
  /** build the core another way (e.g. a core with an injected clock); default `createConsoleCore` */
  createCore?: (options: ConsoleCoreOptions) => Promise<ConsoleCore>;
  /** injectable clock passed to the core */
  now?: () => number;
  /** core tuning (fast polls and short timeouts in tests) */
  tuning?: ConsoleTuning;
  log?: (line: string) => void;
  /** how a crashed built-in engine is restarted (tests observe restarts through `onStatus`) */
  engineSupervision?: Omit<SuperviseOptions, 'log'>;
}

export interface WebConsole {
  /** `http://127.0.0.1:<port>/#token=<token>`: the page to open */
  url: string;
  /** `http://127.0.0.1:<port>` */
  origin: string;
  token: string;
  port: number;
  dataDir: string;
  /** the built-in engine's base URL, or null when started without it */
  engineUrl: string | null;
  /** the built-in engine's current process id, or null without it */
  enginePid(): number | null;
  close(): Promise<void>;
}

export async function startWebConsole(options: WebConsoleOptions): Promise<WebConsole> {
  const staticRoot = options.staticRoot ?? rendererDir();
  if (!fs.existsSync(path.join(staticRoot, 'index.html'))) {
    throw new Error(`the renderer is not built (no ${path.join(staticRoot, 'index.html')}): run \`npm run build\``);
  }
  const dataDir = path.resolve(options.dataDir);
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const log = options.log ?? ((l: string) => process.stderr.write(`${l}\n`));

  const cleanups: Array<() => Promise<void>> = [];
  const closeAll = async () => {
    // Reverse order of start: server (ends event streams), core, engine.
    for (const cleanup of cleanups.splice(0).reverse()) {
      try {
        await cleanup();
      } catch (err) {
        log(`portal-console: error while closing: ${describeError(err)}`);
      }
    }
  };

  try {
    // One console per data folder (another `web`, or the Electron app on the same folder): refused, not shared.
    const consoleLock = acquireDataLock(dataDir, { mode: 'web' });
    cleanups.push(async () => consoleLock.release());
    const services = await import('../services/secret-store.js');
    const secretStore = options.secretStore ?? (await services.createSecretStore());

    let builtinPortal: BuiltinPortal | null = null;
    let engine: EngineHandle | null = null;
    if (options.engine !== false) {
      const { loadBuiltinCredentials } = await import('../services/builtin-credentials.js');
      const credentials = await loadBuiltinCredentials(secretStore);
      const engineDir = path.resolve(options.engineDataDir ?? defaultEngineDir(dataDir));
      fs.mkdirSync(engineDir, { recursive: true, mode: 0o700 });
      // The engine's folder may be given separately (--engine-data): it must not be shared either.
      const engineLock = acquireDataLock(engineDir, { mode: 'web' });
      cleanups.push(async () => engineLock.release());
      const engineLog = options.log ? { log: (line: string) => log(`engine: ${line}`) } : {};
      const startOnce = (port: number) =>
        startNodeEngine(
          {
            dataDir: engineDir,
            host: '127.0.0.1',
            port,
            credentials: engineCredentials(credentials),
            ...(options.engineConfigPath ? { configPath: path.resolve(options.engineConfigPath) } : {}),
          },
          engineLog,
        );
      // A crash mid-run is reported in the log and the engine restarted on the same address.
      engine = superviseEngine(await startOnce(0), startOnce, { log, ...options.engineSupervision });
      const started = engine;
      cleanups.push(() => started.stop());
      builtinPortal = { url: started.url, credentials };
    }

    const createCore = options.createCore ?? (await import('../services/console-core.js')).createConsoleCore;
    const core = await createCore({
      dataDir,
      secretStore,
      mode: 'web',
      version: packageVersion(),
      builtinPortal,
      ...(options.now ? { now: options.now } : {}),
      ...(options.tuning ? { tuning: options.tuning } : {}),
    });
    cleanups.push(() => core.close());

    const token = createToken();
    const server: WebServer = await startWebServer({
      dispatch: createDispatcher({
        handlers: core.handlers,
        ...(options.validateOutput !== undefined ? { validateOutput: options.validateOutput } : {}),
        ...(options.log ? { log: options.log } : {}),
      }),
      events: core.events,
      token,
      staticRoot,
      log,
      ...(options.host !== undefined ? { host: options.host } : {}),
      ...(options.port !== undefined ? { port: options.port } : {}),
      ...(options.heartbeatMs !== undefined ? { heartbeatMs: options.heartbeatMs } : {}),
    });
    cleanups.push(() => server.close());

    let closing: Promise<void> | null = null;
    return {
      url: `${server.origin}/#${WEB_TOKEN_FRAGMENT}=${token}`,
      origin: server.origin,
      token,
      port: server.port,
      dataDir,
      engineUrl: engine?.url ?? null,
      enginePid: () => engine?.pid ?? null,
      close: () => (closing ??= closeAll()),
    };
  } catch (err) {
    await closeAll();
    throw err;
  }
}
