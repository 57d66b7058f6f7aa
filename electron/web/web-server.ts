import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import type { ServerResponse } from 'node:http';
import { eventNames, WEB_API_PREFIX, type Result } from '../../shared/contract';
import { failure, isMethodName, type Dispatch } from '../ipc/dispatch';
import { describeError } from '../ipc/redact';
import type { ConsoleEvents } from '../services/core-types';
import {
  allowedHosts,
  bearerToken,
  isAllowedHost,
  isAllowedOrigin,
  isLoopbackHost,
  SECURITY_HEADERS,
  tokenMatches,
} from './web-security';

/**
 * Web mode's HTTP transport: the renderer's static files and the contract over loopback HTTP, as
 * `shared/contract/bridge.ts` describes. Every request passes the Host check; every API request the Origin
 * and token checks, before any route (and so any handler) runs.
 */
export interface WebServerOptions {
  dispatch: Dispatch;
  events: ConsoleEvents;
  token: string;
  /** the built renderer (`dist/renderer`) */
  staticRoot: string;
  /** a loopback address; default 127.0.0.1 */
  host?: string;
  /** 0: a free port */
  port?: number;
  /** SSE keep-alive comment interval; default 15 s */
  heartbeatMs?: number;
  /** request body limit; default 6 MB (a roster of 10,000 rows fits) */
  bodyLimit?: number;
  /** an event stream whose reader has fallen this far behind is dropped; default 16 MB */
  maxStreamBufferBytes?: number;
  /** where unexpected server errors are reported (redacted); default stderr */
  log?: (line: string) => void;
  /** timeouts and connection limits; production defaults in `DEFAULT_LIMITS`, shorter ones in tests */
  limits?: Partial<WebServerLimits>;
}

/**
 * Threat: a local process (or a stuck tab) holding connections open: a request whose headers or body trickle in
 * byte by byte, idle keep-alive sockets, or simply very many sockets, each costing memory and a file descriptor
 * until the console runs out. The event stream is long-lived by design and is exempt from all but the limit on
 * connections: it has its own heartbeat and its own cap on what it buffers.
 */
export interface WebServerLimits {
  /** the whole request (headers and body) must arrive within this; else 408 and the connection is closed */
  requestTimeoutMs: number;
  /** the headers must arrive within this (at most requestTimeoutMs) */
  headersTimeoutMs: number;
  /** an idle keep-alive connection is closed after this */
  keepAliveTimeoutMs: number;
  /** how often the two timeouts above are checked (their granularity) */
  timeoutCheckIntervalMs: number;
  /** open connections at once (event streams included); more are closed as they arrive */
  maxConnections: number;
}

/** A 6 MB roster arrives over loopback in milliseconds; these leave room for a slow machine and nothing more. */
export const DEFAULT_LIMITS: WebServerLimits = {
  requestTimeoutMs: 30_000,
  headersTimeoutMs: 10_000,
  keepAliveTimeoutMs: 5_000,
  timeoutCheckIntervalMs: 1_000,
  maxConnections: 128,
};

export interface WebServer {
  port: number;
  origin: string;
  close(): Promise<void>;
}

const DEFAULT_BODY_LIMIT = 6 * 1024 * 1024;

function sendFailure(reply: FastifyReply, status: number, result: Result<never>): FastifyReply {
  return reply.code(status).header('cache-control', 'no-store').type('application/json; charset=utf-8').send(result);
}

/**
 * The answer to a request the router itself refuses (a malformed percent-encoding, an over-long parameter).
 * Fastify's default reflects the raw URL and its own error codes, and answers before any hook runs, so
 * without this such responses would carry neither the security headers nor a Host check.
 */
function refuseMalformed(request: FastifyRequest, reply: FastifyReply, hosts: ReadonlySet<string>): FastifyReply {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) reply.header(name, value);
  if (!isAllowedHost(request.headers.host, hosts)) {
    return sendFailure(reply, 403, failure('forbidden', 'unexpected Host header'));
  }
  return sendFailure(reply, 400, failure('invalid-input', 'the request address could not be read'));
}

function isApiPath(url: string): boolean {
  const path = url.split('?', 1)[0] ?? '';
  return path === WEB_API_PREFIX || path.startsWith(`${WEB_API_PREFIX}/`);
}

