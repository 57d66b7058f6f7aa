import { z } from 'zod';
import { dialectSchema } from './dialect';

/** Domain types the renderer shows. Nothing here ever carries a secret (password, client secret, token). */

export const portalStatusSchema = z.enum([
  'connecting', // no answer yet since the console started or the portal was added
  'live', // the last poll succeeded
  'stale', // the last poll failed; data shown is from lastSeenAt
  'offline', // several polls failed in a row
  'credentials-rejected', // the portal refused the robot credentials
  'disabled', // polling switched off by the user
]);
export type PortalStatus = z.infer<typeof portalStatusSchema>;

export const keychainStatusSchema = z.object({
  available: z.boolean(),
  /** e.g. "keytar (Secret Service)"; or why it is missing */
  backend: z.string(),
  message: z.string(),
});
export type KeychainStatus = z.infer<typeof keychainStatusSchema>;

export const portalViewSchema = z.object({
  id: z.string(),
  label: z.string(),
  baseUrl: z.string(),
  clientId: z.string(),
  username: z.string(),
  builtin: z.boolean(),
  enabled: z.boolean(),
  pollIntervalMs: z.number().int(),
  defaultIndexUrl: z.string(),
  /** Secrets are never sent; only whether the keychain (or this run's memory) holds them. */
  secrets: z.object({ clientSecret: z.boolean(), password: z.boolean(), persisted: z.boolean() }),
});
export type PortalView = z.infer<typeof portalViewSchema>;

export const workshopInfoSchema = z.object({
  name: z.string(),
  title: z.string(),
  description: z.string(),
  vendor: z.string(),
  difficulty: z.string(),
  duration: z.string(),
  tags: z.array(z.string()),
  labels: z.record(z.string(), z.string()),
  logo: z.string(),
  url: z.string(),
});
export type WorkshopInfo = z.infer<typeof workshopInfoSchema>;

export const sessionStateSchema = z.enum(['STARTING', 'WAITING', 'RUNNING', 'STOPPING', 'STOPPED', 'UNKNOWN']);
export type SessionState = z.infer<typeof sessionStateSchema>;

export const sessionViewSchema = z.object({
  name: z.string(),
  state: sessionStateSchema,
  user: z.string(),
  started: z.string().nullable(),
  /** Portal-clock ISO time; countdowns use it with the portal's clockOffsetMs. null: no expiry. */
  expires: z.string().nullable(),
  extendable: z.boolean().nullable(),
});
export type SessionView = z.infer<typeof sessionViewSchema>;

export const environmentViewSchema = z.object({
  name: z.string(),
  state: z.string(),
  workshop: workshopInfoSchema,
  /** seconds; 0 when sessions never expire */
  duration: z.number(),
  capacity: z.number(),
  reserved: z.number(),
  allocated: z.number(),
  available: z.number(),
  sessions: z.array(sessionViewSchema),
  /** the portal snapshot's revision when this environment last changed: an equal one is the same data */
  revision: z.number().int(),
});
export type EnvironmentView = z.infer<typeof environmentViewSchema>;

export const portalSnapshotSchema = z.object({
  portalId: z.string(),
  label: z.string(),
  status: portalStatusSchema,
  /** local epoch ms of the last successful poll */
  lastSeenAt: z.number().nullable(),
  lastError: z.string().nullable(),
  /** portal clock minus local clock, in ms, from the Date header */
  clockOffsetMs: z.number(),
  portal: z
    .object({
      name: z.string(),
      url: z.string(),
      maximum: z.number(),
      registered: z.number(),
      anonymous: z.number(),
      allocated: z.number(),
    })
    .nullable(),
  environments: z.array(environmentViewSchema),
  /** the REST dialect the portal answers in; null until known */
  dialect: dialectSchema.nullable(),
  /**
   * Versions, not clocks: every change of any portal takes the monitor's next revision, so of two snapshots of a
   * portal from the same `epoch` (one run of the console) the higher revision is the newer; an equal one is the same
   * data (only `lastSeenAt` may differ). A different epoch is a console started since.
   */
  revision: z.number().int(),
  epoch: z.string(),
});
export type PortalSnapshot = z.infer<typeof portalSnapshotSchema>;

export const fleetSnapshotSchema = z.object({
  generatedAt: z.number(),
  /** the monitor's revision when the read was made: a portal pushed with a higher one changed after it */
  revision: z.number().int(),
  epoch: z.string(),
  portals: z.array(portalSnapshotSchema),
});
export type FleetSnapshot = z.infer<typeof fleetSnapshotSchema>;

