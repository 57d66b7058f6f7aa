import { z } from 'zod';
import { sessionStateSchema, type SessionState } from '../../shared/contract';

/**
 * Portal responses are untrusted input. These schemas accept both generations: Educates 2.x/3.x and Learning
 * Center (workshop `id` and no `labels`, no session `state` in older samples, `duration` 0 or null, `expires` and
 * `countdown` omitted when a session has no expiry).
 */

const str = z
  .string()
  .nullish()
  .transform((v) => v ?? '');
const count = z
  .number()
  .nullish()
  .transform((v) => (typeof v === 'number' && Number.isFinite(v) ? v : 0));
const dateTime = z
  .string()
  .nullish()
  .transform((v) => v ?? null);

const sessionState = z
  .unknown()
  .optional()
  .transform((v): SessionState => {
    const parsed = sessionStateSchema.safeParse(typeof v === 'string' ? v.toUpperCase() : v);
    return parsed.success ? parsed.data : 'UNKNOWN';
  });

export const tokenResponseSchema = z.object({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  expires_in: z.number().positive().nullish(),
  refresh_token: z.string().min(1).nullish(),
});
export type TokenResponse = z.infer<typeof tokenResponseSchema>;

export const oauthErrorSchema = z.object({ error: z.string(), error_description: z.string().optional() });

export const catalogSessionSchema = z.object({
  name: z.string().min(1),
  state: sessionState,
  user: str,
  started: dateTime,
  expires: dateTime,
  countdown: z.number().nullish(),
  extendable: z
    .boolean()
    .nullish()
    .transform((v) => v ?? null),
});
export type CatalogSession = z.infer<typeof catalogSessionSchema>;

export const catalogWorkshopSchema = z.object({
  name: str,
  id: z.string().optional(),
  title: str,
  description: str,
  vendor: str,
  difficulty: str,
  duration: z
    .union([z.string(), z.number()])
    .nullish()
    .transform((v) => (v == null ? '' : String(v))),
  tags: z
    .array(z.string())
    .nullish()
    .transform((v) => v ?? []),
  /** null when absent: Learning Center and Educates before 2.6.15 send an `id` instead (see portal-dialect.ts) */
  labels: z
    .record(z.string(), z.string())
    .nullish()
    .transform((v) => v ?? null),
  logo: str,
  url: str,
});

export const catalogEnvironmentSchema = z.object({
  name: z.string().min(1),
  state: z
    .string()
    .nullish()
    .transform((v) => v ?? 'RUNNING'),
  workshop: catalogWorkshopSchema,
  duration: count,
  capacity: count,
  reserved: count,
  allocated: count,
  available: count,
  sessions: z
    .array(catalogSessionSchema)
    .nullish()
    .transform((v) => v ?? []),
});
export type CatalogEnvironment = z.infer<typeof catalogEnvironmentSchema>;

export const catalogSchema = z.object({
  portal: z.object({
    name: str,
    url: str,
    sessions: z
      .object({ maximum: count, registered: count, anonymous: count, allocated: count })
      .nullish()
      .transform((v) => v ?? { maximum: 0, registered: 0, anonymous: 0, allocated: 0 }),
  }),
  environments: z.array(catalogEnvironmentSchema),
});
export type Catalog = z.infer<typeof catalogSchema>;

export const requestResponseSchema = z
  .object({
    name: z.string().min(1).optional(),
    session: z.string().min(1).optional(),
    user: str,
    url: z.string().min(1),
    workshop: str,
    environment: str,
  })
  .refine((v) => Boolean(v.name ?? v.session), { message: 'no session name' })
  .transform((v) => ({ ...v, name: (v.name ?? v.session) as string }));
export type RequestResponse = z.infer<typeof requestResponseSchema>;

export const userSessionsSchema = z.object({
  user: str,
  sessions: z.array(
    z.object({
      name: z.string().min(1),
      workshop: str,
      environment: str,
      started: dateTime,
      expires: dateTime,
      countdown: z.number().nullish(),
      extendable: z
        .boolean()
        .nullish()
        .transform((v) => v ?? null),
    }),
  ),
});
export type UserSessions = z.infer<typeof userSessionsSchema>;

export const scheduleResponseSchema = z.object({
  status: str,
  started: dateTime,
  expires: dateTime,
  extended: z
    .boolean()
    .nullish()
    .transform((v) => v ?? false),
  expiring: z.boolean().nullish(),
  countdown: z.number().nullish(),
  extendable: z
    .boolean()
    .nullish()
    .transform((v) => v ?? null),
});
export type ScheduleResponse = z.infer<typeof scheduleResponseSchema>;

export const terminateResponseSchema = z.object({ started: dateTime, expires: dateTime });
