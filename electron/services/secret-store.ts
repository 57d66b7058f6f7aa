import { ConsoleError } from '../../shared/contract';
import type { SecretStore } from './core-types';
import { errorText } from '../../shared/util/error-text';

/** keytar service name: every secret the console keeps lives under it, accounts are `<portalId>:<kind>`. */
export const KEYCHAIN_SERVICE = 'portal-console';

/** The slice of keytar the console uses (keytar is an optional native dependency, so it is typed here). */
export interface KeytarLike {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
}

/**
 * Loads keytar lazily: it is an optionalDependency, so `npm install` succeeds without libsecret and then this
 * returns the reason instead of throwing at import time.
 */
export function loadKeytar(): { keytar: KeytarLike } | { error: string } {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require('keytar') as KeytarLike & { default?: KeytarLike };
    const keytar = typeof mod.getPassword === 'function' ? mod : mod.default;
    if (!keytar || typeof keytar.getPassword !== 'function') return { error: 'keytar did not load' };
    return { keytar };
  } catch (err) {
    return { error: `keytar is not installed or did not load (${errorText(err, { firstLine: true })})` };
  }
}

/** How long any keychain call may take: the Secret Service answers in milliseconds when it answers at all. */
export const KEYCHAIN_TIMEOUT_MS = 5000;

function withTimeout<T>(p: Promise<T>, ms: number, fail: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(fail()), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

const BOUNDED = Symbol('bounded secret store');

/**
 * Every call of `store` bounded in time. A Secret Service that stops answering (hung daemon, a prompt nobody sees)
 * would otherwise hold whatever awaits it for good: a sign-in, and with it every later poll of that portal. A call
 * that takes longer fails with `keychain-unavailable`; the caller carries on as when the keychain refuses.
 */
export function boundedSecretStore(store: SecretStore, timeoutMs = KEYCHAIN_TIMEOUT_MS): SecretStore {
  if ((store as { [BOUNDED]?: true })[BOUNDED]) return store;
  const late = () =>
    new ConsoleError(
      'keychain-unavailable',
      'the keychain did not answer within ' +
        (timeoutMs >= 1000 ? `${Math.round(timeoutMs / 1000)} s` : `${timeoutMs} ms`),
    );
  return {
    [BOUNDED]: true,
    persistent: store.persistent,
    describe: () => store.describe(),
    get: (account) => withTimeout(store.get(account), timeoutMs, late),
    set: (account, value) => withTimeout(store.set(account, value), timeoutMs, late),
    delete: (account) => withTimeout(store.delete(account), timeoutMs, late),
  } as SecretStore;
}

class KeytarSecretStore implements SecretStore {
  readonly persistent = true;
  constructor(private readonly keytar: KeytarLike) {}
  describe() {
    return {
      available: true,
      backend: 'keytar (Secret Service)',
      message: 'Credentials are kept in the system keychain.',
    };
  }
  get(account: string) {
    return this.keytar.getPassword(KEYCHAIN_SERVICE, account);
  }
  set(account: string, value: string) {
    return this.keytar.setPassword(KEYCHAIN_SERVICE, account, value);
  }
  delete(account: string) {
    return this.keytar.deletePassword(KEYCHAIN_SERVICE, account);
  }
}

/**
 * No keychain: secrets stay in this process's memory only. Never written to disk, because a plaintext file of
 * robot passwords and refresh tokens would hand every portal to anyone who can read the data folder.
 */
export class MemorySecretStore implements SecretStore {
  readonly persistent = false;
  private readonly values = new Map<string, string>();
  constructor(private readonly reason = 'no keychain is available') {}
  describe() {
    return {
      available: false,
      backend: `none (${this.reason})`,
      message:
        'No keychain is available: portal credentials are kept in memory for this run only ' +
        'and must be entered again after a restart.',
    };
  }
  async get(account: string) {
    return this.values.get(account) ?? null;
  }
  async set(account: string, value: string) {
    this.values.set(account, value);
  }
  async delete(account: string) {
    return this.values.delete(account);
  }
}

export interface SecretStoreOptions {
  /** how long to wait for the Secret Service to answer the probe */
  probeTimeoutMs?: number;
  /** how long any later call may take (default 5 s) */
  callTimeoutMs?: number;
  /** for tests: a keytar stand-in, or null to act as if keytar were not installed */
  keytar?: KeytarLike | null;
}

/** keytar when it loads and a Secret Service answers, else an in-memory store that says so. */
export async function createSecretStore(options: SecretStoreOptions = {}): Promise<SecretStore> {
  let keytar: KeytarLike;
  if (options.keytar === null) return new MemorySecretStore('keytar is not installed');
  if (options.keytar) keytar = options.keytar;
  else {
    const loaded = loadKeytar();
    if ('error' in loaded) return new MemorySecretStore(loaded.error);
    keytar = loaded.keytar;
  }
  try {
    // A read of an account that never exists: succeeds (null) only when a Secret Service answers on D-Bus.
    const probeMs = options.probeTimeoutMs ?? 3000;
    const late = () => new Error(`the Secret Service did not answer within ${probeMs} ms`);
    await withTimeout(keytar.getPassword(KEYCHAIN_SERVICE, '__probe__'), probeMs, late);
    return boundedSecretStore(new KeytarSecretStore(keytar), options.callTimeoutMs);
  } catch (err) {
    const why = errorText(err, { firstLine: true });
    return new MemorySecretStore(`no Secret Service answered: ${why}`);
  }
}
