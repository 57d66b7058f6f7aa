/**
 * The engine's time: every deadline, expiry and timer goes through one clock, so that tests can move time forward
 * instead of sleeping (a test of a 2 s expiry, or of the 15 s reconcile, then takes milliseconds).
 */
export interface Clock {
  /** epoch milliseconds */
  now(): number;
  /** runs `fn` once, `ms` from now; returns a function that cancels it */
  after(ms: number, fn: () => void): () => void;
  /** runs `fn` every `ms` without keeping the process alive; returns a function that stops it */
  every(ms: number, fn: () => void): () => void;
}

/** setTimeout allows at most this; a later deadline is re-checked when the timer fires */
const MAX_TIMER_MS = 2 ** 31 - 1;

export const systemClock: Clock = {
  now: () => Date.now(),
  after(ms, fn) {
    const timer = setTimeout(fn, Math.min(MAX_TIMER_MS, Math.max(0, ms)));
    return () => clearTimeout(timer);
  },
  every(ms, fn) {
    const timer = setInterval(fn, ms);
    timer.unref();
    return () => clearInterval(timer);
  },
};
