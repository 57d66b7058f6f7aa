import { createHash } from 'node:crypto';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { AnalyticsSender } from './state/analytics';
import { loadPortalConfig, EngineConfigError } from './config/config-file';
import {
  hashSecret,
  persistCredentials,
  randomAlphanumeric,
  resolveCredentials,
  verifySecret,
  type EngineCredentials,
} from './config/credentials';
import { lockDataFolder, secureDataFolder } from './persistence/data-folder';
import { openDatabase, type Db } from './persistence/database';
import { demoPortalConfig } from './config/demo-portal';
import { httpLimits, type HttpLimits } from './http/limits';
import { createEngineServer } from './http/server';
import { LoginGuard } from './routes/login-guard';
import { systemClock, type Clock } from './state/clock';
import { dialectNamed, DIALECT_NAMES, type DialectName } from './domain/dialect';
import { Portal } from './state/portal';
import { respond } from './routes/dispatch';
import type { EngineContext } from './routes/types';
import { Views } from './routes/views';
import { CatalogCache } from './routes/catalog-cache';
import { errorText } from '../../shared/util/error-text';

export { EngineConfigError } from './config/config-file';
export { DataFolderBusyError } from './persistence/data-folder';
export type { EngineCredentials } from './config/credentials';
export { DEFAULT_HTTP_LIMITS, type HttpLimits } from './http/limits';
export type { Clock } from './state/clock';
export { DIALECT_NAMES, type DialectName } from './domain/dialect';

export interface EngineOptions {
  /** folder for portal.db (created if missing) */
  dataDir: string;
  /** multi-document YAML of TrainingPortal + Workshop resources; absent => built-in demo portal */
  configPath?: string;
  /** default 127.0.0.1 */
  host?: string;
  /** default 8080; 0 = a free port */
  port?: number;
  /** explicit credentials win over config and generated ones, and are (re)applied at every start */
  credentials?: Partial<EngineCredentials>;
  /** simulated Kubernetes start-up (and deletion) time; default 0 */
  startupDelayMs?: number;
  /** global analytics webhook (wins over spec.analytics.webhook.url) */
  analyticsWebhookUrl?: string;
  /** how long STOPPED session records are kept; default 36 h like the real portal */
  purgeAfterMs?: number;
  /**
   * Set by the console's engine process: the caller is the console that started this engine and holds
   * `portal-console.lock` on `dataDir`; the engine then takes only its own lock there.
   */
  startedByConsole?: boolean;
  /** request timeouts, size and connection limits (production defaults in DEFAULT_HTTP_LIMITS) */
  limits?: Partial<HttpLimits>;
  /** the engine's time (tests move it forward instead of sleeping); default: the system clock */
  clock?: Clock;
  /**
   * the API dialect to speak; default: the config's (its TrainingPortal's API group), Educates for the demo portal
   * (`learningcenter` without a config serves the Learning Center demo portal)
   */
  dialect?: DialectName;
  /** never receives secrets */
  log?: (line: string) => void;
}

export interface RunningEngine {
  /** e.g. http://127.0.0.1:41234 (no trailing slash) */
  url: string;
  port: number;
  portalName: string;
  /** the API dialect it speaks */
  dialect: DialectName;
  credentials: EngineCredentials;
  credentialsSource: string;
  /** stops HTTP, timers, pending webhooks; closes the DB; idempotent */
  close(): Promise<void>;
}

const DEFAULT_PURGE_MS = 36 * 3600 * 1000;

/** Logs an unexpected error once per route and kind; never the URL or body, which can carry tokens. */
function internalErrorLog(log: (line: string) => void): (route: string, err: unknown) => void {
  const logged = new Set<string>();
  return (route, err) => {
    const what = `${err instanceof Error ? err.name : 'Error'}: ${errorText(err)}`;
    const key = `${route} ${what}`;
    if (logged.size < 1000 && !logged.has(key)) {
      logged.add(key);
      log(`internal error on ${route}: ${what}`);
    }
  };
}

function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

