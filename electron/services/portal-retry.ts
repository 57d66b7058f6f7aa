import { ConsoleError } from '../../shared/contract';
import { backoffDelay, type Backoff } from '../../shared/util/backoff';
import { isNoSession, statusError, type PortalResponse } from './portal-errors';

/** Statuses of a gateway or a portal still starting: worth another try for a request that is safe to repeat. */
const RETRIED_STATUSES = new Set([502, 503, 504]);

export interface RetryPolicy {
  /** tries after the first */
  retries: number;
  /** the wait before each: doubling from the base, spread by half either way */
  backoff: Backoff;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new ConsoleError('cancelled', 'cancelled'));
    const t = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(new ConsoleError('cancelled', 'cancelled'));
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Sends a request that is safe to repeat, again after network errors, timeouts and 502/503/504, with exponential
 * backoff and jitter. The request endpoint's JSON 503 ("No session available") is an answer, not an outage: it is
 * returned at once. The last attempt's answer is returned whatever its status; `signal` (the client closing) stops
 * the waits.
 */
export async function withRetries(
  send: () => Promise<PortalResponse>,
  policy: RetryPolicy,
  host: string,
  signal: AbortSignal,
): Promise<PortalResponse> {
  const attempts = policy.retries + 1;
  let lastError: unknown;
  for (let attempt = 0; attempt < attempts; attempt++) {
    if (attempt > 0) await sleep(backoffDelay(attempt, policy.backoff), signal);
    try {
      const res = await send();
      if (RETRIED_STATUSES.has(res.status) && attempt + 1 < attempts && !isNoSession(res)) {
        // made now (it reads the body): the next attempt may be received into the same buffer
        lastError = statusError(host, res);
        continue;
      }
      return res;
    } catch (err) {
      lastError = err;
      if (err instanceof ConsoleError && err.code === 'cancelled') throw err;
    }
  }
  throw lastError;
}
