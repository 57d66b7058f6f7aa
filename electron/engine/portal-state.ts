import { createHash, randomBytes, randomInt, randomUUID } from 'node:crypto';
import type { AnalyticsMessage, AnalyticsSender } from './analytics';
import { randomAlphanumeric } from './credentials';
import type { Db, Statements } from './database';
import { prepareStatements } from './database';
import { formatDateTime } from './datetime';
import {
  EnvironmentState,
  SessionState,
  type EnvironmentRecord,
  type EnvironmentStateValue,
  type SessionRecord,
  type SessionStateValue,
  type UserRecord,
} from './model';
import type { PortalConfig, RequestParameter, WorkshopDefinition, WorkshopEntry } from './portal-config';

export const ACCESS_TOKEN_SECONDS = 36000;
const REFRESH_TOKEN_MS = 30 * 24 * 3600 * 1000;
const BROWSER_SESSION_MS = 14 * 24 * 3600 * 1000;
/** the deadline timer never fires more often than this, so a burst of deadlines costs one sweep */
const MIN_TICK_GAP_MS = 100;
const RECONCILE_MS = 15000;
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface PortalSettings {
  maximum: number;
  registered: number;
  anonymous: number;
  registrationType: 'one-step' | 'anonymous';
  registrationEnabled: boolean;
  index: string | null;
  catalogVisibility: 'public' | 'private';
  labels: Record<string, string>;
  webhookUrl: string | null;
}

export interface StateOptions {
  startupDelayMs: number;
  purgeAfterMs: number;
  log: (line: string) => void;
  now?: () => number;
}

interface TokenEntry {
  user: UserRecord;
  expiresAt: number;
  pair: string | null;
  kind: 'access' | 'refresh';
}

interface PendingEvent {
  name: string;
  timestamp: number;
  user: string | null;
  session: SessionRecord | null;
  environment: string | null;
  workshop: string | null;
  data: Record<string, unknown>;
}

export type AllocationResult =
  | { ok: true; session: SessionRecord }
  | { ok: false; reason: 'unavailable' | 'cannot-reacquire' };

export interface AllocationRequest {
  token: string | null;
  /** activation timeout in seconds (REST); 0 disables it */
  timeout: number;
  reacquire: string | null;
  indexUrl: string | null;
  analyticsUrl: string | null;
  params: { name: string; value: string }[];
}

export const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

