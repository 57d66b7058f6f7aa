import { AuthStore } from './auth-store';
import type { Clock } from './clock';
import type { EventFields, EventOutbox } from './outbox';
import { GroupCommit } from './group-commit';
import { ChangeSet } from '../persistence/change-set';
import { prepareStatements, type Db, type Statements } from '../persistence/database';
import {
  environmentRecord,
  newUser,
  readSnapshot,
  type StoredEnvironment,
  type UserFields,
} from '../persistence/state-records';
import { SessionState, type EnvironmentRecord, type SessionRecord, type UserRecord } from '../domain/model';
import {
  DEFAULT_SETTINGS,
  type OAuthClient,
  type PortalSettings,
  type WorkshopDefinition,
} from '../domain/portal-config';
import type { SessionPatch, StoreHooks } from './store-hooks';

export type { SessionPatch, StoreHooks } from './store-hooks';

/**
 * The portal's records: an in-memory index over SQLite (the database is the source of truth at start), the
 * counters the allocation rules need, transactions with group commit, and the event outbox. Every change is made
 * through a method here, inside `transaction()`, and written through in that same synchronous transaction, so memory
 * never holds a change the database does not. Node's single thread plus synchronous better-sqlite3 transactions
 * serialize allocations: one session can never go to two users and a capacity can never be exceeded.
 *
 * The lifecycle (sessions, environments, deadlines) depends on this class, never the other way round: it hears of
 * changes through `StoreHooks`.
 */
export class PortalStore {
  private identity = { name: '', uid: '', generation: 1, url: '', configHash: null as string | null };
  private portalSettings: PortalSettings = { ...DEFAULT_SETTINGS };
  private oauthClient: OAuthClient | null = null;
  private readonly environmentsById = new Map<number, EnvironmentRecord>();
  private readonly environmentsByName = new Map<string, EnvironmentRecord>();
  private readonly sessionsById = new Map<number, SessionRecord>();
  private readonly sessionsByName = new Map<string, SessionRecord>();
  private readonly usersById = new Map<number, UserRecord>();
  private readonly usersByName = new Map<string, UserRecord>();
  private readonly workshopDefinitions = new Map<string, WorkshopDefinition>();
  /** unowned STARTING/WAITING sessions of all environments, oldest first */
  private readonly reservedSessions = new Set<SessionRecord>();
  private active = 0;
  private allocated = 0;
  private portalRevision = 0;
  private nextSessionId = 1;
  private nextUserId = 1;
  private nextEnvironmentId = 1;
  private readonly st: Statements;
  private inTransaction = false;
  private closed = false;
  /** what the open transaction changed */
  private readonly changes = new ChangeSet();
  private readonly group: GroupCommit;
  private hooks: StoreHooks | null = null;
  /** runs a change in a savepoint of the open batch and writes what it changed */
  private readonly inSavepoint: (fn: () => unknown) => unknown;
  /** OAuth tokens and browser logins */
  readonly auth: AuthStore;

  constructor(
    private readonly db: Db,
    private readonly outbox: EventOutbox,
    private readonly clock: Clock,
    log: (line: string) => void,
  ) {
    this.st = prepareStatements(db);
    this.group = new GroupCommit(db, this.st, outbox, log, () => this.reload());
    // made once: better-sqlite3 builds four wrappers and their properties for every db.transaction() call
    this.inSavepoint = db.transaction((fn: () => unknown): unknown => {
      const value = fn();
      this.changes.write(this.st);
      this.group.add(this.outbox.flush());
      return value;
    });
    this.auth = new AuthStore(
      this.st,
      () => clock.now(),
      (fn) => this.transaction(fn),
    );
    this.load();
  }

  setHooks(hooks: StoreHooks): void {
    this.hooks = hooks;
  }

  now(): number {
    return this.clock.now();
  }

