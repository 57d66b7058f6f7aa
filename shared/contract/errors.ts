import { z } from 'zod';

/** Error codes that cross the process boundary. Errors travel as values: Electron drops error details. */
export const errorCodes = [
  'invalid-input',
  'not-found',
  'forbidden',
  'conflict',
  'cancelled',
  'portal-unreachable',
  'portal-timeout',
  'portal-error',
  'bad-response',
  'credentials-rejected',
  'no-capacity',
  'user-cap',
  'unknown-workshop',
  'keychain-unavailable',
  'not-supported',
  'internal',
] as const;

export const errorCodeSchema = z.enum(errorCodes);
export type ErrorCode = z.infer<typeof errorCodeSchema>;

export const apiErrorSchema = z.object({ code: errorCodeSchema, message: z.string() });
export type ApiError = z.infer<typeof apiErrorSchema>;

export type Result<T> = { ok: true; data: T } | { ok: false; error: ApiError };

/** An error a service throws on purpose; the IPC wrapper turns it into `{ok:false,error}` unchanged. */
export class ConsoleError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ConsoleError';
  }
}
