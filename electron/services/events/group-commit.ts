import diagnostics from 'node:diagnostics_channel';
import type { Db } from '../console-db';

/**
 * Each batch committed is published here as `{writes, ms}` (for the benchmark that measures what durability costs);
 * nothing is measured when nobody subscribed.
 */
export const commitChannel = diagnostics.channel('portal-console:console-db:commit');

interface Op {
  /** the database part, run inside the batch's transaction */
  write(): void;
  /** after the commit: memory follows, waiters go on */
  done(): void;
  fail(err: unknown): void;
}

/**
 * Group commit: writes staged within a few milliseconds (a run's results and next intents, from all its workers)
 * are committed together in one transaction, and each caller goes on only once its write is on disk. One commit per
 * batch instead of per write keeps a 2,000-attendee allocation close to the speed of bare requests: each commit is
 * a write to the WAL, costly on a busy machine.
 */
export class GroupCommit {
  private ops: Op[] = [];
  private scheduled: NodeJS.Timeout | null = null;

  constructor(
    private readonly db: Db,
    /** how long a batch stays open for more writes (nobody waits on it but the pushes of its results) */
    private readonly windowMs: number,
    /** written in every batch's transaction after its ops (e.g. the revisions they moved), then told it committed */
    private readonly batch: { write(): void; committed(): void; failed(): void } = {
      write: () => undefined,
      committed: () => undefined,
      failed: () => undefined,
    },
  ) {}

  stage(write: () => void, done: () => void): Promise<void> {
    return new Promise((resolve, reject) => {
      this.ops.push({
        write,
        done: () => {
          done();
          resolve();
        },
        fail: reject,
      });
      this.scheduled ??= setTimeout(() => this.flush(), this.windowMs);
    });
  }

  /** commits what is staged now (also used on close) */
  flush(): void {
    if (this.scheduled) clearTimeout(this.scheduled);
    this.scheduled = null;
    const ops = this.ops;
    this.ops = [];
    if (ops.length === 0) return;
    const started = commitChannel.hasSubscribers ? performance.now() : null;
    try {
      this.db.transaction(() => {
        for (const op of ops) op.write();
        this.batch.write();
      })();
      if (started !== null) commitChannel.publish({ writes: ops.length, ms: performance.now() - started });
    } catch {
      this.batch.failed();
      // One bad write must not fail the others: each is tried again on its own.
      for (const op of ops) this.alone(op);
      return;
    }
    // memory first, then the batch's own bookkeeping (the revisions), as EventStore.tx does
    for (const op of ops) op.done();
    this.batch.committed();
  }

  private alone(op: Op): void {
    try {
      this.db.transaction(() => {
        op.write();
        this.batch.write();
      })();
    } catch (err) {
      this.batch.failed();
      op.fail(err);
      return;
    }
    op.done();
    this.batch.committed();
  }
}
