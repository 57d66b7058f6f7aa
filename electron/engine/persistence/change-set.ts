import type { Statements } from './database';
import type { EnvironmentRecord, SessionRecord, UserRecord } from '../domain/model';

/** The records one transaction of the portal state changed, and how they are written (UPSERTs, then deletions). */
export class ChangeSet {
  readonly sessions = new Set<SessionRecord>();
  readonly deletedSessions = new Set<number>();
  readonly environments = new Set<EnvironmentRecord>();
  /** environments whose only change is the session counter (a much cheaper UPDATE) */
  readonly tallies = new Set<EnvironmentRecord>();
  readonly users = new Set<UserRecord>();
  readonly deletedUsers = new Set<number>();

  /** Writes every change, then forgets them. */
  write(st: Statements): void {
    for (const user of this.users) {
      if (this.deletedUsers.has(user.id)) continue;
      st.upsertUser.run(
        user.id,
        user.username,
        user.passwordHash,
        user.isStaff ? 1 : 0,
        user.isRobot ? 1 : 0,
        user.isAnonymous ? 1 : 0,
        user.email,
        user.firstName,
        user.lastName,
        user.createdAt,
      );
    }
    for (const env of this.environments) {
      st.upsertEnvironment.run(
        env.id,
        env.name,
        env.workshopName,
        env.alias,
        env.position,
        env.state,
        env.capacity,
        env.reserved,
        env.initial,
        env.durationS,
        env.overtimeS,
        env.deadlineS,
        env.orphanedS,
        env.overdueS,
        JSON.stringify(env.labels),
        env.tally,
        env.createdAt,
        env.readyAt,
      );
    }
    for (const env of this.tallies) if (!this.environments.has(env)) st.updateTally.run(env.tally, env.id);
    for (const s of this.sessions) {
      if (this.deletedSessions.has(s.id)) continue;
      st.upsertSession.run(
        s.id,
        s.name,
        s.env.id,
        s.state,
        s.owner?.id ?? null,
        s.token,
        s.startedAt,
        s.expiresAt,
        s.createdAt,
        s.indexUrl,
        s.analyticsUrl,
        JSON.stringify(s.params),
        s.configPassword,
        s.transitionAt,
        s.stoppedAt,
        s.activateWhenReady ? 1 : 0,
      );
    }
    for (const id of this.deletedSessions) st.deleteSession.run(id);
    for (const id of this.deletedUsers) st.deleteUser.run(id);
    this.clear();
  }

  clear(): void {
    this.sessions.clear();
    this.deletedSessions.clear();
    this.environments.clear();
    this.tallies.clear();
    this.users.clear();
    this.deletedUsers.clear();
  }
}
