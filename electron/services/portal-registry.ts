import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { ConsoleError, type PortalInput, type PortalUpdate, type PortalView } from '../../shared/contract';
import type { BuiltinPortal, ConsoleTuning, PortalCredentials, SecretStore } from './core-types';
import { PortalClient } from './portal-client';
import type { SettingsStore, StoredPortal } from './settings-store';

export const BUILTIN_ID = 'builtin';
export const DEFAULT_POLL_MS = 5000;

/** keychain accounts of a portal: `<portalId>:client-secret`, `<portalId>:password`, `<portalId>:refresh-token` */
export const secretAccount = (portalId: string, kind: 'client-secret' | 'password' | 'refresh-token') =>
  `${portalId}:${kind}`;

export interface PortalEntry {
  id: string;
  label: string;
  baseUrl: string;
  clientId: string;
  username: string;
  builtin: boolean;
  enabled: boolean;
  pollIntervalMs: number;
  defaultIndexUrl: string;
  secrets: { clientSecret: boolean; password: boolean };
  client: PortalClient;
}

/**
 * Default index URL (where attendees land when their session ends): the portal's own catalog page. It always
 * exists, needs no extra hosting, and the portal shows its `notification` banner there.
 */
export function defaultIndexUrlFor(baseUrl: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/workshops/catalog/`;
}

function slugId(label: string): string {
  const base =
    label
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40) || 'portal';
  return `${base}-${randomBytes(3).toString('hex')}`;
}

export interface RegistryOptions {
  /** where the portals are kept (the registry holds no copy of them) */
  store: SettingsStore;
  secretStore: SecretStore;
  builtinPortal: BuiltinPortal | null;
  tuning: ConsoleTuning;
  now: () => number;
}

/** The portals the console knows: remote ones from settings.json + keychain, and the built-in engine. */
export class PortalRegistry {
  private readonly entries = new Map<string, PortalEntry>();
  /** only the built-in portal's credentials are held here: the shell supplies them each run */
  private builtinCredentials: PortalCredentials | null = null;

  constructor(private readonly o: RegistryOptions) {}

  async init(): Promise<void> {
    const b = this.o.builtinPortal;
    if (b) {
      this.builtinCredentials = b.credentials;
      const prefs = this.o.store.builtin;
      const baseUrl = b.url.replace(/\/+$/, '');
      this.entries.set(BUILTIN_ID, {
        id: BUILTIN_ID,
        label: prefs.label ?? os.hostname(),
        baseUrl,
        clientId: b.credentials.clientId,
        username: b.credentials.username,
        builtin: true,
        enabled: prefs.enabled,
        pollIntervalMs: prefs.pollIntervalMs,
        defaultIndexUrl: prefs.defaultIndexUrl ?? defaultIndexUrlFor(baseUrl),
        secrets: { clientSecret: true, password: true },
        client: this.makeClient(BUILTIN_ID, baseUrl, null),
      });
    }
    // read together: each portal asks the keychain for its secrets, and a slow keychain should delay start-up once
    const stored = await Promise.all(this.o.store.portals.map((p) => this.fromStored(p)));
    for (const e of stored) this.entries.set(e.id, e);
  }

  list(): PortalEntry[] {
    return [...this.entries.values()];
  }

  get(id: string): PortalEntry {
    const e = this.entries.get(id);
    if (!e) throw new ConsoleError('not-found', 'no such portal');
    return e;
  }

  view(e: PortalEntry): PortalView {
    return {
      id: e.id,
      label: e.label,
      baseUrl: e.baseUrl,
      clientId: e.clientId,
      username: e.username,
      builtin: e.builtin,
      enabled: e.enabled,
      pollIntervalMs: e.pollIntervalMs,
      defaultIndexUrl: e.defaultIndexUrl,
      secrets: { ...e.secrets, persisted: e.builtin ? false : this.o.secretStore.persistent },
    };
  }

  /** a throwaway client for `portals.test` of a portal not yet saved; nothing is stored */
  draftClient(input: PortalInput): PortalClient {
    const creds: PortalCredentials = {
      clientId: input.clientId,
      clientSecret: input.clientSecret,
      username: input.username,
      password: input.password,
    };
    return new PortalClient({
      baseUrl: input.baseUrl,
      refreshTokenAccount: null,
      secretStore: this.o.secretStore,
      credentials: async () => creds,
      ...this.clientTuning(),
    });
  }

  /**
   * A throwaway client for `portals.test` of a saved portal with unsaved edits: each field absent from `changes`
   * (secrets included) comes from the saved portal. The built-in portal's address and robot are the console's, so
   * its own client is tested (and kept).
   */
  async editedClient(id: string, changes: Partial<PortalInput>): Promise<PortalClient> {
    const e = this.get(id);
    if (e.builtin) return this.makeClient(BUILTIN_ID, e.baseUrl, null);
    const [clientSecret, password] = await Promise.all([
      changes.clientSecret ?? this.getSecret(id, 'client-secret'),
      changes.password ?? this.getSecret(id, 'password'),
    ]);
    if (clientSecret === null || password === null) {
      throw new ConsoleError(
        'credentials-rejected',
        'the saved robot credentials are missing: enter the client secret and password',
      );
    }
    const creds: PortalCredentials = {
      clientId: changes.clientId ?? e.clientId,
      clientSecret,
      username: changes.username ?? e.username,
      password,
    };
    return new PortalClient({
      baseUrl: changes.baseUrl ?? e.baseUrl,
      refreshTokenAccount: null,
      secretStore: this.o.secretStore,
      credentials: async () => creds,
      ...this.clientTuning(),
    });
  }

  async add(input: PortalInput): Promise<PortalEntry> {
    const id = slugId(input.label);
    // Secrets first: a portal saved without its secrets would only ever show "credentials rejected".
    await this.setSecret(id, 'client-secret', input.clientSecret);
    await this.setSecret(id, 'password', input.password);
    const stored: StoredPortal = {
      id,
      label: input.label,
      baseUrl: input.baseUrl.replace(/\/+$/, ''),
      clientId: input.clientId,
      username: input.username,
      pollIntervalMs: input.pollIntervalMs ?? DEFAULT_POLL_MS,
      defaultIndexUrl: input.defaultIndexUrl ?? null,
      enabled: input.enabled ?? true,
    };
    await this.o.store.putPortal(stored);
    const entry = await this.fromStored(stored);
    this.entries.set(id, entry);
    return entry;
  }

  async update(u: PortalUpdate): Promise<PortalEntry> {
    const e = this.get(u.id);
    if (e.builtin) return this.updateBuiltin(e, u);
    const old = this.o.store.portals.find((p) => p.id === u.id);
    if (!old) throw new ConsoleError('not-found', 'no such portal');
    const next: StoredPortal = {
      ...old,
      ...(u.label !== undefined && { label: u.label }),
      ...(u.baseUrl !== undefined && { baseUrl: u.baseUrl.replace(/\/+$/, '') }),
      ...(u.clientId !== undefined && { clientId: u.clientId }),
      ...(u.username !== undefined && { username: u.username }),
      ...(u.pollIntervalMs !== undefined && { pollIntervalMs: u.pollIntervalMs }),
      ...(u.defaultIndexUrl !== undefined && { defaultIndexUrl: u.defaultIndexUrl }),
      ...(u.enabled !== undefined && { enabled: u.enabled }),
    };
    if (u.clientSecret !== undefined) await this.setSecret(u.id, 'client-secret', u.clientSecret);
    if (u.password !== undefined) await this.setSecret(u.id, 'password', u.password);
    const authChanged =
      next.baseUrl !== old.baseUrl ||
      next.clientId !== old.clientId ||
      next.username !== old.username ||
      u.clientSecret !== undefined ||
      u.password !== undefined;
    if (authChanged) {
      // A refresh token belongs to the old robot identity; the new credentials start with a password grant.
      await this.o.secretStore.delete(secretAccount(u.id, 'refresh-token')).catch(() => false);
    }
    await this.o.store.putPortal(next);
    if (authChanged) e.client.close();
    const entry = authChanged ? await this.fromStored(next) : { ...e, ...this.entryFields(next) };
    this.entries.set(u.id, entry);
    return entry;
  }

  async remove(id: string): Promise<void> {
    const e = this.get(id);
    if (e.builtin) throw new ConsoleError('forbidden', 'the built-in portal cannot be removed; switch it off instead');
    await this.o.store.removePortal(id);
    e.client.close();
    this.entries.delete(id);
    for (const kind of ['client-secret', 'password', 'refresh-token'] as const) {
      await this.o.secretStore.delete(secretAccount(id, kind)).catch(() => false);
    }
  }

  close(): void {
    for (const e of this.entries.values()) e.client.close();
  }

  private async updateBuiltin(e: PortalEntry, u: PortalUpdate): Promise<PortalEntry> {
    // Its address and robot come from the shell each run; a form that sends them back unchanged is fine.
    const creds = this.builtinCredentials;
    const changed =
      (u.baseUrl !== undefined && u.baseUrl.replace(/\/+$/, '') !== e.baseUrl) ||
      (u.clientId !== undefined && u.clientId !== e.clientId) ||
      (u.username !== undefined && u.username !== e.username) ||
      (u.clientSecret !== undefined && u.clientSecret !== creds?.clientSecret) ||
      (u.password !== undefined && u.password !== creds?.password);
    if (changed) {
      throw new ConsoleError(
        'forbidden',
        "the built-in portal's address and robot credentials are managed by the console; " +
          'its label, poll interval, index URL and on/off can be changed',
      );
    }
    await this.o.store.updateBuiltin({
      ...(u.label !== undefined && { label: u.label }),
      ...(u.enabled !== undefined && { enabled: u.enabled }),
      ...(u.pollIntervalMs !== undefined && { pollIntervalMs: u.pollIntervalMs }),
      ...(u.defaultIndexUrl !== undefined && { defaultIndexUrl: u.defaultIndexUrl }),
    });
    const prefs = this.o.store.builtin;
    const entry: PortalEntry = {
      ...e,
      label: prefs.label ?? os.hostname(),
      enabled: prefs.enabled,
      pollIntervalMs: prefs.pollIntervalMs,
      defaultIndexUrl: prefs.defaultIndexUrl ?? defaultIndexUrlFor(e.baseUrl),
    };
    this.entries.set(e.id, entry);
    return entry;
  }

  private entryFields(p: StoredPortal) {
    return {
      label: p.label,
      baseUrl: p.baseUrl,
      clientId: p.clientId,
      username: p.username,
      enabled: p.enabled,
      pollIntervalMs: p.pollIntervalMs,
      defaultIndexUrl: p.defaultIndexUrl ?? defaultIndexUrlFor(p.baseUrl),
    };
  }

  private async fromStored(p: StoredPortal): Promise<PortalEntry> {
    // a keychain that does not answer shows the secrets as missing; each sign-in reads them again
    const [clientSecret, password] = await Promise.all([
      this.getSecret(p.id, 'client-secret').catch(() => null),
      this.getSecret(p.id, 'password').catch(() => null),
    ]);
    return {
      id: p.id,
      builtin: false,
      ...this.entryFields(p),
      secrets: { clientSecret: clientSecret !== null, password: password !== null },
      client: this.makeClient(p.id, p.baseUrl, secretAccount(p.id, 'refresh-token')),
    };
  }

  private makeClient(id: string, baseUrl: string, refreshTokenAccount: string | null): PortalClient {
    return new PortalClient({
      baseUrl,
      refreshTokenAccount,
      secretStore: this.o.secretStore,
      credentials: () => this.credentials(id),
      ...this.clientTuning(),
    });
  }

  private clientTuning() {
    const t = this.o.tuning;
    return {
      now: this.o.now,
      ...(t.requestTimeoutMs !== undefined && { timeoutMs: t.requestTimeoutMs }),
      ...(t.retries !== undefined && { retries: t.retries }),
      ...(t.retryBaseMs !== undefined && { retryBaseMs: t.retryBaseMs }),
    };
  }

  /** read at each sign-in, so a password fixed in the keychain or the settings takes effect without a restart */
  private async credentials(id: string): Promise<PortalCredentials> {
    // An engine that did not start is not there to talk to: nothing is sent (another program may hold its port).
    const startError = this.o.builtinPortal?.startError;
    if (id === BUILTIN_ID && startError) throw new ConsoleError('portal-unreachable', startError);
    if (id === BUILTIN_ID && this.builtinCredentials) return this.builtinCredentials;
    const e = this.get(id);
    const [clientSecret, password] = await Promise.all([
      this.getSecret(id, 'client-secret'),
      this.getSecret(id, 'password'),
    ]);
    if (clientSecret === null || password === null) {
      throw new ConsoleError(
        'credentials-rejected',
        this.o.secretStore.persistent
          ? 'the robot credentials are missing from the keychain: edit the portal and enter them again'
          : 'no keychain: the robot credentials were kept for the previous run only; ' +
              'edit the portal and enter them again',
      );
    }
    return { clientId: e.clientId, clientSecret, username: e.username, password };
  }

  /**
   * null when the keychain holds no such secret or refuses to read it (a locked collection answers "not found"
   * anyway); a keychain that does not answer in time is said as such (keychain-unavailable), not as a missing secret.
   */
  private async getSecret(id: string, kind: 'client-secret' | 'password'): Promise<string | null> {
    try {
      return await this.o.secretStore.get(secretAccount(id, kind));
    } catch (err) {
      if (err instanceof ConsoleError && err.code === 'keychain-unavailable') {
        throw new ConsoleError('keychain-unavailable', `${err.message}: the robot credentials could not be read`);
      }
      return null;
    }
  }

  private async setSecret(id: string, kind: 'client-secret' | 'password', value: string): Promise<void> {
    try {
      await this.o.secretStore.set(secretAccount(id, kind), value);
    } catch (err) {
      const why =
        err instanceof ConsoleError && err.code === 'keychain-unavailable'
          ? err.message
          : 'the keychain refused to store the credentials';
      throw new ConsoleError('keychain-unavailable', `${why}; nothing was saved`);
    }
  }
}
