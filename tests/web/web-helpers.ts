import http from 'node:http';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createConsoleCore } from '../../electron/services/console-core';
import type { ConsoleCore, ConsoleEvents, Handlers } from '../../electron/services/core-types';
import { MemorySecretStore } from '../../electron/services/secret-store';
import { startWebConsole, type WebConsole, type WebConsoleOptions } from '../../electron/web/start-web-console';

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/**
 * A request with full control of the path and the Host header (fetch normalizes `..` and forbids setting
 * Host, which is exactly what these tests need to send).
 */
export function rawRequest(options: {
  port: number;
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  host?: string;
}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: options.host ?? '127.0.0.1',
        port: options.port,
        method: options.method ?? 'GET',
        path: options.path,
        headers: { host: `127.0.0.1:${options.port}`, ...options.headers },
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (options.body !== undefined) req.end(options.body);
    else req.end();
  });
}

export interface TestConsole extends WebConsole {
  /** method names the core's handlers were called with, in order */
  handlerCalls: string[];
  /** the real core's event hub (to wait for pushes without polling) */
  events: ConsoleEvents;
  invoke(method: string, input: unknown, headers?: Record<string, string>): Promise<RawResponse>;
}

/** A real web console (real core, real engine unless `engine: false`) in a fresh temp folder. */
export async function startTestConsole(options: Partial<WebConsoleOptions> = {}): Promise<TestConsole> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-web-'));
  const handlerCalls: string[] = [];
  let coreEvents: ConsoleEvents | null = null;
  // The real core, with every handler wrapped to record that it ran.
  const createCore = async (o: Parameters<typeof createConsoleCore>[0]): Promise<ConsoleCore> => {
    const core = await createConsoleCore(o);
    coreEvents = core.events;
    const handlers = Object.fromEntries(
      Object.entries(core.handlers).map(([method, handler]) => [
        method,
        (input: unknown) => {
          handlerCalls.push(method);
          return (handler as (i: unknown) => Promise<unknown>)(input);
        },
      ]),
    ) as unknown as Handlers;
    return { ...core, handlers, events: core.events, close: () => core.close() };
  };
  let web: WebConsole;
  try {
    web = await startWebConsole({
      dataDir,
      port: 0,
      secretStore: new MemorySecretStore('tests use memory'),
      validateOutput: true,
      createCore,
      ...options,
    });
  } catch (err) {
    fs.rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
  const events = coreEvents as ConsoleEvents | null;
  if (events === null) throw new Error('the core was not created');
  return {
    ...web,
    handlerCalls,
    events,
    invoke: (method, input, headers = {}) =>
      rawRequest({
        port: web.port,
        method: 'POST',
        path: `/api/invoke/${method}`,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${web.token}`, ...headers },
        body: JSON.stringify(input),
      }),
    close: async () => {
      await web.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
