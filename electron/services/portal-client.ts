import { z } from 'zod';
import { ConsoleError } from '../../shared/contract';
import { CatalogCache, type CatalogRead } from './catalog-cache';
import type { PortalCredentials, SecretStore } from './core-types';
import { OAuthSession } from './portal-oauth';
import { isRefusedToken, pathOnly, safeJson, statusError, type PortalResponse } from './portal-errors';
import { withRetries, type RetryPolicy } from './portal-retry';
import {
  catalogSchema,
  requestResponseSchema,
  scheduleResponseSchema,
  terminateResponseSchema,
  userSessionsSchema,
  type Catalog,
  type RequestResponse,
  type ScheduleResponse,
  type UserSessions,
} from './portal-schemas';
import { PortalTransport, type Method, type Receiver } from './portal-transport';

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

/** safe: repeating it changes nothing on the portal, so it is retried; unsafe: sent once */
type RequestKind = 'safe' | 'unsafe';

const anyJson = z.unknown();

/**
 * REST client for one Educates or Learning Center training portal, authenticated as its robot account: the API
 * calls in the portal's terms, over an OAuth session (portal-oauth.ts), a transport (portal-transport.ts) with
 * retries for safe requests (portal-retry.ts), a cache of the last catalog (catalog-cache.ts) and the mapping of
 * answers to ConsoleErrors (portal-errors.ts). It never logs: tokens and activation URLs (which carry a token) must
 * not reach a log file.
 */
export class PortalClient {
  readonly baseUrl: string;
  readonly host: string;
  private readonly transport: PortalTransport;
  private readonly auth: OAuthSession;
  private readonly catalogs = new CatalogCache();
  private readonly retry: RetryPolicy;

  constructor(options: PortalClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    const now = options.now ?? Date.now;
    this.transport = new PortalTransport({ baseUrl: this.baseUrl, timeoutMs: options.timeoutMs ?? 15_000, now });
    this.host = this.transport.host;
    this.retry = { retries: options.retries ?? 2, backoff: { baseMs: options.retryBaseMs ?? 250, jitter: 0.5 } };
    this.auth = new OAuthSession({
      host: this.host,
      refreshTokenAccount: options.refreshTokenAccount,
      secretStore: options.secretStore,
      credentials: options.credentials,
      now,
      postToken: (headers, form) => this.transport.exchange('POST', '/oauth2/token/', headers, form),
    });
  }

  /** stops retries and aborts requests in flight */
  close(): void {
    this.transport.close();
  }

  /** forget the access token (e.g. after the credentials were edited); the next call authenticates again */
  resetAuth(): void {
    this.auth.reset();
  }

  /** a valid access token (signs in or renews when needed) */
  accessToken(): Promise<string> {
    return this.auth.accessToken();
  }

  // ---- API ----------------------------------------------------------------------------------------------

  async catalog(states: string[] = ['STARTING', 'RUNNING', 'STOPPING']): Promise<Timed<Catalog>> {
    const q = new URLSearchParams({ sessions: 'true' });
    for (const s of states) q.append('state', s);
    const read = this.catalogs.begin(`/workshops/catalog/environments/?${q.toString()}`);
    let r;
    try {
      r = await this.api('GET', read.path, catalogSchema, 'safe', read);
    } catch (err) {
      this.catalogs.end(read, null);
      throw err;
    }
    this.catalogs.end(read, r.body ? { body: r.body, data: r.data } : null);
    return { data: r.data, unchanged: r.unchanged, clockOffsetMs: r.clockOffsetMs, latencyMs: r.latencyMs };
  }

  /**
   * Whether the portal serves `/workshops/catalog/workshops/` (Educates 2.7 and later; never Learning Center):
   * true on 200, false on 404; any other failure is thrown.
   */
  async servesWorkshopCatalog(): Promise<boolean> {
    try {
      await this.api('GET', '/workshops/catalog/workshops/', anyJson, 'safe');
      return true;
    } catch (err) {
      if (err instanceof ConsoleError && err.code === 'not-found') return false;
      throw err;
    }
  }

  async userSessions(user: string): Promise<UserSessions> {
    const path = `/workshops/user/${encodeURIComponent(user)}/sessions/`;
    return (await this.api('GET', path, userSessionsSchema, 'safe')).data;
  }

  async schedule(session: string): Promise<ScheduleResponse> {
    const path = `/workshops/session/${encodeURIComponent(session)}/schedule/`;
    return (await this.api('GET', path, scheduleResponseSchema, 'safe')).data;
  }

  /** not retried: a second extension could extend twice */
  async extend(session: string): Promise<ScheduleResponse> {
    const path = `/workshops/session/${encodeURIComponent(session)}/extend/`;
    return (await this.api('GET', path, scheduleResponseSchema, 'unsafe')).data;
  }

  async terminate(session: string): Promise<z.infer<typeof terminateResponseSchema>> {
    const path = `/workshops/session/${encodeURIComponent(session)}/terminate/`;
    return (await this.api('GET', path, terminateResponseSchema, 'unsafe')).data;
  }

  /**
   * Requests a session for a NAMED user. Retrying is safe here and only here: the portal returns a user's existing
   * session in this environment (same token) instead of allocating a second one. A request without a user would
   * create a fresh anonymous user each time, so never retry that.
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

  // ---- one authenticated call ---------------------------------------------------------------------------

  private async api<S extends z.ZodType>(
    method: Method,
    path: string,
    schema: S,
    kind: RequestKind,
    /** a catalog read: received into its buffer, and answered from the cache when unchanged */
    read?: CatalogRead,
  ): Promise<Timed<z.output<S>> & { body?: Buffer }> {
    let reauthenticated = false;
    for (;;) {
      const token = await this.auth.accessToken();
      const headers = { authorization: `Bearer ${token}`, accept: 'application/json' };
      const res = await this.send(method, path, headers, kind, read?.receiver);
      if (isRefusedToken(res) && !reauthenticated) {
        // Sign in again once (refresh, else password grant) and retry.
        reauthenticated = true;
        this.auth.refused(token);
        continue;
      }
      if (res.status < 200 || res.status >= 300) throw statusError(this.host, res, reauthenticated);
      const dateMs = res.date ? Date.parse(res.date) : NaN;
      // The Date header has whole seconds (truncated), so its true value is on average half a second later.
      const clockOffsetMs = Number.isFinite(dateMs)
        ? Math.round(dateMs + 500 - (res.startedAt + res.endedAt) / 2)
        : null;
      const latencyMs = res.endedAt - res.startedAt;
      const cached = read?.reuse(res.body) ?? null;
      if (cached !== null) return { data: cached as z.output<S>, unchanged: true, clockOffsetMs, latencyMs };
      const parsed = schema.safeParse(safeJson(res.text));
      if (!parsed.success) {
        throw new ConsoleError('bad-response', `unexpected answer from ${this.host} for ${pathOnly(path)}`);
      }
      return { data: parsed.data, unchanged: false, clockOffsetMs, latencyMs, ...(read && { body: res.body }) };
    }
  }

  private send(method: Method, path: string, headers: Record<string, string>, kind: RequestKind, receiver?: Receiver) {
    const once = (): Promise<PortalResponse> => this.transport.exchange(method, path, headers, undefined, receiver);
    return kind === 'safe' ? withRetries(once, this.retry, this.host, this.transport.signal) : once();
  }
}
