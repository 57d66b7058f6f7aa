import { createHash, randomBytes } from 'node:crypto';
import { randomAlphanumeric } from '../config/credentials';
import type { Db, Statements } from '../persistence/database';
import type { UserRecord } from '../domain/model';

export const ACCESS_TOKEN_SECONDS = 36000;
const REFRESH_TOKEN_MS = 30 * 24 * 3600 * 1000;
const BROWSER_SESSION_MS = 14 * 24 * 3600 * 1000;

export const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

interface TokenEntry {
  user: UserRecord;
  expiresAt: number;
  pair: string | null;
  kind: 'access' | 'refresh';
}

/**
 * OAuth access/refresh tokens and browser login sessions: in memory by SHA-256, written through to SQLite (only
 * the hashes are ever stored). `transaction` is the portal state's, so every write joins its group commit.
 */
export class AuthStore {
  private readonly tokens = new Map<string, TokenEntry>();
  private readonly browserSessions = new Map<string, { user: UserRecord; expiresAt: number }>();

  constructor(
    private readonly st: Statements,
    private readonly now: () => number,
    private readonly transaction: <T>(fn: () => T) => T,
  ) {}

  /** (Re)loads the unexpired tokens and logins of known users. */
  load(db: Db, users: Map<number, UserRecord>): void {
    this.tokens.clear();
    this.browserSessions.clear();
    const now = this.now();
    for (const r of db.prepare('SELECT * FROM oauth_tokens WHERE expires_at > ?').all(now) as Record<
      string,
      unknown
    >[]) {
      const user = users.get(Number(r['user_id']));
      if (user === undefined) continue;
      this.tokens.set(String(r['hash']), {
        user,
        expiresAt: Number(r['expires_at']),
        pair: (r['pair'] as string | null) ?? null,
        kind: r['kind'] === 'refresh' ? 'refresh' : 'access',
      });
    }
    for (const r of db.prepare('SELECT * FROM browser_sessions WHERE expires_at > ?').all(now) as Record<
      string,
      unknown
    >[]) {
      const user = users.get(Number(r['user_id']));
      if (user !== undefined) this.browserSessions.set(String(r['hash']), { user, expiresAt: Number(r['expires_at']) });
    }
  }

  issueTokens(user: UserRecord): { access: string; refresh: string } {
    const access = randomAlphanumeric(30);
    const refresh = randomAlphanumeric(30);
    const accessHash = sha256(access);
    const refreshHash = sha256(refresh);
    const now = this.now();
    const accessEntry: TokenEntry = {
      user,
      expiresAt: now + ACCESS_TOKEN_SECONDS * 1000,
      pair: refreshHash,
      kind: 'access',
    };
    const refreshEntry: TokenEntry = { user, expiresAt: now + REFRESH_TOKEN_MS, pair: accessHash, kind: 'refresh' };
    this.transaction(() => {
      this.st.insertToken.run(accessHash, 'access', user.id, accessEntry.expiresAt, refreshHash);
      this.st.insertToken.run(refreshHash, 'refresh', user.id, refreshEntry.expiresAt, accessHash);
    });
    this.tokens.set(accessHash, accessEntry);
    this.tokens.set(refreshHash, refreshEntry);
    return { access, refresh };
  }

  /** The user a Bearer access token belongs to, or null when missing, unknown, revoked or expired. */
  userForAccessToken(token: string): UserRecord | null {
    return this.userForToken(token, 'access');
  }

  userForRefreshToken(token: string): UserRecord | null {
    return this.userForToken(token, 'refresh');
  }

  private userForToken(token: string, kind: TokenEntry['kind']): UserRecord | null {
    const entry = this.tokens.get(sha256(token));
    if (entry === undefined || entry.kind !== kind || entry.expiresAt <= this.now()) return null;
    return entry.user;
  }

  /** Revokes a token and its pair (rotating a refresh token revokes its access token too, as DOT does). */
  revokeToken(token: string): void {
    const hash = sha256(token);
    const entry = this.tokens.get(hash);
    if (entry === undefined) return;
    this.transaction(() => {
      this.st.deleteToken.run(hash);
      if (entry.pair !== null) this.st.deleteToken.run(entry.pair);
    });
    this.tokens.delete(hash);
    if (entry.pair !== null) this.tokens.delete(entry.pair);
  }

  /** Drops a user's tokens (and, with `logins`, browser logins); runs inside the caller's transaction. */
  revokeUser(user: UserRecord, logins: boolean): void {
    for (const [hash, entry] of this.tokens) {
      if (entry.user === user) {
        this.tokens.delete(hash);
        this.st.deleteToken.run(hash);
      }
    }
    if (!logins) return;
    for (const [hash, entry] of this.browserSessions) {
      if (entry.user === user) {
        this.browserSessions.delete(hash);
        this.st.deleteBrowserSession.run(hash);
      }
    }
  }

  createBrowserSession(user: UserRecord): string {
    const id = randomBytes(32).toString('base64url');
    const hash = sha256(id);
    const expiresAt = this.now() + BROWSER_SESSION_MS;
    this.transaction(() => this.st.insertBrowserSession.run(hash, user.id, expiresAt));
    this.browserSessions.set(hash, { user, expiresAt });
    return id;
  }

  userForBrowserSession(id: string): UserRecord | null {
    const entry = this.browserSessions.get(sha256(id));
    if (entry === undefined || entry.expiresAt <= this.now()) return null;
    return entry.user;
  }

  /** Deletes expired rows (inside the caller's transaction). */
  deleteExpiredRows(now: number): void {
    this.st.deleteExpiredTokens.run(now);
    this.st.deleteExpiredBrowserSessions.run(now);
  }

  /** Forgets expired entries in memory (after the transaction that deleted their rows committed). */
  forgetExpired(now: number): void {
    for (const [hash, entry] of this.tokens) if (entry.expiresAt <= now) this.tokens.delete(hash);
    for (const [hash, entry] of this.browserSessions) if (entry.expiresAt <= now) this.browserSessions.delete(hash);
  }
}
