/**
 * Test harness for the built-in portal engine, shared by the engine, console-core and reliability suites.
 *
 * - `startTestEngine()` runs the engine in this process on 127.0.0.1 and a free port, in a fresh temp data folder
 *   (removed by `close()`), with an optional YAML config given as text.
 * - `spawnEngineCli()` runs the CLI from sources in a child process (for signals, `kill -9`, load tests).
 * - `getToken()` / `requestToken()` do the OAuth password grant exactly as a REST client does.
 * The YAML builders of `portal-config.ts` are re-exported here.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  startEngine,
  type EngineCredentials,
  type EngineOptions,
  type RunningEngine,
} from '../../electron/engine/index';

export * from './portal-config';
export { rawRequest, waitFor, waitUntilPast } from './http';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');

export interface ClientCredentials {
  clientId: string;
  clientSecret: string;
  username: string;
  password: string;
}

export interface TokenResponse {
  access_token: string;
  expires_in: number;
  token_type: string;
  scope: string;
  refresh_token: string;
}

/** Password grant with HTTP Basic client authentication; returns the whole token reply. Throws on non-200. */
export async function requestToken(url: string, creds: ClientCredentials): Promise<TokenResponse> {
  const res = await fetch(`${url}/oauth2/token/`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${creds.clientId}:${creds.clientSecret}`).toString('base64')}`,
    },
    body: new URLSearchParams({
      grant_type: 'password',
      username: creds.username,
      password: creds.password,
    }).toString(),
  });
  const text = await res.text();
  // The body of a failed grant carries no secret (oauthlib error JSON), so it is safe in the message.
  if (res.status !== 200) throw new Error(`token request failed: ${res.status} ${text}`);
  return JSON.parse(text) as TokenResponse;
}

/** Password grant; returns the access token. */
export async function getToken(url: string, creds: ClientCredentials): Promise<string> {
  return (await requestToken(url, creds)).access_token;
}

/** The robot client + robot user, or the robot client + admin user (a staff token), from engine credentials. */
export function robotCreds(c: EngineCredentials): ClientCredentials {
  return {
    clientId: c.robot.clientId,
    clientSecret: c.robot.clientSecret,
    username: c.robot.username,
    password: c.robot.password,
  };
}
export function adminCreds(c: EngineCredentials): ClientCredentials {
  return {
    clientId: c.robot.clientId,
    clientSecret: c.robot.clientSecret,
    username: c.admin.username,
    password: c.admin.password,
  };
}

export type TestEngineOptions = Partial<EngineOptions> & {
  /** YAML text written to `<tmp>/portal.yaml` and passed as `configPath`. */
  config?: string;
};

export interface TestEngine {
  engine: RunningEngine;
  url: string;
  dataDir: string;
  /** Path of the written config file, when `config` was given. */
  configPath: string | undefined;
  /** Log lines the engine wrote (also forwarded to `options.log` if given). */
  logs: string[];
  /** A robot access token, fetched once and cached (cleared by `restart`). */
  robotToken(): Promise<string>;
  /** A staff (admin) access token, fetched once and cached. */
  adminToken(): Promise<string>;
  /** `fetch(url + path)` with the robot Bearer token (unless `init.headers` sets `authorization`). */
  api(pathAndQuery: string, init?: RequestInit): Promise<Response>;
  /** `api()` then JSON; throws with the body if the status is not 200. */
  apiJson<T = unknown>(pathAndQuery: string, init?: RequestInit): Promise<T>;
  /** Closes the engine and starts it again on the same data folder (optionally with a new config text). */
  restart(overrides?: TestEngineOptions): Promise<void>;
  /** Closes the engine (idempotent) and removes the temp folder. */
  close(): Promise<void>;
}