function parseJson<T>(text: string | null, fallback: T): T {
  if (text === null) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

/**
 * The portal's live state: an in-memory index over SQLite (the DB is the source of truth at start; every
 * change is written through in the same synchronous transaction that makes it, before any reply is sent).
 * Node's single thread plus synchronous better-sqlite3 transactions serialize allocations, so one session can
 * never go to two users and capacity can never be exceeded.
 */
export class PortalState {
  name = '';
  uid = '';
  generation = 1;
  url = '';
  settings: PortalSettings = {
    maximum: 0,
    registered: 0,
    anonymous: 0,
    registrationType: 'one-step',
    registrationEnabled: true,
    index: null,
    catalogVisibility: 'private',
    labels: {},
    webhookUrl: null,
  };
  readonly environments = new Map<number, EnvironmentRecord>();
  readonly environmentsByName = new Map<string, EnvironmentRecord>();
  readonly sessions = new Map<number, SessionRecord>();
  readonly sessionsByName = new Map<string, SessionRecord>();
  readonly users = new Map<number, UserRecord>();
  readonly usersByName = new Map<string, UserRecord>();
  readonly workshops = new Map<string, WorkshopDefinition>();
  /** unowned STARTING/WAITING sessions of all environments, oldest first */
  readonly unownedReserved = new Set<SessionRecord>();
  portalActive = 0;
  portalAllocated = 0;
  /** cached `portal` object of catalog replies; reset whenever counters or settings change */
  portalJsonCache: string | null = null;
  private readonly tokens = new Map<string, TokenEntry>();
  private readonly browserSessions = new Map<string, { user: UserRecord; expiresAt: number }>();
  client: { clientId: string; secretHash: string } | null = null;
  private nextSessionId = 1;
  private nextUserId = 1;
  private nextEnvironmentId = 1;
  private readonly st: Statements;
  private inTransaction = false;
  private readonly dirtySessions = new Set<SessionRecord>();
  private readonly deletedSessions = new Set<number>();
  private readonly dirtyEnvironments = new Set<EnvironmentRecord>();
  /** environments whose only change is the session counter (a much cheaper UPDATE) */
  private readonly dirtyTallies = new Set<EnvironmentRecord>();
  private readonly dirtyUsers = new Set<UserRecord>();
  private readonly deletedUsers = new Set<number>();
  private readonly pendingEvents: PendingEvent[] = [];
  private timer: NodeJS.Timeout | null = null;
  private timerAt = Number.POSITIVE_INFINITY;
  private armedFor = Number.POSITIVE_INFINITY;
  private lastTick = 0;
  private reconcileTimer: NodeJS.Timeout | null = null;
  private closed = false;
  readonly now: () => number;

  constructor(
    private readonly db: Db,
    private readonly analytics: AnalyticsSender,
    private readonly options: StateOptions,
  ) {
    this.st = prepareStatements(db);
    this.now = options.now ?? Date.now;
    this.load();
  }

  // ---------------------------------------------------------------- loading

  private load(): void {
    this.environments.clear();
    this.environmentsByName.clear();
    this.sessions.clear();
    this.sessionsByName.clear();
    this.users.clear();
    this.usersByName.clear();
    this.workshops.clear();
    this.unownedReserved.clear();
    this.tokens.clear();
    this.browserSessions.clear();
    this.portalActive = 0;
    this.portalAllocated = 0;
    this.portalJsonCache = null;
    const portal = this.db.prepare('SELECT name, uid, generation, settings FROM portal WHERE id = 1').get() as
      | { name: string; uid: string; generation: number; settings: string }
      | undefined;
    if (portal !== undefined) {
      this.name = portal.name;
      this.uid = portal.uid;
      this.generation = portal.generation;
      this.settings = { ...this.settings, ...parseJson<Partial<PortalSettings>>(portal.settings, {}) };
    }
    const client = this.db.prepare('SELECT client_id, secret_hash FROM oauth_clients LIMIT 1').get() as
      | { client_id: string; secret_hash: string }
      | undefined;
    this.client = client === undefined ? null : { clientId: client.client_id, secretHash: client.secret_hash };
    for (const row of this.db.prepare('SELECT name, definition FROM workshops').all() as { name: string; definition: string }[]) {
      this.workshops.set(row.name, parseJson<WorkshopDefinition>(row.definition, emptyWorkshop(row.name)));
    }
    for (const r of this.db.prepare('SELECT * FROM users').all() as Record<string, unknown>[]) {
      const user: UserRecord = {
        id: Number(r['id']),
        username: String(r['username']),
        passwordHash: (r['password_hash'] as string | null) ?? null,
        isStaff: r['is_staff'] === 1,
        isRobot: r['is_robot'] === 1,
        isAnonymous: r['is_anonymous'] === 1,
        email: String(r['email']),
        firstName: String(r['first_name']),
        lastName: String(r['last_name']),
        createdAt: Number(r['created_at']),
        live: new Set(),
      };
      this.users.set(user.id, user);
      this.usersByName.set(user.username, user);
      this.nextUserId = Math.max(this.nextUserId, user.id + 1);
    }
    for (const r of this.db.prepare('SELECT * FROM environments ORDER BY id').all() as Record<string, unknown>[]) {
      const workshopName = String(r['workshop']);
      const env: EnvironmentRecord = {
        id: Number(r['id']),
        name: String(r['name']),
        workshopName,
        alias: (r['alias'] as string | null) ?? null,
        position: Number(r['position']),
        state: Number(r['state']) as EnvironmentStateValue,
        capacity: Number(r['capacity']),
        reserved: Number(r['reserved']),
        initial: Number(r['initial']),
        expires: Number(r['expires']),
        overtime: Number(r['overtime']),
        deadline: Number(r['deadline']),
        orphaned: Number(r['orphaned']),
        overdue: Number(r['overdue']),
        labels: parseJson<Record<string, string>>(r['labels'] as string, {}),
        tally: Number(r['tally']),
        createdAt: Number(r['created_at']),
        readyAt: (r['ready_at'] as number | null) ?? null,
        workshop: this.workshops.get(workshopName) ?? emptyWorkshop(workshopName),
        active: 0,
        allocated: new Set(),
        available: new Set(),
        reservedLive: 0,
        records: 0,
        workshopJson: null,
      };
      this.environments.set(env.id, env);
      this.environmentsByName.set(env.name, env);
      this.nextEnvironmentId = Math.max(this.nextEnvironmentId, env.id + 1);
    }
    for (const r of this.db.prepare('SELECT * FROM sessions ORDER BY id').all() as Record<string, unknown>[]) {
      const env = this.environments.get(Number(r['environment_id']));
      if (env === undefined) continue;
      const ownerId = r['owner_id'] as number | null;
      const session: SessionRecord = {
        id: Number(r['id']),
        name: String(r['name']),
        env,
        state: Number(r['state']) as SessionStateValue,
        owner: ownerId === null ? null : (this.users.get(ownerId) ?? null),
        token: (r['token'] as string | null) ?? null,
        started: (r['started'] as number | null) ?? null,
        expires: (r['expires'] as number | null) ?? null,
        createdAt: Number(r['created_at']),
        indexUrl: (r['index_url'] as string | null) ?? null,
        analyticsUrl: (r['analytics_url'] as string | null) ?? null,
        params: parseJson<{ name: string; value: string }[]>(r['params'] as string, []),
        configPassword: String(r['config_password']),
        transitionAt: (r['transition_at'] as number | null) ?? null,
        stoppedAt: (r['stopped_at'] as number | null) ?? null,
        activateWhenReady: r['activate_when_ready'] === 1,
        catalogJson: null,
      };
      this.sessions.set(session.id, session);
      this.sessionsByName.set(session.name, session);
      this.nextSessionId = Math.max(this.nextSessionId, session.id + 1);
      env.records += 1;
      this.account(session, 1);
    }
    const now = this.now();
    for (const r of this.db.prepare('SELECT * FROM oauth_tokens WHERE expires_at > ?').all(now) as Record<string, unknown>[]) {
      const user = this.users.get(Number(r['user_id']));
      if (user === undefined) continue;
      this.tokens.set(String(r['hash']), {
        user,
        expiresAt: Number(r['expires_at']),
        pair: (r['pair'] as string | null) ?? null,
        kind: r['kind'] === 'refresh' ? 'refresh' : 'access',
      });
    }
    for (const r of this.db.prepare('SELECT * FROM browser_sessions WHERE expires_at > ?').all(now) as Record<string, unknown>[]) {
      const user = this.users.get(Number(r['user_id']));
      if (user !== undefined) this.browserSessions.set(String(r['hash']), { user, expiresAt: Number(r['expires_at']) });
    }
  }

  // ---------------------------------------------------------------- transactions

  /**
   * Runs `fn` and writes every record it changed in one SQLite transaction. Nested calls join the outer one.
   * If anything throws, the DB rolls back and the in-memory index is rebuilt from the DB, so memory never
   * holds a change the DB does not.
   */
  transaction<T>(fn: () => T): T {
    if (this.inTransaction) return fn();
    if (this.closed) throw new Error('the portal state is closed');
    // Group commit: the first change in a turn of the event loop opens a batch (BEGIN) that commits on
    // setImmediate, once every request of this turn has been handled. Each change runs in its own savepoint
    // (better-sqlite3 nests transactions that way), so a failure undoes only that change. Replies are held
    // back by the HTTP layer (see whenCommitted) until the batch is committed.
    if (!this.db.inTransaction) {
      this.st.begin.run();
      this.batch = { events: [], committed: null, resolve: null, reject: null };
      setImmediate(() => this.commitBatch());
    }
    this.inTransaction = true;
    let result: T;
    try {
      result = this.db.transaction(() => {
        const value = fn();
        const events = this.flush();
        this.batch?.events.push(...events);
        return value;
      })();
    } catch (err) {
      this.dirtySessions.clear();
      this.deletedSessions.clear();
      this.dirtyEnvironments.clear();
      this.dirtyTallies.clear();
      this.dirtyUsers.clear();
      this.deletedUsers.clear();
      this.pendingEvents.length = 0;
      this.load(); // reads the batch's other, still uncommitted, changes through this connection
      throw err;
    } finally {
      this.inTransaction = false;
    }
    this.armTimer();
    return result;
  }

  private batch: {
    events: PendingEvent[];
    committed: Promise<void> | null;
    resolve: (() => void) | null;
    reject: ((err: unknown) => void) | null;
  } | null = null;

  /** Commits the open batch now (at start, at close, and on setImmediate). */
  commitBatch(): void {
    const batch = this.batch;
    if (batch === null) return;
    this.batch = null;
    try {
      if (this.db.inTransaction) this.st.commit.run();
    } catch (err) {
      try {
        if (this.db.inTransaction) this.st.rollback.run();
      } catch {
        // the connection is unusable; the reload below reports it
      }
      this.options.log(`storage: commit failed: ${err instanceof Error ? err.message : String(err)}`);
      this.load();
      batch.reject?.(err);
      return;
    }
    batch.resolve?.();
    this.publish(batch.events);
  }

  /** Resolves once every change made so far is committed (rejects if that commit failed). */
  whenCommitted(): Promise<void> | null {
    const batch = this.batch;
    if (batch === null) return null;
    batch.committed ??= new Promise<void>((resolve, reject) => {
      batch.resolve = resolve;
      batch.reject = reject;
    });
    return batch.committed;
  }

  private flush(): PendingEvent[] {
    for (const user of this.dirtyUsers) {
      if (this.deletedUsers.has(user.id)) continue;
      this.st.upsertUser.run(
        user.id,
        user.username,
        user.passwordHash,
        user.isStaff ? 1 : 0,
        user.isRobot ? 1 : 0,
        user.isAnonymous ? 1 : 0,
        user.email,
        user.firstName,
        user.lastName,
        user.createdAt,
      );
    }
    for (const env of this.dirtyEnvironments) {
      this.st.upsertEnvironment.run(
        env.id,
        env.name,
        env.workshopName,
        env.alias,
        env.position,
        env.state,
        env.capacity,
        env.reserved,
        env.initial,
        env.expires,
        env.overtime,
        env.deadline,
        env.orphaned,
        env.overdue,
        JSON.stringify(env.labels),
        env.tally,
        env.createdAt,
        env.readyAt,
      );
    }
    for (const env of this.dirtyTallies) if (!this.dirtyEnvironments.has(env)) this.st.updateTally.run(env.tally, env.id);
    for (const s of this.dirtySessions) {
      if (this.deletedSessions.has(s.id)) continue;
      this.st.upsertSession.run(
        s.id,
        s.name,
        s.env.id,
        s.state,
        s.owner?.id ?? null,
        s.token,
        s.started,
        s.expires,
        s.createdAt,
        s.indexUrl,
        s.analyticsUrl,
        JSON.stringify(s.params),
        s.configPassword,
        s.transitionAt,
        s.stoppedAt,
        s.activateWhenReady ? 1 : 0,
      );
    }
    for (const id of this.deletedSessions) this.st.deleteSession.run(id);
    for (const id of this.deletedUsers) this.st.deleteUser.run(id);
    const events = this.pendingEvents.splice(0);
    for (const e of events) {
      this.st.insertEvent.run(e.name, e.timestamp, e.user, e.session?.name ?? null, e.environment, e.workshop, JSON.stringify(e.data));
    }
    this.dirtySessions.clear();
    this.deletedSessions.clear();
    this.dirtyEnvironments.clear();
    this.dirtyTallies.clear();
    this.dirtyUsers.clear();
    this.deletedUsers.clear();
    return events;
  }

  private publish(events: PendingEvent[]): void {
    const global = this.settings.webhookUrl;
    for (const e of events) {
      const perSession = e.session?.analyticsUrl ?? null;
      if (global === null && perSession === null) continue;
      const isUserEvent = e.name.startsWith('User/');
      const message: AnalyticsMessage = {
        portal: isUserEvent
          ? { name: this.name, url: this.url }
          : { name: this.name, uid: this.uid, generation: this.generation, url: this.url },
        event: isUserEvent
          ? { name: e.name, timestamp: formatDateTime(e.timestamp), user: e.user, data: e.data }
          : {
              name: e.name,
              timestamp: formatDateTime(e.timestamp),
              user: e.user,
              session: e.session?.name ?? null,
              environment: e.environment,
              workshop: e.workshop,
              data: e.data,
            },
      };
      this.analytics.send([global, perSession], message);
    }
  }

  emit(name: string, fields: { user?: UserRecord | null; session?: SessionRecord | null; env?: EnvironmentRecord | null; data?: Record<string, unknown> }): void {
    const env = fields.env ?? fields.session?.env ?? null;
    this.pendingEvents.push({
      name,
      timestamp: this.now(),
      user: (fields.user ?? fields.session?.owner ?? null)?.username ?? null,
      session: fields.session ?? null,
      environment: env?.name ?? null,
      workshop: env?.workshopName ?? null,
      data: fields.data ?? {},
    });
  }

  // ---------------------------------------------------------------- counters

  /** Adds (+1) or removes (-1) a session's contribution to every counter and index. */
  private account(s: SessionRecord, sign: 1 | -1): void {
    const env = s.env;
    const stopped = s.state === SessionState.STOPPED;
    if (!stopped) {
      env.active += sign;
      this.portalActive += sign;
    }
    if (s.owner !== null && !stopped) {
      if (sign > 0) {
        env.allocated.add(s);
        s.owner.live.add(s);
      } else {
        env.allocated.delete(s);
        s.owner.live.delete(s);
      }
      this.portalAllocated += sign;
    }
    if (s.owner === null && (s.state === SessionState.STARTING || s.state === SessionState.WAITING)) {
      env.reservedLive += sign;
      if (sign > 0) this.unownedReserved.add(s);
      else this.unownedReserved.delete(s);
      if (s.state === SessionState.WAITING) {
        if (sign > 0) env.available.add(s);
        else env.available.delete(s);
      }
    }
    this.portalJsonCache = null;
  }

  updateSession(s: SessionRecord, patch: Partial<Omit<SessionRecord, 'id' | 'name' | 'env'>>): void {
    this.account(s, -1);
    Object.assign(s, patch);
    s.catalogJson = null;
    this.account(s, 1);
    this.dirtySessions.add(s);
    this.noteDeadline(this.sessionDeadline(s));
  }

  touchEnvironment(env: EnvironmentRecord): void {
    env.workshopJson = null;
    this.portalJsonCache = null;
    this.dirtyEnvironments.add(env);
    if (env.readyAt !== null) this.noteDeadline(env.readyAt);
  }

  // ---------------------------------------------------------------- users

  createUser(username: string, fields: Partial<Pick<UserRecord, 'email' | 'firstName' | 'lastName' | 'isAnonymous' | 'isStaff' | 'isRobot' | 'passwordHash'>>): UserRecord {
    const user: UserRecord = {
      id: this.nextUserId++,
      username,
      passwordHash: fields.passwordHash ?? null,
      isStaff: fields.isStaff ?? false,
      isRobot: fields.isRobot ?? false,
      isAnonymous: fields.isAnonymous ?? false,
      email: fields.email ?? '',
      firstName: fields.firstName ?? '',
      lastName: fields.lastName ?? '',
      createdAt: this.now(),
      live: new Set(),
    };
    this.users.set(user.id, user);
    this.usersByName.set(username, user);
    this.dirtyUsers.add(user);
    this.emit('User/Create', { user });
    return user;
  }

  /** Re-applies the robot and admin accounts and the OAuth client from the effective credentials. */
  applyAccounts(robot: { username: string; passwordHash: string }, admin: { username: string; passwordHash: string }, client: { clientId: string; secretHash: string }): void {
    this.transaction(() => {
      for (const user of this.users.values()) {
        if ((user.isRobot && user.username !== robot.username) || (user.isStaff && user.username !== admin.username)) {
          user.isRobot = false;
          user.isStaff = false;
          user.passwordHash = null; // a former robot/admin name must not keep working with its old password
          this.dirtyUsers.add(user);
          this.revokeUserTokens(user);
        }
      }
      for (const [spec, role] of [[robot, 'robot'], [admin, 'admin']] as const) {
        const existing = this.usersByName.get(spec.username);
        const user = existing ?? this.createUser(spec.username, {});
        user.passwordHash = spec.passwordHash;
        user.isRobot = role === 'robot';
        user.isStaff = role === 'admin';
        user.isAnonymous = false;
        this.dirtyUsers.add(user);
      }
      const robotUser = this.usersByName.get(robot.username);
      this.db.prepare('DELETE FROM oauth_clients').run();
      this.db.prepare('INSERT INTO oauth_clients (client_id, secret_hash, user_id) VALUES (?, ?, ?)').run(client.clientId, client.secretHash, robotUser?.id ?? 0);
      this.client = client;
    });
  }

  // ---------------------------------------------------------------- OAuth tokens and browser sessions

  issueTokens(user: UserRecord): { access: string; refresh: string } {
    const access = randomAlphanumeric(30);
    const refresh = randomAlphanumeric(30);
    const accessHash = sha256(access);
    const refreshHash = sha256(refresh);
    const now = this.now();
    const accessEntry: TokenEntry = { user, expiresAt: now + ACCESS_TOKEN_SECONDS * 1000, pair: refreshHash, kind: 'access' };
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
    const entry = this.tokens.get(sha256(token));
    if (entry === undefined || entry.kind !== 'access' || entry.expiresAt <= this.now()) return null;
    return entry.user;
  }

  userForRefreshToken(token: string): UserRecord | null {
    const entry = this.tokens.get(sha256(token));
    if (entry === undefined || entry.kind !== 'refresh' || entry.expiresAt <= this.now()) return null;
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

  private revokeUserTokens(user: UserRecord): void {
    for (const [hash, entry] of this.tokens) {
      if (entry.user === user) {
        this.tokens.delete(hash);
        this.st.deleteToken.run(hash);
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

  // ---------------------------------------------------------------- configuration

  /** Applies a config at start: portal settings, workshops, and the environments (reference §9.1, §9.2). */
  applyConfig(config: PortalConfig, configHash: string): void {
    this.transaction(() => {
      const now = this.now();
      const existing = this.db.prepare('SELECT config_hash FROM portal WHERE id = 1').get() as { config_hash: string } | undefined;
      if (this.uid === '') this.uid = randomUUID();
      if (existing !== undefined && existing.config_hash !== configHash) this.generation += 1;
      this.name = config.name;
      this.settings = {
        maximum: config.maximum,
        registered: config.registered,
        anonymous: config.anonymous,
        registrationType: config.registrationType,
        registrationEnabled: config.registrationEnabled,
        index: config.index,
        catalogVisibility: config.catalogVisibility,
        labels: config.labels,
        webhookUrl: this.settings.webhookUrl,
      };
      this.portalJsonCache = null;
      this.db
        .prepare('INSERT OR REPLACE INTO portal (id, name, uid, generation, config_hash, settings) VALUES (1, ?, ?, ?, ?, ?)')
        .run(this.name, this.uid, this.generation, configHash, JSON.stringify(this.settings));
      const upsertWorkshop = this.db.prepare('INSERT OR REPLACE INTO workshops (name, definition) VALUES (?, ?)');
      for (const entry of config.workshops) {
        this.workshops.set(entry.name, entry.workshop);
        upsertWorkshop.run(entry.name, JSON.stringify(entry.workshop));
      }
      const kept = new Set<EnvironmentRecord>();
      const created: EnvironmentRecord[] = [];
      for (const entry of config.workshops) {
        const match = [...this.environments.values()].find(
          (e) =>
            !kept.has(e) &&
            (e.state === EnvironmentState.STARTING || e.state === EnvironmentState.RUNNING) &&
            e.workshopName === entry.name &&
            e.alias === entry.alias,
        );
        if (match !== undefined) {
          kept.add(match);
          this.updateEnvironmentSettings(match, entry);
        } else {
          const env = this.createEnvironment(entry, now);
          kept.add(env);
          created.push(env);
        }
      }
      for (const env of this.environments.values()) {
        if (!kept.has(env) && (env.state === EnvironmentState.STARTING || env.state === EnvironmentState.RUNNING)) {
          this.stopEnvironment(env);
        }
      }
      for (const env of created) if (env.state === EnvironmentState.RUNNING) this.environmentRunning(env);
    });
  }

  setWebhookUrl(url: string | null): void {
    this.settings.webhookUrl = url;
  }

  private updateEnvironmentSettings(env: EnvironmentRecord, entry: WorkshopEntry): void {
    env.position = entry.position;
    env.capacity = entry.capacity;
    env.reserved = entry.reserved;
    if (env.state === EnvironmentState.STARTING) env.initial = entry.initial;
    env.expires = entry.expires;
    env.overtime = entry.overtime;
    env.deadline = entry.deadline;
    env.orphaned = entry.orphaned;
    env.overdue = entry.overdue;
    env.labels = entry.labels;
    env.workshop = entry.workshop;
    this.touchEnvironment(env);
  }

  private createEnvironment(entry: WorkshopEntry, now: number): EnvironmentRecord {
    const id = this.nextEnvironmentId++;
    const delay = this.options.startupDelayMs;
    const env: EnvironmentRecord = {
      id,
      name: `${this.name}-w${pad(id, 2)}`,
      workshopName: entry.name,
      alias: entry.alias,
      position: entry.position,
      state: delay > 0 ? EnvironmentState.STARTING : EnvironmentState.RUNNING,
      capacity: entry.capacity,
      reserved: entry.reserved,
      initial: entry.initial,
      expires: entry.expires,
      overtime: entry.overtime,
      deadline: entry.deadline,
      orphaned: entry.orphaned,
      overdue: entry.overdue,
      labels: entry.labels,
      tally: 0,
      createdAt: now,
      readyAt: delay > 0 ? now + delay : null,
      workshop: entry.workshop,
      active: 0,
      allocated: new Set(),
      available: new Set(),
      reservedLive: 0,
      records: 0,
      workshopJson: null,
    };
    this.environments.set(id, env);
    this.environmentsByName.set(env.name, env);
    this.touchEnvironment(env);
    this.emit('Environment/Created', { env });
    return env;
  }

  /** STARTING → RUNNING: create `min(initial, headroom)` reserved sessions. */
  private environmentRunning(env: EnvironmentRecord): void {
    env.state = EnvironmentState.RUNNING;
    env.readyAt = null;
    this.touchEnvironment(env);
    const headroom = this.settings.maximum > 0 ? Math.max(0, this.settings.maximum - this.portalActive) : env.initial;
    const count = Math.min(env.initial, headroom, Math.max(0, env.capacity - env.active));
    for (let i = 0; i < count; i++) this.createSession(env, null);
  }

  private stopEnvironment(env: EnvironmentRecord): void {
    env.state = EnvironmentState.STOPPING;
    env.capacity = 0;
    env.reserved = 0;
    env.readyAt = null;
    this.touchEnvironment(env);
    this.emit('Environment/Terminate', { env });
    for (const s of [...env.available, ...this.unownedReserved].filter((x) => x.env === env)) {
      if (s.state !== SessionState.STOPPING && s.state !== SessionState.STOPPED) this.stopSession(s, 'Session/Terminate');
    }
    this.noteDeadline(this.now());
  }

  // ---------------------------------------------------------------- sessions

  private createSession(env: EnvironmentRecord, owner: UserRecord | null): SessionRecord {
    const now = this.now();
    const delay = this.options.startupDelayMs;
    env.tally += 1;
    env.records += 1;
    this.dirtyTallies.add(env);
    const s: SessionRecord = {
      id: this.nextSessionId++,
      name: `${env.name}-s${pad(env.tally, 3)}`,
      env,
      state: delay > 0 ? SessionState.STARTING : SessionState.WAITING,
      owner,
      token: null,
      started: null,
      expires: null,
      createdAt: now,
      indexUrl: null,
      analyticsUrl: null,
      params: [],
      configPassword: randomAlphanumeric(32),
      transitionAt: delay > 0 ? now + delay : null,
      stoppedAt: null,
      activateWhenReady: false,
      catalogJson: null,
    };
    this.sessions.set(s.id, s);
    this.sessionsByName.set(s.name, s);
    this.account(s, 1);
    this.dirtySessions.add(s);
    this.noteDeadline(this.sessionDeadline(s));
    this.emit('Session/Created', { session: s });
    return s;
  }

  /** Marks a session STOPPING (expires = now); it becomes STOPPED when the simulated deletion completes. */
  stopSession(s: SessionRecord, event: string): void {
    const now = this.now();
    this.updateSession(s, {
      state: SessionState.STOPPING,
      expires: now,
      transitionAt: now + this.options.startupDelayMs,
      activateWhenReady: false,
    });
    this.emit(event, { session: s });
  }

  private markRunning(s: SessionRecord): void {
    const now = this.now();
    this.updateSession(s, {
      state: SessionState.RUNNING,
      started: now,
      expires: s.env.expires > 0 ? now + s.env.expires * 1000 : null,
      transitionAt: null,
      activateWhenReady: false,
    });
    this.emit('Session/Started', { session: s });
  }

  /** Activation (reference §5 step 6): a not-yet-RUNNING session goes RUNNING with expiry = now + duration. */
  activate(s: SessionRecord): void {
    this.transaction(() => {
      if (s.state === SessionState.STARTING || s.state === SessionState.WAITING) this.markRunning(s);
    });
  }

  /** `replace_reserved_session` (reference §9.5). */
  private replaceReservedSession(env: EnvironmentRecord): void {
    if (env.state !== EnvironmentState.RUNNING || env.reserved <= 0) return;
    if (env.reservedLive >= env.reserved || env.active >= env.capacity) return;
    if (this.settings.maximum > 0 && this.portalActive >= this.settings.maximum) return;
    this.createSession(env, null);
  }

  /** `retrieve_session_for_user` (reference §9.4). Runs inside one transaction. */
  allocate(env: EnvironmentRecord, user: UserRecord, req: AllocationRequest): AllocationResult {
    return this.transaction((): AllocationResult => {
      const now = this.now();
      for (const s of user.live) {
        if (s.env !== env || s.state === SessionState.STOPPING) continue;
        if (req.reacquire !== null && s.name !== req.reacquire) return { ok: false, reason: 'unavailable' };
        if (req.token !== null && s.token === null) return { ok: false, reason: 'cannot-reacquire' };
        if (req.token !== null && (s.state === SessionState.STARTING || s.state === SessionState.WAITING)) {
          this.updateSession(s, { started: now, expires: this.pendingExpiry(env, req.timeout, now) });
        }
        return { ok: true, session: s };
      }
      if (req.reacquire !== null) return { ok: false, reason: 'unavailable' };
      if (!user.isStaff) {
        const cap = user.isAnonymous ? this.settings.anonymous : this.settings.registered;
        if (cap > 0 && user.live.size >= cap) return { ok: false, reason: 'unavailable' };
      }
      if (env.state !== EnvironmentState.RUNNING) {
        // STOPPING/STOPPED environments have capacity 0; the caller refuses STARTING ones beforehand
        return { ok: false, reason: 'unavailable' };
      }
      const reserved = env.available.values().next();
      if (!reserved.done) {
        const s = reserved.value;
        this.assign(s, user, req, now);
        this.replaceReservedSession(env);
        return { ok: true, session: s };
      }
      if (env.active >= env.capacity) return { ok: false, reason: 'unavailable' };
      const maximum = this.settings.maximum;
      if (maximum > 0) {
        if (this.portalAllocated >= maximum) return { ok: false, reason: 'unavailable' };
        if (this.portalActive >= maximum) {
          const oldest = this.unownedReserved.values().next();
          if (oldest.done) return { ok: false, reason: 'unavailable' };
          this.stopSession(oldest.value, 'Session/Terminate');
        }
      }
      const s = this.createSession(env, null);
      this.assign(s, user, req, now);
      return { ok: true, session: s };
    });
  }

  private pendingExpiry(env: EnvironmentRecord, timeout: number, now: number): number | null {
    if (timeout > 0) return now + timeout * 1000;
    return env.expires > 0 ? now + env.expires * 1000 : null;
  }

  private assign(s: SessionRecord, user: UserRecord, req: AllocationRequest, now: number): void {
    const common = {
      owner: user,
      indexUrl: req.indexUrl,
      analyticsUrl: req.analyticsUrl,
      params: req.params,
    };
    if (req.token !== null) {
      this.updateSession(s, { ...common, token: req.token, started: now, expires: this.pendingExpiry(s.env, req.timeout, now) });
      this.emit('Session/Pending', { session: s });
    } else if (s.state === SessionState.WAITING) {
      this.updateSession(s, common);
      this.markRunning(s);
    } else {
      this.updateSession(s, { ...common, started: now, activateWhenReady: true });
    }
  }

  extend(s: SessionRecord, expires: number): void {
    this.transaction(() => {
      this.updateSession(s, { expires });
      this.emit('Session/Extended', { session: s });
    });
  }

  terminate(s: SessionRecord): void {
    this.transaction(() => this.stopSession(s, 'Session/Stopping'));
  }

  recordEvent(s: SessionRecord, caller: UserRecord, name: string, data: Record<string, unknown>): void {
    this.transaction(() => this.emit(name, { session: s, user: s.owner ?? caller, data }));
  }

  // ---------------------------------------------------------------- deadlines

  private sessionDeadline(s: SessionRecord): number {
    switch (s.state) {
      case SessionState.STARTING: {
        const owned = s.owner !== null && s.expires !== null ? s.expires : Number.POSITIVE_INFINITY;
        return Math.min(s.transitionAt ?? Number.POSITIVE_INFINITY, owned);
      }
      case SessionState.WAITING:
      case SessionState.RUNNING:
        return s.owner !== null && s.expires !== null ? s.expires : Number.POSITIVE_INFINITY;
      case SessionState.STOPPING:
        return s.transitionAt ?? this.now();
      case SessionState.STOPPED:
        return (s.stoppedAt ?? this.now()) + this.options.purgeAfterMs;
      default:
        return Number.POSITIVE_INFINITY;
    }
  }

  private noteDeadline(at: number): void {
    if (at < this.timerAt) this.timerAt = at;
  }

  /** One timer for the earliest deadline, re-armed after every change (instead of the portal's 15 s sweep). */
  private armTimer(): void {
    if (this.closed || this.timerAt === Number.POSITIVE_INFINITY) return;
    const target = Math.max(this.timerAt, this.lastTick + MIN_TICK_GAP_MS);
    if (this.timer !== null && this.armedFor <= target) return;
    if (this.timer !== null) clearTimeout(this.timer);
    this.armedFor = target;
    this.timer = setTimeout(() => this.tick(), Math.min(MAX_TIMER_MS, Math.max(0, target - this.now())));
  }

  /** Processes every due deadline (reference §9.2–§9.6), then re-arms for the next one. */
  tick(): void {
    // tick() also runs from the reconcile interval: never lose the handle of a timer that is still armed
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.armedFor = Number.POSITIVE_INFINITY;
    if (this.closed) return;
    this.lastTick = this.now();
    this.timerAt = Number.POSITIVE_INFINITY;
    try {
      this.transaction(() => {
        const now = this.now();
        for (const env of this.environments.values()) {
          if (env.state === EnvironmentState.STARTING) {
            if (env.readyAt === null || env.readyAt <= now) this.environmentRunning(env);
            else this.noteDeadline(env.readyAt);
          }
        }
        const touched = new Set<EnvironmentRecord>();
        for (const s of [...this.sessions.values()]) {
          const due = this.sessionDeadline(s);
          if (due > now) {
            this.noteDeadline(due);
            continue;
          }
          if (s.state === SessionState.STARTING && s.transitionAt !== null && s.transitionAt <= now) {
            if (s.activateWhenReady) this.markRunning(s);
            else this.updateSession(s, { state: SessionState.WAITING, transitionAt: null });
            touched.add(s.env);
            continue;
          }
          if (s.state === SessionState.STARTING || s.state === SessionState.WAITING || s.state === SessionState.RUNNING) {
            this.stopSession(s, 'Session/Expired');
          } else if (s.state === SessionState.STOPPING) {
            this.updateSession(s, { state: SessionState.STOPPED, transitionAt: null, stoppedAt: now });
            this.emit('Session/Deleted', { session: s });
            touched.add(s.env);
          } else if (s.state === SessionState.STOPPED) {
            this.purgeSession(s);
          }
        }
        for (const env of touched) this.replaceReservedSession(env);
        this.drainEnvironments();
      });
    } catch (err) {
      this.options.log(`lifecycle: sweep failed: ${err instanceof Error ? err.message : String(err)}`);
      this.noteDeadline(this.now() + 1000);
    }
    this.armTimer();
  }

  private purgeSession(s: SessionRecord): void {
    this.account(s, -1);
    this.sessions.delete(s.id);
    this.sessionsByName.delete(s.name);
    this.deletedSessions.add(s.id);
    s.env.records -= 1;
    const owner = s.owner;
    // anonymous users older than the purge age with no sessions left go too (reference §9.3)
    if (owner !== null && owner.isAnonymous && owner.live.size === 0 && owner.createdAt + this.options.purgeAfterMs <= this.now()) {
      const stillReferenced = [...this.sessions.values()].some((x) => x.owner === owner);
      if (!stillReferenced) {
        this.users.delete(owner.id);
        this.usersByName.delete(owner.username);
        this.deletedUsers.add(owner.id);
        this.revokeUserTokens(owner);
        this.emit('User/Delete', { user: owner });
      }
    }
  }

  private drainEnvironments(): void {
    for (const env of this.environments.values()) {
      if (env.state === EnvironmentState.STOPPING && env.active === 0) {
        env.state = EnvironmentState.STOPPED;
        this.touchEnvironment(env);
        this.emit('Environment/Deleted', { env });
      }
    }
  }

  /** The periodic reconcile (trim, top-up, drain, token clean-up); deadlines have their own timer. */
  reconcile(): void {
    if (this.closed) return;
    try {
      this.transaction(() => {
        this.trimReserved();
        this.topUpReserved();
        this.drainEnvironments();
        const now = this.now();
        this.st.deleteExpiredTokens.run(now);
        this.st.deleteExpiredBrowserSessions.run(now);
      });
      const now = this.now();
      for (const [hash, entry] of this.tokens) if (entry.expiresAt <= now) this.tokens.delete(hash);
      for (const [hash, entry] of this.browserSessions) if (entry.expiresAt <= now) this.browserSessions.delete(hash);
    } catch (err) {
      this.options.log(`lifecycle: reconcile failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private trimReserved(): void {
    for (const env of this.environments.values()) {
      if (env.state !== EnvironmentState.RUNNING) continue;
      if (env.initial > env.reserved) continue; // extra initial sessions are only used up, never trimmed
      const extra = env.available.size - env.reserved;
      if (extra <= 0) continue;
      for (const s of [...env.available].slice(-extra)) this.stopSession(s, 'Session/Terminate');
    }
    const maximum = this.settings.maximum;
    if (maximum > 0) {
      for (const s of [...this.unownedReserved]) {
        if (this.portalActive <= maximum) break;
        this.stopSession(s, 'Session/Terminate');
      }
    }
  }

  private topUpReserved(): void {
    for (const env of [...this.environments.values()].sort((a, b) => a.position - b.position)) {
      if (env.state !== EnvironmentState.RUNNING || env.reserved <= 0) continue;
      if (env.initial === 0 && env.records === 0) continue;
      let count = Math.min(env.reserved - env.reservedLive, env.capacity - env.active);
      if (this.settings.maximum > 0) count = Math.min(count, this.settings.maximum - this.portalActive);
      for (let i = 0; i < count; i++) this.createSession(env, null);
    }
  }

  start(): void {
    this.tick();
    this.reconcile();
    this.armTimer();
    this.reconcileTimer = setInterval(() => {
      this.reconcile();
      this.tick();
    }, RECONCILE_MS);
    this.reconcileTimer.unref();
  }

  close(): void {
    this.commitBatch();
    this.closed = true;
    if (this.timer !== null) clearTimeout(this.timer);
    if (this.reconcileTimer !== null) clearInterval(this.reconcileTimer);
    this.timer = null;
    this.reconcileTimer = null;
  }
}

function emptyWorkshop(name: string): WorkshopDefinition {
  return { name, title: name, description: '', vendor: '', authors: [], difficulty: '', duration: '', tags: [], labels: {}, logo: '', url: '', parameters: [] };
}

/** Resolves request parameters against the Workshop's declared ones (reference §4.1). */
export function resolveParameters(declared: RequestParameter[], supplied: { name: string; value: string }[]): { name: string; value: string }[] {
  const given = new Map(supplied.map((p) => [p.name, p.value]));
  return declared.map((d) => {
    const value = given.get(d.name);
    if (value !== undefined) return { name: d.name, value };
    if (d.generate === 'expression' && d.from !== null) return { name: d.name, value: generateFromPattern(d.from) };
    return { name: d.name, value: d.value };
  });
}

/**
 * A random value for `generate: expression`. Supports the patterns workshops use in practice: a sequence of
 * literal characters and `[classes]` with optional `{n}` counts, e.g. `[a-z0-9]{8}`. Anything else falls back
 * to 16 random letters and digits.
 */
export function generateFromPattern(pattern: string): string {
  const re = /\[([^\]]+)\](?:\{(\d+)\})?|\\(.)|([^[\\{}()*+?|^$.])(?:\{(\d+)\})?/gy;
  let out = '';
  let m: RegExpExecArray | null;
  let consumed = 0;
  while ((m = re.exec(pattern)) !== null) {
    consumed = re.lastIndex;
    if (m[1] !== undefined) {
      const chars = expandClass(m[1]);
      const n = Math.min(Number(m[2] ?? '1'), 256);
      for (let i = 0; i < n; i++) out += chars.charAt(randomInt(chars.length));
    } else if (m[3] !== undefined) {
      out += m[3];
    } else if (m[4] !== undefined) {
      out += m[4].repeat(Math.min(Number(m[5] ?? '1'), 256));
    }
  }
  if (consumed !== pattern.length || out === '') return randomAlphanumeric(16);
  return out;
}

function expandClass(body: string): string {
  let chars = '';
  for (let i = 0; i < body.length; i++) {
    const c = body.charAt(i);
    if (body.charAt(i + 1) === '-' && i + 2 < body.length) {
      const from = c.charCodeAt(0);
      const to = body.charCodeAt(i + 2);
      for (let k = from; k <= to && chars.length < 512; k++) chars += String.fromCharCode(k);
      i += 2;
    } else chars += c;
  }
  return chars === '' ? 'x' : chars;
}
