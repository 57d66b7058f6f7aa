import { randomBytes, randomFillSync, scrypt, timingSafeEqual } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { PartialCredentials } from '../domain/portal-config';

export interface EngineCredentials {
  robot: { clientId: string; clientSecret: string; username: string; password: string };
  admin: { username: string; password: string };
}

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

const POOL_BYTES = 4096;
const pool = Buffer.alloc(POOL_BYTES);
let poolOffset = POOL_BYTES;

/**
 * One crypto-random byte from a pool refilled 4 KiB at a time: every allocation draws about 100 random bytes (its
 * activation token, its config password), and one call into the CSPRNG per ~40 allocations costs far less than
 * one per token. The bytes are as random as `randomBytes` gives them.
 */
export function randomByte(): number {
  if (poolOffset >= POOL_BYTES) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  return pool[poolOffset++] as number;
}

/** Crypto-random alphanumeric text (the operator's default secrets are 32 such characters). */
export function randomAlphanumeric(length: number): string {
  let out = '';
  while (out.length < length) {
    // rejection sampling keeps every character equally likely (248 = 4 × 62)
    const byte = randomByte();
    if (byte < 248) out += ALPHANUMERIC.charAt(byte % 62);
  }
  return out;
}

export const CREDENTIALS_FILE = 'credentials.json';

type Stored = Partial<{ robot: Partial<EngineCredentials['robot']>; admin: Partial<EngineCredentials['admin']> }>;

function readStored(file: string): Stored {
  if (!existsSync(file)) return {};
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    return typeof parsed === 'object' && parsed !== null ? parsed : {};
  } catch {
    return {};
  }
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

export interface ResolvedCredentials {
  credentials: EngineCredentials;
  source: string;
  /** the file the generated values are kept in, when there are any to keep (see `persistCredentials`) */
  file: string | null;
  /** the generated values, as the file holds them */
  stored: Stored;
}

/**
 * Credentials in order of precedence: the caller's, the config's, the ones generated once and kept in
 * `<dataDir>/credentials.json` (the embedded equivalent of the TrainingPortal status), then new ones.
 * The file is written (mode 0600: it holds secrets for this user only) with the generated values alone, and
 * only when the caller supplied no credentials.
 */
export function resolveCredentials(
  dataDir: string,
  config: PartialCredentials,
  configSource: string,
  caller:
    Partial<{ robot: Partial<EngineCredentials['robot']>; admin: Partial<EngineCredentials['admin']> }> | undefined,
  /** usernames of generated accounts (`robot@educates`/`educates`, or the Learning Center ones) */
  defaults: { robot: string; admin: string } = { robot: 'robot@educates', admin: 'educates' },
): ResolvedCredentials {
  const file = join(dataDir, CREDENTIALS_FILE);
  // A caller that supplies credentials (the console, which keeps its own in the OS keychain) gets no file:
  // whatever must still be generated (say the admin password) lives for this run only, so no secret of
  // that caller's portal ever lands in plaintext.
  const persist = caller === undefined || (caller.robot === undefined && caller.admin === undefined);
  const stored = persist ? readStored(file) : {};
  let generated = false;
  const sources = new Set<string>();
  /** only generated values are written: the caller's never, the config's are already in the config file */
  const toStore: Stored = {};
  const pick = (
    callerValue: unknown,
    configValue: unknown,
    storedValue: unknown,
    make: () => string,
    keep: (v: string) => void,
  ): string => {
    const fromCaller = str(callerValue);
    if (fromCaller !== undefined) {
      sources.add('caller');
      return fromCaller;
    }
    const fromConfig = str(configValue);
    if (fromConfig !== undefined) {
      sources.add('config');
      return fromConfig;
    }
    generated = true;
    sources.add('file');
    const value = str(storedValue) ?? make();
    keep(value);
    return value;
  };
  const keepRobot = (key: keyof EngineCredentials['robot']) => (v: string) => {
    toStore.robot = { ...toStore.robot, [key]: v };
  };
  const keepAdmin = (key: keyof EngineCredentials['admin']) => (v: string) => {
    toStore.admin = { ...toStore.admin, [key]: v };
  };
  const robot = {
    clientId: pick(
      caller?.robot?.clientId,
      config.robot.clientId,
      stored.robot?.clientId,
      () => randomAlphanumeric(32),
      keepRobot('clientId'),
    ),
    clientSecret: pick(
      caller?.robot?.clientSecret,
      config.robot.clientSecret,
      stored.robot?.clientSecret,
      () => randomAlphanumeric(32),
      keepRobot('clientSecret'),
    ),
    username: pick(
      caller?.robot?.username,
      config.robot.username,
      stored.robot?.username,
      () => defaults.robot,
      keepRobot('username'),
    ),
    password: pick(
      caller?.robot?.password,
      config.robot.password,
      stored.robot?.password,
      () => randomAlphanumeric(32),
      keepRobot('password'),
    ),
  };
  const robotSources = new Set(sources);
  const admin = {
    username: pick(
      caller?.admin?.username,
      config.admin.username,
      stored.admin?.username,
      () => defaults.admin,
      keepAdmin('username'),
    ),
    password: pick(
      caller?.admin?.password,
      config.admin.password,
      stored.admin?.password,
      () => randomAlphanumeric(32),
      keepAdmin('password'),
    ),
  };
  const credentials: EngineCredentials = { robot, admin };
  const written = generated && persist;
  let source: string;
  if (robotSources.size === 1 && robotSources.has('caller')) source = 'supplied by the caller';
  else if (robotSources.size === 1 && robotSources.has('config')) source = configSource;
  else if (robotSources.size === 1 && robotSources.has('file'))
    source = `generated once, stored in ${file} (mode 0600)`;
  else {
    const from = (s: string): string =>
      s === 'file' ? (persist ? file : 'this run only') : s === 'config' ? configSource : 'the caller';
    source = `partly from ${[...robotSources].map(from).join(', ')}`;
  }
  return { credentials, source, file: written ? file : null, stored: toStore };
}

/**
 * Writes the generated values of `resolveCredentials` to their file (mode 0600: secrets for this user only).
 * Separate from resolving, so that nothing is written before the engine holds its folder and its port.
 */
export function persistCredentials(resolved: ResolvedCredentials): void {
  const file = resolved.file;
  if (file === null) return;
  const text = `${JSON.stringify(resolved.stored, null, 2)}\n`;
  const current = existsSync(file) ? readFileSync(file, 'utf8') : null;
  if (current !== text) {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
    writeFileSync(tmp, text, { mode: 0o600 });
    renameSync(tmp, file);
  }
  chmodSync(file, 0o600);
}

const SCRYPT_PARAMS = { N: 16384, r: 8, p: 1 };

function scryptAsync(secret: string, salt: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(secret, salt, 32, SCRYPT_PARAMS, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/** `scrypt$<salt hex>$<key hex>`: passwords and the client secret are stored only like this. */
export async function hashSecret(secret: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(secret, salt);
  return `scrypt$${salt.toString('hex')}$${key.toString('hex')}`;
}

export async function verifySecret(secret: string, stored: string | null): Promise<boolean> {
  if (stored === null) return false;
  const [scheme, saltHex, keyHex] = stored.split('$');
  if (scheme !== 'scrypt' || saltHex === undefined || keyHex === undefined) return false;
  const expected = Buffer.from(keyHex, 'hex');
  const key = await scryptAsync(secret, Buffer.from(saltHex, 'hex'));
  // constant time: a timing side channel must not reveal how much of a guessed secret is right
  return key.length === expected.length && timingSafeEqual(key, expected);
}