/** Starts the engine in-process on 127.0.0.1:0 with a fresh temp data folder. */
export async function startTestEngine(options: TestEngineOptions = {}): Promise<TestEngine> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'engine-test-'));
  const logs: string[] = [];
  let opts: TestEngineOptions = options;
  let configPath: string | undefined;
  const launch = async (o: TestEngineOptions): Promise<RunningEngine> => {
    const { config, log, ...rest } = o;
    if (config !== undefined) {
      configPath = path.join(tmp, 'portal.yaml');
      fs.writeFileSync(configPath, config);
    }
    const dataDir = o.dataDir ?? path.join(tmp, 'data');
    fs.mkdirSync(dataDir, { recursive: true });
    return startEngine({
      host: '127.0.0.1',
      port: 0,
      ...(configPath !== undefined ? { configPath } : {}),
      ...rest,
      dataDir,
      log: (line: string) => {
        logs.push(line);
        log?.(line);
      },
    });
  };
  let engine: RunningEngine;
  try {
    engine = await launch(opts);
  } catch (err) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
  let robot: Promise<string> | undefined;
  let admin: Promise<string> | undefined;
  const handle: TestEngine = {
    engine,
    url: engine.url,
    dataDir: opts.dataDir ?? path.join(tmp, 'data'),
    configPath,
    logs,
    robotToken() {
      robot ??= getToken(handle.url, robotCreds(handle.engine.credentials));
      robot.catch(() => (robot = undefined));
      return robot;
    },
    adminToken() {
      admin ??= getToken(handle.url, adminCreds(handle.engine.credentials));
      admin.catch(() => (admin = undefined));
      return admin;
    },
    async api(pathAndQuery, init = {}) {
      const headers = new Headers(init.headers);
      if (!headers.has('authorization')) headers.set('authorization', `Bearer ${await handle.robotToken()}`);
      return fetch(`${handle.url}${pathAndQuery}`, { redirect: 'manual', ...init, headers });
    },
    async apiJson<T>(pathAndQuery: string, init?: RequestInit): Promise<T> {
      const res = await handle.api(pathAndQuery, init);
      const text = await res.text();
      if (res.status !== 200)
        throw new Error(`${init?.method ?? 'GET'} ${pathAndQuery} -> ${res.status} ${text.slice(0, 300)}`);
      return JSON.parse(text) as T;
    },
    async restart(overrides = {}) {
      await handle.engine.close();
      opts = { ...opts, ...overrides };
      handle.engine = await launch(opts);
      handle.url = handle.engine.url;
      handle.configPath = configPath;
      robot = undefined;
      admin = undefined;
    },
    async close() {
      try {
        await handle.engine.close();
      } finally {
        fs.rmSync(tmp, { recursive: true, force: true });
      }
    },
  };
  return handle;
}

export interface EngineCliProcess {
  url: string;
  child: ChildProcess;
  /** Everything written so far. */
  stdout(): string;
  stderr(): string;
  kill(signal?: NodeJS.Signals): void;
  /** Settles when the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function spawnCli(args: string[], env?: NodeJS.ProcessEnv): ChildProcess {
  return spawn(
    process.execPath,
    ['--import', 'tsx', path.join(REPO_ROOT, 'electron', 'cli-entry.ts'), 'engine', ...args],
    {
      cwd: REPO_ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
}

/**
 * Spawns `portal-console engine <args>` from sources and resolves once it prints `listening on <url>`.
 * Rejects (and kills the child) if it exits first or does not listen within `timeoutMs` (default 30 s).
 * Pass `--host 127.0.0.1 --port 0 --data DIR` yourself; nothing is added.
 */
export function spawnEngineCli(
  args: string[],
  options: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {},
): Promise<EngineCliProcess> {
  const child = spawnCli(args, options.env);
  let out = '';
  let err = '';
  child.stdout?.setEncoding('utf8');
  child.stderr?.setEncoding('utf8');
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal }));
  });
  return new Promise((resolve, reject) => {
    let done = false;
    const timer = setTimeout(
      () => fail(new Error(`engine CLI did not print "listening on" in time; stderr: ${err.slice(-2000)}`)),
      options.timeoutMs ?? 30_000,
    );
    const fail = (e: Error): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(e);
    };
    child.stdout?.on('data', (chunk: string) => {
      out += chunk;
      const m = /^listening on (\S+)\s*$/m.exec(out);
      if (m && !done) {
        done = true;
        clearTimeout(timer);
        resolve({
          url: (m[1] ?? '').replace(/\/$/, ''),
          child,
          stdout: () => out,
          stderr: () => err,
          kill: (signal = 'SIGTERM') => {
            if (child.exitCode === null && child.signalCode === null) child.kill(signal);
          },
          exited,
        });
      }
    });
    child.stderr?.on('data', (chunk: string) => (err += chunk));
    void exited.then(({ code, signal }) =>
      fail(
        new Error(`engine CLI exited (code ${code}, signal ${signal}) before listening; stderr: ${err.slice(-2000)}`),
      ),
    );
  });
}

/** Runs `portal-console engine <args>` to completion (for `--help`, bad configs): exit code and output. */
export async function runEngineCli(
  args: string[],
  options: { timeoutMs?: number } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawnCli(args);
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr?.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
  const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  clearTimeout(timer);
  return { code, stdout, stderr };
}

/** A temp folder removed by the returned cleanup function. */
export function makeTempDir(prefix = 'engine-test-'): { dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
