import { z } from 'zod';
import { hasUserinfo, USERINFO_MESSAGE } from './urls';

/**
 * Events (workshops run for a list of attendees): the schemas of the `events.*` methods and pushes. Times are
 * local epoch ms unless a name says otherwise; countdowns are computed by the renderer from them.
 */

const id = z.string().min(1).max(200);
const slug = z
  .string()
  .regex(/^[-a-zA-Z0-9_]+$/, 'must be letters, digits, "-" or "_"')
  .max(200);
const epochMs = z.number().int().min(0).max(8_640_000_000_000_000);
const personName = z.string().trim().max(150);
/** portal user ids are Django slugs: `/workshops/user/<user>/sessions/` routes nothing else */
const userId = z
  .string()
  .trim()
  .regex(/^[-a-zA-Z0-9_]+$/, 'must be letters, digits, "-" or "_"')
  .max(150);

/** Where attendees land when their session ends: http(s) only, and no userinfo (it would be copied into links). */
export const indexUrlSchema = z
  .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
  .max(2048)
  .refine((u) => !hasUserinfo(u), USERINFO_MESSAGE);

/** longest activation window: a week (a session waiting that long holds capacity the whole time) */
export const MAX_ACTIVATION_WINDOW_S = 7 * 24 * 3600;
export const DEFAULT_ACTIVATION_WINDOW_S = 3600;

export const attendeeStatusSchema = z.enum([
  'not-allocated', // no session yet (or the last run was cancelled before this attendee was requested)
  'allocating', // a request is in flight, or was when the console stopped (reconciled with the portal)
  'waiting', // allocated; the link has not been opened yet (activateBy is the deadline, null = none)
  'running', // the link was opened; expiresAt is when the session ends
  'ended', // ended, terminated or expired after it ran (or terminated before it was opened)
  'expired', // the activation deadline passed before the link was opened: the portal deleted the session
  'failed', // the portal refused (reason says why)
]);
export type AttendeeStatus = z.infer<typeof attendeeStatusSchema>;
export const attendeeStatuses = attendeeStatusSchema.options;

export const attendeeSourceSchema = z.enum(['csv', 'paste', 'manual', 'walk-in']);
export type AttendeeSource = z.infer<typeof attendeeSourceSchema>;

export const statusCountsSchema = z.object(
  Object.fromEntries(attendeeStatuses.map((s) => [s, z.number().int()])) as Record<AttendeeStatus, z.ZodNumber>,
);
export type StatusCounts = z.infer<typeof statusCountsSchema>;

export const allocationScopeSchema = z.enum(['all', 'unallocated', 'selected', 'failed']);
export type AllocationScope = z.infer<typeof allocationScopeSchema>;

export const allocationRunSchema = z.object({
  runId: z.string(),
  eventId: z.string(),
  scope: z.enum(['all', 'unallocated', 'selected', 'failed', 'reissue']),
  status: z.enum(['running', 'done', 'cancelled']),
  /** attendees in the run */
  total: z.number().int(),
  /** requests answered (allocated + failed) */
  done: z.number().int(),
  allocated: z.number().int(),
  failed: z.number().int(),
  /** not requested because the run was cancelled (they stay not-allocated) */
  cancelled: z.number().int(),
  startedAt: z.number(),
  endedAt: z.number().nullable(),
  /** the latest failures of this run (at most 50), e.g. a refresh of a live session that the portal refused */
  errors: z.array(z.object({ attendeeId: z.string(), email: z.string(), reason: z.string() })),
});
export type AllocationRun = z.infer<typeof allocationRunSchema>;

export const eventSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  portalId: z.string(),
  environments: z.array(z.string()),
  startsAt: z.number(),
  endsAt: z.number(),
  /** how long an allocated session waits for its attendee (passed to the portal as `timeout`); 0 = no deadline */
  activationWindowS: z.number().int(),
  /** null: the portal's default index URL */
  indexUrl: z.string().nullable(),
  archived: z.boolean(),
  createdAt: z.number(),
  updatedAt: z.number(),
  /** grows with every change of the event or its attendees; the renderer keeps the highest it has seen */
  revision: z.number().int(),
  total: z.number().int(),
  counts: statusCountsSchema,
  /** attendees whose session was ever seen running ("activated X of Y") */
  activated: z.number().int(),
  /** the current or last allocation run of this console process, or null */
  run: allocationRunSchema.nullable(),
});
export type EventSummary = z.infer<typeof eventSummarySchema>;

