import type {
  EnvironmentRecord,
  EnvironmentStateValue,
  SessionRecord,
  SessionStateValue,
  UserRecord,
} from '../domain/model';
import type {
  OAuthClient,
  PortalSettings,
  WorkshopDefinition,
  WorkshopEntry,
  WorkshopSettings,
} from '../domain/portal-config';
import type { Statements } from './database';

/** Building the in-memory records: from database rows at load, and new ones (with empty indexes) at creation. */

export function parseJson<T>(text: string | null, fallback: T): T {
  if (text === null) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

export function emptyWorkshop(name: string): WorkshopDefinition {
  return {
    name,
    title: name,
    description: '',
    vendor: '',
    authors: [],
    difficulty: '',
    duration: '',
    tags: [],
    labels: {},
    logo: '',
    url: '',
    parameters: [],
  };
}

type Row = Record<string, unknown>;
const nullableNumber = (v: unknown): number | null => (v as number | null) ?? null;
const nullableString = (v: unknown): string | null => (v as string | null) ?? null;

export function userFromRow(r: Row): UserRecord {
  return {
    id: Number(r['id']),
    username: String(r['username']),
    passwordHash: nullableString(r['password_hash']),
    isStaff: r['is_staff'] === 1,
    isRobot: r['is_robot'] === 1,
    isAnonymous: r['is_anonymous'] === 1,
    email: String(r['email']),
    firstName: String(r['first_name']),
    lastName: String(r['last_name']),
    createdAt: Number(r['created_at']),
    live: new Set(),
  };
}

export type UserFields = Partial<
  Pick<UserRecord, 'email' | 'firstName' | 'lastName' | 'isAnonymous' | 'isStaff' | 'isRobot' | 'passwordHash'>
>;

export function newUser(id: number, username: string, fields: UserFields, now: number): UserRecord {
  return {
    id,
    username,
    passwordHash: fields.passwordHash ?? null,
    isStaff: fields.isStaff ?? false,
    isRobot: fields.isRobot ?? false,
    isAnonymous: fields.isAnonymous ?? false,
    email: fields.email ?? '',
    firstName: fields.firstName ?? '',
    lastName: fields.lastName ?? '',
    createdAt: now,
    live: new Set(),
  };
}

/** The stored part of an environment; `environmentRecord` adds the in-memory indexes. */
export type StoredEnvironment = Omit<
  EnvironmentRecord,
  'active' | 'allocated' | 'available' | 'reservedLive' | 'records' | 'revision'
>;

/** Field by field rather than a spread plus the indexes: records built alike share one hidden class in V8. */
export function environmentRecord(e: StoredEnvironment): EnvironmentRecord {
  return {
    id: e.id,
    name: e.name,
    workshopName: e.workshopName,
    alias: e.alias,
    position: e.position,
    capacity: e.capacity,
    reserved: e.reserved,
    initial: e.initial,
    durationS: e.durationS,
    overtimeS: e.overtimeS,
    deadlineS: e.deadlineS,
    orphanedS: e.orphanedS,
    overdueS: e.overdueS,
    labels: e.labels,
    state: e.state,
    tally: e.tally,
    createdAt: e.createdAt,
    readyAt: e.readyAt,
    workshop: e.workshop,
    revision: 0,
    active: 0,
    allocated: new Set(),
    available: new Set(),
    reservedLive: 0,
    records: 0,
  };
}

/** The per-workshop settings of a config entry, as an environment holds them. */
export function entrySettings(entry: WorkshopEntry): WorkshopSettings & Pick<WorkshopEntry, 'workshop'> {
  const {
    position,
    capacity,
    reserved,
    initial,
    durationS,
    overtimeS,
    deadlineS,
    orphanedS,
    overdueS,
    labels,
    workshop,
  } = entry;
  return {
    position,
    capacity,
    reserved,
    initial,
    durationS,
    overtimeS,
    deadlineS,
    orphanedS,
    overdueS,
    labels,
    workshop,
  };
}

export function environmentFromRow(r: Row, workshops: Map<string, WorkshopDefinition>): EnvironmentRecord {
  const workshopName = String(r['workshop']);
  return environmentRecord({
    id: Number(r['id']),
    name: String(r['name']),
    workshopName,
    alias: nullableString(r['alias']),
    position: Number(r['position']),
    state: Number(r['state']) as EnvironmentStateValue,
    capacity: Number(r['capacity']),
    reserved: Number(r['reserved']),
    initial: Number(r['initial']),
    durationS: Number(r['expires']),
    overtimeS: Number(r['overtime']),
    deadlineS: Number(r['deadline']),
    orphanedS: Number(r['orphaned']),
    overdueS: Number(r['overdue']),
    labels: parseJson<Record<string, string>>(r['labels'] as string, {}),
    tally: Number(r['tally']),
    createdAt: Number(r['created_at']),
    readyAt: nullableNumber(r['ready_at']),
    workshop: workshops.get(workshopName) ?? emptyWorkshop(workshopName),
  });
}

export function sessionFromRow(r: Row, env: EnvironmentRecord, users: Map<number, UserRecord>): SessionRecord {
  const ownerId = r['owner_id'] as number | null;
  return {
    id: Number(r['id']),
    name: String(r['name']),
    env,
    state: Number(r['state']) as SessionStateValue,
    owner: ownerId === null ? null : (users.get(ownerId) ?? null),
    token: nullableString(r['token']),
    startedAt: nullableNumber(r['started']),
    expiresAt: nullableNumber(r['expires']),
    createdAt: Number(r['created_at']),
    indexUrl: nullableString(r['index_url']),
    analyticsUrl: nullableString(r['analytics_url']),
    params: parseJson<{ name: string; value: string }[]>(r['params'] as string, []),
    configPassword: String(r['config_password']),
    transitionAt: nullableNumber(r['transition_at']),
    stoppedAt: nullableNumber(r['stopped_at']),
    activateWhenReady: r['activate_when_ready'] === 1,
    lastSeenAt: null,
    lastViewAt: null,
    revision: 0,
  };
}

/** Everything the database holds about the portal, as records (sessions linked to their environment and owner). */
export interface Snapshot {
  portal: {
    name: string;
    uid: string;
    generation: number;
    configHash: string;
    settings: Partial<PortalSettings>;
  } | null;
  client: OAuthClient | null;
  workshops: Map<string, WorkshopDefinition>;
  users: UserRecord[];
  environments: EnvironmentRecord[];
  sessions: SessionRecord[];
}

export function readSnapshot(st: Statements): Snapshot {
  const portalRow = st.selectPortal.get() as
    { name: string; uid: string; generation: number; config_hash: string; settings: string } | undefined;
  const clientRow = st.selectClient.get() as { client_id: string; secret_hash: string } | undefined;
  const workshops = new Map<string, WorkshopDefinition>();
  for (const row of st.selectWorkshops.all() as { name: string; definition: string }[]) {
    workshops.set(row.name, parseJson<WorkshopDefinition>(row.definition, emptyWorkshop(row.name)));
  }
  const users = (st.selectUsers.all() as Row[]).map(userFromRow);
  const usersById = new Map(users.map((u) => [u.id, u]));
  const environments = (st.selectEnvironments.all() as Row[]).map((r) => environmentFromRow(r, workshops));
  const environmentsById = new Map(environments.map((e) => [e.id, e]));
  const sessions: SessionRecord[] = [];
  for (const r of st.selectSessions.all() as Row[]) {
    const env = environmentsById.get(Number(r['environment_id']));
    if (env !== undefined) sessions.push(sessionFromRow(r, env, usersById));
  }
  return {
    portal:
      portalRow === undefined
        ? null
        : {
            name: portalRow.name,
            uid: portalRow.uid,
            generation: portalRow.generation,
            configHash: portalRow.config_hash,
            settings: parseJson<Partial<PortalSettings>>(portalRow.settings, {}),
          },
    client: clientRow === undefined ? null : { clientId: clientRow.client_id, secretHash: clientRow.secret_hash },
    workshops,
    users,
    environments,
    sessions,
  };
}
