import type { Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/**
 * How long and how large a request may be, and how many connections the engine keeps. Threat: a client that
 * opens connections and sends its headers or body a byte at a time (slowloris) holds sockets and memory for as
 * long as the server waits; Node's defaults waited about 60 s for headers and about 313 s for a body (the 300 s
 * request timeout plus a 30 s check interval) and then answered 400. Options with production defaults, so tests
 * can shorten them.
 */
export interface HttpLimits {
  /** the request line and headers must arrive within this; else 408 */
  headersTimeoutMs: number;
  /** the whole request, body included, must arrive within this; else 408 */
  requestTimeoutMs: number;
  /** an idle keep-alive connection is closed after this */
  keepAliveTimeoutMs: number;
  /** a connection with no traffic either way is closed after this (a client that never reads its answer) */
  idleTimeoutMs: number;
  /** how often the timeouts above are checked (they fire up to this much late) */
  checkIntervalMs: number;
  /** headers beyond this count are ignored */
  maxHeadersCount: number;
  /** the request line and headers together, in bytes; more is 431 */
  maxHeaderBytes: number;
  /** open connections; further ones are closed at once */
  maxConnections: number;
  /** a request body, in bytes; more is 413 */
  maxBodyBytes: number;
}

export const DEFAULT_HTTP_LIMITS: HttpLimits = {
  headersTimeoutMs: 15_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  idleTimeoutMs: 120_000,
  checkIntervalMs: 1_000,
  maxHeadersCount: 100,
  maxHeaderBytes: 16 * 1024,
  maxConnections: 2_048,
  maxBodyBytes: 1024 * 1024,
};

export function httpLimits(overrides: Partial<HttpLimits> = {}): HttpLimits {
  const limits = { ...DEFAULT_HTTP_LIMITS, ...overrides };
  for (const [key, value] of Object.entries(limits)) {
    if (!Number.isSafeInteger(value) || value <= 0)
      throw new RangeError(`limits.${key} must be a positive integer, got ${String(value)}`);
  }
  // Node requires the headers timeout to be at most the request timeout
  if (limits.headersTimeoutMs > limits.requestTimeoutMs) limits.headersTimeoutMs = limits.requestTimeoutMs;
  return limits;
}

/** Options for `http.createServer`. */
export function serverOptions(limits: HttpLimits) {
  return {
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    connectionsCheckingInterval: limits.checkIntervalMs,
    maxHeaderSize: limits.maxHeaderBytes,
  };
}

const REPLIES: Record<string, string> = {
  ERR_HTTP_REQUEST_TIMEOUT: 'HTTP/1.1 408 Request Timeout\r\nContent-Length: 0\r\nConnection: close\r\n\r\n',
  HPE_HEADER_OVERFLOW: 'HTTP/1.1 431 Request Header Fields Too Large\r\nContent-Length: 0\r\nConnection: close\r\n\r\n',
};
const BAD_REQUEST = 'HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n';

/** Applies the limits that are server properties, and answers protocol errors and timeouts as they are. */
export function applyLimits(server: Server, limits: HttpLimits, log: (line: string) => void): void {
  server.maxHeadersCount = limits.maxHeadersCount;
  server.maxConnections = limits.maxConnections;
  server.setTimeout(limits.idleTimeoutMs, (socket: Socket) => socket.destroy());
  let dropped = 0;
  server.on('drop', () => {
    dropped += 1;
    if (dropped === 1 || dropped % 1000 === 0)
      log(`http: ${limits.maxConnections} connections open, refused ${dropped} more so far`);
  });
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    // as Node itself does: answer only when no reply has started on this connection, else a client could read a
    // half-written reply followed by an error status
    const inFlight = (socket as Socket & { _httpMessage?: ServerResponse | null })._httpMessage;
    if (socket.writable && (inFlight == null || !inFlight.headersSent))
      socket.end(REPLIES[err.code ?? ''] ?? BAD_REQUEST);
    else socket.destroy();
  });
}
