import { createHash, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { FormValues } from './checkin-page';

/**
 * The submitted form, from strangers: every field a bounded string, nothing else trusted. A field sent twice
 * (`a=1&a=2`, which the body parser turns into an array) is refused rather than guessed at.
 */
const text = (max: number) => z.string().max(max).optional().default('');

const formSchema = z.object({
  firstName: text(150).transform((s) => s.trim()),
  lastName: text(150).transform((s) => s.trim()),
  email: text(254).transform((s) => s.trim()),
  code: text(40),
  environment: text(200),
});

const emailSchema = z.email();

export type ParsedForm =
  { ok: true; values: FormValues; code: string } | { ok: false; values: FormValues; problem: string };

/** the values to show again in the form: whatever could be read of them, bounded */
function echo(body: unknown): FormValues {
  const get = (k: string, max: number) => {
    const v = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[k] : undefined;
    return typeof v === 'string' ? v.slice(0, max) : '';
  };
  return {
    firstName: get('firstName', 150),
    lastName: get('lastName', 150),
    email: get('email', 254),
    environment: get('environment', 200),
  };
}

export function parseForm(body: unknown, askCode: boolean): ParsedForm {
  const parsed = formSchema.safeParse(body ?? {});
  if (!parsed.success) {
    return { ok: false, values: echo(body), problem: 'The form could not be read. Fill it in again.' };
  }
  const f = parsed.data;
  const values: FormValues = {
    firstName: f.firstName,
    lastName: f.lastName,
    email: f.email,
    environment: f.environment,
  };
  if (f.firstName === '') return { ok: false, values, problem: 'Enter your first name.' };
  if (!emailSchema.safeParse(f.email).success)
    return { ok: false, values, problem: 'Enter your email address (like ada@example.org).' };
  if (askCode && f.code.trim() === '') return { ok: false, values, problem: 'Enter the event code.' };
  return { ok: true, values, code: f.code };
}

/** letters and digits only, upper case: "kube 24" and "KUBE-24" are the same code typed on a phone */
export function normalizeCode(code: string): string {
  return code.replace(/[\s-]+/g, '').toUpperCase();
}

/**
 * Constant-time comparison of the normalized codes (both hashed first, so lengths match). Threat: someone in
 * reach of the page recovering the code from how long a wrong guess takes to be refused.
 */
export function codeMatches(expected: string, given: string): boolean {
  const a = createHash('sha256').update(normalizeCode(expected)).digest();
  const b = createHash('sha256').update(normalizeCode(given)).digest();
  return timingSafeEqual(a, b);
}
