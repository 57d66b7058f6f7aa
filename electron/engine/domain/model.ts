import type { WorkshopDefinition, WorkshopSettings } from './portal-config';

/** Stored as integers 1–4 like the portal's `EnvironmentState`. */
export const EnvironmentState = { STARTING: 1, RUNNING: 2, STOPPING: 3, STOPPED: 4 } as const;
export type EnvironmentStateValue = (typeof EnvironmentState)[keyof typeof EnvironmentState];
export const ENVIRONMENT_STATE_NAMES = ['', 'STARTING', 'RUNNING', 'STOPPING', 'STOPPED'] as const;

/** Stored as integers 1–5 like the portal's `SessionState`. */
export const SessionState = { STARTING: 1, WAITING: 2, RUNNING: 3, STOPPING: 4, STOPPED: 5 } as const;
export type SessionStateValue = (typeof SessionState)[keyof typeof SessionState];
export const SESSION_STATE_NAMES = ['', 'STARTING', 'WAITING', 'RUNNING', 'STOPPING', 'STOPPED'] as const;

export interface UserRecord {
  id: number;
  username: string;
  passwordHash: string | null;
  isStaff: boolean;
  isRobot: boolean;
  /** in the portal's `anonymous` group: every REST-created and web-anonymous user */
  isAnonymous: boolean;
  email: string;
  firstName: string;
  lastName: string;
  createdAt: number;
  /** owned sessions whose state is not STOPPED (in memory only) */
  live: Set<SessionRecord>;
}

export interface EnvironmentRecord extends WorkshopSettings {
  id: number;
  name: string;
  /** Workshop resource name */
  workshopName: string;
  alias: string | null;
  state: EnvironmentStateValue;
  tally: number;
  createdAt: number;
  /** when a STARTING environment becomes RUNNING */
  readyAt: number | null;
  workshop: WorkshopDefinition;
  /** bumped by the store on every change (views cache their JSON by it) */
  revision: number;
  // in-memory indexes, maintained by the store
  active: number;
  /** owned, not STOPPED, in creation order */
  allocated: Set<SessionRecord>;
  /** unowned and WAITING */
  available: Set<SessionRecord>;
  /** unowned and STARTING or WAITING */
  reservedLive: number;
  /** session records of any state (for the `initial: 0` rule) */
  records: number;
}

export interface SessionRecord {
  id: number;
  name: string;
  env: EnvironmentRecord;
  state: SessionStateValue;
  owner: UserRecord | null;
  /** activation token (REST allocations only) */
  token: string | null;
  /** epoch ms: when the session was allocated (pending) or went RUNNING */
  startedAt: number | null;
  /** epoch ms: the activation deadline while pending, the end of the session once running; null = none */
  expiresAt: number | null;
  createdAt: number;
  indexUrl: string | null;
  analyticsUrl: string | null;
  params: { name: string; value: string }[];
  configPassword: string;
  /** STARTING → WAITING/RUNNING, or STOPPING → STOPPED, at this time */
  transitionAt: number | null;
  stoppedAt: number | null;
  /** allocated through the web flow while still STARTING: goes RUNNING (not WAITING) when ready */
  activateWhenReady: boolean;
  /**
   * epoch ms of the last sign of life from the session's page (`orphaned`), and of the last one while the page was
   * visible (3 × `orphaned`); in memory only: after a restart a session counts as seen at the restart
   */
  lastSeenAt: number | null;
  lastViewAt: number | null;
  /** bumped by the store on every change (views cache their JSON by it) */
  revision: number;
}
