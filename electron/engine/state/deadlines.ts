import {
  EnvironmentState,
  SessionState,
  type EnvironmentRecord,
  type SessionRecord,
  type UserRecord,
} from '../domain/model';
import type { Clock } from './clock';
import { DeadlineTimer } from './deadline-timer';
import type { EnvironmentLifecycle } from './environments';
import { replaceReservedSession, topUpReserved, trimReserved } from './reserved-pool';
import type { SessionLifecycle } from './sessions';
import type { PortalStore, StoreHooks } from './store';
import { errorText } from '../../../shared/util/error-text';

/** the real portal's reconcile period */
export const RECONCILE_MS = 15_000;

/** What the sweep and the reconcile need of the store. */
export type DeadlineStore = Pick<
  PortalStore,
  | 'now'
  | 'transaction'
  | 'settings'
  | 'portalActive'
  | 'environments'
  | 'sessions'
  | 'users'
  | 'unownedReserved'
  | 'updateSession'
  | 'deleteSession'
  | 'deleteUser'
  | 'auth'
  | 'emit'
>;

export interface DeadlineOptions {
  /** how long STOPPED session records (and sessionless anonymous users) are kept */
  purgeAfterMs: number;
  log: (line: string) => void;
}

/**
 * Every deadline of the portal: environment start-up, activation timeouts, expiry, the simulated
 * STARTING→WAITING and STOPPING→STOPPED transitions, and the purge of STOPPED records; plus the periodic reconcile
 * (trim and top up reserved sessions, drain environments, delete old anonymous users and expired tokens). One timer
 * is armed for the earliest deadline and re-armed after every transaction (the store tells of every change).
 */
export class Deadlines implements StoreHooks {
  private readonly timer: DeadlineTimer;
  private stopReconcile: (() => void) | null = null;
  private closed = false;

  constructor(
    private readonly store: DeadlineStore,
    private readonly sessions: Pick<SessionLifecycle, 'create' | 'stop' | 'markRunning'>,
    private readonly environments: Pick<EnvironmentLifecycle, 'running' | 'drain'>,
    private readonly clock: Clock,
    private readonly options: DeadlineOptions,
  ) {
    this.timer = new DeadlineTimer(clock, () => this.tick());
  }

  // ---------------------------------------------------------------- store hooks

  sessionChanged(s: SessionRecord): void {
    this.timer.note(this.sessionDeadline(s));
  }

  environmentChanged(env: EnvironmentRecord): void {
    if (env.readyAt !== null) this.timer.note(env.readyAt);
    // a STOPPING environment is drained by the next sweep
    if (env.state === EnvironmentState.STOPPING) this.timer.note(this.clock.now());
  }

  afterTransaction(): void {
    this.timer.arm();
  }

  reloaded(): void {
    this.timer.note(this.clock.now());
  }

  // ---------------------------------------------------------------- the sweep

  private sessionDeadline(s: SessionRecord): number {
    switch (s.state) {
      case SessionState.STARTING: {
        const owned = s.owner !== null && s.expiresAt !== null ? s.expiresAt : Number.POSITIVE_INFINITY;
        return Math.min(s.transitionAt ?? Number.POSITIVE_INFINITY, owned);
      }
      case SessionState.WAITING:
        return s.owner !== null && s.expiresAt !== null ? s.expiresAt : Number.POSITIVE_INFINITY;
      case SessionState.RUNNING: {
        const expiry = s.owner !== null && s.expiresAt !== null ? s.expiresAt : Number.POSITIVE_INFINITY;
        const orphan = this.orphanDeadlines(s);
        return orphan === null ? expiry : Math.min(expiry, orphan.orphaned, orphan.inactive);
      }
      case SessionState.STOPPING:
        return s.transitionAt ?? this.clock.now();
      case SessionState.STOPPED:
        return (s.stoppedAt ?? this.clock.now()) + this.options.purgeAfterMs;
      default:
        return Number.POSITIVE_INFINITY;
    }
  }

  /**
   * `orphaned` applies to allocated, running sessions: no sign of life from the session's page for that long ends
   * the session (`Session/Orphaned`), and none while the page was in view for three times that long
   * (`Session/Inactive`, a hidden or minimised tab). Null when the environment sets no `orphaned`.
   */
  private orphanDeadlines(s: SessionRecord): { orphaned: number; inactive: number } | null {
    const limitMs = s.env.orphanedS * 1000;
    if (limitMs <= 0 || s.owner === null) return null;
    const since = s.startedAt ?? this.clock.now();
    return {
      orphaned: Math.max(s.lastSeenAt ?? since, since) + limitMs,
      inactive: Math.max(s.lastViewAt ?? since, since) + 3 * limitMs,
    };
  }

