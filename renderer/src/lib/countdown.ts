/** Countdowns: the portal's expiry is in portal time, so the local clock is shifted by the portal's offset. */

export type CountdownLevel = 'none' | 'ok' | 'soon' | 'critical' | 'expired';

/** ms left until `expires` (portal-clock ISO), or null when there is no expiry or it cannot be read. */
export function remainingMs(expires: string | null, clockOffsetMs: number, nowMs: number): number | null {
  if (!expires) return null;
  const at = Date.parse(expires);
  if (Number.isNaN(at)) return null;
  return at - (nowMs + clockOffsetMs);
}

/** "1:02:03", "12:05", "0:09"; "expired" once at or below zero; "—" when there is no expiry. */
export function formatCountdown(ms: number | null): string {
  if (ms === null) return '—';
  if (ms <= 0) return 'expired';
  const total = Math.ceil(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/**
 * Colour level: "soon" within the alert setting's expiring window, "critical" in its last fifth (at least the
 * last minute), "expired" at zero.
 */
export function countdownLevel(ms: number | null, expiringMinutes: number): CountdownLevel {
  if (ms === null) return 'none';
  if (ms <= 0) return 'expired';
  const soon = expiringMinutes * 60_000;
  const critical = Math.max(60_000, soon / 5);
  if (ms <= critical) return 'critical';
  if (ms <= soon) return 'soon';
  return 'ok';
}

/** Spoken form for screen readers and titles, e.g. "12 minutes 5 seconds left". */
export function describeCountdown(ms: number | null): string {
  if (ms === null) return 'no expiry';
  if (ms <= 0) return 'expired';
  const total = Math.ceil(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const parts: string[] = [];
  if (h) parts.push(`${h} hour${h === 1 ? '' : 's'}`);
  if (m) parts.push(`${m} minute${m === 1 ? '' : 's'}`);
  if (s && !h) parts.push(`${s} second${s === 1 ? '' : 's'}`);
  return `${parts.join(' ')} left`;
}

/** "12 s", "4 min", "2 h 5 min": how long ago a local epoch time was. */
export function formatAge(sinceMs: number, nowMs: number): string {
  const s = Math.max(0, Math.floor((nowMs - sinceMs) / 1000));
  if (s < 120) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 120) return `${m} min`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}
