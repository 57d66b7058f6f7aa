import { randomUUID } from 'node:crypto';
import { ConsoleError, type AllocationRun } from '../../../shared/contract';

const MAX_ERRORS = 50;

export interface RunWork {
  /**
   * Commits the intent for one attendee and sends the request; resolves when the result is committed. Resolves
   * `null` when the attendee was no longer eligible by the time its turn came (removed, or changed by a poll).
   */
  allocate(attendeeId: string, signal: AbortSignal): Promise<'allocated' | null>;
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
 * are recorded, because the portal may already have allocated their sessions.
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
  let next = 0;
  const worker = async () => {
    while (!abort.signal.aborted && next < queue.length) {
      const attendeeId = queue[next++] as string;
      try {
        const r = await work.allocate(attendeeId, abort.signal);
        if (r === null) state.total--;
        else state.allocated++;
      } catch (err) {
        if (err instanceof ConsoleError && err.code === 'cancelled') {
          state.cancelled++; // cancelled before its request was sent
          continue;
        }
        state.failed++;
        state.errors.push({
          attendeeId,
          email: work.email(attendeeId),
          reason: err instanceof ConsoleError ? err.message : 'unexpected error',
        });
        if (state.errors.length > MAX_ERRORS) state.errors.shift();
      }
      state.done = state.allocated + state.failed;
      work.onProgress(state, false);
    }
  };
  const workers = Array.from({ length: Math.max(1, Math.min(concurrency, queue.length)) }, () => worker());
  const done = Promise.all(workers).then(() => {
    if (abort.signal.aborted) {
      state.status = 'cancelled';
      state.cancelled += Math.max(0, queue.length - next);
    } else {
      state.status = 'done';
    }
    state.endedAt = now();
    work.onProgress(state, true);
  });
  return { state, abort, done };
}
