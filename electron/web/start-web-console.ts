import fs from 'node:fs';
import path from 'node:path';
import { engineDataDir as defaultEngineDir, packageVersion, rendererDir } from '../app/app-paths';
import { bootConsole } from '../app/console-boot';
import { startNodeEngine } from '../engine-host/node-engine-host';
import type { SuperviseOptions } from '../engine-host/engine-host';
import { createDispatcher } from '../ipc/dispatch';
import type { ConsoleCore, ConsoleCoreOptions, ConsoleTuning, SecretStore } from '../services/core-types';
import { createToken } from './web-security';
import { startWebServer, type WebServer, type WebServerLimits } from './web-server';
import { WEB_TOKEN_FRAGMENT, type Dialect } from '../../shared/contract';

/**
 * Web mode in one call: the boot sequence shared with Electron (`app/console-boot.ts`: locks, secret store, the
 * engine as a child process, the core) and the loopback server. Used by `portal-console web` and by tests (each
 * with its own data folder and port 0).
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
  /** the API dialect of the built-in engine (default: the config's, or Educates) */
  engineDialect?: Dialect;
  /** default: the keychain when one answers, else memory for this run */
  secretStore?: SecretStore;
  /** default: the project's `dist/renderer` */
  staticRoot?: string;
  /** check handler outputs against the contract (tests, development) */
  validateOutput?: boolean;
  heartbeatMs?: number;
  /** the web server's timeouts and connection limit (tests shorten them); default `DEFAULT_LIMITS` */
  serverLimits?: Partial<WebServerLimits>;
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
  /** the built-in engine's base URL, or null when started without it or when it did not start */
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
  const log = options.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const engineLog = options.log ? { log: (line: string) => log(`engine: ${line}`) } : {};

  const booted = await bootConsole({
    mode: 'web',
    version: packageVersion(),
    consoleDir: dataDir,
    engine:
      options.engine === false
        ? null
        : {
            dataDir: path.resolve(options.engineDataDir ?? defaultEngineDir(dataDir)),
            ...(options.engineConfigPath ? { configPath: path.resolve(options.engineConfigPath) } : {}),
            ...(options.engineDialect ? { dialect: options.engineDialect } : {}),
            start: (engineOptions) => startNodeEngine(engineOptions, engineLog),
            ...(options.engineSupervision ? { supervision: options.engineSupervision } : {}),
          },
    ...(options.secretStore ? { secretStore: options.secretStore } : {}),
    ...(options.createCore ? { createCore: options.createCore } : {}),
    ...(options.now ? { now: options.now } : {}),
    ...(options.tuning ? { tuning: options.tuning } : {}),
    log,
  });

  try {
    const token = createToken();
    const server: WebServer = await startWebServer({
      dispatch: createDispatcher({
        handlers: booted.core.handlers,
        ...(options.validateOutput !== undefined ? { validateOutput: options.validateOutput } : {}),
        ...(options.log ? { log: options.log } : {}),
      }),
      events: booted.core.events,
      token,
      staticRoot,
      log,
      ...(options.host !== undefined ? { host: options.host } : {}),
      ...(options.port !== undefined ? { port: options.port } : {}),
      ...(options.heartbeatMs !== undefined ? { heartbeatMs: options.heartbeatMs } : {}),
      ...(options.serverLimits ? { limits: options.serverLimits } : {}),
    });
    // Closed first: it ends the event streams before the core goes.
    booted.defer(() => server.close());

    const engine = booted.engine;
    return {
      url: `${server.origin}/#${WEB_TOKEN_FRAGMENT}=${token}`,
      origin: server.origin,
      token,
      port: server.port,
      dataDir,
      engineUrl: engine?.url ?? null,
      enginePid: () => engine?.pid ?? null,
      close: () => booted.close(),
    };
  } catch (err) {
    await booted.close();
    throw err;
  }
}
