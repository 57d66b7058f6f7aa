import { randomUUID } from 'node:crypto';
import { EnvironmentState, SessionState, type EnvironmentRecord } from '../domain/model';
import type { OAuthClient, PortalConfig, WorkshopEntry } from '../domain/portal-config';
import { entrySettings } from '../persistence/state-records';
import { initialSessionCount } from './reserved-pool';
import type { SessionLifecycle } from './sessions';
import type { PortalStore } from './store';

/** What the environment lifecycle needs of the store. */
export type EnvironmentStore = Pick<
  PortalStore,
  | 'now'
  | 'transaction'
  | 'name'
  | 'uid'
  | 'generation'
  | 'configHash'
  | 'settings'
  | 'portalActive'
  | 'environments'
  | 'unownedReserved'
  | 'users'
  | 'userNamed'
  | 'setPortal'
  | 'putWorkshop'
  | 'setClient'
  | 'insertEnvironment'
  | 'updateEnvironment'
  | 'insertUser'
  | 'updateUser'
  | 'auth'
  | 'emit'
>;

export interface Account {
  username: string;
  passwordHash: string;
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/**
 * Environments and the portal's own accounts: the config applied at start, STARTING →
 * RUNNING with its initial reserved sessions, STOPPING when its workshop leaves the config, STOPPED once drained.
 */
export class EnvironmentLifecycle {
  constructor(
    private readonly store: EnvironmentStore,
    private readonly sessions: Pick<SessionLifecycle, 'create' | 'stop'>,
    private readonly startupDelayMs: number,
  ) {}

  /** Applies a config at start: portal settings, workshops, and the environments. */
  applyConfig(config: PortalConfig, configHash: string): void {
    const store = this.store;
    store.transaction(() => {
      const now = store.now();
      const changed = store.configHash !== null && store.configHash !== configHash;
      store.setPortal({
        name: config.name,
        uid: store.uid === '' ? randomUUID() : store.uid,
        generation: changed ? store.generation + 1 : store.generation,
        configHash,
        settings: {
          maximum: config.maximum,
          registered: config.registered,
          anonymous: config.anonymous,
          registrationType: config.registrationType,
          registrationEnabled: config.registrationEnabled,
          index: config.index,
          catalogVisibility: config.catalogVisibility,
          labels: config.labels,
        },
      });
      for (const entry of config.workshops) store.putWorkshop(entry.name, entry.workshop);
      const kept = new Set<EnvironmentRecord>();
      const created: EnvironmentRecord[] = [];
      for (const entry of config.workshops) {
        const match = [...store.environments()].find(
          (e) => !kept.has(e) && isLive(e) && e.workshopName === entry.name && e.alias === entry.alias,
        );
        if (match !== undefined) {
          kept.add(match);
          // `initial` only changes while the environment is still STARTING
          const settings = entrySettings(entry);
          store.updateEnvironment(
            match,
            match.state === EnvironmentState.STARTING ? settings : { ...settings, initial: match.initial },
          );
        } else {
          const env = this.create(entry, now);
          kept.add(env);
          created.push(env);
        }
      }
      for (const env of [...store.environments()]) if (!kept.has(env) && isLive(env)) this.stop(env);
      for (const env of created) if (env.state === EnvironmentState.RUNNING) this.running(env);
    });
  }

  /** Re-applies the robot and admin accounts and the OAuth client from the effective credentials. */
  applyAccounts(robot: Account, admin: Account, client: OAuthClient): void {
    const store = this.store;
    store.transaction(() => {
      for (const user of [...store.users()]) {
        if ((user.isRobot && user.username !== robot.username) || (user.isStaff && user.username !== admin.username)) {
          // a former robot/admin name must not keep working with its old password
          store.updateUser(user, { isRobot: false, isStaff: false, passwordHash: null });
          store.auth.revokeUser(user, false);
        }
      }
      for (const [spec, role] of [
        [robot, 'robot'],
        [admin, 'admin'],
      ] as const) {
        const user = store.userNamed(spec.username) ?? store.insertUser(spec.username, {});
        store.updateUser(user, {
          passwordHash: spec.passwordHash,
          isRobot: role === 'robot',
          isStaff: role === 'admin',
          isAnonymous: false,
        });
      }
      store.setClient(client, store.userNamed(robot.username));
    });
  }

  private create(entry: WorkshopEntry, now: number): EnvironmentRecord {
    const delay = this.startupDelayMs;
    const env = this.store.insertEnvironment((id) => ({
      id,
      name: `${this.store.name}-w${pad(id, 2)}`,
      workshopName: entry.name,
      alias: entry.alias,
      ...entrySettings(entry),
      state: delay > 0 ? EnvironmentState.STARTING : EnvironmentState.RUNNING,
      tally: 0,
      createdAt: now,
      readyAt: delay > 0 ? now + delay : null,
    }));
    this.store.emit('Environment/Created', { env });
    return env;
  }

  /** STARTING → RUNNING: create `min(initial, headroom)` reserved sessions. */
  running(env: EnvironmentRecord): void {
    this.store.updateEnvironment(env, { state: EnvironmentState.RUNNING, readyAt: null });
    const count = initialSessionCount(this.store, env);
    for (let i = 0; i < count; i++) this.sessions.create(env, null);
  }

  /** STOPPING: no capacity, no reserved sessions; allocated sessions keep running until they end. */
  private stop(env: EnvironmentRecord): void {
    this.store.updateEnvironment(env, { state: EnvironmentState.STOPPING, capacity: 0, reserved: 0, readyAt: null });
    this.store.emit('Environment/Terminate', { env });
    for (const s of [...env.available, ...this.store.unownedReserved].filter((x) => x.env === env)) {
      if (s.state !== SessionState.STOPPING && s.state !== SessionState.STOPPED)
        this.sessions.stop(s, 'Session/Terminate');
    }
  }

  /** STOPPING environments with no active session left become STOPPED. */
  drain(): void {
    for (const env of this.store.environments()) {
      if (env.state === EnvironmentState.STOPPING && env.active === 0) {
        this.store.updateEnvironment(env, { state: EnvironmentState.STOPPED });
        this.store.emit('Environment/Deleted', { env });
      }
    }
  }
}

function isLive(env: EnvironmentRecord): boolean {
  return env.state === EnvironmentState.STARTING || env.state === EnvironmentState.RUNNING;
}
