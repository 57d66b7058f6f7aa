import type { AttendeeSource, AttendeeStatus, AttendeeView, StatusCounts } from '../../../shared/contract';
import { attendeeStatuses } from '../../../shared/contract';

/** the status of an allocation row: an attendee without one is "not-allocated" */
export type AllocationStatus = Exclude<AttendeeStatus, 'not-allocated'>;

/** One session the console obtained (or tried to) for an attendee; the attendee's latest row is the current one. */
export interface AllocationRec {
  id: number;
  environment: string;
  session: string | null;
  /** carries the activation token: never logged */
  activationUrl: string | null;
  requestedAt: number;
  allocatedAt: number | null;
  activateBy: number | null;
  expiresAt: number | null;
  firstRunningAt: number | null;
  endedAt: number | null;
  extensions: number;
  status: AllocationStatus;
  reason: string | null;
  flags: string[];
}

export interface AttendeeRec {
  id: string;
  eventId: string;
  seq: number;
  email: string;
  firstName: string;
  lastName: string;
  user: string;
  environment: string;
  source: AttendeeSource;
  addedAt: number;
  current: AllocationRec | null;
  /** how many sessions this attendee was given (allocation rows with a session) */
  sessions: number;
}

export interface EventRec {
  id: string;
  name: string;
  portalId: string;
  environments: string[];
  startsAt: number;
  endsAt: number;
  activationWindowS: number;
  indexUrl: string | null;
  archived: boolean;
  createdAt: number;
  updatedAt: number;
  revision: number;
  /** in the order they were added */
  attendees: Map<string, AttendeeRec>;
}

/** statuses that hold a session on the portal (and its capacity) */
export const LIVE: ReadonlySet<AttendeeStatus> = new Set(['waiting', 'running']);

export function statusOf(a: AttendeeRec): AttendeeStatus {
  return a.current?.status ?? 'not-allocated';
}

export function emptyCounts(): StatusCounts {
  return Object.fromEntries(attendeeStatuses.map((s) => [s, 0])) as StatusCounts;
}

/** the counts of an event at a revision: every change of a status moves the revision, so they are reused until then */
const counted = new WeakMap<EventRec, { revision: number; counts: StatusCounts; activated: number }>();

export function countStatuses(e: EventRec): { counts: StatusCounts; activated: number } {
  const known = counted.get(e);
  if (known?.revision === e.revision) return { counts: { ...known.counts }, activated: known.activated };
  const counts = emptyCounts();
  let activated = 0;
  for (const a of e.attendees.values()) {
    counts[statusOf(a)]++;
    if (a.current?.firstRunningAt != null) activated++;
  }
  counted.set(e, { revision: e.revision, counts: { ...counts }, activated });
  return { counts, activated };
}

export function attendeeView(a: AttendeeRec): AttendeeView {
  const c = a.current;
  return {
    id: a.id,
    eventId: a.eventId,
    email: a.email,
    firstName: a.firstName,
    lastName: a.lastName,
    user: a.user,
    environment: a.environment,
    source: a.source,
    addedAt: a.addedAt,
    status: statusOf(a),
    session: c?.session ?? null,
    activationUrl: c?.activationUrl ?? null,
    allocatedAt: c?.allocatedAt ?? null,
    activateBy: c?.status === 'waiting' ? c.activateBy : null,
    expiresAt: c?.status === 'running' ? c.expiresAt : null,
    firstRunningAt: c?.firstRunningAt ?? null,
    endedAt: c?.endedAt ?? null,
    extensions: c?.extensions ?? 0,
    reason: c?.reason ?? null,
    flags: c ? [...c.flags] : [],
  };
}