  get name(): string {
    return this.identity.name;
  }
  get uid(): string {
    return this.identity.uid;
  }
  get generation(): number {
    return this.identity.generation;
  }
  /** e.g. http://127.0.0.1:8080, once the engine listens */
  get url(): string {
    return this.identity.url;
  }
  /** of the config the database was last started with (null for a new database) */
  get configHash(): string | null {
    return this.identity.configHash;
  }
  get settings(): Readonly<PortalSettings> {
    return this.portalSettings;
  }
  get client(): OAuthClient | null {
    return this.oauthClient;
  }
  /** sessions not STOPPED, of every environment */
  get portalActive(): number {
    return this.active;
  }
  /** owned sessions not STOPPED, of every environment */
  get portalAllocated(): number {
    return this.allocated;
  }
  /** bumped whenever the portal object of the catalog (identity, settings, allocated count) changes */
  get revision(): number {
    return this.portalRevision;
  }
  environments(): IterableIterator<EnvironmentRecord> {
    return this.environmentsById.values();
  }
  environmentNamed(name: string): EnvironmentRecord | undefined {
    return this.environmentsByName.get(name);
  }
  sessions(): IterableIterator<SessionRecord> {
    return this.sessionsById.values();
  }
  sessionNamed(name: string): SessionRecord | undefined {
    return this.sessionsByName.get(name);
  }
  users(): IterableIterator<UserRecord> {
    return this.usersById.values();
  }
  userNamed(name: string): UserRecord | undefined {
    return this.usersByName.get(name);
  }
  workshop(name: string): WorkshopDefinition | undefined {
    return this.workshopDefinitions.get(name);
  }
  /** unowned STARTING/WAITING sessions of all environments, in creation order */
  get unownedReserved(): ReadonlySet<SessionRecord> {
    return this.reservedSessions;
  }

  private load(): void {
    this.environmentsById.clear();
    this.environmentsByName.clear();
    this.sessionsById.clear();
    this.sessionsByName.clear();
    this.usersById.clear();
    this.usersByName.clear();
    this.workshopDefinitions.clear();
    this.reservedSessions.clear();
    this.active = 0;
    this.allocated = 0;
    this.portalRevision += 1;
    const snapshot = readSnapshot(this.st);
    if (snapshot.portal !== null) {
      const { name, uid, generation, configHash, settings } = snapshot.portal;
      this.identity = { ...this.identity, name, uid, generation, configHash };
      this.portalSettings = { ...DEFAULT_SETTINGS, ...settings, webhookUrl: this.portalSettings.webhookUrl };
    }
    this.oauthClient = snapshot.client;
    for (const [name, definition] of snapshot.workshops) this.workshopDefinitions.set(name, definition);
    for (const user of snapshot.users) {
      this.usersById.set(user.id, user);
      this.usersByName.set(user.username, user);
      this.nextUserId = Math.max(this.nextUserId, user.id + 1);
    }
    for (const env of snapshot.environments) {
      this.environmentsById.set(env.id, env);
      this.environmentsByName.set(env.name, env);
      this.nextEnvironmentId = Math.max(this.nextEnvironmentId, env.id + 1);
    }
    const now = this.clock.now();
    for (const session of snapshot.sessions) {
      // activity is not stored: a session counts as seen when the engine starts
      session.lastSeenAt = now;
      session.lastViewAt = now;
      this.sessionsById.set(session.id, session);
      this.sessionsByName.set(session.name, session);
      this.nextSessionId = Math.max(this.nextSessionId, session.id + 1);
      session.env.records += 1;
      this.account(session, 1);
    }
    this.auth.load(this.db, this.usersById);
  }

  private reload(): void {
    this.changes.clear();
    this.outbox.discard();
    this.load();
    this.hooks?.reloaded();
  }

  // ---------------------------------------------------------------- transactions

