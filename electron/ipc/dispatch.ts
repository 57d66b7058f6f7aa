import type { z } from 'zod';
import {
  ConsoleError,
  errorCodes,
  methods,
  type ApiError,
  type ErrorCode,
  type MethodName,
  type Result,
} from '../../shared/contract';
import type { Handlers } from '../services/core-types';
import { describeError } from './redact';

/**
 * The one dispatcher behind both transports (Electron IPC and web mode's loopback HTTP): name check, input
 * validation, handler call, errors turned into values. Transports add only their own caller checks.
 */
export type Dispatch = (method: string, input: unknown) => Promise<Result<unknown>>;

export interface DispatcherOptions {
  handlers: Handlers;
  /** Validate handler outputs against the contract too (development and tests): catches drift early. */
  validateOutput?: boolean;
  /** Where internal errors are reported; messages are redacted before they get here. Default: stderr. */
  log?: (line: string) => void;
}

const MAX_ISSUES = 5;

/**
 * Own-property check on the contract map: a name such as `__proto__`, `constructor` or `toString` must never
 * reach a lookup that walks the prototype chain (threat: calling Object.prototype members through the bridge).
 */
export function isMethodName(name: unknown): name is MethodName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(methods, name);
}

export function summarizeIssues(issues: readonly z.core.$ZodIssue[]): string {
  const parts = issues.slice(0, MAX_ISSUES).map((issue) => {
    const where = issue.path.length > 0 ? issue.path.map((p) => String(p)).join('.') : 'input';
    return `${where}: ${issue.message}`;
  });
  const more = issues.length > MAX_ISSUES ? ` (and ${issues.length - MAX_ISSUES} more)` : '';
  return `${parts.join('; ')}${more}`;
}

function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && (errorCodes as readonly string[]).includes(code);
}

/**
 * A ConsoleError keeps its code. The duck-typed branch covers a ConsoleError class loaded twice (compiled
 * and source copies of the contract in one process), where `instanceof` would wrongly say no.
 */
function asConsoleError(err: unknown): ApiError | null {
  if (err instanceof ConsoleError) return { code: err.code, message: err.message };
  if (typeof err === 'object' && err !== null) {
    const e = err as { name?: unknown; code?: unknown; message?: unknown };
    if (e.name === 'ConsoleError' && isErrorCode(e.code) && typeof e.message === 'string') {
      return { code: e.code, message: e.message };
    }
  }
  return null;
}

export function failure(code: ErrorCode, message: string): Result<never> {
  return { ok: false, error: { code, message } };
}

export function createDispatcher(options: DispatcherOptions): Dispatch {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const handlers = options.handlers;

  return async function dispatch(method: string, input: unknown): Promise<Result<unknown>> {
    if (!isMethodName(method)) return failure('not-found', 'unknown method');
    const contract = methods[method];
    const handler: unknown = Object.prototype.hasOwnProperty.call(handlers, method) ? handlers[method] : undefined;
    if (typeof handler !== 'function') return failure('not-supported', `${method} is not available`);

    const parsed = contract.input.safeParse(input);
    if (!parsed.success) return failure('invalid-input', summarizeIssues(parsed.error.issues));

    let data: unknown;
    try {
      data = await (handler as (input: unknown) => Promise<unknown>)(parsed.data);
    } catch (err) {
      const known = asConsoleError(err);
      if (known) return { ok: false, error: known };
      // Unexpected errors may hold internals or secrets: the caller gets a generic message, the log the detail.
      log(`portal-console: ${method} failed: ${describeError(err)}`);
      return failure('internal', 'something went wrong in the console; see its log for details');
    }

    if (options.validateOutput) {
      const checked = contract.output.safeParse(data);
      if (!checked.success) {
        // Only paths and messages are logged, never the values (they may be activation URLs).
        log(`portal-console: ${method} returned data outside the contract: ${summarizeIssues(checked.error.issues)}`);
        return failure('internal', `${method} returned data outside the contract`);
      }
    }
    return { ok: true, data };
  };
}
