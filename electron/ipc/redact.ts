/**
 * Scrubs text before it reaches a log. Error messages from services and portals can carry activation URLs
 * (their query holds a token), bearer tokens or form-encoded passwords; a log file is plaintext that other
 * tools and bug reports pick up, so these never go there.
 */
const URL_PATTERN = /\b([a-z][a-z0-9+.-]*:\/\/[^\s?#"'<>]*)[?#][^\s"'<>]*/gi;
const USERINFO_PATTERN = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@"'<>]+@/gi;
const BEARER_PATTERN = /\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]+/gi;
const SECRET_KEYS =
  'password|passwd|secret|client_secret|clientSecret|token|access_token|refresh_token|api[_-]?key|authorization';
const KEY_VALUE_PATTERN = new RegExp(`\\b(${SECRET_KEYS})(["']?\\s*[:=]\\s*["']?)[^\\s&"',}]+`, 'gi');

export function redact(text: string): string {
  return text
    .replace(URL_PATTERN, '$1?[redacted]')
    .replace(USERINFO_PATTERN, '$1[redacted]@')
    .replace(BEARER_PATTERN, '$1 [redacted]')
    .replace(KEY_VALUE_PATTERN, '$1$2[redacted]');
}

/** A short, secret-free description of anything thrown. */
export function describeError(err: unknown): string {
  if (err instanceof Error) {
    const frames = (err.stack ?? '').split('\n').slice(1, 6).join('\n');
    return redact(`${err.name}: ${err.message}${frames ? `\n${frames}` : ''}`);
  }
  return redact(`non-error thrown: ${typeof err}`);
}