  /** Why a running session whose deadline has come is stopped. */
  private endOf(s: SessionRecord, now: number): string {
    if (s.state !== SessionState.RUNNING || (s.expiresAt !== null && s.expiresAt <= now)) return 'Session/Expired';
    const orphan = this.orphanDeadlines(s);
    return orphan !== null && orphan.orphaned <= now ? 'Session/Orphaned' : 'Session/Inactive';
  }

  /** Processes every due deadline, then re-arms for the next one. */
  tick(): void {
    if (!this.timer.beginSweep()) return;
    const store = this.store;
    try {
      store.transaction(() => {
        const now = store.now();
        for (const env of store.environments()) {
          if (env.state === EnvironmentState.STARTING) {
            if (env.readyAt === null || env.readyAt <= now) this.environments.running(env);
            else this.timer.note(env.readyAt);
          }
        }
        const touched = new Set<EnvironmentRecord>();
        for (const s of [...store.sessions()]) {
          const due = this.sessionDeadline(s);
          if (due > now) {
            this.timer.note(due);
            continue;
          }
          if (s.state === SessionState.STARTING && s.transitionAt !== null && s.transitionAt <= now) {
            if (s.activateWhenReady) this.sessions.markRunning(s);
            else store.updateSession(s, { state: SessionState.WAITING, transitionAt: null });
            touched.add(s.env);
            continue;
          }
          if (
            s.state === SessionState.STARTING ||
            s.state === SessionState.WAITING ||
            s.state === SessionState.RUNNING
          ) {
            this.sessions.stop(s, this.endOf(s, now));
          } else if (s.state === SessionState.STOPPING) {
            store.updateSession(s, { state: SessionState.STOPPED, transitionAt: null, stoppedAt: now });
            if (s.owner !== null) store.emit('Session/Deleted', { session: s });
            touched.add(s.env);
          } else if (s.state === SessionState.STOPPED) {
            this.purge(s, now);
          }
        }
        for (const env of touched) replaceReservedSession(store, this.sessions, env);
        this.environments.drain();
      });
    } catch (err) {
      this.options.log(`lifecycle: sweep failed: ${errorText(err)}`);
      this.timer.note(this.clock.now() + 1000);
    }
    this.timer.arm();
  }

  private purge(s: SessionRecord, now: number): void {
    this.store.deleteSession(s);
    const owner = s.owner;
    // anonymous users older than the purge age with no sessions left go too (`cleanup_old_sessions_and_users`)
    if (
      owner !== null &&
      owner.isAnonymous &&
      owner.live.size === 0 &&
      owner.createdAt + this.options.purgeAfterMs <= now
    ) {
      if (![...this.store.sessions()].some((x) => x.owner === owner)) this.deleteAnonymousUser(owner);
    }
  }

  /**
   * Anonymous users older than the purge age that own no session record at all (for example one created by a REST
   * request that got a 503) are deleted in the periodic reconcile.
   */
  private purgeAnonymousUsers(now: number): void {
    let owners: Set<UserRecord> | null = null;
    for (const user of [...this.store.users()]) {
      if (!user.isAnonymous || user.createdAt + this.options.purgeAfterMs > now) continue;
      if (owners === null) {
        owners = new Set();
        for (const x of this.store.sessions()) if (x.owner !== null) owners.add(x.owner);
      }
      if (!owners.has(user)) this.deleteAnonymousUser(user);
    }
  }

  private deleteAnonymousUser(user: UserRecord): void {
    this.store.deleteUser(user);
    this.store.emit('User/Delete', { user, data: { group: 'anonymous' } });
  }

  /** The periodic reconcile (trim, top-up, drain, token clean-up); deadlines have their own timer. */
  reconcile(): void {
    if (this.closed) return;
    const store = this.store;
    try {
      store.transaction(() => {
        trimReserved(store, this.sessions);
        topUpReserved(store, this.sessions);
        this.environments.drain();
        const now = store.now();
        this.purgeAnonymousUsers(now);
        store.auth.deleteExpiredRows(now);
      });
      store.auth.forgetExpired(store.now());
    } catch (err) {
      this.options.log(`lifecycle: reconcile failed: ${errorText(err)}`);
    }
  }

  /** Applies what fell due while the engine was down, then starts the timers. */
  start(): void {
    this.tick();
    this.reconcile();
    this.timer.arm();
    this.stopReconcile = this.clock.every(RECONCILE_MS, () => {
      this.reconcile();
      this.tick();
    });
  }

  close(): void {
    this.closed = true;
    this.timer.close();
    this.stopReconcile?.();
    this.stopReconcile = null;
  }
}
