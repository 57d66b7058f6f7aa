import type { EventOutbox, PortalEvent } from './outbox';
import type { Db, Statements } from '../persistence/database';
import { errorText } from '../../../shared/util/error-text';

interface Batch {
  events: PortalEvent[];
  committed: Promise<void> | null;
  resolve: (() => void) | null;
  reject: ((err: unknown) => void) | null;
}

/**
 * Group commit: the first change in a turn of the event loop opens a batch (BEGIN) that commits on setImmediate,
 * once every request of this turn has been handled. Replies wait for `whenCommitted()` before they are written, and
 * the batch's events are published only after its COMMIT, so nothing answered or announced can be lost by a crash.
 */
export class GroupCommit {
  private batch: Batch | null = null;

  constructor(
    private readonly db: Db,
    private readonly st: Statements,
    private readonly outbox: EventOutbox,
    private readonly log: (line: string) => void,
    /** brings memory back to what the database holds after a failed commit */
    private readonly reload: () => void,
  ) {}

  /** opens a batch unless one is open */
  open(): void {
    if (this.db.inTransaction) return;
    this.st.begin.run();
    this.batch = { events: [], committed: null, resolve: null, reject: null };
    setImmediate(() => this.commit());
  }

  /** events of a change written into the open batch: sent once it commits */
  add(events: PortalEvent[]): void {
    this.batch?.events.push(...events);
  }

  /** commits the open batch now (at start, at close, and on setImmediate) */
  commit(): void {
    const batch = this.batch;
    if (batch === null) return;
    this.batch = null;
    try {
      if (this.db.inTransaction) {
        this.outbox.write(this.db, batch.events);
        this.st.commit.run();
      }
    } catch (err) {
      try {
        if (this.db.inTransaction) this.st.rollback.run();
      } catch {
        // the connection is unusable; the reload below reports it
      }
      this.log(`storage: commit failed, the changes of this batch were not saved: ${errorText(err)}`);
      try {
        this.reload();
      } catch (reloadErr) {
        this.log(`storage: reload failed: ${errorText(reloadErr)}`);
      }
      batch.reject?.(err);
      return;
    }
    batch.resolve?.();
    this.outbox.publish(batch.events);
  }

  /** resolves once every change made so far is committed (rejects if that commit failed); null when none is open */
  whenCommitted(): Promise<void> | null {
    const batch = this.batch;
    if (batch === null) return null;
    batch.committed ??= new Promise<void>((resolve, reject) => {
      batch.resolve = resolve;
      batch.reject = reject;
    });
    return batch.committed;
  }
}
