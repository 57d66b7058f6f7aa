/**
 * Durations as the TrainingPortal resource writes them: `^\d+(s|m|h)$` strings or integer seconds.
 * Returns seconds, or null when the value is not a duration (the caller turns that into a config error).
 */
export function parseDuration(value: unknown): number | null {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? value : null;
  if (typeof value !== 'string') return null;
  const m = /^(\d+)(s|m|h)$/.exec(value);
  if (m === null) return /^\d+$/.test(value) ? Number(value) : null;
  const n = Number(m[1]);
  const factor = m[2] === 'h' ? 3600 : m[2] === 'm' ? 60 : 1;
  const seconds = n * factor;
  return Number.isSafeInteger(seconds) ? seconds : null;
}
