import type { AttendeeStatus, AttendeeView, EventSummary, StatusCounts } from '../../../../shared/contract';

/** What each attendee status is called on screen, and what it means (title and screen readers). */
export const STATUS_TEXT: Record<AttendeeStatus, { label: string; detail: string }> = {
  'not-allocated': { label: 'Not allocated', detail: 'no session yet' },
  allocating: { label: 'Allocating', detail: 'the session is being requested' },
  waiting: { label: 'Waiting', detail: 'allocated; waiting for the attendee to open the link' },
  running: { label: 'Running', detail: 'the attendee opened the link; the session is running' },
  ended: { label: 'Ended', detail: 'the session ended (it ran, or was ended before it was opened)' },
  expired: { label: 'Expired', detail: 'the link was not opened in time and the portal deleted the session' },
  failed: { label: 'Failed', detail: 'the portal refused the request' },
};

/** in the order an attendee moves through them (the keys of STATUS_TEXT: the contract's zod is not bundled) */
export const STATUSES = Object.keys(STATUS_TEXT) as readonly AttendeeStatus[];

export function attendeeName(a: Pick<AttendeeView, 'firstName' | 'lastName'>): string {
  return `${a.firstName} ${a.lastName}`.trim();
}

/**
 * Every word of the query must appear in the attendee's name, email, user id, workshop, session or status; the
 * status filter keeps only the given statuses (empty: all).
 */
export function filterAttendees(
  list: readonly AttendeeView[],
  query: string,
  statuses: ReadonlySet<AttendeeStatus>,
): AttendeeView[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length && !statuses.size) return list.slice();
  return list.filter((a) => {
    if (statuses.size && !statuses.has(a.status)) return false;
    if (!words.length) return true;
    const hay = [a.firstName, a.lastName, a.email, a.user, a.environment, a.session ?? '', STATUS_TEXT[a.status].label]
      .join(' ')
      .toLowerCase();
    return words.every((w) => hay.includes(w));
  });
}

export type AttendeeSortKey = 'name' | 'email' | 'user' | 'environment' | 'status' | 'countdown';

/** the local time a row's countdown runs to: the activation deadline while waiting, the expiry while running */
export function countdownTarget(a: AttendeeView): number | null {
  if (a.status === 'waiting') return a.activateBy;
  if (a.status === 'running') return a.expiresAt;
  return null;
}

const collator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });

/** Sorted copy; rows without a countdown sort after those with one. Ties keep the order attendees were added. */
export function sortAttendees(
  list: readonly AttendeeView[],
  sort: { key: AttendeeSortKey; desc: boolean } | null,
): AttendeeView[] {
  if (!sort) return list.slice();
  const dir = sort.desc ? -1 : 1;
  const order = new Map(STATUSES.map((s, i) => [s, i]));
  const text = (a: AttendeeView): string => {
    switch (sort.key) {
      case 'name':
        return attendeeName(a) || a.email;
      case 'email':
        return a.email;
      case 'user':
        return a.user;
      default:
        return a.environment;
    }
  };
  const indexed = list.map((a, i) => ({ a, i }));
  indexed.sort((x, y) => {
    let c = 0;
    if (sort.key === 'status') c = (order.get(x.a.status) ?? 0) - (order.get(y.a.status) ?? 0);
    else if (sort.key === 'countdown') {
      const p = countdownTarget(x.a);
      const q = countdownTarget(y.a);
      if (p === null || q === null) return p === q ? x.i - y.i : p === null ? 1 : -1;
      c = p - q;
    } else c = collator.compare(text(x.a), text(y.a));
    return c !== 0 ? c * dir : x.i - y.i;
  });
  return indexed.map((x) => x.a);
}

/** attendees who hold a session now (waiting or running) */
export function liveCount(counts: StatusCounts): number {
  return counts.waiting + counts.running;
}

export type EventPhase = 'upcoming' | 'on' | 'over' | 'archived';

export function eventPhase(e: Pick<EventSummary, 'archived' | 'startsAt' | 'endsAt'>, nowMs: number): EventPhase {
  if (e.archived) return 'archived';
  if (nowMs < e.startsAt) return 'upcoming';
  return nowMs < e.endsAt ? 'on' : 'over';
}

/** newest start first; archived events after the others */
export function sortEvents(events: readonly EventSummary[]): EventSummary[] {
  return [...events].sort((a, b) => Number(a.archived) - Number(b.archived) || b.startsAt - a.startsAt);
}

/**
 * Events shown on a portal's fleet card: not archived, and either under way (between start and end) or holding
 * sessions on the portal now (allocated ahead of the start, or still running after the end).
 */
export function activeEventsOn(events: readonly EventSummary[], portalId: string, nowMs: number): EventSummary[] {
  return sortEvents(
    events.filter(
      (e) =>
        e.portalId === portalId &&
        !e.archived &&
        e.total > 0 &&
        (eventPhase(e, nowMs) === 'on' || liveCount(e.counts) > 0 || e.counts.allocating > 0),
    ),
  );
}

/** which selected attendees each bulk action applies to */
export function selectionActions(selected: readonly AttendeeView[]) {
  const allocatable = selected.filter((a) => ['not-allocated', 'failed', 'waiting', 'running'].includes(a.status));
  const reissuable = selected.filter((a) => a.status === 'ended' || a.status === 'expired');
  return { allocatable, reissuable };
}
