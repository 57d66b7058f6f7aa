import { isIP } from 'node:net';

/**
 * Where a check-in form may send the browser (CSP `form-action`): the portal's origin, and for a host name such as
 * `portal-ui.training.example.org` also `*.training.example.org`, because an Educates portal sends an activated
 * browser on to the session's dashboard on a sibling host (`<session>.training.example.org`), and Chromium checks
 * every redirect that follows a form submission against `form-action`.
 */
export function formTargets(baseUrl: string): string[] {
  let u: URL;
  try {
    u = new URL(baseUrl);
  } catch {
    return [];
  }
  const out = [u.origin];
  const labels = u.hostname.split('.');
  if (isIP(u.hostname) === 0 && labels.length >= 3) {
    out.push(`${u.protocol}//*.${labels.slice(1).join('.')}${u.port ? `:${u.port}` : ''}`);
  }
  return out;
}

/** `url` moved from `fromOrigin` to `toOrigin` (same path and query); other URLs unchanged */
export function rebase(url: string, fromOrigin: string, toOrigin: string): string {
  return url === fromOrigin || url.startsWith(`${fromOrigin}/`) ? toOrigin + url.slice(fromOrigin.length) : url;
}
