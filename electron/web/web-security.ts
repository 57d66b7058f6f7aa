import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The checks web mode makes before anything else runs. Pure functions, tested on their own and used by the
 * server unchanged.
 */

/**
 * The policy of the `<meta>` tag in `renderer/index.html` (a test keeps the two identical). Electron loads the page
 * from `file://` and sees only the meta tag.
 */
export const META_CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
  "connect-src 'self'; base-uri 'none'; form-action 'none'";

/**
 * Web mode's header: the meta policy plus `frame-ancestors`, which browsers honour only in a header (in a meta tag
 * it is ignored with a console error on every page load). A header also covers responses that are not that page
 * and cannot be removed by page script. Threat for frame-ancestors: clickjacking by framing the console.
 */
export const CONTENT_SECURITY_POLICY = `${META_CONTENT_SECURITY_POLICY}; frame-ancestors 'none'`;

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  // Threat: a browser guessing a script type for a JSON or text response (MIME confusion).
  'x-content-type-options': 'nosniff',
  // Threat: the page URL (and any fragment-derived state) leaking to other sites through Referer.
  'referrer-policy': 'no-referrer',
  // Threat: clickjacking by framing the console (frame-ancestors covers CSP-aware browsers, this the rest).
  'x-frame-options': 'DENY',
  // Threat: another origin's window keeping a handle on the console's window.
  'cross-origin-opener-policy': 'same-origin',
  // Threat: other sites embedding the console's responses as resources.
  'cross-origin-resource-policy': 'same-origin',
};

/** A random per-launch token: 32 bytes, base64url. */
export function createToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Constant-time comparison. Both sides are hashed first so their lengths match and the comparison time says
 * nothing about how much of a guess was right (threat: a local process recovering the token by timing).
 */
export function tokenMatches(expected: string, given: unknown): boolean {
  if (typeof given !== 'string' || given.length === 0 || given.length > 1024) return false;
  const a = createHash('sha256').update(expected, 'utf8').digest();
  const b = createHash('sha256').update(given, 'utf8').digest();
  return timingSafeEqual(a, b);
}

/** `Authorization: Bearer <token>` → the token, or null. */
export function bearerToken(header: unknown): string | null {
  if (typeof header !== 'string') return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1] ?? null;
}

/**
 * The Host names the server answers to. Threat: DNS rebinding, where a web page's own host name is re-pointed
 * at 127.0.0.1 so the browser treats the console as same-origin with the attacker's page; the browser still
 * sends the attacker's host name, which is refused here.
 */
export function allowedHosts(host: string, port: number): Set<string> {
  return new Set([`127.0.0.1:${port}`, `localhost:${port}`, `${host.toLowerCase()}:${port}`]);
}

export function isAllowedHost(header: unknown, allowed: ReadonlySet<string>): boolean {
  return typeof header === 'string' && allowed.has(header.toLowerCase());
}

/**
 * Threat: a page on another origin (or a sandboxed `Origin: null` frame) calling the API from the user's
 * browser (CSRF). Requests without Origin come from non-browser clients or same-origin navigations.
 */
export function isAllowedOrigin(header: unknown, allowed: ReadonlySet<string>): boolean {
  if (header === undefined) return true;
  if (typeof header !== 'string') return false;
  if (!header.startsWith('http://')) return false;
  return allowed.has(header.slice('http://'.length).toLowerCase());
}

/** Only loopback: web mode must never listen where another machine can reach it. */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || /^127(\.\d{1,3}){3}$/.test(host);
}
