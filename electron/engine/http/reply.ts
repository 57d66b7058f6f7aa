/**
 * Replies as values: a handler returns `{status, headers, body}` and the server writes it, only after everything the
 * reply reports has been committed (see `respond` in routes/dispatch.ts). No handler touches a socket.
 */
export interface Reply {
  status: number;
  headers: Record<string, string | string[]>;
  body: string | Buffer;
  /** called once the server is done with `body` (sent, or the connection closed): the buffer may be reused */
  onSent?: () => void;
}

/** A client's mistake (or a refusal) with a plain-text reason; turned into a reply by the dispatcher. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Replies the real portal sends as plain text use Django's default content type. */
export const TEXT = 'text/html; charset=utf-8';

/** Django's stock 404 page when DEBUG is off. */
const NOT_FOUND_PAGE =
  '<!doctype html>\n<html lang="en">\n<head>\n  <title>Not Found</title>\n</head>\n<body>\n' +
  '  <h1>Not Found</h1><p>The requested resource was not found on this server.</p>\n</body>\n</html>\n';

export function json(status: number, body: string, headers: Record<string, string> = {}): Reply {
  return { status, headers: { 'content-type': 'application/json', ...headers }, body };
}

export function text(status: number, body: string, headers: Record<string, string> = {}): Reply {
  return { status, headers: { 'content-type': TEXT, ...headers }, body };
}

/** Missing, invalid or expired token: DOT's `protected_resource` answers 403 with an empty body. */
export function forbiddenEmpty(): Reply {
  return text(403, '');
}

export function notFound(): Reply {
  return text(404, NOT_FOUND_PAGE);
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

export function redirect(status: 301 | 302, location: string, headers: Record<string, string | string[]> = {}): Reply {
  return { status, headers: { location: headerSafe(location), 'content-type': TEXT, ...headers }, body: '' };
}

export function html(status: number, page: string, headers: Record<string, string> = {}): Reply {
  return {
    status,
    headers: {
      'content-type': TEXT,
      'cache-control': 'no-store',
      // these pages hold nothing another site should be able to frame (clickjacking on "Finish")
      'x-frame-options': 'DENY',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'same-origin',
      ...headers,
    },
    body: page,
  };
}

/** An empty reply with the given status and headers (405, OPTIONS, CORS preflight). */
export function empty(status: number, headers: Record<string, string> = {}): Reply {
  return { status, headers: { 'content-type': TEXT, ...headers }, body: '' };
}

/** Ends a handler early with a complete reply (say Django's 404 page from a lookup helper). */
export class ReplyError extends Error {
  constructor(readonly reply: Reply) {
    super(`reply ${reply.status}`);
  }
}
