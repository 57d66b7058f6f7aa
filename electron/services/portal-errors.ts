import { ConsoleError } from '../../shared/contract';

/** One answer from a portal; the body is decoded only when something reads `text` (an unchanged catalog never is). */
export class PortalResponse {
  private decoded: string | null = null;
  constructor(
    readonly status: number,
    readonly body: Buffer,
    readonly date: string | null,
    /** local epoch ms when the request was sent and when its answer was in */
    readonly startedAt: number,
    readonly endedAt: number,
    /** the Retry-After header as sent (seconds or an HTTP date), if any */
    readonly retryAfter: string | null = null,
  ) {}
  get text(): string {
    this.decoded ??= this.body.toString('utf8');
    return this.decoded;
  }
}

/**
 * The portal asked the console to wait before asking again (429, or its token endpoint's `slow_down`): nothing is
 * sent to it before `retryAt` (local epoch ms), whoever asks.
 */
export class ThrottledError extends ConsoleError {
  constructor(
    code: ConsoleError['code'],
    message: string,
    readonly retryAt: number,
  ) {
    super(code, message);
  }
}

/** a wait the console keeps to when the portal names none, or an unreadable one */
const DEFAULT_RETRY_AFTER_MS = 10_000;
/** a longer wait than this is taken as this: a broken header must not silence a portal for days */
const MAX_RETRY_AFTER_MS = 3600_000;

/** When a portal that answered 429 at `at` may be asked again, from its Retry-After (seconds or an HTTP date). */
export function retryAt(res: PortalResponse, at: number): number {
  const value = res.retryAfter?.trim() ?? '';
  let ms = DEFAULT_RETRY_AFTER_MS;
  if (/^\d+$/.test(value)) ms = Number(value) * 1000;
  else if (value !== '' && Number.isFinite(Date.parse(value))) ms = Date.parse(value) - at;
  return at + Math.min(MAX_RETRY_AFTER_MS, Math.max(1000, ms));
}

/** "37 s" or "2 min": how long a wait until `until` is, for a message */
export function waitText(until: number, now: number): string {
  const s = Math.max(1, Math.ceil((until - now) / 1000));
  return s < 120 ? `${s} s` : `${Math.ceil(s / 60)} min`;
}

export function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

/** a request path without its query string, which may carry a user's name or email: fit for a message */
export function pathOnly(path: string): string {
  return path.split('?')[0] ?? path;
}

/** Portal error bodies are plain text or a Django HTML page; keep a short, single-line, tag-free excerpt. */
function excerpt(text: string): string {
  return text
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 160);
}

/** the request endpoint's JSON 503 (capacity or user cap) is an answer, not an outage: never retried */
export function isNoSession(res: PortalResponse): boolean {
  if (res.status !== 503) return false;
  const body = safeJson(res.text) as { error?: unknown } | null;
  return typeof body?.error === 'string';
}

/** the portal's answer to a token it no longer accepts (revoked, purged, portal redeployed) */
export function isRefusedToken(res: PortalResponse): boolean {
  return res.status === 403 && res.text.trim() === '';
}

/**
 * What an unsuccessful answer means for the facilitator, as a ConsoleError naming the portal's host (never a URL
 * with its query). `reauthenticated`: the client already signed in again once for this request.
 */
export function statusError(host: string, res: PortalResponse, reauthenticated = false): ConsoleError {
  const text = excerpt(res.text);
  if (res.status === 403) {
    if (/environment does not exist/i.test(text))
      return new ConsoleError('unknown-workshop', `no such workshop environment on ${host}`);
    if (text === '') {
      return new ConsoleError(
        'credentials-rejected',
        reauthenticated
          ? `${host} refused the robot's token even after signing in again`
          : `${host} refused the robot's token`,
      );
    }
    return new ConsoleError('forbidden', `${host} refused: ${text}`);
  }
  if (res.status === 404) return new ConsoleError('not-found', `not found on ${host} (it may have ended)`);
  if (res.status >= 300 && res.status < 400) {
    return new ConsoleError(
      'bad-response',
      `${host} redirected the request (${res.status}): check the portal URL, it should be the training portal itself`,
    );
  }
  if (res.status === 400)
    return new ConsoleError('invalid-input', `${host} refused the request: ${text || 'bad request'}`);
  if (isNoSession(res)) {
    const body = safeJson(res.text) as { error?: unknown } | null;
    const why = typeof body?.error === 'string' ? body.error : 'No session available';
    if (/reacquired/i.test(why)) {
      return new ConsoleError(
        'conflict',
        'this user already has a session that was started from the portal page; it cannot be handed out again',
      );
    }
    return new ConsoleError('no-capacity', `no session available on ${host}`);
  }
  if (res.status === 429) {
    const at = retryAt(res, res.endedAt);
    return new ThrottledError(
      'portal-error',
      `${host} is limiting requests (429): the console asks again in ${waitText(at, res.endedAt)}`,
      at,
    );
  }
  if (res.status === 503) return new ConsoleError('portal-unreachable', `portal unreachable: ${host} (not ready, 503)`);
  if (res.status === 502 || res.status === 504) {
    return new ConsoleError('portal-unreachable', `portal unreachable: ${host} (${res.status} from its gateway)`);
  }
  return new ConsoleError('portal-error', `${host} answered ${res.status}${text ? `: ${text}` : ''}`);
}

/** what a token endpoint's refusal means: which credential the portal rejected, or else the status as usual */
export function grantError(
  host: string,
  res: PortalResponse,
  grant: 'password' | 'refresh_token',
  oauthCode: string | null,
) {
  if (res.status === 429 || oauthCode === 'slow_down') {
    return signInThrottled(host, retryAt(res, res.endedAt), res.endedAt);
  }
  if (res.status === 401 || oauthCode === 'invalid_client') {
    return new ConsoleError('credentials-rejected', `client id or secret rejected by ${host}`);
  }
  if (oauthCode === 'invalid_grant') {
    return new ConsoleError(
      'credentials-rejected',
      grant === 'password' ? `robot password rejected by ${host}` : `refresh token rejected by ${host}`,
    );
  }
  if (oauthCode === 'unauthorized_client' || oauthCode === 'unsupported_grant_type') {
    return new ConsoleError(
      'credentials-rejected',
      `${host} does not allow this client to sign in as the robot (${oauthCode})`,
    );
  }
  return statusError(host, res);
}

/**
 * The portal's token endpoint refuses sign-ins for a while (429 `slow_down`): it does so after repeated failed
 * password grants for this client from this address, and then refuses even the right password until the wait is over.
 * Counted as refused credentials (that is how it began, and the card and alert send the facilitator to the robot's
 * password), with the wait written out.
 */
export function signInThrottled(host: string, until: number, now: number): ThrottledError {
  return new ThrottledError(
    'credentials-rejected',
    `${host} refuses sign-ins for ${waitText(until, now)} after repeated failed ones (slow_down): check the robot's ` +
      'password; the console signs in again once the wait is over',
    until,
  );
}
