import http from 'node:http';
import https from 'node:https';
import { ConsoleError } from '../../shared/contract';
import type { z } from 'zod';
import type { PortalCredentials, SecretStore } from './core-types';
import {
  catalogSchema,
  oauthErrorSchema,
  requestResponseSchema,
  scheduleResponseSchema,
  terminateResponseSchema,
  tokenResponseSchema,
  userSessionsSchema,
  type Catalog,
  type RequestResponse,
  type ScheduleResponse,
  type UserSessions,
} from './portal-schemas';

/** Answers above this are refused (a catalog of thousands of sessions is a few MB). */
const MAX_BODY_BYTES = 50_000_000;

/** Refresh this long before the access token expires, so a long poll never starts with a dying token. */
const REFRESH_MARGIN_MS = 5 * 60_000;

export interface PortalClientOptions {
  baseUrl: string;
  /** where the current refresh token is kept: `<portalId>:refresh-token`; null keeps it in memory only */
  refreshTokenAccount: string | null;
  secretStore: SecretStore;
  credentials: () => Promise<PortalCredentials>;
  /** per-request timeout */
  timeoutMs?: number;
  /** retries for safe requests (network errors, timeouts, 502/503/504) */
  retries?: number;
  retryBaseMs?: number;
  now?: () => number;
}

export interface Timed<T> {
  data: T;
  /** true when the answer equals the previous one of the same request, ignoring countdowns (data is that one) */
  unchanged: boolean;
  /** portal clock minus local clock, ms, from the Date header at the midpoint of the request; null if absent */
  clockOffsetMs: number | null;
  latencyMs: number;
}

export interface SessionRequestParams {
  environment: string;
  user: string;
  indexUrl: string;
  email?: string | undefined;
  firstName?: string | undefined;
  lastName?: string | undefined;
  /** activation timeout in seconds; omitted lets the portal use its default (60 s) */
  timeout?: number | undefined;
  /** reacquire-only (Educates 3.0+): return this session of the user's, or nothing; never allocate a new one */
  session?: string | undefined;
}

/** One answer; the body is decoded only when something reads `text` (an unchanged catalog never is). */
class RawResponse {
  private decoded: string | null = null;
  constructor(
    readonly status: number,
    readonly body: Buffer,
    readonly date: string | null,
    readonly startedAt: number,
    readonly endedAt: number,
  ) {}
  get text(): string {
    this.decoded ??= this.body.toString('utf8');
    return this.decoded;
  }
}

const COUNTDOWN = Buffer.from('"countdown":');

function skipNumber(buf: Buffer, k: number): number {
  let i = k;
  while (i < buf.length) {
    const c = buf[i] as number;
    if (c !== 0x20 && c !== 0x2d && (c < 0x30 || c > 0x39)) break;
    i++;
  }
  return i;
}

/** where `"countdown":` starts in a JSON body, in order */
export function countdownOffsets(body: Buffer): Int32Array {
  const found: number[] = [];
  for (let i = body.indexOf(COUNTDOWN); i >= 0; i = body.indexOf(COUNTDOWN, i + COUNTDOWN.length)) found.push(i);
  return Int32Array.from(found);
}

/**
 * true when two JSON bodies are byte-identical except for the numbers after "countdown": (no copies made).
 * `aCountdowns` (from `countdownOffsets(a)`) lets the previous answer's positions be found once, not on every poll:
 * `b` is then never searched, only compared, one run of bytes per countdown. A `"countdown":` in `b` that `a` does
 * not have at the same place lies inside a compared run, so it is a difference too.
 */
export function sameIgnoringCountdown(a: Buffer, b: Buffer, aCountdowns: Int32Array = countdownOffsets(a)): boolean {
  let i = 0;
  let j = 0;
  for (const at of aCountdowns) {
    // a[i, at + 12) against b at the same distance: the bytes before this countdown and its `"countdown":`
    const end = at + COUNTDOWN.length;
    const endB = j + (end - i);
    if (endB > b.length || a.compare(b, j, endB, i, end) !== 0) return false;
    i = skipNumber(a, end);
    j = skipNumber(b, endB);
  }
  return a.length - i === b.length - j && a.compare(b, j, b.length, i, a.length) === 0;
}

