import { randomUUID } from 'node:crypto';
import { ConsoleError, type AllocationRun } from '../../../shared/contract';
import { runPool } from '../worker-pool';

const MAX_ERRORS = 50;

export interface RunWork {
  /** commits the intent of an attendee whose request comes soon (it may turn out not eligible) */
  reserve(attendeeId: string): void;
  /** the run stopped before these reserved attendees were requested: their intents are undone */
  release(attendeeIds: string[]): Promise<void>;
  /**
   * Commits the intent for one attendee and sends the request. Resolves once the portal answered, with the commit
   * of the result still to come (`committed`: fulfils when the session is on disk, rejects with the portal's
   * refusal), so the worker can stage its next intent into the same commit. Resolves `null` when the attendee was
   * no longer eligible by the time its turn came (removed, or changed by a poll); throws `cancelled` when the run
   * was cancelled before the request was sent.
   */
  allocate(attendeeId: string, signal: AbortSignal): Promise<{ committed: Promise<void> } | null>;
  email(attendeeId: string): string;
  onProgress(run: AllocationRun, final: boolean): void;
}

export interface ActiveRun {
  state: AllocationRun;
  abort: AbortController;
  done: Promise<void>;
}

/**
 * Runs one event's allocation: `concurrency` requests at a time, attendees in order. Cancel stops taking new
 * attendees (they stay as they were: not-allocated attendees remain not-allocated); requests in flight finish and
 * are recorded, because the portal may already have allocated their sessions. Counts move only once a result is
 * committed, so progress never shows an allocation that is not on disk.
 */
export function startRun(
  eventId: string,
  scope: AllocationRun['scope'],
  attendeeIds: string[],
  concurrency: number,
  now: () => number,
  work: RunWork,
): ActiveRun {
  const state: AllocationRun = {
    runId: randomUUID(),
    eventId,
    scope,
    status: 'running',
    total: attendeeIds.length,
    done: 0,
    allocated: 0,
    failed: 0,
    cancelled: 0,
    startedAt: now(),
    endedAt: null,
    errors: [],
  };
  const abort = new AbortController();
  const queue = [...attendeeIds];
  const commits: Promise<void>[] = [];
  const failed = (attendeeId: string, err: unknown) => {
    state.failed++;
    const reason = err instanceof ConsoleError ? err.message : 'unexpected error';
    state.errors.push({ attendeeId, email: work.email(attendeeId), reason });
    if (state.errors.length > MAX_ERRORS) state.errors.shift();
  };
  const settle = (attendeeId: string, committed: Promise<void>) =>
    committed
      .then(
        () => void state.allocated++,
        (err: unknown) => failed(attendeeId, err),
      )
      .then(() => {
        state.done = state.allocated + state.failed;
        work.onProgress(state, false);
      });
  // intents are committed this far ahead of the requests, so that no request waits for the disk
  const ahead = concurrency * 4;
  let reserved = 0;
  const allocateOne = async (attendeeId: string, i: number) => {
    while (reserved < queue.length && reserved < i + ahead) work.reserve(queue[reserved++] as string);
    try {
      const r = await work.allocate(attendeeId, abort.signal);
      if (r === null) state.total--;
      else commits.push(settle(attendeeId, r.committed));
    } catch (err) {
      if (err instanceof ConsoleError && err.code === 'cancelled') state.cancelled++;
      else {
        failed(attendeeId, err);
        state.done = state.allocated + state.failed;
        work.onProgress(state, false);
      }
    }
  };
  let taken = 0;
  const done = runPool(queue, concurrency, allocateOne, abort.signal)
    .then((n) => {
      taken = n;
      return Promise.all([...commits, work.release(queue.slice(taken, reserved))]);
    })
    .then(() => {
      if (abort.signal.aborted) {
        state.status = 'cancelled';
        state.cancelled += Math.max(0, queue.length - taken);
      } else {
        state.status = 'done';
      }
      state.endedAt = now();
      work.onProgress(state, true);
    });
  return { state, abort, done };
}
