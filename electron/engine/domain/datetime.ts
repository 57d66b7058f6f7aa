/**
 * Datetimes exactly as Django's `DjangoJSONEncoder` writes them for UTC values: ISO-8601 with a `Z` suffix,
 * microseconds truncated to milliseconds, and no fractional part at all when the sub-second part is zero.
 */
export function formatDateTime(ms: number): string {
  const iso = new Date(ms).toISOString(); // always "YYYY-MM-DDTHH:mm:ss.sssZ"
  return ms % 1000 === 0 ? `${iso.slice(0, 19)}Z` : iso;
}

export function formatNullableDateTime(ms: number | null): string | null {
  return ms === null ? null : formatDateTime(ms);
}

/**
 * Python's `timezone.now().isoformat()` (analytics timestamps, reference §9.7): microseconds (6 digits, here always
 * whole milliseconds) and `+00:00`, with no fractional part at all when it is zero.
 */
export function formatIsoTimestamp(ms: number): string {
  const iso = new Date(ms).toISOString();
  return ms % 1000 === 0 ? `${iso.slice(0, 19)}+00:00` : `${iso.slice(0, 23)}000+00:00`;
}
