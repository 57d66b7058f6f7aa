import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { AnalyticsSender } from './analytics';
import { loadPortalConfig, EngineConfigError } from './config-file';
import { hashSecret, resolveCredentials, type EngineCredentials } from './credentials';
import { lockDataFolder } from './data-folder';
import { openDatabase } from './database';
import { demoPortalConfig } from './demo-portal';
import { createEngineServer } from './http-server';
import { PortalState } from './portal-state';

export { EngineConfigError } from './config-file';
export { DataFolderBusyError } from './data-folder';
export type { EngineCredentials } from './credentials';

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
  /** never receives secrets */
  log?: (line: string) => void;
}

export interface RunningEngine {
  /** e.g. http://127.0.0.1:41234 (no trailing slash) */
  url: string;
  port: number;
  portalName: string;
  credentials: EngineCredentials;
  credentialsSource: string;
  /** stops HTTP, timers, pending webhooks; closes the DB; idempotent */
  close(): Promise<void>;
}

const DEFAULT_PURGE_MS = 36 * 3600 * 1000;

function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

export async function startEngine(options: EngineOptions): Promise<RunningEngine> {
  const log = options.log ?? (() => undefined);
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 8080;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`port must be an integer 0–65535, got ${port}`);
  const startupDelayMs = Math.max(0, options.startupDelayMs ?? 0);
  const purgeAfterMs = Math.max(0, options.purgeAfterMs ?? DEFAULT_PURGE_MS);
  // validate everything before anything is written: a bad config starts nothing and changes nothing
  const config = options.configPath === undefined ? demoPortalConfig() : loadPortalConfig(options.configPath, log);
  const webhookUrl = options.analyticsWebhookUrl ?? config.webhookUrl;
  if (webhookUrl !== null && !/^https?:\/\//i.test(webhookUrl)) {
    throw new EngineConfigError(`analytics webhook URL must be http(s), got "${webhookUrl.slice(0, 60)}"`);
  }
  // one engine per data folder: nothing is read or written there before this lock is held
  const lock = lockDataFolder(options.dataDir, options.startedByConsole === true);
  let db: ReturnType<typeof openDatabase> | null = null;
  const analytics = new AnalyticsSender(log);
  let created: PortalState | null = null;
  let resolvedCredentials: ReturnType<typeof resolveCredentials> | null = null;
  try {
    const resolved = resolveCredentials(options.dataDir, config.credentials, config.source, options.credentials);
    const { credentials } = resolved;
    const [robotHash, adminHash, secretHash] = await Promise.all([
      hashSecret(credentials.robot.password),
      hashSecret(credentials.admin.password),
      hashSecret(credentials.robot.clientSecret),
    ]);
    if (credentials.robot.username === credentials.admin.username) {
      throw new EngineConfigError(`${config.source}: the robot and admin usernames must differ`);
    }
    db = openDatabase(options.dataDir);
    const state = new PortalState(db, analytics, { startupDelayMs, purgeAfterMs, log });
    created = state;
    state.setWebhookUrl(webhookUrl);
    const configHash = createHash('sha256').update(JSON.stringify(config)).digest('hex');
    state.applyConfig(config, configHash);
    state.applyAccounts(
      { username: credentials.robot.username, passwordHash: robotHash },
      { username: credentials.admin.username, passwordHash: adminHash },
      { clientId: credentials.robot.clientId, secretHash },
    );
    state.commitBatch();
    resolvedCredentials = resolved;
  } catch (err) {
    created?.close();
    analytics.close();
    db?.close();
    lock.release();
    throw err;
  }
  const state = created;
  const database = db;
  const resolved = resolvedCredentials;
  const { credentials } = resolved;
  const server = createEngineServer({ state, log });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    state.close();
    analytics.close();
    database.close();
    lock.release();
    throw err;
  }
  const actualPort = (server.address() as AddressInfo).port;
  const url = `http://${urlHost(host)}:${actualPort}`;
  state.url = url;
  state.portalJsonCache = null;
  state.start();
  state.commitBatch();
  log(`portal "${state.name}" listening on ${url} (${state.environments.size} environment(s); credentials ${resolved.source})`);
  let closing: Promise<void> | null = null;
  return {
    url,
    port: actualPort,
    portalName: state.name,
    credentials,
    credentialsSource: resolved.source,
    close() {
      closing ??= (async () => {
        state.close();
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
}
