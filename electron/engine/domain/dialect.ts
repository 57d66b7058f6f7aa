/**
 * The two dialects of the training-portal REST API. Educates is the current one; VMware Tanzu Learning Center
 * (TAP 1.0–1.6) is the fork of Educates 1.x its portals still run. The engine speaks Learning Center when its
 * config uses the `learningcenter.tanzu.vmware.com` API group, or when told to.
 */
export type DialectName = 'educates' | 'learningcenter';

export const DIALECT_NAMES: readonly DialectName[] = ['educates', 'learningcenter'];

export interface Dialect {
  name: DialectName;
  /** the API group of its custom resources */
  apiGroup: string;
  /** where its operator publishes the portal's URL and credentials: `status.<statusKey>` */
  statusKey: string;
  /** default usernames of the generated accounts */
  defaultAdmin: string;
  defaultRobot: string;
  /** prefix of the users the anonymous web flow creates (`<prefix>:<uuid4>`) */
  anonymousPrefix: string;
  /** the activation timeout whatever the request says (null: the `timeout` parameter, default 60 s) */
  fixedActivationTimeoutS: number | null;
  /** `/request/` reads `session` (reacquire), `analytics_url` and a JSON `parameters` body */
  requestExtras: boolean;
  /** routes added after Learning Center forked (absent: 404) */
  catalogWorkshops: boolean;
  environmentStatus: boolean;
  terminate: boolean;
  sessionConfig: boolean;
  /** catalog workshops carry `labels` (and `resource`), or an `id` hash instead */
  workshopIdentity: 'labels' | 'id';
  /** the catalog's portal object carries `labels`; the catalog takes `name=` and `labels[k]=` filters */
  portalLabels: boolean;
  /** environment states the catalog's `state` filter accepts */
  catalogStates: readonly string[];
  /** robots may schedule, extend and authorize any session (else only the owner or staff) */
  robotActsOnSessions: boolean;
  /** status of "Session is not currently in use" */
  notInUseStatus: 400 | 403;
  /** `/schedule/` answers for reserved sessions too and carries `status` */
  scheduleStatus: boolean;
  /** extensions up to a deadline (`overtime`, `deadline`), or the threshold again and again */
  extension: 'deadline' | 'repeat';
  /** the session page enforces `overdue` (notification `startup-timeout`) */
  startupTimeout: boolean;
}

export const EDUCATES: Dialect = {
  name: 'educates',
  apiGroup: 'training.educates.dev',
  statusKey: 'educates',
  defaultAdmin: 'educates',
  defaultRobot: 'robot@educates',
  anonymousPrefix: 'anon@educates',
  fixedActivationTimeoutS: null,
  requestExtras: true,
  catalogWorkshops: true,
  environmentStatus: true,
  terminate: true,
  sessionConfig: true,
  workshopIdentity: 'labels',
  portalLabels: true,
  catalogStates: ['STARTING', 'RUNNING', 'STOPPING', 'STOPPED'],
  robotActsOnSessions: true,
  notInUseStatus: 400,
  scheduleStatus: true,
  extension: 'deadline',
  startupTimeout: true,
};

export const LEARNING_CENTER: Dialect = {
  name: 'learningcenter',
  apiGroup: 'learningcenter.tanzu.vmware.com',
  statusKey: 'learningcenter',
  defaultAdmin: 'learningcenter',
  defaultRobot: 'robot@learningcenter',
  anonymousPrefix: 'anon@learningcenter',
  fixedActivationTimeoutS: 60,
  requestExtras: false,
  catalogWorkshops: false,
  environmentStatus: false,
  terminate: false,
  sessionConfig: false,
  workshopIdentity: 'id',
  portalLabels: false,
  catalogStates: ['RUNNING', 'STOPPING'],
  robotActsOnSessions: false,
  notInUseStatus: 403,
  scheduleStatus: false,
  extension: 'repeat',
  startupTimeout: false,
};

export function dialectNamed(name: DialectName): Dialect {
  return name === 'learningcenter' ? LEARNING_CENTER : EDUCATES;
}

/** The dialect of a config's API group (`training.educates.dev` or `learningcenter.tanzu.vmware.com`). */
export function dialectOfGroup(group: string): DialectName {
  return group === LEARNING_CENTER.apiGroup ? 'learningcenter' : 'educates';
}
