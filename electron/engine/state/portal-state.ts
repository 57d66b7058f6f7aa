import { randomUUID } from 'node:crypto';
import { analyticsMessage, type AnalyticsEvent, type AnalyticsSender } from './analytics';
import { AuthStore } from './auth-store';
import { randomAlphanumeric } from '../config/credentials';
import type { Db, Statements } from '../persistence/database';
import { prepareStatements } from '../persistence/database';
import { ChangeSet } from '../persistence/change-set';
import { DeadlineTimer } from './deadline-timer';
import { EnvironmentState, SessionState, type EnvironmentRecord, type SessionRecord, type UserRecord } from '../domain/model';
import type { PortalConfig, WorkshopDefinition, WorkshopEntry } from '../domain/portal-config';
import { initialSessionCount, replaceReservedSession, topUpReserved, trimReserved } from './reserved-pool';
import { emptyWorkshop, entrySettings, environmentFromRow, environmentRecord, parseJson, sessionFromRow, userFromRow } from '../persistence/state-records';

const RECONCILE_MS = 15000;

/** The portal-level settings of the config the state keeps (and persists); the webhook comes from the options. */
export type PortalSettings = Pick<
  PortalConfig,
  'maximum' | 'registered' | 'anonymous' | 'registrationType' | 'registrationEnabled' | 'index' | 'catalogVisibility' | 'labels' | 'webhookUrl'
>;

export interface StateOptions {
  startupDelayMs: number;
  purgeAfterMs: number;
  log: (line: string) => void;
  now?: () => number;
}