export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const host = options.host ?? '127.0.0.1';
  if (!isLoopbackHost(host)) throw new Error(`web mode listens on loopback only, not on ${host}`);
  const listenHost = host === 'localhost' ? '127.0.0.1' : host;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  let hosts: ReadonlySet<string> = new Set();

  const limits: WebServerLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const app = Fastify({
    logger: false,
    bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT,
    // Fastify's defaults switch the request timeout off (0) and keep idle sockets 72 s: see WebServerLimits.
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    http: {
      headersTimeout: Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs),
      connectionsCheckingInterval: limits.timeoutCheckIntervalMs,
    },
    // No proxy sits in front: X-Forwarded-* headers are never believed.
    trustProxy: false,
    // Threat: prototype pollution through JSON bodies; such bodies are refused outright.
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    forceCloseConnections: true,
    return503OnClosing: true,
    // Threat: error bodies reflecting the request and naming the framework; see refuseMalformed.
    frameworkErrors: (_error, request, reply) => {
      void refuseMalformed(request, reply, hosts);
    },
  });

  // Only JSON bodies: a text/plain POST is a "simple" cross-site request that needs no CORS preflight, so it
  // is refused outright (defence in depth behind the Origin and token checks).
  app.removeContentTypeParser('text/plain');

  const streams = new Set<ServerResponse>();

  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    if (!isAllowedHost(request.headers.host, hosts)) {
      return sendFailure(reply, 403, failure('forbidden', 'unexpected Host header'));
    }
    // The matched route decides too: the router decodes paths (`/%61pi/…` reaches `/api/…`), the raw URL does not.
    const route = request.routeOptions.url ?? '';
    if (!isApiPath(request.url) && !isApiPath(route)) return undefined;
    if (!isAllowedOrigin(request.headers.origin, hosts)) {
      return sendFailure(reply, 403, failure('forbidden', 'requests from other origins are refused'));
    }
    // EventSource cannot send headers, so the event stream alone takes the token from its query string.
    const isEvents = request.method === 'GET' && route === `${WEB_API_PREFIX}/events`;
    const query = request.query as Record<string, unknown> | undefined;
    const given = isEvents ? query?.['token'] : bearerToken(request.headers.authorization);
    if (!tokenMatches(options.token, given)) {
      return sendFailure(reply, 401, failure('forbidden', 'a valid console token is needed'));
    }
    return undefined;
  });

  app.addHook('onSend', async (_request, reply, payload) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) reply.header(name, value);
    return payload;
  });

  app.setErrorHandler((error: { statusCode?: number; code?: string }, request, reply) => {
    const status =
      typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500
        ? error.statusCode
        : 500;
    if (status === 500) {
      // Ours, not the caller's: the page gets a generic message, the log a redacted description.
      log(
        `portal-console: web server error on ${request.method} ${request.url.split('?', 1)[0] ?? ''}: ` +
          describeError(error),
      );
      return sendFailure(reply, 500, failure('internal', 'something went wrong in the console'));
    }
    const api = isApiPath(request.url) || isApiPath(request.routeOptions.url ?? '');
    // Static files: whatever the reason (a NUL byte, `..`, a dotfile), the page learns only "not found".
    if (!api) return sendFailure(reply, 404, failure('not-found', 'not found'));
    // Body-parser and limit errors are the caller's.
    const message =
      status === 413
        ? 'the request body is too large'
        : status === 415
          ? 'the request body must be JSON'
          : 'the request could not be read as JSON';
    return sendFailure(reply, status, failure('invalid-input', message));
  });

  app.setNotFoundHandler((request, reply) => {
    if (isApiPath(request.url)) return sendFailure(reply, 404, failure('not-found', 'no such API route'));
    return sendFailure(reply, 404, failure('not-found', 'not found'));
  });

  app.post<{ Params: { method: string } }>(`${WEB_API_PREFIX}/invoke/:method`, async (request, reply) => {
    const method = request.params.method;
    if (!isMethodName(method)) return sendFailure(reply, 404, failure('not-found', 'unknown method'));
    const result = await options.dispatch(method, request.body);
    return reply.code(200).header('cache-control', 'no-store').send(result);
  });

  app.get(`${WEB_API_PREFIX}/events`, (request, reply) => {
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
    });
    const maxBuffered = options.maxStreamBufferBytes ?? 16 * 1024 * 1024;
    // A write after the browser went away is dropped, never thrown. Threat: a reader that stops reading (a
    // stalled tab, a local process holding the token) making the console buffer every snapshot in memory; it is
    // cut off instead, and EventSource reconnects and starts again from fresh snapshots.
    const send = (text: string) => {
      if (res.destroyed || res.writableEnded) return;
      if (res.writableLength > maxBuffered) {
        res.destroy();
        return;
      }
      res.write(text);
    };
    // The first comment tells the client (and tests) the subscription is in place.
    send('retry: 3000\n: connected\n\n');
    streams.add(res);
    const offs = eventNames.map((event) =>
      options.events.on(event, (payload) => {
        // JSON.stringify never emits raw newlines, so one `data:` line carries the whole payload.
        send(`event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`);
      }),
    );
    const heartbeat = setInterval(() => send(': heartbeat\n\n'), options.heartbeatMs ?? 15_000);
    heartbeat.unref();
    const cleanup = () => {
      clearInterval(heartbeat);
      for (const off of offs) off();
      streams.delete(res);
    };
    request.raw.once('close', cleanup);
    res.once('close', cleanup);
    res.once('error', cleanup);
  });

  await app.register(fastifyStatic, {
    root: options.staticRoot,
    prefix: '/',
    index: ['index.html'],
    // Threat: reading files outside the renderer folder or hidden files; send() refuses `..` and dotfiles.
    dotfiles: 'deny',
    serveDotFiles: false,
    list: false,
    redirect: false,
    wildcard: true,
    cacheControl: true,
    maxAge: 0,
  });

  // Open event streams would hold the server open: end them before it closes.
  app.addHook('preClose', async () => {
    for (const res of streams) res.end();
    streams.clear();
  });

  app.server.maxConnections = limits.maxConnections;
  await app.listen({ host: listenHost, port: options.port ?? 0 });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('the web server has no TCP address');
  hosts = allowedHosts(host, address.port);

  let closing: Promise<void> | null = null;
  return {
    port: address.port,
    origin: `http://${listenHost}:${address.port}`,
    close: () => (closing ??= app.close()),
  };
}