/**
 * Where a catalog answer is received: a buffer kept from an earlier answer when it is large enough. A busy event's
 * catalog is hundreds of kilobytes every poll; a fresh buffer for each was external memory whose churn set off
 * full garbage collections (with every portal's parsed catalog to mark) every few seconds.
 */
interface Receiver {
  buffer: Buffer | null;
}

interface Token {
  access: string;
  expiresAt: number;
}

type RequestKind = 'safe' | 'unsafe';

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new ConsoleError('cancelled', 'cancelled'));
    const t = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(new ConsoleError('cancelled', 'cancelled'));
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Portal error bodies are plain text or a Django HTML page; keep a short, single-line, tag-free excerpt. */
function excerpt(text: string): string {
  return text
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 160);
}

/**
 * REST client for one Educates or Learning Center training portal, authenticated as its robot account.
 * It never logs: tokens and activation URLs (which carry a token) must not reach a log file.
 */
export class PortalClient {
  readonly baseUrl: string;
  readonly host: string;
  private token: Token | null = null;
  private refreshToken: string | null = null;
  private refreshTokenLoaded = false;
  /** the one token renewal in flight: the portal rotates refresh tokens, so a second concurrent refresh would fail */
  private renewal: Promise<Token> | null = null;
  private readonly closed = new AbortController();
  private readonly inflight = new Set<InFlight>();
  private readonly agent: http.Agent;
  private readonly now: () => number;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly retryBaseMs: number;
  /**
   * The last catalog answer with countdowns blanked, and its parsed form. A busy event's catalog is hundreds of
   * kilobytes polled every few seconds; when only the countdowns moved, re-parsing and re-validating it is waste.
   */
  private lastCatalog: { path: string; body: Buffer; countdowns: Int32Array; data: Catalog; storage: Buffer | null } | null = null;
  /** a buffer the next catalog answer can be received into (the replaced answer's, or an unchanged one's) */
  private spare: Buffer | null = null;
  /** catalog reads in flight: a replaced answer's buffer is reused only when no other read may compare with it */
  private catalogReads = 0;

  constructor(private readonly options: PortalClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    const url = new URL(this.baseUrl);
    this.host = url.host;
    const agentOptions = { keepAlive: true, maxSockets: 16, maxFreeSockets: 4 };
    this.agent = url.protocol === 'https:' ? new https.Agent(agentOptions) : new http.Agent(agentOptions);
    this.now = options.now ?? Date.now;
    this.timeoutMs = options.timeoutMs ?? 15_000;
    this.retries = options.retries ?? 2;
    this.retryBaseMs = options.retryBaseMs ?? 250;
  }

  /** stops retries and aborts requests in flight */
  close(): void {
    this.closed.abort();
    for (const f of this.inflight) f.req?.destroy();
    this.inflight.clear();
    this.agent.destroy();
  }

  /** forget the access token (e.g. after the credentials were edited); the next call authenticates again */
  resetAuth(): void {
    this.token = null;
    this.refreshToken = null;
    this.refreshTokenLoaded = true;
  }

  // ---- API ----------------------------------------------------------------------------------------------

  async catalog(states: string[] = ['STARTING', 'RUNNING', 'STOPPING']): Promise<Timed<Catalog>> {
    const q = new URLSearchParams({ sessions: 'true' });
    for (const s of states) q.append('state', s);
    const path = `/workshops/catalog/environments/?${q.toString()}`;
    const last = this.lastCatalog?.path === path ? this.lastCatalog : null;
    // Taken, not shared: another catalog read (a probe, a bulk action) may run at the same time as the poll.
    const receiver: Receiver = { buffer: this.spare };
    this.spare = null;
    this.catalogReads++;
    let r;
    try {
      r = await this.api('GET', path, catalogSchema, 'safe', (body) => (last && sameIgnoringCountdown(last.body, body, last.countdowns) ? last.data : null), receiver);
    } finally {
      this.catalogReads--;
    }
    if (!r.unchanged && r.body) {
      const replaced = this.lastCatalog;
      this.lastCatalog = { path, body: r.body, countdowns: countdownOffsets(r.body), data: r.data, storage: receiver.buffer };
      // The replaced answer's buffer can take the next one, unless a read still in flight is to be compared with it.
      if (this.catalogReads === 0) this.spare = replaced?.storage ?? null;
    } else {
      this.spare = receiver.buffer; // nothing refers to these bytes any more
    }
    return { data: r.data, unchanged: r.unchanged, clockOffsetMs: r.clockOffsetMs, latencyMs: r.latencyMs };
  }

