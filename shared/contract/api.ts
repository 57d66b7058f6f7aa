import { z } from 'zod';
import {
  alertSchema,
  allocationSchema,
  capacityPointSchema,
  directoryEntrySchema,
  fleetSnapshotSchema,
  keychainStatusSchema,
  personLookupSchema,
  portalSnapshotSchema,
  portalViewSchema,
  scheduleSchema,
  settingsSchema,
} from './domain';
import {
  allocateSchema,
  allocationRunSchema,
  attendeeParseSchema,
  attendeeUpdateSchema,
  attendeeViewSchema,
  eventCreateSchema,
  eventDetailSchema,
  eventEventsSchemas,
  eventMethodSchemas as ev,
  eventReportSchema,
  eventSummarySchema,
  eventUpdateSchema,
  reissueSchema,
} from './events';
import { checkinMethodSchemas as ci, checkinStatusSchema, networkInterfaceSchema } from './checkin';
import { hasUserinfo, portalRoot, USERINFO_MESSAGE } from './urls';

/**
 * The one contract between the renderer and the main process (IPC in Electron, loopback HTTP in web mode).
 * Every method takes one input validated by its schema and resolves to Result<output>. Inputs are untrusted.
 */

const id = z.string().min(1).max(200);
/** Portal names, environment and session names are Django slugs on the portal side. */
const slug = z
  .string()
  .regex(/^[-a-zA-Z0-9_]+$/, 'must be letters, digits, "-" or "_"')
  .max(200);
const anyHttpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).max(2048);
/** Every URL the console takes refuses userinfo: see `hasUserinfo`. */
const httpUrl = anyHttpUrl.refine((url) => !hasUserinfo(url), { message: USERINFO_MESSAGE });
/** A portal's URL: no userinfo, and trimmed to the portal's root (see `portalRoot`). */
const portalUrl = anyHttpUrl
  .superRefine((url, ctx) => {
    const root = portalRoot(url);
    if (!root.ok) ctx.addIssue({ code: 'custom', message: root.reason });
  })
  .transform((url) => {
    const root = portalRoot(url);
    return root.ok ? root.url : url;
  });
const secret = z.string().min(1).max(4096);

export const portalInputSchema = z.object({
  label: z.string().trim().min(1).max(100),
  baseUrl: portalUrl,
  clientId: z.string().min(1).max(200),
  clientSecret: secret,
  username: z.string().min(1).max(150),
  password: secret,
  pollIntervalMs: z.number().int().min(1000).max(600_000).optional(),
  defaultIndexUrl: httpUrl.optional(),
  enabled: z.boolean().optional(),
});
export type PortalInput = z.infer<typeof portalInputSchema>;

export const portalUpdateSchema = portalInputSchema.partial().extend({ id });
export type PortalUpdate = z.infer<typeof portalUpdateSchema>;

export const sessionRequestSchema = z
  .object({
    portalId: id,
    environment: slug,
    /** portal user id; when absent the email is used to derive one */
    user: z.string().trim().max(150).optional(),
    email: z.email().max(254).optional(),
    firstName: z.string().trim().max(150).optional(),
    lastName: z.string().trim().max(150).optional(),
    indexUrl: httpUrl.optional(),
    /** activation timeout in seconds; 0 disables it */
    timeout: z.number().int().min(0).max(86_400).optional(),
  })
  .refine((v) => Boolean(v.user) || Boolean(v.email), { message: 'a user id or an email is needed' });
export type SessionRequest = z.infer<typeof sessionRequestSchema>;

const sessionRef = z.object({ portalId: id, session: slug });

const bulkAction = z.enum(['extend', 'terminate']);

const empty = z.object({}).strict();

/** the alerts that an acknowledgement marked (those already acknowledged are left out) and when */
const alertsAcknowledgedSchema = z.object({ ids: z.array(z.string()), at: z.number() });

function method<I extends z.ZodType, O extends z.ZodType>(input: I, output: O) {
  return { input, output };
}