export const attendeeViewSchema = z.object({
  id: z.string(),
  eventId: z.string(),
  email: z.string(),
  firstName: z.string(),
  lastName: z.string(),
  /** portal user id */
  user: z.string(),
  /** which of the event's environments this attendee gets */
  environment: z.string(),
  source: attendeeSourceSchema,
  addedAt: z.number(),
  status: attendeeStatusSchema,
  session: z.string().nullable(),
  /** absolute URL; it carries the activation token, so it is shown but never logged */
  activationUrl: z.string().nullable(),
  allocatedAt: z.number().nullable(),
  /** deadline to open the link while waiting; null when none applies */
  activateBy: z.number().nullable(),
  /** when the session ends (local clock), while running; null when it does not expire */
  expiresAt: z.number().nullable(),
  firstRunningAt: z.number().nullable(),
  endedAt: z.number().nullable(),
  extensions: z.number().int(),
  /** the portal's words when failed */
  reason: z.string().nullable(),
  /** notes about the link, e.g. "link-reissued: the built-in portal moved from :A to :B" */
  flags: z.array(z.string()),
});
export type AttendeeView = z.infer<typeof attendeeViewSchema>;

export const eventDetailSchema = z.object({ event: eventSummarySchema, attendees: z.array(attendeeViewSchema) });
export type EventDetail = z.infer<typeof eventDetailSchema>;

export const parsedAttendeeSchema = z.object({
  line: z.number().int(),
  email: z.string(),
  firstName: z.string(),
  lastName: z.string(),
  user: z.string(),
});
export const attendeeParseSchema = z.object({
  rows: z.array(parsedAttendeeSchema),
  errors: z.array(z.object({ line: z.number().int(), reason: z.string(), raw: z.string() })),
});
export type AttendeeParse = z.infer<typeof attendeeParseSchema>;

export const reportAttendeeSchema = z.object({
  attendeeId: z.string(),
  email: z.string(),
  firstName: z.string(),
  lastName: z.string(),
  user: z.string(),
  environment: z.string(),
  status: attendeeStatusSchema,
  session: z.string().nullable(),
  allocatedAt: z.number().nullable(),
  firstRunningAt: z.number().nullable(),
  endedAt: z.number().nullable(),
  extensions: z.number().int(),
  /** sessions this attendee was given (more than 1 after a reissue) */
  sessions: z.number().int(),
});

export const eventReportSchema = z.object({
  eventId: z.string(),
  generatedAt: z.number(),
  attendees: z.array(reportAttendeeSchema),
  totals: z.object({
    attendees: z.number().int(),
    /** attendees who were ever given a session */
    allocated: z.number().int(),
    /** attendees whose session was ever seen running */
    activated: z.number().int(),
    /** activated / allocated (0 when nobody was allocated) */
    showUpRate: z.number(),
    peakRunning: z.number().int(),
    /** most sessions of this event allocated at one time (waiting and running hold capacity alike) */
    peakAllocated: z.number().int(),
    /** the event's environments' capacity from the portal's latest catalog; null when it has not been read */
    capacity: z.number().int().nullable(),
    /** peakAllocated / capacity, 0..1 (null without a capacity) */
    capacityUsed: z.number().nullable(),
    ended: z.number().int(),
    expiredUnactivated: z.number().int(),
    failed: z.number().int(),
  }),
  /** allocated and running sessions of this event over time, one point per change (at most 1,000 points) */
  series: z.array(z.object({ t: z.number(), allocated: z.number().int(), running: z.number().int() })),
});
export type EventReport = z.infer<typeof eventReportSchema>;

// ---- inputs ---------------------------------------------------------------------------------------------

const environmentsInput = z
  .array(slug)
  .min(1, 'an event needs at least one workshop environment')
  .max(20)
  .refine((a) => new Set(a).size === a.length, 'an environment is listed twice');

const eventFields = {
  name: z.string().trim().min(1).max(200),
  portalId: id,
  environments: environmentsInput,
  startsAt: epochMs,
  endsAt: epochMs,
  activationWindowS: z.number().int().min(0).max(MAX_ACTIVATION_WINDOW_S),
  indexUrl: indexUrlSchema.nullable(),
};

