import type { Clock } from './clock';

/** the timer never fires more often than this, so a burst of deadlines costs one sweep */
const MIN_TICK_GAP_MS = 100;

/**
 * One timer for the earliest pending deadline (instead of the portal's 15 s sweep). Changes report their
 * deadlines with `note()`; `arm()` (re)schedules `fire` for the earliest one, at most every MIN_TICK_GAP_MS.
 */
export class DeadlineTimer {
  private cancel: (() => void) | null = null;
  private earliest = Number.POSITIVE_INFINITY;
  private armedFor = Number.POSITIVE_INFINITY;
  private lastTick = 0;
  private closed = false;

  constructor(
    private readonly clock: Clock,
    private readonly fire: () => void,
  ) {}

  note(at: number): void {
    if (at < this.earliest) this.earliest = at;
  }

  arm(): void {
    if (this.closed || this.earliest === Number.POSITIVE_INFINITY) return;
    const target = Math.max(this.earliest, this.lastTick + MIN_TICK_GAP_MS);
    if (this.cancel !== null && this.armedFor <= target) return;
    this.cancel?.();
    this.armedFor = target;
    this.cancel = this.clock.after(target - this.clock.now(), () => {
      this.cancel = null;
      this.fire();
    });
  }

  /**
   * Starts a sweep: drops the armed timer (a sweep may also run from the reconcile interval: never lose the
   * handle of a timer that is still armed) and forgets the deadlines, which the sweep notes again.
   * Returns false once closed.
   */
  beginSweep(): boolean {
    this.cancel?.();
    this.cancel = null;
    this.armedFor = Number.POSITIVE_INFINITY;
    if (this.closed) return false;
    this.lastTick = this.clock.now();
    this.earliest = Number.POSITIVE_INFINITY;
    return true;
  }

  close(): void {
    this.closed = true;
    this.cancel?.();
    this.cancel = null;
  }
}