  async userSessions(user: string): Promise<UserSessions> {
    return (await this.api('GET', `/workshops/user/${encodeURIComponent(user)}/sessions/`, userSessionsSchema, 'safe')).data;
  }

  async schedule(session: string): Promise<ScheduleResponse> {
    return (await this.api('GET', `/workshops/session/${encodeURIComponent(session)}/schedule/`, scheduleResponseSchema, 'safe')).data;
  }

  /** not retried: a second extension could extend twice */
  async extend(session: string): Promise<ScheduleResponse> {
    return (await this.api('GET', `/workshops/session/${encodeURIComponent(session)}/extend/`, scheduleResponseSchema, 'unsafe')).data;
  }

  async terminate(session: string): Promise<z.infer<typeof terminateResponseSchema>> {
    return (await this.api('GET', `/workshops/session/${encodeURIComponent(session)}/terminate/`, terminateResponseSchema, 'unsafe')).data;
  }

  /**
   * Requests a session for a NAMED user. Retrying is safe here and only here: the portal returns a user's
   * existing session in this environment (same token) instead of allocating a second one (reference §4.3,
   * §9.4 step 1). A request without a user would create a fresh anonymous user each time, so never retry that.
   */
  async requestSession(p: SessionRequestParams): Promise<RequestResponse> {
    const q = new URLSearchParams({ index_url: p.indexUrl, user: p.user });
    if (p.email) q.set('email', p.email);
    if (p.firstName) q.set('first_name', p.firstName);
    if (p.lastName) q.set('last_name', p.lastName);
    if (p.timeout !== undefined) q.set('timeout', String(p.timeout));
    if (p.session) q.set('session', p.session);
    // The portal splits its query string by hand and uses unquote (not unquote_plus): spaces must be %20.
    const query = q.toString().replace(/\+/g, '%20');
    const path = `/workshops/environment/${encodeURIComponent(p.environment)}/request/?${query}`;
    return (await this.api('POST', path, requestResponseSchema, 'safe')).data;
  }