/** An event waiting for its transaction to commit; `session` is kept for its per-session analytics_url. */
type PendingEvent = Omit<AnalyticsEvent, 'session'> & { session: SessionRecord | null };

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

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
  /** OAuth tokens and browser logins */
  readonly auth: AuthStore;
  client: { clientId: string; secretHash: string } | null = null;
  private nextSessionId = 1;
  private nextUserId = 1;
  private nextEnvironmentId = 1;
  private readonly st: Statements;
  private inTransaction = false;
  /** what the open transaction changed */
  private readonly changes = new ChangeSet();
  private readonly pendingEvents: PendingEvent[] = [];
  /** events committed before start(), when the portal URL the messages carry is not known yet */
  private heldEvents: PendingEvent[] | null = [];
  private readonly deadlines: DeadlineTimer;
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
    this.auth = new AuthStore(this.st, this.now, (fn) => this.transaction(fn));
    this.deadlines = new DeadlineTimer(this.now, () => this.tick());
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
      const user = userFromRow(r);
      this.users.set(user.id, user);
      this.usersByName.set(user.username, user);
      this.nextUserId = Math.max(this.nextUserId, user.id + 1);
    }
    for (const r of this.db.prepare('SELECT * FROM environments ORDER BY id').all() as Record<string, unknown>[]) {
      const env = environmentFromRow(r, this.workshops);
      this.environments.set(env.id, env);
      this.environmentsByName.set(env.name, env);
      this.nextEnvironmentId = Math.max(this.nextEnvironmentId, env.id + 1);
    }
    for (const r of this.db.prepare('SELECT * FROM sessions ORDER BY id').all() as Record<string, unknown>[]) {
      const env = this.environments.get(Number(r['environment_id']));
      if (env === undefined) continue;
      const session = sessionFromRow(r, env, this.users);
      this.sessions.set(session.id, session);
      this.sessionsByName.set(session.name, session);
      this.nextSessionId = Math.max(this.nextSessionId, session.id + 1);
      env.records += 1;
      this.account(session, 1);
    }
    this.auth.load(this.db, this.users);
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
      this.changes.clear();
      this.pendingEvents.length = 0;
      this.load(); // reads the batch's other, still uncommitted, changes through this connection
      throw err;
    } finally {
      this.inTransaction = false;
    }
    this.deadlines.arm();
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
    this.changes.write(this.st);
    const events = this.pendingEvents.splice(0);
    for (const e of events) {
      this.st.insertEvent.run(e.name, e.timestamp, e.user, e.session?.name ?? null, e.environment, e.workshop, JSON.stringify(e.data));
    }
    return events;
  }

  private publish(events: PendingEvent[]): void {
    if (this.heldEvents !== null) {
      this.heldEvents.push(...events);
      return;
    }
    const global = this.settings.webhookUrl;
    for (const e of events) {
      const perSession = e.session?.analyticsUrl ?? null;
      if (global === null && perSession === null) continue;
      const portal = { name: this.name, uid: this.uid, generation: this.generation, url: this.url };
      this.analytics.send([global, perSession], analyticsMessage(portal, { ...e, session: e.session?.name ?? null }));
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
      // session events name the Workshop resource (`session.workshop_name()`), environment events the published name
      workshop: env === null ? null : fields.session == null ? (env.alias ?? env.workshopName) : env.workshopName,
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
    this.changes.sessions.add(s);
    this.deadlines.note(this.sessionDeadline(s));
  }

  touchEnvironment(env: EnvironmentRecord): void {
    env.workshopJson = null;
    this.portalJsonCache = null;
    this.changes.environments.add(env);
    if (env.readyAt !== null) this.deadlines.note(env.readyAt);
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
    this.changes.users.add(user);
    // the portal reports the users it creates for REST requests and anonymous logins, not its robot or admin account
    if (user.isAnonymous) this.emit('User/Create', { user, data: { group: 'anonymous' } });
    return user;
  }

  /**
   * Undoes `createUser` inside the transaction that created it, before anything was written or sent: a browser that
   * got no session must leave no user behind (a flood of cookie-less requests would otherwise create one each).
   */
  discardNewUser(user: UserRecord): void {
    if (!this.inTransaction || user.live.size > 0) throw new Error('only a user created in this transaction, with no session, can be discarded');
    this.users.delete(user.id);
    this.usersByName.delete(user.username);
    this.changes.users.delete(user);
    for (let i = this.pendingEvents.length - 1; i >= 0; i--) {
      if (this.pendingEvents[i]?.user === user.username) this.pendingEvents.splice(i, 1);
    }
  }

  /** Re-applies the robot and admin accounts and the OAuth client from the effective credentials. */
  applyAccounts(robot: { username: string; passwordHash: string }, admin: { username: string; passwordHash: string }, client: { clientId: string; secretHash: string }): void {
    this.transaction(() => {
      for (const user of this.users.values()) {
        if ((user.isRobot && user.username !== robot.username) || (user.isStaff && user.username !== admin.username)) {
          user.isRobot = false;
          user.isStaff = false;
          user.passwordHash = null; // a former robot/admin name must not keep working with its old password
          this.changes.users.add(user);
          this.auth.revokeUser(user, false);
        }
      }
      for (const [spec, role] of [[robot, 'robot'], [admin, 'admin']] as const) {
        const existing = this.usersByName.get(spec.username);
        const user = existing ?? this.createUser(spec.username, {});
        user.passwordHash = spec.passwordHash;
        user.isRobot = role === 'robot';
        user.isStaff = role === 'admin';
        user.isAnonymous = false;
        this.changes.users.add(user);
      }
      const robotUser = this.usersByName.get(robot.username);
      this.db.prepare('DELETE FROM oauth_clients').run();
      this.db.prepare('INSERT INTO oauth_clients (client_id, secret_hash, user_id) VALUES (?, ?, ?)').run(client.clientId, client.secretHash, robotUser?.id ?? 0);
      this.client = client;
    });
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
    // `initial` only changes while the environment is still STARTING
    Object.assign(env, entrySettings(entry), env.state === EnvironmentState.STARTING ? {} : { initial: env.initial });
    this.touchEnvironment(env);
  }

  private createEnvironment(entry: WorkshopEntry, now: number): EnvironmentRecord {
    const id = this.nextEnvironmentId++;
    const delay = this.options.startupDelayMs;
    const env = environmentRecord({
      id,
      name: `${this.name}-w${pad(id, 2)}`,
      workshopName: entry.name,
      alias: entry.alias,
      ...entrySettings(entry),
      state: delay > 0 ? EnvironmentState.STARTING : EnvironmentState.RUNNING,
      tally: 0,
      createdAt: now,
      readyAt: delay > 0 ? now + delay : null,
    });
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
    const count = initialSessionCount(this, env);
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
    this.deadlines.note(this.now());
  }

  // ---------------------------------------------------------------- sessions

  /** A new session record (reserved when `owner` is null), STARTING for the simulated start-up delay. */
  createSession(env: EnvironmentRecord, owner: UserRecord | null): SessionRecord {
    const now = this.now();
    const delay = this.options.startupDelayMs;
    env.tally += 1;
    env.records += 1;
    this.changes.tallies.add(env);
    const s: SessionRecord = {
      id: this.nextSessionId++,
      name: `${env.name}-s${pad(env.tally, 3)}`,
      env,
      state: delay > 0 ? SessionState.STARTING : SessionState.WAITING,
      owner,
      token: null,
      startedAt: null,
      expiresAt: null,
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
    this.changes.sessions.add(s);
    this.deadlines.note(this.sessionDeadline(s));
    this.emit('Session/Created', { session: s });
    return s;
  }

  /**
   * `mark_as_stopping()` (expires = now); the session becomes STOPPED when the simulated deletion completes. Marking a
   * session that is already STOPPING again (terminate, /delete/) moves `expires` but keeps the deletion time.
   */
  stopSession(s: SessionRecord, event: string): void {
    const now = this.now();
    const stopping = s.state === SessionState.STOPPING && s.transitionAt !== null;
    this.updateSession(s, {
      state: SessionState.STOPPING,
      expiresAt: now,
      transitionAt: stopping ? s.transitionAt : now + this.options.startupDelayMs,
      activateWhenReady: false,
    });
    this.emit(event, { session: s });
  }

  /** `mark_as_running()`: RUNNING, started = now, expires = now + duration (or none). */
  markRunning(s: SessionRecord): void {
    const now = this.now();
    this.updateSession(s, {
      state: SessionState.RUNNING,
      startedAt: now,
      expiresAt: s.env.durationS > 0 ? now + s.env.durationS * 1000 : null,
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

  extend(s: SessionRecord, expiresAt: number): void {
    this.transaction(() => {
      this.updateSession(s, { expiresAt });
      this.emit('Session/Extended', { session: s });
    });
  }

  /** REST terminate and the browser's /delete/: STOPPING with `Session/Stopping` (reference §7). */
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
        const owned = s.owner !== null && s.expiresAt !== null ? s.expiresAt : Number.POSITIVE_INFINITY;
        return Math.min(s.transitionAt ?? Number.POSITIVE_INFINITY, owned);
      }
      case SessionState.WAITING:
      case SessionState.RUNNING:
        return s.owner !== null && s.expiresAt !== null ? s.expiresAt : Number.POSITIVE_INFINITY;
      case SessionState.STOPPING:
        return s.transitionAt ?? this.now();
      case SessionState.STOPPED:
        return (s.stoppedAt ?? this.now()) + this.options.purgeAfterMs;
      default:
        return Number.POSITIVE_INFINITY;
    }
  }

  /** Processes every due deadline (reference §9.2–§9.6), then re-arms for the next one. */
  tick(): void {
    if (!this.deadlines.beginSweep()) return;
    try {
      this.transaction(() => {
        const now = this.now();
        for (const env of this.environments.values()) {
          if (env.state === EnvironmentState.STARTING) {
            if (env.readyAt === null || env.readyAt <= now) this.environmentRunning(env);
            else this.deadlines.note(env.readyAt);
          }
        }
        const touched = new Set<EnvironmentRecord>();
        for (const s of [...this.sessions.values()]) {
          const due = this.sessionDeadline(s);
          if (due > now) {
            this.deadlines.note(due);
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
            if (s.owner !== null) this.emit('Session/Deleted', { session: s });
            touched.add(s.env);
          } else if (s.state === SessionState.STOPPED) {
            this.purgeSession(s);
          }
        }
        for (const env of touched) replaceReservedSession(this, env);
        this.drainEnvironments();
      });
    } catch (err) {
      this.options.log(`lifecycle: sweep failed: ${err instanceof Error ? err.message : String(err)}`);
      this.deadlines.note(this.now() + 1000);
    }
    this.deadlines.arm();
  }

  private purgeSession(s: SessionRecord): void {
    this.account(s, -1);
    this.sessions.delete(s.id);
    this.sessionsByName.delete(s.name);
    this.changes.deletedSessions.add(s.id);
    s.env.records -= 1;
    const owner = s.owner;
    // anonymous users older than the purge age with no sessions left go too (reference §9.3)
    if (owner !== null && owner.isAnonymous && owner.live.size === 0 && owner.createdAt + this.options.purgeAfterMs <= this.now()) {
      if (![...this.sessions.values()].some((x) => x.owner === owner)) this.deleteAnonymousUser(owner);
    }
  }

  /**
   * `cleanup_old_sessions_and_users`: anonymous users older than the purge age that own no session record at all
   * (for example one created by a request that got a 503) are deleted in the periodic reconcile.
   */
  private purgeAnonymousUsers(now: number): void {
    let owners: Set<UserRecord> | null = null;
    for (const user of [...this.users.values()]) {
      if (!user.isAnonymous || user.createdAt + this.options.purgeAfterMs > now) continue;
      if (owners === null) {
        owners = new Set();
        for (const x of this.sessions.values()) if (x.owner !== null) owners.add(x.owner);
      }
      if (!owners.has(user)) this.deleteAnonymousUser(user);
    }
  }

  /** Deletes a user with its tokens and browser logins (Django invalidates them with the user); sends User/Delete. */
  private deleteAnonymousUser(user: UserRecord): void {
    this.users.delete(user.id);
    this.usersByName.delete(user.username);
    this.changes.deletedUsers.add(user.id);
    this.auth.revokeUser(user, true);
    this.emit('User/Delete', { user, data: { group: 'anonymous' } });
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
        trimReserved(this);
        topUpReserved(this);
        this.drainEnvironments();
        const now = this.now();
        this.purgeAnonymousUsers(now);
        this.auth.deleteExpiredRows(now);
      });
      this.auth.forgetExpired(this.now());
    } catch (err) {
      this.options.log(`lifecycle: reconcile failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /** Starts the timers; call once `url` is set (events committed before are sent now, with it). */
  start(): void {
    const held = this.heldEvents ?? [];
    this.heldEvents = null;
    this.publish(held);
    this.tick();
    this.reconcile();
    this.deadlines.arm();
    this.reconcileTimer = setInterval(() => {
      this.reconcile();
      this.tick();
    }, RECONCILE_MS);
    this.reconcileTimer.unref();
  }

  close(): void {
    this.commitBatch();
    this.closed = true;
    this.deadlines.close();
    if (this.reconcileTimer !== null) clearInterval(this.reconcileTimer);
    this.reconcileTimer = null;
  }
}
