import type { WorkshopSettings } from './portal-config';

/**
 * Expiry and extension rules of the portal's Session model. All durations in seconds, times in ms.
 */
export type ExpiryInputs = Pick<WorkshopSettings, 'durationS' | 'overtimeS' | 'deadlineS'>;

const FOUR_HOURS = 4 * 3600;

export function extensionThreshold(duration: number): number {
  return Math.max(300, Math.min(duration, FOUR_HOURS) / 4);
}

export function extensionAmount(inputs: ExpiryInputs): number {
  return inputs.overtimeS > 0 ? Math.max(300, inputs.overtimeS) : extensionThreshold(inputs.durationS);
}

/** Whole seconds left, never negative (Python `int()` of a positive timedelta truncates like floor). */
export function countdown(expiresMs: number, nowMs: number): number {
  return Math.max(0, Math.floor((expiresMs - nowMs) / 1000));
}

/** `expiring`: the whole-second countdown (`time_remaining()`, an int) is below the threshold. */
export function isExpiring(inputs: ExpiryInputs, expiresMs: number | null, nowMs: number): boolean {
  if (expiresMs === null) return false;
  return countdown(expiresMs, nowMs) < extensionThreshold(inputs.durationS);
}

/**
 * How sessions are extended: up to a deadline (Educates 2.0 and later: `overtime`, `deadline`), or, as in Educates 1.x
 * and Learning Center, by the threshold again and again whenever 0 < remaining <= threshold, with no deadline.
 */
export type ExtensionMode = 'deadline' | 'repeat';

export function isExtendable(
  inputs: ExpiryInputs,
  running: boolean,
  startedMs: number | null,
  expiresMs: number | null,
  nowMs: number,
  mode: ExtensionMode = 'deadline',
): boolean {
  if (!running || expiresMs === null || startedMs === null) return false;
  if (mode === 'repeat') {
    const remaining = (expiresMs - nowMs) / 1000;
    return remaining > 0 && remaining <= extensionThreshold(inputs.durationS);
  }
  if (!(expiresMs < startedMs + inputs.deadlineS * 1000)) return false;
  // `remaining_time()` here is the fractional `total_seconds()` (0 once past), unlike `expiring`'s whole seconds
  return Math.max(0, (expiresMs - nowMs) / 1000) < extensionAmount(inputs);
}

/** New expiry after one extension: `min(expires + extension, started + deadline)`, or `expires + threshold`. */
export function extendedExpiry(
  inputs: ExpiryInputs,
  startedMs: number,
  expiresMs: number,
  mode: ExtensionMode = 'deadline',
): number {
  if (mode === 'repeat') return expiresMs + extensionThreshold(inputs.durationS) * 1000;
  return Math.min(expiresMs + extensionAmount(inputs) * 1000, startedMs + inputs.deadlineS * 1000);
}
