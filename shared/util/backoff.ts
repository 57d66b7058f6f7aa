/**
 * Exponential backoff, the one formula behind every retry in the console: portal polls while a portal is down,
 * retries of safe portal requests, restarts of the built-in engine and the web page's reconnection to the console.
 */
export interface Backoff {
  /** the delay before the first retry */
  baseMs: number;
  /** no delay is longer than this (before jitter); default: no cap */
  maxMs?: number;
  /**
   * Spread each delay by up to this fraction either way (0.5: between half and one and a half times), so that many
   * clients that failed together do not retry together. Default 0: one client alone has no crowd to spread.
   */
  jitter?: number;
}

/** Doubling stops here: 2^30 times any base is past every cap, and the number stays finite. */
const MAX_DOUBLINGS = 30;

/** The delay before retry number `step` (1 for the first retry): base, 2 × base, 4 × base… up to the cap. */
export function backoffDelay(step: number, b: Backoff, random: () => number = Math.random): number {
  const doubled = b.baseMs * 2 ** Math.min(Math.max(step, 1) - 1, MAX_DOUBLINGS);
  const capped = Math.min(doubled, b.maxMs ?? Number.POSITIVE_INFINITY);
  const jitter = b.jitter ?? 0;
  return jitter > 0 ? capped * (1 - jitter + 2 * jitter * random()) : capped;
}
