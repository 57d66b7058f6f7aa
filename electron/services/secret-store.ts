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

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
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
        'No keychain is available: portal credentials are kept in memory for this run only and must be entered again after a restart.',
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
    await withTimeout(keytar.getPassword(KEYCHAIN_SERVICE, '__probe__'), options.probeTimeoutMs ?? 3000, 'the Secret Service');
    return new KeytarSecretStore(keytar);
  } catch (err) {
    const why = errorText(err, { firstLine: true });
    return new MemorySecretStore(`no Secret Service answered: ${why}`);
  }
}
