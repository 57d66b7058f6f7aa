import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { parseFormQuery, type QueryParams } from './query-string';
import { HttpError } from './reply';

/** A request as the routes see it: no socket, so handlers can be run and tested without one. */
export interface EngineRequest {
  method: string;
  /** the path as sent (percent-encoded) */
  path: string;
  /** raw query string without `?` */
  rawQuery: string;
  headers: IncomingHttpHeaders;
  remoteAddress: string;
  /** `request.GET` (form-urlencoded rules); parsed lazily */
  query(): QueryParams;
  /** the body; rejects with HttpError 413 over the size limit */
  body(): Promise<Buffer>;
}

const EMPTY = Buffer.alloc(0);

function split(url: string): { path: string; rawQuery: string } {
  const q = url.indexOf('?');
  return q < 0 ? { path: url, rawQuery: '' } : { path: url.slice(0, q), rawQuery: url.slice(q + 1) };
}

function lazyQuery(rawQuery: string): () => QueryParams {
  let query: QueryParams | null = null;
  return () => (query ??= parseFormQuery(rawQuery));
}

/** A request received by the Node server. */
export function requestFromNode(req: IncomingMessage, maxBodyBytes: number): EngineRequest {
  const { path, rawQuery } = split(req.url ?? '/');
  let body: Promise<Buffer> | null = null;
  return {
    method: req.method ?? 'GET',
    path,
    rawQuery,
    headers: req.headers,
    remoteAddress: req.socket.remoteAddress ?? '',
    query: lazyQuery(rawQuery),
    body: () => (body ??= readBody(req, maxBodyBytes)),
  };
}

/** A request made up in memory (tests of the routes without sockets). */
export function makeRequest(init: {
  method?: string;
  url: string;
  headers?: IncomingHttpHeaders;
  body?: string | Buffer;
  remoteAddress?: string;
}): EngineRequest {
  const { path, rawQuery } = split(init.url);
  const body = init.body === undefined ? EMPTY : Buffer.from(init.body);
  return {
    method: init.method ?? 'GET',
    path,
    rawQuery,
    headers: init.headers ?? {},
    remoteAddress: init.remoteAddress ?? '127.0.0.1',
    query: lazyQuery(rawQuery),
    body: () => Promise.resolve(body),
  };
}

function readBody(req: IncomingMessage, maxBodyBytes: number): Promise<Buffer> {
  // most API calls are GETs without a body: do not wait a turn of the event loop for an 'end' event
  if (req.headers['content-length'] === undefined && req.headers['transfer-encoding'] === undefined)
    return Promise.resolve(EMPTY);
  if (req.headers['content-length'] === '0') return Promise.resolve(EMPTY);
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? '0');
    if (declared > maxBodyBytes) {
      reject(new HttpError(413, 'Request body too large'));
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBodyBytes) {
        reject(new HttpError(413, 'Request body too large'));
        req.removeAllListeners('data');
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)));
    req.on('error', () => reject(new HttpError(400, 'Request body could not be read')));
  });
}

export function bearerToken(headers: IncomingHttpHeaders): string | null {
  const header = headers.authorization;
  if (header === undefined) return null;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m === null ? null : (m[1] ?? null);
}

export function readCookie(headers: IncomingHttpHeaders, name: string): string | null {
  const header = headers.cookie;
  if (header === undefined) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}
