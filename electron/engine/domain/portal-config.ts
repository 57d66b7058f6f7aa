import type { DialectName } from './dialect';

/** The normalized portal configuration the engine runs from (whether it came from YAML or the built-in demo). */

export interface RequestParameter {
  name: string;
  value: string;
  /** `generate: expression` with a regex-like pattern in `from` */
  generate: string | null;
  from: string | null;
}

export interface WorkshopDefinition {
  name: string;
  title: string;
  description: string;
  vendor: string;
  authors: string[];
  difficulty: string;
  duration: string;
  tags: string[];
  labels: Record<string, string>;
  logo: string;
  url: string;
  parameters: RequestParameter[];
}

/** The per-workshop settings of a portal entry; an environment holds the same. */
export interface WorkshopSettings {
  position: number;
  capacity: number;
  reserved: number;
  initial: number;
  /** how long a session lasts once running (`expires` in the resource), seconds; 0 = no expiry */
  durationS: number;
  /** one extension (`overtime`), seconds; 0 = not set */
  overtimeS: number;
  /** the longest a session may run with extensions (`deadline`), seconds; already raised to at least `durationS` */
  deadlineS: number;
  /** idle time after which a running session is ended (`orphaned`), seconds; 0 = never */
  orphanedS: number;
  /** start-up time after which the session page gives up (`overdue`), seconds; 0 = never */
  overdueS: number;
  /** workshop.defaults.labels < Workshop spec.labels < entry labels */
  labels: Record<string, string>;
}

/** One `spec.workshops[]` entry with the portal defaults applied and clamped as the real portal does. */
export interface WorkshopEntry extends WorkshopSettings {
  /** Workshop resource name */
  name: string;
  /** published name (`alias`), or the resource name */
  alias: string | null;
  workshop: WorkshopDefinition;
}

export interface PartialCredentials {
  admin: { username?: string; password?: string };
  robot: { username?: string; password?: string; clientId?: string; clientSecret?: string };
}

export interface PortalConfig {
  name: string;
  /** the API dialect the config was written for (its TrainingPortal's API group) */
  dialect: DialectName;
  /** where it came from, for messages: a file path or "built-in demo portal" */
  source: string;
  fromFile: boolean;
  maximum: number;
  registered: number;
  anonymous: number;
  registrationType: 'one-step' | 'anonymous';
  registrationEnabled: boolean;
  index: string | null;
  catalogVisibility: 'public' | 'private';
  labels: Record<string, string>;
  webhookUrl: string | null;
  credentials: PartialCredentials;
  workshops: WorkshopEntry[];
}

/** The portal-level settings of the config the store keeps (and persists); the webhook comes from the options. */
export type PortalSettings = Pick<
  PortalConfig,
  | 'maximum'
  | 'registered'
  | 'anonymous'
  | 'registrationType'
  | 'registrationEnabled'
  | 'index'
  | 'catalogVisibility'
  | 'labels'
  | 'webhookUrl'
>;

export interface OAuthClient {
  clientId: string;
  secretHash: string;
}

export const DEFAULT_SETTINGS: PortalSettings = {
  maximum: 0,
  registered: 0,
  anonymous: 0,
  registrationType: 'one-step',
  registrationEnabled: true,
  index: null,
  catalogVisibility: 'private',
  labels: {},
  webhookUrl: null,
};
