import type { Dialect } from '../domain/dialect';
import type { EnvironmentRecord, UserRecord } from '../domain/model';
import type { Db } from '../persistence/database';
import { allocate, type AllocationRequest, type AllocationResult } from './allocation';
import type { AnalyticsSender } from './analytics';
import type { Clock } from './clock';
import { Deadlines } from './deadlines';
import { EnvironmentLifecycle } from './environments';
import { EventOutbox } from './outbox';
import { SessionLifecycle } from './sessions';
import type { UserFields } from '../persistence/state-records';
import { PortalStore } from './store';

export interface PortalOptions {
  /** the API dialect (extension rules, the anonymous user prefix) */
  dialect: Dialect;
  /** simulated Kubernetes start-up (and deletion) time */
  startupDelayMs: number;
  /** how long STOPPED session records are kept */
  purgeAfterMs: number;
  clock: Clock;
  log: (line: string) => void;
}

/**
 * The live portal: the store and the lifecycle modules wired together (the lifecycle depends on the store, the
 * store tells the deadlines of every change). This is what the routes and `startEngine` use.
 */
export class Portal {
  readonly store: PortalStore;
  readonly sessions: SessionLifecycle;
  readonly environments: EnvironmentLifecycle;
  private readonly deadlines: Deadlines;
  private readonly outbox: EventOutbox;

  constructor(db: Db, analytics: AnalyticsSender, options: PortalOptions) {
    const identity = () => ({
      name: this.store.name,
      uid: this.store.uid,
      generation: this.store.generation,
      url: this.store.url,
      webhookUrl: this.store.settings.webhookUrl,
    });
    this.outbox = new EventOutbox(analytics, identity);
    this.store = new PortalStore(db, this.outbox, options.clock, options.log);
    this.sessions = new SessionLifecycle(this.store, options.startupDelayMs);
    this.environments = new EnvironmentLifecycle(this.store, this.sessions, options.startupDelayMs);
    this.deadlines = new Deadlines(this.store, this.sessions, this.environments, options.clock, options);
    this.store.setHooks(this.deadlines);
  }

  /** `retrieve_session_for_user` in one transaction. */
  allocate(env: EnvironmentRecord, user: UserRecord, req: AllocationRequest): AllocationResult {
    return allocate(this.store, this.sessions, env, user, req);
  }

  /** A user the portal creates itself (REST requests, anonymous browsers), reported with `User/Create`. */
  createAnonymousUser(
    username: string,
    fields: Omit<UserFields, 'isAnonymous' | 'isStaff' | 'isRobot' | 'passwordHash'>,
  ): UserRecord {
    return this.store.transaction(() => {
      const user = this.store.insertUser(username, { ...fields, isAnonymous: true });
      this.store.emit('User/Create', { user, data: { group: 'anonymous' } });
      return user;
    });
  }

  /** Starts the timers once the engine listens at `url` (events committed before are sent now, with it). */
  start(url: string): void {
    this.store.setUrl(url);
    this.outbox.start();
    this.deadlines.start();
    this.store.commitBatch();
  }

  close(): void {
    this.deadlines.close();
    this.store.close();
  }
}
