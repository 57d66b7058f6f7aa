/**
 * Every clock time the screens show, in one place: local time, 24-hour clock. Built by hand rather than with
 * Intl: the first Intl time format of a page costs ~20 ms of locale loading (which would land on the first render
 * of a large table), and charts would otherwise follow the locale's 12-hour clock.
 */

const pad = (n: number) => String(n).padStart(2, '0');

function valid(ms: number | null | undefined): ms is number {
  return typeof ms === 'number' && Number.isFinite(ms);
}

/** "14:05" (local), or "—" */
export function formatClock(ms: number | null | undefined): string {
  if (!valid(ms)) return '—';
  const d = new Date(ms);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** "14:05:09" (local), or "—" */
export function formatClockSeconds(ms: number | null | undefined): string {
  if (!valid(ms)) return '—';
  const d = new Date(ms);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** "2026-03-05" (local), or "—" */
export function formatDate(ms: number | null | undefined): string {
  if (!valid(ms)) return '—';
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** "2026-03-05 14:05" (local), or "—" */
export function formatDateTime(ms: number | null | undefined): string {
  return valid(ms) ? `${formatDate(ms)} ${formatClock(ms)}` : '—';
}

/** "2026-03-05 09:00–17:00", or with both dates when the range spans days */
export function formatRange(fromMs: number, toMs: number): string {
  return formatDate(fromMs) === formatDate(toMs)
    ? `${formatDateTime(fromMs)}–${formatClock(toMs)}`
    : `${formatDateTime(fromMs)} – ${formatDateTime(toMs)}`;
}

/** the value of an `<input type="datetime-local">` for a local epoch time: "2026-03-05T14:05" */
export function toDateTimeInput(ms: number): string {
  return `${formatDate(ms)}T${formatClock(ms)}`;
}

/** a `datetime-local` value as local epoch ms, or null when it is empty or not a date */
export function fromDateTimeInput(value: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value.trim());
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1).map((x) => Number(x ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const date = new Date(y, mo - 1, d, h, mi, s);
  // new Date rolls 2026-02-31 over into March: refuse what is not the date typed
  if (date.getFullYear() !== y || date.getMonth() !== mo - 1 || date.getDate() !== d) return null;
  return date.getTime();
}

/** "none", "90 s", "15 min", "1 h", "1 h 30 min", "2 days" for a length in seconds */
export function formatSeconds(s: number): string {
  if (s <= 0) return 'none';
  if (s < 60) return `${s} s`;
  if (s % 86_400 === 0) return s === 86_400 ? '1 day' : `${s / 86_400} days`;
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = s % 60;
  const parts: string[] = [];
  if (h) parts.push(`${h} h`);
  if (m) parts.push(`${m} min`);
  if (rest) parts.push(`${rest} s`);
  return parts.join(' ');
}

/** "14:05" when `ms` falls on the same local day as `dayOfMs`, else "2026-03-06 14:05"; "—" for none */
export function formatClockOnDay(ms: number | null | undefined, dayOfMs: number): string {
  if (!valid(ms)) return '—';
  return formatDate(ms) === formatDate(dayOfMs) ? formatClock(ms) : formatDateTime(ms);
}

const TICK_STEPS_MS = [1, 2, 5, 10, 15, 30]
  .map((s) => s * 1000)
  .concat([1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440].map((m) => m * 60_000));

/**
 * Ticks for a time axis from `fromMs` to `toMs`: whole local minutes and hours (every 5, 10, 15, 30 minutes, 1 h…)
 * with at most `maxTicks` of them, so the labels read 09:00, 09:30, 10:00 rather than wherever the data starts.
 */
export function timeTicks(fromMs: number, toMs: number, maxTicks = 8): number[] {
  if (!(toMs > fromMs)) return Number.isFinite(fromMs) ? [fromMs] : [];
  const step =
    TICK_STEPS_MS.find((s) => (toMs - fromMs) / s <= maxTicks) ??
    Math.ceil((toMs - fromMs) / maxTicks / 86_400_000) * 86_400_000;
  // align to the local clock: a step of whole minutes or hours starts on a local whole minute or hour
  const offset = new Date(fromMs).getTimezoneOffset() * 60_000;
  const first = Math.ceil((fromMs - offset) / step) * step + offset;
  const ticks: number[] = [];
  for (let t = first; t <= toMs; t += step) ticks.push(t);
  return ticks;
}