  /** absolute activation URL: the portal answers with a path relative to its own URL */
  activationUrl(url: string): string {
    if (/^https?:\/\//i.test(url)) return url;
    return `${this.baseUrl}${url.startsWith('/') ? '' : '/'}${url}`;
  }

  /** authenticates and reads the catalog: what `portals.test` reports */
  async probe(): Promise<{ portalName: string; latencyMs: number }> {
    const r = await this.catalog(['RUNNING']);
    return { portalName: r.data.portal.name, latencyMs: r.latencyMs };
  }

  // ---- authentication -----------------------------------------------------------------------------------

  /** a valid access token; renews about 5 minutes before expiry, one renewal at a time */
  async accessToken(): Promise<string> {
    const t = this.token;
    if (t && t.expiresAt - this.now() > REFRESH_MARGIN_MS) return t.access;
    return (await this.renew()).access;
  }

  /** single-flight: every caller that needs a new token waits for the same renewal */
  private renew(): Promise<Token> {
    if (!this.renewal) {
      this.renewal = this.doRenew().finally(() => {
        this.renewal = null;
      });
    }
    return this.renewal;
  }

  private async doRenew(): Promise<Token> {
    await this.loadRefreshToken();
    if (this.refreshToken) {
      try {
        return await this.grant({ grant_type: 'refresh_token', refresh_token: this.refreshToken });
      } catch (err) {
        // A revoked or rotated-away refresh token: fall back to the password grant. Anything else (portal down)
        // is reported as is.
        if (!(err instanceof ConsoleError && err.code === 'credentials-rejected')) throw err;
        await this.storeRefreshToken(null);
      }
    }
    return this.grant({ grant_type: 'password' });
  }

  private async grant(form: Record<string, string>): Promise<Token> {
    const creds = await this.options.credentials();
    const body = new URLSearchParams(form);
    if (form['grant_type'] === 'password') {
      body.set('username', creds.username);
      body.set('password', creds.password);
    }
    const basic = Buffer.from(`${creds.clientId}:${creds.clientSecret}`).toString('base64');
    const res = await this.send('POST', '/oauth2/token/', {
      authorization: `Basic ${basic}`,
      'content-type': 'application/x-www-form-urlencoded',
    }, body.toString(), 'unsafe');
    if (res.status === 200) {
      const parsed = tokenResponseSchema.safeParse(safeJson(res.text));
      if (!parsed.success) throw new ConsoleError('bad-response', `unexpected token response from ${this.host}`);
      const expiresIn = (parsed.data.expires_in ?? 36_000) * 1000;
      // Saved before it is used: if the console stops right after, the next run must not hold a rotated-away token.
      if (parsed.data.refresh_token) await this.storeRefreshToken(parsed.data.refresh_token);
      this.token = { access: parsed.data.access_token, expiresAt: res.startedAt + expiresIn };
      return this.token;
    }
    const oauth = oauthErrorSchema.safeParse(safeJson(res.text));
    const code = oauth.success ? oauth.data.error : null;
    if (res.status === 401 || code === 'invalid_client') {
      throw new ConsoleError('credentials-rejected', `client id or secret rejected by ${this.host}`);
    }
    if (code === 'invalid_grant') {
      throw new ConsoleError(
        'credentials-rejected',
        form['grant_type'] === 'password' ? `robot password rejected by ${this.host}` : `refresh token rejected by ${this.host}`,
      );
    }
    if (code === 'unauthorized_client' || code === 'unsupported_grant_type') {
      throw new ConsoleError('credentials-rejected', `${this.host} does not allow this client to sign in as the robot (${code})`);
    }
    throw this.statusError(res);
  }

  private async loadRefreshToken(): Promise<void> {
    if (this.refreshTokenLoaded) return;
    this.refreshTokenLoaded = true;
    if (this.options.refreshTokenAccount) {
      try {
        this.refreshToken = await this.options.secretStore.get(this.options.refreshTokenAccount);
      } catch {
        this.refreshToken = null; // keychain hiccup: the password grant still works
      }
    }
  }

  private async storeRefreshToken(value: string | null): Promise<void> {
    this.refreshToken = value;
    this.refreshTokenLoaded = true;
    const account = this.options.refreshTokenAccount;
    if (!account) return;
    try {
      if (value) await this.options.secretStore.set(account, value);
      else await this.options.secretStore.delete(account);
    } catch {
      // The keychain refused: keep the token in memory for this run; the password grant covers the next one.
    }
  }

  // ---- transport ----------------------------------------------------------------------------------------

  private async api<S extends z.ZodType>(
    method: 'GET' | 'POST',
    path: string,
    schema: S,
    kind: RequestKind,
    /** may answer from a cache for a body it has seen before (returns that data) */
    reuse?: (body: Buffer) => z.output<S> | null,
    /** receive the answer into this buffer (grown, i.e. replaced, when too small) */
    receiver?: Receiver,
  ): Promise<Timed<z.output<S>> & { body?: Buffer }> {
    let reauthenticated = false;
    for (;;) {
      const token = await this.accessToken();
      const res = await this.send(method, path, { authorization: `Bearer ${token}`, accept: 'application/json' }, undefined, kind, receiver);
      if (res.status === 403 && res.text.trim() === '' && !reauthenticated) {
        // An empty 403 is the portal's answer to a token it no longer accepts (revoked, purged, portal redeployed).
        // Re-authenticate once (refresh, else password grant) and retry. Only drop the token we used, so that many
        // concurrent callers hitting the same 403 share one renewal.
        reauthenticated = true;
        if (this.token?.access === token) this.token = null;
        continue;
      }
      if (res.status >= 200 && res.status < 300) {
        const dateMs = res.date ? Date.parse(res.date) : NaN;
        // The Date header has whole seconds (truncated), so its true value is on average half a second later.
        const clockOffsetMs = Number.isFinite(dateMs) ? Math.round(dateMs + 500 - (res.startedAt + res.endedAt) / 2) : null;
        const latencyMs = res.endedAt - res.startedAt;
        const cached = reuse?.(res.body) ?? null;
        if (cached !== null) return { data: cached, unchanged: true, clockOffsetMs, latencyMs };
        const parsed = schema.safeParse(safeJson(res.text));
        if (!parsed.success) {
          throw new ConsoleError('bad-response', `unexpected answer from ${this.host} for ${pathOnly(path)}`);
        }
        return { data: parsed.data, unchanged: false, clockOffsetMs, latencyMs, ...(reuse && { body: res.body }) };
      }
      throw this.statusError(res, reauthenticated);
    }
  }

  /** one HTTP exchange with timeout; safe requests are retried with exponential backoff and jitter */
  private async send(
    method: 'GET' | 'POST',
    path: string,
    headers: Record<string, string>,
    body: string | undefined,
    kind: RequestKind,
    receiver?: Receiver,
  ): Promise<RawResponse> {
    const attempts = kind === 'safe' ? this.retries + 1 : 1;
    let lastError: unknown;
    for (let attempt = 0; attempt < attempts; attempt++) {
      if (attempt > 0) {
        const base = this.retryBaseMs * 2 ** (attempt - 1);
        await sleep(base / 2 + Math.random() * base, this.closed.signal);
      }
      try {
        const res = await this.exchange(method, path, headers, body, receiver);
        if (kind === 'safe' && [502, 503, 504].includes(res.status) && attempt + 1 < attempts && !isNoSession(res)) {
          // read (decoded) now: the next attempt is received into the same buffer
          lastError = this.statusError(res);
          continue;
        }
        return res;
      } catch (err) {
        lastError = err;
        if (err instanceof ConsoleError && err.code === 'cancelled') throw err;
      }
    }
    throw lastError;
  }

  private async exchange(
    method: 'GET' | 'POST',
    path: string,
    headers: Record<string, string>,
    body: string | undefined,
    receiver?: Receiver,
  ): Promise<RawResponse> {
    if (this.closed.signal.aborted) throw new ConsoleError('cancelled', 'cancelled');
    // Each request is destroyed by its own timer or by close(); no AbortController per request (cheaper, and
    // AbortSignal.any over a long-lived signal would keep a dependent signal per request alive on Node 20).
    const flight: InFlight = { req: null, timedOut: false };
    const timer = setTimeout(() => {
      flight.timedOut = true;
      flight.req?.destroy();
    }, this.timeoutMs);
    this.inflight.add(flight);
    const startedAt = this.now();
    try {
      let res;
      try {
        res = await this.transport(method, path, headers, body, flight, receiver);
      } catch (err) {
        // A kept-alive socket the portal closed just as it was reused: the request never reached the portal, so
        // sending it once more on a fresh socket is safe for every kind of request (Node's documented pattern).
        if (!(err instanceof StaleSocketError) || flight.timedOut || this.closed.signal.aborted) throw err;
        res = await this.transport(method, path, headers, body, flight, receiver);
      }
      return new RawResponse(res.status, res.body, res.date, startedAt, this.now());
    } catch (err) {
      if (this.closed.signal.aborted) throw new ConsoleError('cancelled', 'cancelled');
      if (flight.timedOut) throw new ConsoleError('portal-timeout', `${this.host} did not answer within ${Math.round(this.timeoutMs / 1000)} s`);
      if (err instanceof ConsoleError) throw err;
      throw new ConsoleError('portal-unreachable', `portal unreachable: ${this.host}`);
    } finally {
      clearTimeout(timer);
      this.inflight.delete(flight);
    }
  }

  /**
   * node:http(s) with a keep-alive agent rather than fetch: about a third of the CPU per request, which matters
   * when 20 portals are polled or a 500-person roster is allocated. Redirects are not followed.
   */
  private transport(
    method: 'GET' | 'POST',
    path: string,
    headers: Record<string, string>,
    body: string | undefined,
    flight: InFlight,
    receiver?: Receiver,
  ): Promise<{ status: number; body: Buffer; date: string | null }> {
    return new Promise((resolve, reject) => {
      const url = new URL(`${this.baseUrl}${path}`);
      const mod = url.protocol === 'https:' ? https : http;
      const req = mod.request(
        url,
        {
          method,
          agent: this.agent,
          // an explicit length (0 for a body-less POST) keeps each request a single write: no chunked terminator
          // sent separately, which Nagle's algorithm and delayed ACKs would hold back
          headers: { ...headers, ...(method === 'POST' && { 'content-length': String(body === undefined ? 0 : Buffer.byteLength(body)) }) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          const declared = Number(res.headers['content-length']);
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            // a hostile or broken portal must not make the console buffer without bound
            if (size > MAX_BODY_BYTES) {
              req.destroy();
              reject(new ConsoleError('bad-response', `${this.host} sent an answer larger than ${MAX_BODY_BYTES / 1_000_000} MB`));
              return;
            }
            if (!receiver) {
              chunks.push(chunk);
              return;
            }
            let into = receiver.buffer;
            if (!into || into.length < size) {
              // the declared length when it is plausible, else room to grow; an eighth more either way, so that a
              // catalog growing by a session does not need a new buffer on the next poll
              const want = Math.min(MAX_BODY_BYTES, Math.max(size, Number.isSafeInteger(declared) && declared <= MAX_BODY_BYTES ? declared : 2 * size));
              const grown = Buffer.allocUnsafeSlow(want + (want >> 3));
              if (into) into.copy(grown, 0, 0, size - chunk.length);
              receiver.buffer = into = grown;
            }
            chunk.copy(into, size - chunk.length);
          });
          res.on('end', () => {
            const date = res.headers.date;
            if (receiver?.buffer && receiver.buffer.length > 2 * size + 65_536) {
              // far larger than this answer (the catalog shrank, or the length header was wrong): keep a fitting one
              const fitted = Buffer.allocUnsafeSlow(size + (size >> 3));
              receiver.buffer.copy(fitted, 0, 0, size);
              receiver.buffer = fitted;
            }
            const received = receiver ? (receiver.buffer ?? Buffer.alloc(0)).subarray(0, size) : chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size);
            resolve({ status: res.statusCode ?? 0, body: received, date: typeof date === 'string' ? date : null });
          });
          res.on('error', reject);
          res.on('aborted', () => reject(new Error('aborted')));
        },
      );
      flight.req = req;
      if (flight.timedOut || this.closed.signal.aborted) req.destroy();
      req.on('error', (err: NodeJS.ErrnoException) => {
        reject(req.reusedSocket && err.code === 'ECONNRESET' ? new StaleSocketError() : err);
      });
      req.end(body);
    });
  }

  private statusError(res: RawResponse, reauthenticated = false): ConsoleError {
    const text = excerpt(res.text);
    if (res.status === 403) {
      if (/environment does not exist/i.test(text)) return new ConsoleError('unknown-workshop', `no such workshop environment on ${this.host}`);
      if (text === '') {
        return new ConsoleError(
          'credentials-rejected',
          reauthenticated ? `${this.host} refused the robot's token even after signing in again` : `${this.host} refused the robot's token`,
        );
      }
      return new ConsoleError('forbidden', `${this.host} refused: ${text}`);
    }
    if (res.status === 404) return new ConsoleError('not-found', `not found on ${this.host} (it may have ended)`);
    if (res.status >= 300 && res.status < 400) {
      return new ConsoleError('bad-response', `${this.host} redirected the request (${res.status}): check the portal URL, it should be the training portal itself`);
    }
    if (res.status === 400) return new ConsoleError('invalid-input', `${this.host} refused the request: ${text || 'bad request'}`);
    if (isNoSession(res)) {
      const body = safeJson(res.text) as { error?: unknown } | null;
      const why = typeof body?.error === 'string' ? body.error : 'No session available';
      if (/reacquired/i.test(why)) {
        return new ConsoleError('conflict', 'this user already has a session that was started from the portal page; it cannot be handed out again');
      }
      return new ConsoleError('no-capacity', `no session available on ${this.host}`);
    }
    if (res.status === 503) return new ConsoleError('portal-unreachable', `portal unreachable: ${this.host} (not ready, 503)`);
    if (res.status === 502 || res.status === 504) return new ConsoleError('portal-unreachable', `portal unreachable: ${this.host} (${res.status} from its gateway)`);
    return new ConsoleError('portal-error', `${this.host} answered ${res.status}${text ? `: ${text}` : ''}`);
  }
}

class StaleSocketError extends Error {}

interface InFlight {
  req: http.ClientRequest | null;
  timedOut: boolean;
}

/** the request endpoint's JSON 503 (capacity or user cap) is an answer, not an outage: never retried */
function isNoSession(res: RawResponse): boolean {
  if (res.status !== 503) return false;
  const body = safeJson(res.text) as { error?: unknown } | null;
  return typeof body?.error === 'string';
}

function pathOnly(path: string): string {
  return path.split('?')[0] ?? path;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}
