import type { IncomingMessage, ServerResponse } from 'node:http';
import type { QueryParams } from './query-string';
import { parseFormQuery } from './query-string';

/** Replies the real portal sends as plain text use Django's default content type. */
const TEXT = 'text/html; charset=utf-8';

/** Django's stock 404 page when DEBUG is off. */
const NOT_FOUND_PAGE =
  '<!doctype html>\n<html lang="en">\n<head>\n  <title>Not Found</title>\n</head>\n<body>\n  <h1>Not Found</h1><p>The requested resource was not found on this server.</p>\n</body>\n</html>\n';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface Context {
  req: IncomingMessage;
  res: ServerResponse;
  method: string;
  path: string;
  /** raw query string without `?` */
  rawQuery: string;
  params: Record<string, string>;
  /** `request.GET` (form-urlencoded rules); parsed lazily */
  query(): QueryParams;
  body(): Promise<Buffer>;
}

export function makeContext(req: IncomingMessage, res: ServerResponse, path: string, rawQuery: string, maxBodyBytes: number): Context {
  let query: QueryParams | null = null;
  let body: Promise<Buffer> | null = null;
  return {
    req,
    res,
    method: req.method ?? 'GET',
    path,
    rawQuery,
    params: {},
    query() {
      query ??= parseFormQuery(rawQuery);
      return query;
    },
    body() {
      body ??= readBody(req, maxBodyBytes);
      return body;
    },
  };
}

const EMPTY = Buffer.alloc(0);

function readBody(req: IncomingMessage, maxBodyBytes: number): Promise<Buffer> {
  // most API calls are GETs without a body: do not wait a turn of the event loop for an 'end' event
  if (req.headers['content-length'] === undefined && req.headers['transfer-encoding'] === undefined) return Promise.resolve(EMPTY);
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

export function sendJson(res: ServerResponse, status: number, json: string, headers: Record<string, string> = {}): void {
  // encode once (a large catalog would otherwise be walked twice: for the length and for the write)
  const body = json.length > 4096 ? Buffer.from(json, 'utf8') : json;
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': typeof body === 'string' ? Buffer.byteLength(body) : body.length, ...headers });
  res.end(body);
}

export function sendText(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': TEXT, 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** Missing, invalid or expired token: DOT's `protected_resource` answers 403 with an empty body. */
export function sendForbiddenEmpty(res: ServerResponse): void {
  sendText(res, 403, '');
}

export function sendNotFound(res: ServerResponse): void {
  sendText(res, 404, NOT_FOUND_PAGE);
}

/**
 * A stored or given index_url may hold characters a header cannot carry (controls, non-Latin-1): they are
 * percent-encoded rather than failing the reply.
 */
function headerSafe(location: string): string {
  return location.replace(/[^\t\x20-\x7e\x80-\xff]/gu, (c) => {
    try {
      return encodeURIComponent(c);
    } catch {
      return '%EF%BF%BD'; // a lone surrogate
    }
  });
}

export function sendRedirect(res: ServerResponse, status: 301 | 302, location: string, headers: Record<string, string | string[]> = {}): void {
  res.writeHead(status, { location: headerSafe(location), 'content-type': TEXT, 'content-length': 0, ...headers });
  res.end();
}

export function sendHtml(res: ServerResponse, status: number, html: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, {
    'content-type': TEXT,
    'content-length': Buffer.byteLength(html),
    'cache-control': 'no-store',
    // these pages hold nothing another site should be able to frame (clickjacking on "Finish")
    'x-frame-options': 'DENY',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'same-origin',
    ...headers,
  });
  res.end(html);
}

export function bearerToken(req: IncomingMessage): string | null {
  const header = req.headers.authorization;
  if (header === undefined) return null;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m === null ? null : (m[1] ?? null);
}

export function readCookie(req: IncomingMessage, name: string): string | null {
  const header = req.headers.cookie;
  if (header === undefined) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