export async function startEngine(options: EngineOptions): Promise<RunningEngine> {
  const log = options.log ?? (() => undefined);
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 8080;
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new RangeError(`port must be an integer 0–65535, got ${port}`);
  const startupDelayMs = Math.max(0, options.startupDelayMs ?? 0);
  const clock = options.clock ?? systemClock;
  const purgeAfterMs = Math.max(0, options.purgeAfterMs ?? DEFAULT_PURGE_MS);
  // validate everything before anything is written: a bad config starts nothing and changes nothing
  if (options.dialect !== undefined && !DIALECT_NAMES.includes(options.dialect)) {
    throw new EngineConfigError(`dialect must be one of ${DIALECT_NAMES.join(', ')}, got "${String(options.dialect)}"`);
  }
  const config =
    options.configPath === undefined ? demoPortalConfig(options.dialect) : loadPortalConfig(options.configPath, log);
  const dialect = dialectNamed(options.dialect ?? config.dialect);
  const webhookUrl = options.analyticsWebhookUrl ?? config.webhookUrl;
  if (webhookUrl !== null && !/^https?:\/\//i.test(webhookUrl)) {
    throw new EngineConfigError(`analytics webhook URL must be http(s), got "${webhookUrl.slice(0, 60)}"`);
  }
  const limits = httpLimits(options.limits);
  const dataDir = path.resolve(options.dataDir);
  const folderExisted = fs.existsSync(dataDir);
  // One engine per data folder, then the port: a start that cannot have both writes nothing (a second engine on
  // a busy port once rewrote the running one's portal, environments and accounts before it failed to listen).
  const lock = lockDataFolder(dataDir, options.startedByConsole === true);
  const gate = createEngineServer(log, limits);
  const server = gate.server;
  let db: Db | null = null;
  const analytics = new AnalyticsSender(log);
  let portal: Portal | null = null;
  const undo = async (): Promise<void> => {
    gate.fail();
    portal?.close();
    analytics.close();
    db?.close();
    await new Promise<void>((resolve) => {
      if (!server.listening) resolve();
      else server.close(() => resolve());
      server.closeAllConnections();
    });
    lock.release();
    // a folder this start created and left empty goes again
    if (!folderExisted) {
      try {
        fs.rmdirSync(dataDir);
      } catch {
        // not empty after all: keep it
      }
    }
  };
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      // a burst of new connections (a room of attendees clicking at once) queues in the kernel, not refused
      server.listen({ port, host, backlog: limits.maxConnections }, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const resolved = resolveCredentials(dataDir, config.credentials, config.source, options.credentials, {
      robot: dialect.defaultRobot,
      admin: dialect.defaultAdmin,
    });
    const { credentials } = resolved;
    if (credentials.robot.username === credentials.admin.username) {
      throw new EngineConfigError(`${config.source}: the robot and admin usernames must differ`);
    }
    const [robotHash, adminHash, secretHash, decoyHash] = await Promise.all([
      hashSecret(credentials.robot.password),
      hashSecret(credentials.admin.password),
      hashSecret(credentials.robot.clientSecret),
      hashSecret(randomAlphanumeric(32)),
    ]);
    secureDataFolder(dataDir, log);
    persistCredentials(resolved);
    db = openDatabase(dataDir);
    const live = new Portal(db, analytics, { dialect, startupDelayMs, purgeAfterMs, clock, log });
    portal = live;
    const store = live.store;
    store.setWebhookUrl(webhookUrl);
    const configHash = createHash('sha256').update(JSON.stringify(config)).digest('hex');
    live.environments.applyConfig(config, configHash);
    live.environments.applyAccounts(
      { username: credentials.robot.username, passwordHash: robotHash },
      { username: credentials.admin.username, passwordHash: adminHash },
      { clientId: credentials.robot.clientId, secretHash },
    );
    store.commitBatch();
    const actualPort = (server.address() as AddressInfo).port;
    const url = `http://${urlHost(host)}:${actualPort}`;
    live.start(url);
    const logins = new LoginGuard(verifySecret, decoyHash, () => clock.now());
    const views = new Views(dialect);
    const engine: EngineContext = { portal: live, dialect, views, catalog: new CatalogCache(views), log, logins };
    const onInternalError = internalErrorLog(log);
    gate.open((req) => respond(req, engine, onInternalError));
    const environments = [...store.environments()].length;
    log(
      `portal "${store.name}" (${dialect.name}) listening on ${url} ` +
        `(${environments} environment(s); credentials ${resolved.source})`,
    );
    const database = db;
    let closing: Promise<void> | null = null;
    return {
      url,
      port: actualPort,
      portalName: store.name,
      dialect: dialect.name,
      credentials,
      credentialsSource: resolved.source,
      close() {
        closing ??= (async () => {
          live.close();
          analytics.close();
          await new Promise<void>((resolve) => {
            server.close(() => resolve());
            server.closeAllConnections();
          });
          database.close();
          lock.release();
        })();
        return closing;
      },
    };
  } catch (err) {
    await undo();
    throw err;
  }
}
