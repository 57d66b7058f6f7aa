import { randomAlphanumeric } from '../config/credentials';
import { SessionState, type EnvironmentRecord, type SessionRecord, type UserRecord } from '../domain/model';
import type { PortalStore } from './store';

/** What the session lifecycle needs of the store. */
export type SessionStore = Pick<PortalStore, 'now' | 'transaction' | 'insertSession' | 'updateSession' | 'emit'>;

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/**
 * The life of one session record (reference §9.3): created (reserved or for a user), STARTING for the simulated
 * start-up, WAITING, RUNNING, STOPPING for the simulated deletion, STOPPED. Deadlines are kept by `Deadlines`,
 * which hears of every change through the store.
 */
export class SessionLifecycle {
  constructor(
    private readonly store: SessionStore,
    /** simulated Kubernetes start-up (and deletion) time */
    private readonly startupDelayMs: number,
  ) {}

  /** A new session record (reserved when `owner` is null), STARTING for the simulated start-up delay. */
  create(env: EnvironmentRecord, owner: UserRecord | null): SessionRecord {
    const now = this.store.now();
    const delay = this.startupDelayMs;
    const s = this.store.insertSession(env, (id, number) => ({
      id,
      name: `${env.name}-s${pad(number, 3)}`,
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
      lastSeenAt: null,
      lastViewAt: null,
      revision: 0,
    }));
    this.store.emit('Session/Created', { session: s });
    return s;
  }

  /**
   * `mark_as_stopping()` (expires = now); the session becomes STOPPED when the simulated deletion completes. Marking a
   * session that is already STOPPING again (terminate, /delete/) moves `expiresAt` but keeps the deletion time.
   */
  stop(s: SessionRecord, event: string): void {
    const now = this.store.now();
    const stopping = s.state === SessionState.STOPPING && s.transitionAt !== null;
    this.store.updateSession(s, {
      state: SessionState.STOPPING,
      expiresAt: now,
      transitionAt: stopping ? s.transitionAt : now + this.startupDelayMs,
      activateWhenReady: false,
    });
    this.store.emit(event, { session: s });
  }

  /** `mark_as_running()`: RUNNING, started = now, expires = now + duration (or none). */
  markRunning(s: SessionRecord): void {
    const now = this.store.now();
    this.store.updateSession(s, {
      state: SessionState.RUNNING,
      startedAt: now,
      expiresAt: s.env.durationS > 0 ? now + s.env.durationS * 1000 : null,
      transitionAt: null,
      activateWhenReady: false,
      lastSeenAt: now,
      lastViewAt: now,
    });
    this.store.emit('Session/Started', { session: s });
  }

  /** Activation (reference §5 step 6): a not-yet-RUNNING session goes RUNNING with expiry = now + duration. */
  activate(s: SessionRecord): void {
    this.store.transaction(() => {
      if (s.state === SessionState.STARTING || s.state === SessionState.WAITING) this.markRunning(s);
    });
  }

  extend(s: SessionRecord, expiresAt: number): void {
    this.store.transaction(() => {
      this.store.updateSession(s, { expiresAt });
      this.store.emit('Session/Extended', { session: s });
    });
  }

  /** REST terminate and the browser's /delete/: STOPPING with `Session/Stopping` (reference §7). */
  terminate(s: SessionRecord): void {
    this.store.transaction(() => this.stop(s, 'Session/Stopping'));
  }

  recordEvent(s: SessionRecord, caller: UserRecord, name: string, data: Record<string, unknown>): void {
    this.store.transaction(() => this.store.emit(name, { session: s, user: s.owner ?? caller, data }));
  }
}
