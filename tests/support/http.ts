/**
 * Small HTTP helpers for black-box tests: a raw `node:http` request (for inputs `fetch` refuses to send, such as
 * odd header bytes or bodies the server may refuse mid-upload) and a bounded poll.
 */
import http from 'node:http';

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface RawRequestInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Gives up (rejects) after this long; default 10 s. */
  timeoutMs?: number;
}

/**
 * Sends one request on a fresh connection. `pathAndQuery` is sent byte for byte (no URL normalisation), so it
 * can carry `%zz` or unencoded characters. Resolves with the first response even if the server stops reading
 * the request body early (e.g. a 413), because that is a valid way to refuse an oversized upload.
 */
export function rawRequest(baseUrl: string, pathAndQuery: string, init: RawRequestInit = {}): Promise<RawResponse> {
  const base = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    let settled = false;
    const req = http.request({
      host: base.hostname,
      port: base.port,
      method: init.method ?? 'GET',
      path: pathAndQuery,
      headers: {
        connection: 'close',
        ...(init.body !== undefined ? { 'content-length': String(Buffer.byteLength(init.body)) } : {}),
        ...init.headers,
      },
      agent: false,
      insecureHTTPParser: true,
    });
    const timer = setTimeout(() => {
      if (!settled) {
        settled = true;
        req.destroy();
        reject(new Error(`rawRequest ${init.method ?? 'GET'} ${pathAndQuery.slice(0, 80)} timed out`));
      }
    }, init.timeoutMs ?? 10_000);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        clearTimeout(timer);
        if (!settled) {
          settled = true;
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') });
        }
      });
      res.on('error', () => undefined);
    });
    req.on('error', (err) => {
      // EPIPE/ECONNRESET after the server answered and closed is expected for refused uploads; the response
      // handler settles first in that case.
      setTimeout(() => {
        if (!settled) {
          settled = true;
          clearTimeout(timer);
          reject(err);
        }
      }, 50);
    });
    if (init.body !== undefined) req.end(init.body);
    else req.end();
  });
}

export interface WaitOptions {
  /** Upper bound of the wait; the poll fails with `message` after it. Default 5 s. */
  timeoutMs?: number;
  intervalMs?: number;
  message?: string;
}

/**
 * Polls `probe` until it returns something other than `undefined`/`false`, and returns that value. This is a
 * bounded wait for an observable condition, not a timing assertion: the bound only keeps a broken engine from
 * hanging the suite.
 */
export async function waitFor<T>(
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  options: WaitOptions = {},
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 5_000);
  const interval = options.intervalMs ?? 50;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
      lastError = undefined;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) {
      const suffix = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`${options.message ?? 'condition not reached'} within ${options.timeoutMs ?? 5_000} ms${suffix}`);
    }
    await new Promise((r) => setTimeout(r, interval));
  }
}

/** Resolves once wall-clock time is past `isoOrMs` (a portal datetime or epoch ms). For deadlines that must pass. */
export async function waitUntilPast(isoOrMs: string | number, extraMs = 0): Promise<void> {
  const at = (typeof isoOrMs === 'number' ? isoOrMs : Date.parse(isoOrMs)) + extraMs;
  const wait = at - Date.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
}
