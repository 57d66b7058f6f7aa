import http from 'node:http';
import https from 'node:https';
import { ConsoleError } from '../../shared/contract';
import { PortalResponse } from './portal-errors';

/** Answers above this are refused (a catalog of thousands of sessions is a few MB). */
export const MAX_BODY_BYTES = 50_000_000;

export type Method = 'GET' | 'POST';

/**
 * Where an answer is received: a buffer kept from an earlier answer when it is large enough (see CatalogCache).
 * Grown, i.e. replaced, when too small.
 */
export interface Receiver {
  buffer: Buffer | null;
}

export interface TransportOptions {
  baseUrl: string;
  /** per request, from sending it to the end of its answer */
  timeoutMs: number;
  now: () => number;
}

interface InFlight {
  req: http.ClientRequest | null;
  timedOut: boolean;
}

class StaleSocketError extends Error {}

/**
 * HTTP to one portal: node:http(s) with a keep-alive agent rather than fetch (about a third of the CPU per
 * request, which matters when 20 portals are polled or a 500-person roster is allocated), a timeout per request,
 * a bound on the size of an answer, and one more try when a kept-alive socket turns out to be closed. Redirects
 * are not followed: a redirect means the URL is not the portal's API.
 */
export class PortalTransport {
  readonly host: string;
  private readonly baseUrl: string;
  private readonly agent: http.Agent;
  private readonly closing = new AbortController();
  private readonly inflight = new Set<InFlight>();

  constructor(private readonly options: TransportOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    const url = new URL(this.baseUrl);
    this.host = url.host;
    const agentOptions = { keepAlive: true, maxSockets: 16, maxFreeSockets: 4 };
    this.agent = url.protocol === 'https:' ? new https.Agent(agentOptions) : new http.Agent(agentOptions);
  }

  /** aborted by close(): waits between retries listen to it */
  get signal(): AbortSignal {
    return this.closing.signal;
  }

  /** aborts every request in flight; later requests fail with `cancelled` */
  close(): void {
    this.closing.abort();
    for (const f of this.inflight) f.req?.destroy();
    this.inflight.clear();
    this.agent.destroy();
  }

  /** one HTTP exchange with its timeout; `path` is absolute (with its query) */
  async exchange(
    method: Method,
    path: string,
    headers: Record<string, string>,
    body?: string,
    receiver?: Receiver,
  ): Promise<PortalResponse> {
    if (this.closing.signal.aborted) throw new ConsoleError('cancelled', 'cancelled');
    // Each request is destroyed by its own timer or by close(); no AbortController per request (cheaper, and
    // AbortSignal.any over a long-lived signal would keep a dependent signal per request alive on Node 20).
    const flight: InFlight = { req: null, timedOut: false };
    const timer = setTimeout(() => {
      flight.timedOut = true;
      flight.req?.destroy();
    }, this.options.timeoutMs);
    this.inflight.add(flight);
    const startedAt = this.options.now();
    try {
      let res;
      try {
        res = await this.send(method, path, headers, body, flight, receiver);
      } catch (err) {
        // A kept-alive socket the portal closed just as it was reused: the request never reached the portal, so
        // sending it once more on a fresh socket is safe for every kind of request (Node's documented pattern).
        if (!(err instanceof StaleSocketError) || flight.timedOut || this.closing.signal.aborted) throw err;
        res = await this.send(method, path, headers, body, flight, receiver);
      }
      return new PortalResponse(res.status, res.body, res.date, startedAt, this.options.now(), res.retryAfter);
    } catch (err) {
      if (this.closing.signal.aborted) throw new ConsoleError('cancelled', 'cancelled');
      if (flight.timedOut) {
        throw new ConsoleError(
          'portal-timeout',
          `${this.host} did not answer within ${Math.round(this.options.timeoutMs / 1000)} s`,
        );
      }
      if (err instanceof ConsoleError) throw err;
      throw new ConsoleError('portal-unreachable', `portal unreachable: ${this.host}`);
    } finally {
      clearTimeout(timer);
      this.inflight.delete(flight);
    }
  }

  private send(
    method: Method,
    path: string,
    headers: Record<string, string>,
    body: string | undefined,
    flight: InFlight,
    receiver?: Receiver,
  ): Promise<{ status: number; body: Buffer; date: string | null; retryAfter: string | null }> {
    return new Promise((resolve, reject) => {
      const url = new URL(`${this.baseUrl}${path}`);
      const mod = url.protocol === 'https:' ? https : http;
      // an explicit length (0 for a body-less POST) keeps each request a single write: no chunked terminator sent
      // separately, which Nagle's algorithm and delayed ACKs would hold back
      const length = method === 'POST' && {
        'content-length': String(body === undefined ? 0 : Buffer.byteLength(body)),
      };
      const req = mod.request(url, { method, agent: this.agent, headers: { ...headers, ...length } }, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const declared = Number(res.headers['content-length']);
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          // a hostile or broken portal must not make the console buffer without bound
          if (size > MAX_BODY_BYTES) {
            req.destroy();
            reject(
              new ConsoleError(
                'bad-response',
                `${this.host} sent an answer larger than ${MAX_BODY_BYTES / 1_000_000} MB`,
              ),
            );
            return;
          }
          if (receiver) receiveInto(receiver, chunk, size, declared);
          else chunks.push(chunk);
        });
        res.on('end', () => {
          const date = res.headers.date;
          const retryAfter = res.headers['retry-after'];
          resolve({
            status: res.statusCode ?? 0,
            body: receiver
              ? received(receiver, size)
              : chunks.length === 1
                ? (chunks[0] as Buffer)
                : Buffer.concat(chunks, size),
            date: typeof date === 'string' ? date : null,
            retryAfter: typeof retryAfter === 'string' ? retryAfter : null,
          });
        });
        res.on('error', reject);
        res.on('aborted', () => reject(new Error('aborted')));
      });
      flight.req = req;
      if (flight.timedOut || this.closing.signal.aborted) req.destroy();
      req.on('error', (err: NodeJS.ErrnoException) => {
        reject(req.reusedSocket && err.code === 'ECONNRESET' ? new StaleSocketError() : err);
      });
      req.end(body);
    });
  }
}

/** appends `chunk` (ending at `size`) to the receiver's buffer, growing it when it is too small */
function receiveInto(receiver: Receiver, chunk: Buffer, size: number, declared: number): void {
  let into = receiver.buffer;
  if (!into || into.length < size) {
    // the declared length when it is plausible, else room to grow; an eighth more either way, so that a catalog
    // growing by a session does not need a new buffer on the next poll
    const plausible = Number.isSafeInteger(declared) && declared <= MAX_BODY_BYTES ? declared : 2 * size;
    const want = Math.min(MAX_BODY_BYTES, Math.max(size, plausible));
    const grown = Buffer.allocUnsafeSlow(want + (want >> 3));
    if (into) into.copy(grown, 0, 0, size - chunk.length);
    receiver.buffer = into = grown;
  }
  chunk.copy(into, size - chunk.length);
}

/** the answer in the receiver's buffer; a buffer far larger than the answer is traded for one that fits */
function received(receiver: Receiver, size: number): Buffer {
  if (receiver.buffer && receiver.buffer.length > 2 * size + 65_536) {
    // the catalog shrank, or the length header was wrong
    const fitted = Buffer.allocUnsafeSlow(size + (size >> 3));
    receiver.buffer.copy(fitted, 0, 0, size);
    receiver.buffer = fitted;
  }
  return (receiver.buffer ?? Buffer.alloc(0)).subarray(0, size);
}
