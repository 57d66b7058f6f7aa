import { ConsoleError } from '../../shared/contract';
import type { PortalCredentials, SecretStore } from './core-types';
import { grantError, safeJson, signInThrottled, ThrottledError, type PortalResponse } from './portal-errors';
import { oauthErrorSchema, tokenResponseSchema } from './portal-schemas';

/** Refresh this long before the access token expires, so a long poll never starts with a dying token. */
const REFRESH_MARGIN_MS = 5 * 60_000;
/** what a token answer without `expires_in` is taken to last (the portal's own default) */
const DEFAULT_TOKEN_S = 36_000;

export interface OAuthOptions {
  host: string;
  /** where the current refresh token is kept: `<portalId>:refresh-token`; null keeps it in memory only */
  refreshTokenAccount: string | null;
  secretStore: SecretStore;
  credentials: () => Promise<PortalCredentials>;
  now: () => number;
  /** posts a form to the portal's `/oauth2/token/` once (never retried: a refresh token works only once) */
  postToken: (headers: Record<string, string>, form: string) => Promise<PortalResponse>;
}

interface Token {
  access: string;
  expiresAt: number;
}

/**
 * The robot's OAuth session with one portal: the password grant with the client's id and secret as HTTP Basic,
 * then refresh grants about 5 minutes before the access token expires. Only one renewal is ever in flight: the
 * portal rotates refresh tokens, so a second concurrent refresh would present a token that was just revoked.
 */
export class OAuthSession {
  private token: Token | null = null;
  private refreshToken: string | null = null;
  private refreshTokenLoaded = false;
  private renewal: Promise<Token> | null = null;
  /** the portal asked for no sign-in before this (local epoch ms); 0: it did not */
  private signInAfter = 0;

  constructor(private readonly o: OAuthOptions) {}

  /** a valid access token; renews about 5 minutes before expiry, one renewal at a time */
  async accessToken(): Promise<string> {
    const t = this.token;
    if (t && t.expiresAt - this.o.now() > REFRESH_MARGIN_MS) return t.access;
    return (await this.renew()).access;
  }

  /**
   * The portal refused `access` (an empty 403): the next caller renews. Only that token is dropped, so that many
   * concurrent callers refused together share one renewal.
   */
  refused(access: string): void {
    if (this.token?.access === access) this.token = null;
  }

  /** forget every token (e.g. after the credentials were edited); the next call signs in with the password */
  reset(): void {
    // new credentials may be what the portal was waiting for: they are tried once (a refusal sets the wait again)
    this.signInAfter = 0;
    this.token = null;
    this.refreshToken = null;
    this.refreshTokenLoaded = true;
  }

  private renew(): Promise<Token> {
    this.renewal ??= this.doRenew().finally(() => {
      this.renewal = null;
    });
    return this.renewal;
  }

  private async doRenew(): Promise<Token> {
    // Every caller (polls, "retry now", actions, dialect probes) stops here while the portal asked for a wait:
    // nothing reaches its token endpoint before then, so no loop of refused sign-ins can extend its block.
    const now = this.o.now();
    if (now < this.signInAfter) throw signInThrottled(this.o.host, this.signInAfter, now);
    try {
      return await this.renewNow();
    } catch (err) {
      if (err instanceof ThrottledError) this.signInAfter = err.retryAt;
      throw err;
    }
  }

  private async renewNow(): Promise<Token> {
    await this.loadRefreshToken();
    if (this.refreshToken) {
      try {
        return await this.grant('refresh_token', { refresh_token: this.refreshToken });
      } catch (err) {
        // A revoked or rotated-away refresh token: fall back to the password grant. Anything else (portal down)
        // is reported as is.
        // A wait the portal asked for is not a refusal of the token: it is kept for after the wait.
        const refused = err instanceof ConsoleError && err.code === 'credentials-rejected';
        if (!refused || err instanceof ThrottledError) throw err;
        await this.storeRefreshToken(null);
      }
    }
    return this.grant('password', {});
  }

  private async grant(grant: 'password' | 'refresh_token', fields: Record<string, string>): Promise<Token> {
    const creds = await this.o.credentials();
    const form = new URLSearchParams({ grant_type: grant, ...fields });
    if (grant === 'password') {
      form.set('username', creds.username);
      form.set('password', creds.password);
    }
    const basic = Buffer.from(`${creds.clientId}:${creds.clientSecret}`).toString('base64');
    const res = await this.o.postToken(
      { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
      form.toString(),
    );
    if (res.status === 200) {
      const parsed = tokenResponseSchema.safeParse(safeJson(res.text));
      if (!parsed.success) throw new ConsoleError('bad-response', `unexpected token response from ${this.o.host}`);
      const expiresIn = (parsed.data.expires_in ?? DEFAULT_TOKEN_S) * 1000;
      // Saved before it is used: if the console stops right after, the next run must not hold a rotated-away token.
      if (parsed.data.refresh_token) await this.storeRefreshToken(parsed.data.refresh_token);
      this.token = { access: parsed.data.access_token, expiresAt: res.startedAt + expiresIn };
      return this.token;
    }
    const oauth = oauthErrorSchema.safeParse(safeJson(res.text));
    throw grantError(this.o.host, res, grant, oauth.success ? oauth.data.error : null);
  }

  private async loadRefreshToken(): Promise<void> {
    if (this.refreshTokenLoaded) return;
    this.refreshTokenLoaded = true;
    if (!this.o.refreshTokenAccount) return;
    try {
      this.refreshToken = await this.o.secretStore.get(this.o.refreshTokenAccount);
    } catch {
      this.refreshToken = null; // keychain hiccup or timeout: the password grant still works
    }
  }

  private async storeRefreshToken(value: string | null): Promise<void> {
    this.refreshToken = value;
    this.refreshTokenLoaded = true;
    const account = this.o.refreshTokenAccount;
    if (!account) return;
    try {
      if (value) await this.o.secretStore.set(account, value);
      else await this.o.secretStore.delete(account);
    } catch {
      // The keychain refused or did not answer: keep the token in memory for this run; the password grant covers
      // the next one.
    }
  }
}