  /**
   * Runs `fn` and writes every record it changed in one SQLite transaction. Nested calls join the outer one.
   * If anything throws, the database rolls back and the records are reloaded from it.
   */
  transaction<T>(fn: () => T): T {
    if (this.inTransaction) return fn();
    if (this.closed) throw new Error('the portal store is closed');
    // The change joins the turn's batch (see GroupCommit) in a savepoint of its own (better-sqlite3 nests
    // transactions that way), so a failure undoes only that change.
    this.group.open();
    this.inTransaction = true;
    let result: T;
    try {
      result = this.inSavepoint(fn) as T;
    } catch (err) {
      this.inTransaction = false;
      this.reload(); // reads the batch's other, still uncommitted, changes through this connection
      throw err;
    } finally {
      this.inTransaction = false;
    }
    this.hooks?.afterTransaction();
    return result;
  }

  /** Commits the open batch now (at start, at close, and on setImmediate). */
  commitBatch(): void {
    this.group.commit();
  }

  /** Resolves once every change made so far is committed (rejects if that commit failed); null when none is open. */
  whenCommitted(): Promise<void> | null {
    return this.group.whenCommitted();
  }

  // ---------------------------------------------------------------- portal

  /** Sets the portal's identity and settings (and persists them with the config hash). */
  setPortal(fields: {
    name: string;
    uid: string;
    generation: number;
    configHash: string;
    settings: Omit<PortalSettings, 'webhookUrl'>;
  }): void {
    this.identity = {
      ...this.identity,
      name: fields.name,
      uid: fields.uid,
      generation: fields.generation,
      configHash: fields.configHash,
    };
    this.portalSettings = { ...fields.settings, webhookUrl: this.portalSettings.webhookUrl };
    this.portalRevision += 1;
    this.st.upsertPortal.run(
      fields.name,
      fields.uid,
      fields.generation,
      fields.configHash,
      JSON.stringify(this.portalSettings),
    );
  }

  /** The global analytics webhook (from the options or the config; not part of the stored settings' identity). */
  setWebhookUrl(url: string | null): void {
    this.portalSettings = { ...this.portalSettings, webhookUrl: url };
  }

  /** The portal's own URL, once the engine listens. */
  setUrl(url: string): void {
    this.identity = { ...this.identity, url };
    this.portalRevision += 1;
  }

  putWorkshop(name: string, definition: WorkshopDefinition): void {
    this.workshopDefinitions.set(name, definition);
    this.st.upsertWorkshop.run(name, JSON.stringify(definition));
  }

  setClient(client: OAuthClient, robot: UserRecord | undefined): void {
    this.st.deleteClients.run();
    this.st.insertClient.run(client.clientId, client.secretHash, robot?.id ?? 0);
    this.oauthClient = client;
  }

  // ---------------------------------------------------------------- environments

  insertEnvironment(make: (id: number) => StoredEnvironment): EnvironmentRecord {
    const env = environmentRecord(make(this.nextEnvironmentId++));
    this.environmentsById.set(env.id, env);
    this.environmentsByName.set(env.name, env);
    this.touchEnvironment(env);
    return env;
  }

  updateEnvironment(env: EnvironmentRecord, patch: Partial<StoredEnvironment>): void {
    Object.assign(env, patch);
    this.touchEnvironment(env);
  }

  private touchEnvironment(env: EnvironmentRecord): void {
    env.revision += 1;
    this.portalRevision += 1;
    this.changes.environments.add(env);
    this.hooks?.environmentChanged(env);
  }

  // ---------------------------------------------------------------- sessions

  /** Creates a session record; its name comes from the environment's counter (`tally`). */
  insertSession(env: EnvironmentRecord, make: (id: number, number: number) => SessionRecord): SessionRecord {
    env.tally += 1;
    env.records += 1;
    this.changes.tallies.add(env);
    // the record comes whole from `make`: a spread plus an added property gave every record its own hidden class
    const s = make(this.nextSessionId++, env.tally);
    this.sessionsById.set(s.id, s);
    this.sessionsByName.set(s.name, s);
    this.account(s, 1);
    this.changes.sessions.add(s);
    this.hooks?.sessionChanged(s);
    return s;
  }