const endsAfterStart = (v: { startsAt?: number | undefined; endsAt?: number | undefined }) =>
  v.startsAt === undefined || v.endsAt === undefined || v.endsAt > v.startsAt;
const endsAfterStartMessage = { message: 'the event must end after it starts', path: ['endsAt'] };

export const eventCreateSchema = z
  .object({
    ...eventFields,
    activationWindowS: eventFields.activationWindowS.default(DEFAULT_ACTIVATION_WINDOW_S),
    indexUrl: eventFields.indexUrl.default(null),
  })
  .refine(endsAfterStart, endsAfterStartMessage);
export type EventCreate = z.input<typeof eventCreateSchema>;

export const eventUpdateSchema = z
  .object({ eventId: id, ...eventFields })
  .partial()
  .required({ eventId: true })
  .refine(endsAfterStart, endsAfterStartMessage);
export type EventUpdate = z.input<typeof eventUpdateSchema>;

export const attendeeInputSchema = z.object({
  email: z.email().max(254),
  firstName: personName.default(''),
  lastName: personName.default(''),
  /** portal user id; default: a slug of the email */
  user: userId.optional(),
  /** one of the event's environments; default: its first */
  environment: slug.optional(),
});
export type AttendeeInput = z.input<typeof attendeeInputSchema>;

export const attendeeUpdateSchema = z.object({
  eventId: id,
  attendeeId: id,
  email: z.email().max(254).optional(),
  firstName: personName.optional(),
  lastName: personName.optional(),
  user: userId.optional(),
  environment: slug.optional(),
});

const attendeeIds = z
  .array(id)
  .min(1)
  .max(10_000)
  .refine((a) => new Set(a).size === a.length, 'an attendee is listed twice');

export const allocateSchema = z
  .object({
    eventId: id,
    scope: allocationScopeSchema,
    /** required for scope "selected", refused otherwise */
    attendeeIds: attendeeIds.optional(),
    concurrency: z.number().int().min(1).max(32).optional(),
    /**
     * The portal ignores `timeout` (Learning Center: links die 60 s after allocation). Allocation is refused
     * there unless this is true (the facilitator allocates while attendees are ready to open their links).
     */
    confirmShortActivation: z.boolean().optional(),
  })
  .refine((v) => (v.scope === 'selected') === (v.attendeeIds !== undefined), {
    message: 'attendeeIds is required with scope "selected" and only then',
    path: ['attendeeIds'],
  });

export const reissueSchema = z.object({
  eventId: id,
  attendeeIds,
  concurrency: z.number().int().min(1).max(32).optional(),
  confirmShortActivation: z.boolean().optional(),
});

export const eventEventsSchemas = {
  changed: z.object({
    eventId: z.string(),
    revision: z.number().int(),
    summary: eventSummarySchema,
    /** only the attendees that changed since the previous push (all of them after events.get is not needed) */
    attendees: z.array(attendeeViewSchema),
    removedAttendeeIds: z.array(z.string()),
  }),
  removed: z.object({ eventId: z.string() }),
};
export type EventChanged = z.infer<typeof eventEventsSchemas.changed>;

export const eventMethodSchemas = {
  id,
  attendeeIds,
  parseInput: z.object({ text: z.string().max(5_000_000), format: z.enum(['csv', 'lines']) }),
  addAttendeesInput: z.object({
    eventId: id,
    attendees: z.array(attendeeInputSchema).min(1).max(10_000),
    source: attendeeSourceSchema,
  }),
  addAttendeesOutput: z.object({
    added: z.array(attendeeViewSchema),
    skipped: z.array(z.object({ email: z.string(), reason: z.string() })),
  }),
  removeAttendeesInput: z.object({ eventId: id, attendeeIds, endSessions: z.boolean() }),
  endSessionsOutput: z.object({
    /** sessions ended (only when endSessions was true) */
    ended: z.number().int(),
    failures: z.array(z.object({ attendeeId: z.string(), session: z.string(), message: z.string() })),
  }),
  exportInput: z.object({ eventId: id, kind: z.enum(['links', 'report']) }),
  exportOutput: z.object({ filename: z.string(), csv: z.string() }),
};
