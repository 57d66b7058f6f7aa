import { randomBytes } from 'node:crypto';
import type { PortalCredentials, SecretStore } from './core-types';

const ACCOUNT = 'builtin:credentials';

function token(bytes: number): string {
  // base64url of crypto-random bytes: unguessable, and safe in form bodies and Basic auth without escaping
  return randomBytes(bytes).toString('base64url');
}

function parse(text: string | null): PortalCredentials | null {
  if (!text) return null;
  try {
    const v = JSON.parse(text) as Partial<Record<keyof PortalCredentials, unknown>>;
    if (
      typeof v.clientId === 'string' &&
      typeof v.clientSecret === 'string' &&
      typeof v.username === 'string' &&
      typeof v.password === 'string'
    ) {
      return { clientId: v.clientId, clientSecret: v.clientSecret, username: v.username, password: v.password };
    }
  } catch {
    // a damaged entry is replaced below: the built-in engine accepts whatever credentials the shell passes it
  }
  return null;
}

/**
 * The built-in engine's robot credentials: generated once with crypto-random values and kept in the keychain
 * (service `portal-console`, account `builtin:credentials`), so they stay the same across runs when a keychain
 * exists. Without one they live for this run only (the engine gets fresh ones next time). The same holds when the
 * keychain answers but refuses to store them (a locked collection with no way to prompt for its password: its reads
 * then answer "not found", its writes fail): the console must still start, and the engine accepts whatever
 * credentials the shell passes it.
 */
export async function loadBuiltinCredentials(store: SecretStore): Promise<PortalCredentials> {
  const existing = parse(await store.get(ACCOUNT).catch(() => null));
  if (existing) return existing;
  const created: PortalCredentials = {
    clientId: `console-${token(12)}`,
    clientSecret: token(32),
    username: 'robot@portal-console',
    password: token(32),
  };
  await store.set(ACCOUNT, JSON.stringify(created)).catch(() => {
    // kept for this run only (see above)
  });
  return created;
}