export const capacityPointSchema = z.object({
  /** local epoch ms */
  t: z.number(),
  portalAllocated: z.number(),
  environments: z.record(z.string(), z.object({ allocated: z.number(), available: z.number(), capacity: z.number() })),
});
export type CapacityPoint = z.infer<typeof capacityPointSchema>;

export const allocationSchema = z.object({
  portalId: z.string(),
  session: z.string(),
  user: z.string(),
  environment: z.string(),
  workshop: z.string(),
  /** absolute URL; it carries the activation token, so it is shown to the user but never logged */
  activationUrl: z.string(),
  /** local epoch ms by which the link must be opened, or null when no activation deadline applies */
  activateBy: z.number().nullable(),
});
export type Allocation = z.infer<typeof allocationSchema>;

/** who a portal user id belongs to, from the console's own event records */
export const personSchema = z.object({ email: z.string(), firstName: z.string(), lastName: z.string() });
export type Person = z.infer<typeof personSchema>;

/**
 * Someone the console knows by a portal user id: an attendee of one of its events, or a person it created a
 * session for through New session. Keyed by portalId + user; the renderer joins it with the snapshots.
 */
export const directoryEntrySchema = personSchema.extend({
  portalId: z.string(),
  user: z.string(),
  source: z.enum(['event', 'new-session']),
});
export type DirectoryEntry = z.infer<typeof directoryEntrySchema>;

export const personSessionSchema = z.object({
  portalId: z.string(),
  portalLabel: z.string(),
  name: z.string(),
  /** the portal user id that owns the session */
  user: z.string().default(''),
  /** the attendee behind that user id, when an event of this console knows them */
  person: personSchema.nullable().default(null),
  workshop: z.string(),
  environment: z.string(),
  state: sessionStateSchema,
  started: z.string().nullable(),
  expires: z.string().nullable(),
  extendable: z.boolean().nullable(),
  clockOffsetMs: z.number(),
});
export type PersonSession = z.infer<typeof personSessionSchema>;

/** an attendee of an event of this console that matches the query (by email, name parts or user id) */
export const personAttendeeSchema = personSchema.extend({
  eventId: z.string(),
  eventName: z.string(),
  attendeeId: z.string(),
  user: z.string(),
  portalId: z.string(),
  environment: z.string(),
  status: z.string(),
  session: z.string().nullable(),
});
export type PersonAttendee = z.infer<typeof personAttendeeSchema>;

export const personLookupSchema = z.object({
  query: z.string(),
  sessions: z.array(personSessionSchema),
  /** matching attendees of this console's events (at most 50); their user ids were looked up on the portals */
  attendees: z.array(personAttendeeSchema).default([]),
  /** portals that could not be asked, with the reason */
  failures: z.array(z.object({ portalId: z.string(), portalLabel: z.string(), message: z.string() })),
});
export type PersonLookup = z.infer<typeof personLookupSchema>;

export const scheduleSchema = z.object({
  session: z.string(),
  status: z.string(),
  started: z.string().nullable(),
  expires: z.string().nullable(),
  extended: z.boolean(),
  extendable: z.boolean().nullable(),
});
export type Schedule = z.infer<typeof scheduleSchema>;

export const settingsSchema = z.object({
  alerts: z.object({
    capacityPercent: z.number().min(1).max(100),
    expiringMinutes: z
      .number()
      .min(1)
      .max(24 * 60),
    notifyOs: z.boolean(),
  }),
  theme: z.enum(['system', 'light', 'dark']),
});
export type Settings = z.infer<typeof settingsSchema>;

export const alertKindSchema = z.enum([
  'capacity',
  'portal-offline',
  'credentials-rejected',
  'expiring',
  // the condition of an earlier alert is over: the portal answers again, the environment is below its threshold
  'portal-recovered',
  'capacity-recovered',
]);
export type AlertKind = z.infer<typeof alertKindSchema>;

export const alertSchema = z.object({
  id: z.string(),
  kind: alertKindSchema,
  portalId: z.string(),
  /** the portal's label when the alert was raised: still meaningful after the portal is removed */
  portalLabel: z.string().default(''),
  environment: z.string().nullable(),
  session: z.string().nullable(),
  message: z.string(),
  /** when it was last raised (a repeat within a few minutes updates the alert rather than adding one) */
  raisedAt: z.number(),
  /** how many times it was raised in a row (1, or more for repeats grouped into this one) */
  count: z.number().int().min(1).default(1),
  /** local epoch ms it was acknowledged; null while it still asks for attention */
  acknowledgedAt: z.number().nullable().default(null),
});
export type Alert = z.infer<typeof alertSchema>;
