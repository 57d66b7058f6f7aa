/**
 * The rules for URLs the console takes (portal URLs, index URLs), shared by the contract's schemas, the console
 * core and the portal form, so the page explains exactly what the core will do.
 */

// URL is a global in every runtime the contract runs in (Node, Chromium, Electron); `shared` compiles without the
// DOM or Node type libraries, so the part of it used here is declared for this module only.
declare const URL: new (input: string) => {
  readonly origin: string;
  readonly host: string;
  readonly username: string;
  readonly password: string;
  readonly pathname: string;
  readonly search: string;
  readonly hash: string;
};

/**
 * First path segments of a training portal's own pages and API (Educates and Learning Center). A pasted link to
 * one of them (`…/workshops/catalog/`, `…/oauth2/token/`) is trimmed to the portal's root.
 */
const PORTAL_SECTIONS = new Set([
  'workshops',
  'oauth2',
  'accounts',
  'admin',
  'static',
  'media',
  'catalog',
  'login',
  'logout',
]);

export const USERINFO_MESSAGE = 'must not contain a user name or password';
export const PORTAL_USERINFO_MESSAGE =
  'must not contain a user name or password (the robot credentials have their own fields)';

function parse(url: string): InstanceType<typeof URL> | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/**
 * Whether the URL carries userinfo (`user:pass@`, `user@`, even an empty `@`). Threat: a password stored in plain
 * text and copied into every activation link's `index_url`, and an address that shows one host and talks to
 * another (`http://portal.example.org:443@127.0.0.1:18101` reaches 127.0.0.1).
 */
export function hasUserinfo(url: string): boolean {
  const parsed = parse(url);
  if (parsed && (parsed.username !== '' || parsed.password !== '')) return true;
  // An empty userinfo (`http://@host`) parses to empty names but still hides part of the address.
  const authority = /^[a-z][a-z0-9+.-]*:[/\\]{2}([^/?#\\]*)/i.exec(url.trim());
  return authority !== null && (authority[1] ?? '').includes('@');
}

/** The URL with any userinfo removed (settings written by older versions), or null if it cannot be read. */
export function withoutUserinfo(url: string): string | null {
  const parsed = parse(url);
  if (!parsed) return null;
  return `${parsed.origin}${parsed.pathname}${parsed.search}${parsed.hash}`;
}

export type PortalRoot =
  { ok: true; url: string; host: string; trimmed: string | null } | { ok: false; reason: string; host: string | null };

/**
 * A training portal is served at the root of its host (its pages and links use absolute paths such as
 * `/workshops/…`), so its URL is an origin. A link into the portal is trimmed to that root (`trimmed` names what
 * was dropped); any other path is refused with a hint, since a portal behind a path prefix would hand attendees
 * links that miss the prefix.
 */
export function portalRoot(url: string): PortalRoot {
  const parsed = parse(url.trim());
  if (!parsed) return { ok: false, reason: 'is not a URL', host: null };
  if (hasUserinfo(url)) return { ok: false, reason: PORTAL_USERINFO_MESSAGE, host: parsed.host };
  const segments = parsed.pathname.split('/').filter(Boolean);
  const first = segments[0];
  if (first !== undefined && !PORTAL_SECTIONS.has(first.toLowerCase())) {
    return {
      ok: false,
      reason: `a training portal is served at the root of its host: use ${parsed.origin} (without ${parsed.pathname})`,
      host: parsed.host,
    };
  }
  const rest = `${parsed.pathname === '/' ? '' : parsed.pathname}${parsed.search}${parsed.hash}`;
  return { ok: true, url: parsed.origin, host: parsed.host, trimmed: rest === '' ? null : rest };
}

/** Two portal URLs name the same portal when they have the same origin (a portal lives at its host's root). */
export function samePortal(a: string, b: string): boolean {
  const pa = parse(a.trim());
  const pb = parse(b.trim());
  return pa !== null && pb !== null && pa.origin === pb.origin;
}
