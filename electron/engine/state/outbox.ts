import { analyticsMessage, type AnalyticsSender } from './analytics';
import type { Statement } from 'better-sqlite3';
import type { Db } from '../persistence/database';
import type { EnvironmentRecord, SessionRecord, UserRecord } from '../domain/model';

/**
 * An event of the portal (reference names: `Session/Started`, `User/Create`…); `session` is kept for its
 * analytics_url.
 */
export interface PortalEvent {
  name: string;
  timestamp: number;
  user: string | null;
  session: SessionRecord | null;
  environment: string | null;
  workshop: string | null;
  data: Record<string, unknown>;
}

export interface EventFields {
  user?: UserRecord | null;
  session?: SessionRecord | null;
  env?: EnvironmentRecord | null;
  data?: Record<string, unknown>;
}

/** What a message says about the portal; read when it is sent, so that it carries the URL known by then. */
export interface PortalIdentity {
  name: string;
  uid: string;
  generation: number;
  url: string;
  webhookUrl: string | null;
}

/**
 * The events of a transaction: recorded while it runs, written to the `events` table with its other changes, and
 * sent to the analytics webhooks only once the batch holding them has committed, so that no receiver hears of a
 * change that was then rolled back. Events committed before `start()` (while the engine does not know its own URL
 * yet) are held and sent then.
 */
/** rows per multi-row INSERT (7 values each, well below SQLite's 32,766 variables) */
const ROWS_PER_INSERT = 64;

export class EventOutbox {
  private pending: PortalEvent[] = [];
  /** prepared multi-row INSERTs by row count */
  private readonly inserts = new Map<number, Statement>();
  private held: PortalEvent[] | null = [];

  constructor(
    private readonly sender: AnalyticsSender,
    private readonly identity: () => PortalIdentity,
  ) {}

  record(name: string, timestamp: number, fields: EventFields): void {
    const env = fields.env ?? fields.session?.env ?? null;
    this.pending.push({
      name,
      timestamp,
      user: (fields.user ?? fields.session?.owner ?? null)?.username ?? null,
      session: fields.session ?? null,
      environment: env?.name ?? null,
      // session events name the Workshop resource (`session.workshop_name()`), environment events the published name
      workshop: env === null ? null : fields.session == null ? (env.alias ?? env.workshopName) : env.workshopName,
      data: fields.data ?? {},
    });
  }

  /** Drops the pending events of a user created and discarded in the same transaction. */
  forgetUser(username: string): void {
    this.pending = this.pending.filter((e) => e.user !== username);
  }

  /** Hands the pending events of a transaction that succeeded over to its batch. */
  flush(): PortalEvent[] {
    const events = this.pending;
    this.pending = [];
    return events;
  }

  /**
   * Writes a batch's events to the `events` table just before its COMMIT: many rows per INSERT, since an allocation
   * records three events and a statement per row cost more than the rest of its writes.
   */
  write(db: Db, events: PortalEvent[]): void {
    for (let i = 0; i < events.length; i += ROWS_PER_INSERT) {
      const chunk = events.slice(i, i + ROWS_PER_INSERT);
      let insert = this.inserts.get(chunk.length);
      if (insert === undefined) {
        insert = db.prepare(
          'INSERT INTO events (name, timestamp, user, session, environment, workshop, data) VALUES ' +
            Array(chunk.length).fill('(?, ?, ?, ?, ?, ?, ?)').join(', '),
        );
        this.inserts.set(chunk.length, insert);
      }
      const values: unknown[] = [];
      for (const e of chunk)
        values.push(
          e.name,
          e.timestamp,
          e.user,
          e.session?.name ?? null,
          e.environment,
          e.workshop,
          JSON.stringify(e.data),
        );
      insert.run(...values);
    }
  }

  /** Forgets what a failed transaction recorded. */
  discard(): void {
    this.pending = [];
  }

  /** Sends committed events (held until `start`). */
  publish(events: PortalEvent[]): void {
    if (this.held !== null) {
      this.held.push(...events);
      return;
    }
    if (events.length === 0) return;
    const portal = this.identity();
    for (const e of events) {
      const perSession = e.session?.analyticsUrl ?? null;
      if (portal.webhookUrl === null && perSession === null) continue;
      const { name, uid, generation, url } = portal;
      this.sender.send(
        [portal.webhookUrl, perSession],
        analyticsMessage({ name, uid, generation, url }, { ...e, session: e.session?.name ?? null }),
      );
    }
  }

  /** From now on events are sent as they commit; the held ones go first. */
  start(): void {
    const held = this.held ?? [];
    this.held = null;
    this.publish(held);
  }
}