  updateSession(s: SessionRecord, patch: SessionPatch): void {
    this.account(s, -1);
    Object.assign(s, patch);
    s.revision += 1;
    this.account(s, 1);
    this.changes.sessions.add(s);
    this.hooks?.sessionChanged(s);
  }

  /** A sign of life from the session's page, `visible` or not (in memory only: a heartbeat is not worth a write). */
  recordActivity(s: SessionRecord, visible: boolean): void {
    const now = this.clock.now();
    s.lastSeenAt = now;
    if (visible) s.lastViewAt = now;
    this.hooks?.sessionChanged(s);
    this.hooks?.afterTransaction();
  }

  /** Removes a (STOPPED) session record for good. */
  deleteSession(s: SessionRecord): void {
    this.account(s, -1);
    this.sessionsById.delete(s.id);
    this.sessionsByName.delete(s.name);
    this.changes.deletedSessions.add(s.id);
    s.env.records -= 1;
  }

  /** Adds (+1) or removes (-1) a session's contribution to every counter and index. */
  private account(s: SessionRecord, sign: 1 | -1): void {
    const env = s.env;
    const stopped = s.state === SessionState.STOPPED;
    if (!stopped) {
      env.active += sign;
      this.active += sign;
    }
    if (s.owner !== null && !stopped) {
      if (sign > 0) {
        env.allocated.add(s);
        s.owner.live.add(s);
      } else {
        env.allocated.delete(s);
        s.owner.live.delete(s);
      }
      this.allocated += sign;
      this.portalRevision += 1;
    }
    if (s.owner === null && (s.state === SessionState.STARTING || s.state === SessionState.WAITING)) {
      env.reservedLive += sign;
      if (sign > 0) this.reservedSessions.add(s);
      else this.reservedSessions.delete(s);
      if (s.state === SessionState.WAITING) {
        if (sign > 0) env.available.add(s);
        else env.available.delete(s);
      }
    }
    env.revision += 1;
  }

  // ---------------------------------------------------------------- users

  insertUser(username: string, fields: UserFields): UserRecord {
    const user = newUser(this.nextUserId++, username, fields, this.clock.now());
    this.usersById.set(user.id, user);
    this.usersByName.set(username, user);
    this.changes.users.add(user);
    return user;
  }

  updateUser(
    user: UserRecord,
    patch: Partial<Pick<UserRecord, 'passwordHash' | 'isStaff' | 'isRobot' | 'isAnonymous'>>,
  ): void {
    Object.assign(user, patch);
    this.changes.users.add(user);
  }

  /**
   * Undoes `insertUser` inside the transaction that created it, before anything was written or sent: a browser that
   * got no session must leave no user behind (a flood of cookie-less requests would otherwise create one each).
   */
  discardNewUser(user: UserRecord): void {
    if (!this.inTransaction || user.live.size > 0)
      throw new Error('only a user created in this transaction, with no session, can be discarded');
    this.usersById.delete(user.id);
    this.usersByName.delete(user.username);
    this.changes.users.delete(user);
    this.outbox.forgetUser(user.username);
  }

  /** Deletes a user with its tokens and browser logins (Django invalidates them with the user). */
  deleteUser(user: UserRecord): void {
    this.usersById.delete(user.id);
    this.usersByName.delete(user.username);
    this.changes.deletedUsers.add(user.id);
    this.auth.revokeUser(user, true);
  }

  // ---------------------------------------------------------------- events

  /** Records an event of the open transaction; it is sent once the transaction's batch has committed. */
  emit(name: string, fields: EventFields): void {
    this.outbox.record(name, this.clock.now(), fields);
  }

  close(): void {
    this.commitBatch();
    this.closed = true;
  }
}
