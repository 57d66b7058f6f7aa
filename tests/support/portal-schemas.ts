/**
 * Zod schemas of the training portal REST replies, as the real portal sends them.
 * Strict objects where the reference gives the exact key set, so a missing or extra key fails a test.
 */
import { z } from 'zod';

/** DjangoJSONEncoder: UTC, `Z`, milliseconds when there is a fraction, none when it is zero. */
export const DATETIME_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/;
export const datetime = z.string().regex(DATETIME_RE);

export const tokenReplySchema = z.strictObject({
  access_token: z.string().min(20),
  expires_in: z.literal(36000),
  token_type: z.literal('Bearer'),
  scope: z.literal('user:info'),
  refresh_token: z.string().min(20),
});

export const oauthErrorSchema = z.object({ error: z.string(), error_description: z.string().optional() });

export const portalInfoSchema = z.strictObject({
  name: z.string(),
  labels: z.record(z.string(), z.string()),
  uid: z.string(),
  generation: z.number().int(),
  url: z.string(),
  sessions: z.strictObject({
    maximum: z.number().int(),
    registered: z.number().int(),
    anonymous: z.number().int(),
    allocated: z.number().int(),
  }),
});

export const sessionStateSchema = z.enum(['STARTING', 'WAITING', 'RUNNING', 'STOPPING']);
export const environmentStateSchema = z.enum(['STARTING', 'RUNNING', 'STOPPING', 'STOPPED']);

export const catalogSessionSchema = z.strictObject({
  name: z.string(),
  state: sessionStateSchema,
  namespace: z.string(),
  user: z.string(),
  started: datetime.nullable(),
  expires: datetime.optional(),
  countdown: z.number().int().min(0).optional(),
  extendable: z.boolean().optional(),
});

const workshopFields = {
  name: z.string(),
  title: z.string(),
  description: z.string(),
  vendor: z.string(),
  authors: z.array(z.string()),
  difficulty: z.string(),
  duration: z.string(),
  tags: z.array(z.string()),
  labels: z.record(z.string(), z.string()),
  logo: z.string(),
  url: z.string(),
};

/** Catalog form: has `resource` (the Workshop resource name; `name` may be the alias). */
export const catalogWorkshopSchema = z.strictObject({ ...workshopFields, resource: z.string() });
/** Environment status form: `name` is the resource name and there is no `resource` key. */
export const statusWorkshopSchema = z.strictObject(workshopFields);

const environmentFields = {
  name: z.string(),
  state: environmentStateSchema,
  duration: z.number().int().min(0),
  capacity: z.number().int().min(0),
  reserved: z.number().int().min(0),
  allocated: z.number().int().min(0),
  available: z.number().int().min(0),
  sessions: z.array(catalogSessionSchema).optional(),
};

export const catalogEnvironmentSchema = z.strictObject({ ...environmentFields, workshop: catalogWorkshopSchema });
export const environmentStatusSchema = z.strictObject({ ...environmentFields, workshop: statusWorkshopSchema });

export const catalogEnvironmentsSchema = z.strictObject({
  portal: portalInfoSchema,
  environments: z.array(catalogEnvironmentSchema),
});

export const catalogWorkshopsSchema = z.strictObject({
  portal: portalInfoSchema,
  workshops: z.array(
    z.strictObject({
      ...workshopFields,
      resource: z.string(),
      environment: z.strictObject({
        name: z.string(),
        state: environmentStateSchema,
        duration: z.number().int(),
        capacity: z.number().int(),
        reserved: z.number().int(),
        allocated: z.number().int(),
        available: z.number().int(),
      }),
    }),
  ),
});

export const requestReplySchema = z.strictObject({
  name: z.string(),
  session: z.string(),
  user: z.string(),
  url: z.string(),
  namespace: z.string(),
  workshop: z.string(),
  environment: z.string(),
});

export const userSessionSchema = z.strictObject({
  name: z.string(),
  namespace: z.string(),
  workshop: z.string(),
  environment: z.string(),
  started: datetime.nullable(),
  expires: datetime.optional(),
  countdown: z.number().int().min(0).optional(),
  extendable: z.boolean().optional(),
});
export const userSessionsSchema = z.strictObject({ user: z.string(), sessions: z.array(userSessionSchema) });

export const scheduleSchema = z.strictObject({
  status: z.enum(['STARTING', 'WAITING', 'RUNNING', 'STOPPING', 'STOPPED']),
  started: datetime.nullable(),
  expires: datetime.nullable(),
  expiring: z.boolean(),
  countdown: z.number().int().min(0).optional(),
  extendable: z.boolean().optional(),
});
export const extendSchema = scheduleSchema.extend({ extended: z.boolean() });
export const terminateSchema = z.strictObject({ started: datetime.nullable(), expires: datetime.nullable() });
export const sessionConfigSchema = z.strictObject({ url: z.string().nullable(), password: z.string() });
export const authorizeSchema = z.strictObject({ owner: z.string(), user: z.string(), staff: z.boolean() });

export const analyticsMessageSchema = z.object({
  portal: z.object({
    name: z.string(),
    url: z.string(),
    uid: z.string().optional(),
    generation: z.number().optional(),
  }),
  event: z.object({
    name: z.string(),
    timestamp: z.string(),
    user: z.string().nullable().optional(),
    session: z.string().nullable().optional(),
    environment: z.string().nullable().optional(),
    workshop: z.string().nullable().optional(),
    data: z.unknown().optional(),
  }),
});

export type CatalogEnvironments = z.infer<typeof catalogEnvironmentsSchema>;
export type CatalogEnvironment = z.infer<typeof catalogEnvironmentSchema>;
export type RequestReply = z.infer<typeof requestReplySchema>;
export type UserSessions = z.infer<typeof userSessionsSchema>;
export type Schedule = z.infer<typeof scheduleSchema>;
export type AnalyticsMessage = z.infer<typeof analyticsMessageSchema>;
