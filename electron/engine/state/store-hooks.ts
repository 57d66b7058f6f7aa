import type { EnvironmentRecord, SessionRecord } from '../domain/model';

/** What the lifecycle learns from the store: it keeps the deadlines, the store keeps the records. */
export interface StoreHooks {
  /** a session was created or changed */
  sessionChanged(s: SessionRecord): void;
  /** an environment was created or changed */
  environmentChanged(env: EnvironmentRecord): void;
  /** a transaction ended (committed to its batch, or rolled back) */
  afterTransaction(): void;
  /** the records were reloaded from the database (after a failed transaction or commit) */
  reloaded(): void;
}

export type SessionPatch = Partial<Omit<SessionRecord, 'id' | 'name' | 'env' | 'revision'>>;
