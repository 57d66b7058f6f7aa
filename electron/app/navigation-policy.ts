/**
 * Where the app's web contents may go. Pure functions, tested in plain Node, used unchanged by
 * `security.ts` (which wires them to Electron's events).
 */

/**
 * Only http(s) links leave the app, and only to the user's browser. Threat: `shell.openExternal` with
 * `file:`, `smb:`, `javascript:` or custom protocol handlers can run programs or leak credentials (NTLM).
 */
export function isSafeExternalUrl(url: unknown): url is string {
  if (typeof url !== 'string' || url.length > 2048) return false;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return false;
  // Credentials in the link would be shown to (and sent by) the browser without the user seeing them.
  if (parsed.username !== '' || parsed.password !== '') return false;
  return parsed.hostname !== '';
}

/** True when `url` is the app's own page (any in-page fragment allowed); `appUrl` is that page's URL. */
export function isAppUrl(url: string, appUrl: string): boolean {
  let target: URL;
  let own: URL;
  try {
    target = new URL(url);
    own = new URL(appUrl);
  } catch {
    return false;
  }
  if (own.protocol === 'file:') {
    // No query either: the IPC sender check refuses `index.html?…`, so the window must never show it.
    return (
      target.protocol === 'file:' &&
      target.host === own.host &&
      target.pathname === own.pathname &&
      target.search === ''
    );
  }
  return target.origin === own.origin;
}

export type NavigationDecision = { action: 'allow' } | { action: 'deny'; openExternal: string | null };

/**
 * In-window navigation (`will-navigate`, `will-redirect`, `will-frame-navigate`): stay on the app's page.
 * Threat: a link, redirect or injected script loading remote content into a window that has the preload.
 * Leaving is denied; an http(s) target is offered to the user's browser instead.
 */
export function decideNavigation(url: string, appUrl: string): NavigationDecision {
  if (isAppUrl(url, appUrl)) return { action: 'allow' };
  return { action: 'deny', openExternal: isSafeExternalUrl(url) ? url : null };
}

/**
 * `window.open` and `target=_blank`: never a new Electron window (it would inherit privileges it should not
 * have). Threat: popups of remote content with access to the bridge. http(s) goes to the browser.
 */
export function decideWindowOpen(url: string): { action: 'deny'; openExternal: string | null } {
  return { action: 'deny', openExternal: isSafeExternalUrl(url) ? url : null };
}

/**
 * Permission requests (camera, microphone, geolocation, notifications from the page, clipboard reads, …):
 * refused. Threat: a compromised renderer silently turning on devices or reading the clipboard (which may
 * hold a password copied elsewhere). The one exception is writing sanitized text to the clipboard, which the
 * "copy activation link" button needs; it reveals nothing to the page. OS notifications are raised by main.
 */
export const ALLOWED_PERMISSIONS: ReadonlySet<string> = new Set(['clipboard-sanitized-write']);

export function decidePermission(permission: string): boolean {
  return ALLOWED_PERMISSIONS.has(permission);
}

/**
 * Downloads: only files the page made itself (the roster CSV export builds a blob), never a remote URL.
 * Threat: a navigation or injected link dropping a remote file on disk.
 */
export function isAllowedDownload(url: string): boolean {
  return url.startsWith('blob:') || url.startsWith('data:');
}
