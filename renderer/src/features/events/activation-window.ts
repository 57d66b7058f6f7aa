/**
 * The contract's DEFAULT_ACTIVATION_WINDOW_S and MAX_ACTIVATION_WINDOW_S, repeated so the renderer does not bundle
 * the contract's zod schemas for two numbers (a unit test holds them equal).
 */
export const DEFAULT_WINDOW_S = 3600;
export const MAX_WINDOW_S = 7 * 24 * 3600;

/** The activation windows offered in the event form (seconds); anything else is entered in minutes. */
export const WINDOW_CHOICES: readonly { seconds: number; label: string }[] = [
  { seconds: 0, label: 'None (no deadline)' },
  { seconds: 5 * 60, label: '5 minutes' },
  { seconds: 15 * 60, label: '15 minutes' },
  { seconds: 30 * 60, label: '30 minutes' },
  { seconds: DEFAULT_WINDOW_S, label: '60 minutes (default)' },
  { seconds: 2 * 3600, label: '2 hours' },
  { seconds: 4 * 3600, label: '4 hours' },
  { seconds: 8 * 3600, label: '8 hours' },
  { seconds: 24 * 3600, label: '24 hours' },
];

export const MAX_WINDOW_MINUTES = MAX_WINDOW_S / 60;

/** minutes typed in the custom field → seconds, or an error in words */
export function windowFromMinutes(text: string): number | string {
  const t = text.trim();
  if (!/^\d+$/.test(t)) return 'Enter whole minutes (0 for none).';
  const m = Number(t);
  if (m > MAX_WINDOW_MINUTES) return `At most ${MAX_WINDOW_MINUTES} minutes (a week).`;
  return m * 60;
}
