/**
 * The password grant's defences against guessing (threat: an online attacker who can reach the port).
 *
 * - **Same work for every username.** An unknown user (or one without a password, such as a former robot name) is
 *   checked against a decoy hash, so the reply takes as long as a wrong password for a real user: timing no longer
 *   tells which usernames exist.
 * - **Repeated failures slow down**, per OAuth client id and remote address. The first `freeFailures` failures in a
 *   row are answered at once; after that the key is blocked for `baseDelayMs`, doubled with each further failure up
 *   to `maxDelayMs`, and every attempt while blocked is refused with a retry time, without checking the password
 *   (a right password too, or parallel guesses would get through). Attempts still running count as failures until
 *   they end, so a burst of parallel guesses gets no more than the free ones. A success clears the key; a key with no
 *   failure for `forgetAfterMs` is forgotten. At most `maxKeys` keys are kept (the oldest are dropped), so memory
 *   stays bounded whatever the number of addresses.
 */
export interface LoginGuardOptions {
  freeFailures: number;
  baseDelayMs: number;
  maxDelayMs: number;
  forgetAfterMs: number;
  maxKeys: number;
}

export const DEFAULT_LOGIN_GUARD: LoginGuardOptions = {
  freeFailures: 5,
  baseDelayMs: 1000,
  maxDelayMs: 60_000,
  forgetAfterMs: 15 * 60_000,
  maxKeys: 10_000,
};

interface Entry {
  failures: number;
  inFlight: number;
  blockedUntil: number;
  lastFailureAt: number;
}

export type LoginCheck = { outcome: 'ok' } | { outcome: 'wrong' } | { outcome: 'throttled'; retryAfterS: number };

export class LoginGuard {
  private readonly entries = new Map<string, Entry>();
  private readonly options: LoginGuardOptions;

  constructor(
    /** checks a password against a stored hash (scrypt) */
    private readonly verify: (secret: string, hash: string) => Promise<boolean>,
    /** a hash of a random secret, checked for users without one */
    private readonly decoyHash: string,
    private readonly now: () => number,
    options: Partial<LoginGuardOptions> = {},
  ) {
    this.options = { ...DEFAULT_LOGIN_GUARD, ...options };
  }

  /** Checks `password` against `hash` (null: no such user, or one without a password) for the client at `key`. */
  async check(key: string, hash: string | null, password: string): Promise<LoginCheck> {
    const now = this.now();
    let entry = this.entries.get(key);
    if (entry !== undefined && entry.inFlight === 0 && entry.lastFailureAt + this.options.forgetAfterMs <= now) {
      this.entries.delete(key);
      entry = undefined;
    }
    if (entry !== undefined) {
      if (now < entry.blockedUntil)
        return { outcome: 'throttled', retryAfterS: Math.ceil((entry.blockedUntil - now) / 1000) };
      if (entry.inFlight >= Math.max(1, this.options.freeFailures - entry.failures))
        return { outcome: 'throttled', retryAfterS: 1 };
    } else {
      entry = { failures: 0, inFlight: 0, blockedUntil: 0, lastFailureAt: now };
    }
    // re-inserted on every attempt, so the map's order is least recently used first
    this.entries.delete(key);
    this.entries.set(key, entry);
    this.trim();
    entry.inFlight += 1;
    let ok: boolean;
    try {
      const matched = await this.verify(password, hash ?? this.decoyHash);
      ok = matched && hash !== null;
    } finally {
      entry.inFlight -= 1;
    }
    if (ok) {
      entry.failures = 0;
      entry.blockedUntil = 0;
      if (entry.inFlight === 0) this.entries.delete(key);
      return { outcome: 'ok' };
    }
    const at = this.now();
    entry.failures += 1;
    entry.lastFailureAt = at;
    const over = entry.failures - this.options.freeFailures;
    if (over >= 0)
      entry.blockedUntil = at + Math.min(this.options.maxDelayMs, this.options.baseDelayMs * 2 ** Math.min(over, 30));
    return { outcome: 'wrong' };
  }

  /** how many keys are tracked (for tests of the memory bound) */
  get size(): number {
    return this.entries.size;
  }

  private trim(): void {
    for (const key of this.entries.keys()) {
      if (this.entries.size <= this.options.maxKeys) return;
      this.entries.delete(key);
    }
  }
}