export const methods = {
  'app.info': method(
    empty,
    z.object({
      version: z.string(),
      mode: z.enum(['electron', 'web']),
      keychain: keychainStatusSchema,
      settingsWarning: z.string().nullable(),
    }),
  ),
  'portals.list': method(empty, z.array(portalViewSchema)),
  'portals.add': method(portalInputSchema, portalViewSchema),
  'portals.update': method(portalUpdateSchema, portalViewSchema),
  /** answers with the monitor's revision at which the portal went, as `monitor.portalRemoved` carries it */
  'portals.remove': method(z.object({ id }), z.object({ id, revision: z.number().int(), epoch: z.string() })),
  /**
   * Tests a connection: a saved portal (`{id}`), a portal not saved yet (`{draft}`), or a saved portal with edits
   * not saved yet (`{id, changes}`: what is absent, secrets included, comes from the saved portal).
   */
  'portals.test': method(
    z.union([
      z.object({ id, changes: portalInputSchema.partial() }),
      z.object({ id }),
      z.object({ draft: portalInputSchema }),
    ]),
    z.object({ ok: z.boolean(), message: z.string(), portalName: z.string().nullable(), latencyMs: z.number() }),
  ),
  /** Polls a portal at once (a failing portal's "Retry now"); resolves with its snapshot after that poll. */
  'portals.retryNow': method(z.object({ id }), portalSnapshotSchema),
  'monitor.snapshot': method(empty, fleetSnapshotSchema),
  'monitor.history': method(z.object({ portalId: id, sinceMs: z.number().optional() }), z.array(capacityPointSchema)),
  'sessions.request': method(sessionRequestSchema, allocationSchema),
  'sessions.extend': method(sessionRef, scheduleSchema),
  'sessions.terminate': method(sessionRef, z.object({ session: z.string(), expires: z.string().nullable() })),
  /** Step one of a bulk action: names what would be done and returns a short-lived confirmation token. */
  'sessions.bulkPrepare': method(
    z.object({ portalId: id, environment: slug, action: bulkAction, sessions: z.array(slug).max(10_000).optional() }),
    z.object({ confirmToken: z.string(), action: bulkAction, sessions: z.array(z.string()), expiresAt: z.number() }),
  ),
  'sessions.bulkExecute': method(
    z.object({ confirmToken: z.string().min(1).max(200) }),
    z.object({
      action: bulkAction,
      results: z.array(z.object({ session: z.string(), ok: z.boolean(), message: z.string() })),
    }),
  ),
  /** every person the console knows by portal user id (event attendees, people of New session) */
  'people.directory': method(empty, z.array(directoryEntrySchema)),
  'people.find': method(z.object({ query: z.string().trim().min(1).max(254) }), personLookupSchema),
  'events.list': method(empty, z.array(eventSummarySchema)),
  'events.get': method(z.object({ eventId: id }), eventDetailSchema),
  'events.create': method(eventCreateSchema, eventSummarySchema),
  'events.update': method(eventUpdateSchema, eventSummarySchema),
  'events.archive': method(z.object({ eventId: id, archived: z.boolean() }), eventSummarySchema),
  /** never ends sessions unless endSessions is true */
  'events.delete': method(
    z.object({ eventId: id, endSessions: z.boolean() }),
    ev.endSessionsOutput.extend({ eventId: z.string() }),
  ),
  'events.parseAttendees': method(ev.parseInput, attendeeParseSchema),
  'events.addAttendees': method(ev.addAttendeesInput, ev.addAttendeesOutput),
  'events.updateAttendee': method(attendeeUpdateSchema, attendeeViewSchema),
  'events.removeAttendees': method(ev.removeAttendeesInput, ev.endSessionsOutput.extend({ removed: z.number().int() })),
  /** starts a run (progress arrives as events.changed pushes); a second run of the same event is refused */
  'events.allocate': method(allocateSchema, allocationRunSchema),
  'events.cancel': method(z.object({ eventId: id }), allocationRunSchema.nullable()),
  /** a new session for ended or expired attendees (others are refused) */
  'events.reissue': method(reissueSchema, allocationRunSchema),
  'events.report': method(z.object({ eventId: id }), eventReportSchema),
  'events.exportCsv': method(ev.exportInput, ev.exportOutput),
  /** the event's check-in page: settings and whether (and where) it runs */
  'checkin.get': method(ci.eventInput, checkinStatusSchema),
  /** access mode and event code; applies at once when it runs */
  'checkin.configure': method(ci.configureInput, checkinStatusSchema),
  /** starts the page (on its kept port); refused for an archived event */
  'checkin.start': method(ci.startInput, checkinStatusSchema),
  'checkin.stop': method(ci.eventInput, checkinStatusSchema),
  /** this computer's IPv4 interfaces, for "share on the local network" */
  'checkin.interfaces': method(empty, z.array(networkInterfaceSchema)),
  /** the alert log, read back after a restart: the latest alerts (default 200), oldest first */
  'alerts.list': method(
    z.object({ limit: z.number().int().min(1).max(1000).optional(), sinceMs: z.number().int().min(0).optional() }),
    z.array(alertSchema),
  ),
  /** marks alerts as seen (persisted): the listed ids, or every alert not acknowledged yet */
  'alerts.acknowledge': method(
    z.union([z.object({ ids: z.array(id).min(1).max(1000) }).strict(), z.object({ all: z.literal(true) }).strict()]),
    alertsAcknowledgedSchema,
  ),
  'settings.get': method(empty, settingsSchema),
  'settings.update': method(settingsSchema, settingsSchema),
} as const;

export type Methods = typeof methods;
export type MethodName = keyof Methods;
export type MethodInput<M extends MethodName> = z.input<Methods[M]['input']>;
export type MethodOutput<M extends MethodName> = z.output<Methods[M]['output']>;
export const methodNames = Object.keys(methods) as MethodName[];

/** Pushes from main to the renderer. */
export const events = {
  /** one portal's snapshot, sent only when something other than the passing of time changed */
  'monitor.portal': portalSnapshotSchema,
  /** a portal was removed, at this revision of the monitor */
  'monitor.portalRemoved': z.object({ portalId: z.string(), revision: z.number().int(), epoch: z.string() }),
  /** people added to or changed in the directory (New session); event attendees come with events.changed */
  'people.changed': z.object({ entries: z.array(directoryEntrySchema) }),
  /** a new alert, or a repeat of one (same id, higher count) */
  'alerts.raised': alertSchema,
  /** alerts acknowledged (by any window) */
  'alerts.acknowledged': alertsAcknowledgedSchema,
  /** an event or some of its attendees changed: the summary and only the changed attendees */
  'events.changed': eventEventsSchemas.changed,
  'events.removed': eventEventsSchemas.removed,
  /** a check-in page started, stopped, failed, or its settings or counts changed */
  'checkin.changed': checkinStatusSchema,
} as const;

export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.output<Events[E]>;
export const eventNames = Object.keys(events) as EventName[];
