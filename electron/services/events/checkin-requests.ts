import { createHash } from 'node:crypto';
import { ConsoleError, type AttendeeStatus } from '../../../shared/contract';
import { isUserId, userIdFromEmail } from '../user-id';
import { statusOf, type AttendeeRec, type EventRec } from './event-model';
import type { EventService } from './event-service';
import type { EventsContext } from './context';
import { RunPipeline } from './run-pipeline';

/**
 * Who a check-in requests a session for: anyone not being allocated right now. A live attendee gets the session
 * they have (the portal's rule); an ended or expired one gets a new session, as a reissue would give them.
 */
const CHECKIN_ELIGIBLE: ReadonlySet<AttendeeStatus> = new Set([
  'not-allocated',
  'failed',
  'waiting',
  'running',
  'ended',
  'expired',
]);

/** what the check-in page needs to know about an event */
export interface CheckinEvent {
  id: string;
  name: string;
  portalId: string;
  environments: readonly string[];
  archived: boolean;
  /** epoch ms: after it the page hands out no more sessions */
  endsAt: number;
}

export interface CheckinAttendee {
  id: string;
  environment: string;
  status: AttendeeStatus;
}

export interface WalkIn {
  email: string;
  firstName: string;
  lastName: string;
  environment: string;
}

/**
 * The events side of the check-in page: find an attendee by email, add a walk-in, and request a session through
 * the same pipeline as an allocation run (a durable intent before the request, the result committed before the
 * browser is sent on), so a check-in is reconciled with the portal after a crash like any allocation.
 */
export class CheckinRequests {
  constructor(
    private readonly ctx: EventsContext,
    private readonly service: EventService,
  ) {}

  event(eventId: string): CheckinEvent {
    const e = this.ctx.store.get(eventId);
    const { id, name, portalId, environments, archived, endsAt } = e;
    return { id, name, portalId, environments, archived, endsAt };
  }

  findByEmail(eventId: string, email: string): CheckinAttendee | null {
    const key = email.trim().toLowerCase();
    for (const a of this.ctx.store.get(eventId).attendees.values()) {
      if (a.email.toLowerCase() === key) return view(a);
    }
    return null;
  }

  /**
   * Adds a person to the attendee list (source `walk-in`). Their user id is the slug of the email, as for every
   * attendee; when another attendee already holds that slug (`ada.x@` and `ada-x@` make the same one) a short hash
   * of the email is appended, so the two never share a portal user and with it a session.
   */
  addWalkIn(eventId: string, person: WalkIn): CheckinAttendee {
    const e = this.ctx.store.get(eventId);
    const slug = userIdFromEmail(person.email);
    const taken = [...e.attendees.values()].some((a) => a.user.toLowerCase() === slug.toLowerCase());
    const suffix = createHash('sha256').update(person.email.toLowerCase()).digest('hex').slice(0, 8);
    const user = taken ? `${slug.slice(0, 140)}-${suffix}` : slug;
    if (!isUserId(user)) throw new ConsoleError('invalid-input', 'this email cannot be used as a portal user');
    const { added, skipped } = this.service.addAttendees(eventId, [{ ...person, user }], 'walk-in');
    const a = added[0];
    if (!a) throw new ConsoleError('conflict', skipped[0]?.reason ?? 'the attendee could not be added');
    return { id: a.id, environment: a.environment, status: a.status };
  }

  /**
   * Requests the attendee's session with `indexUrl` (the check-in page) as where they land when it ends; resolves
   * once the session is on disk, with its activation URL. Refusals of the portal are ConsoleErrors (no-capacity,
   * user-cap, unknown-workshop…), recorded on the attendee as an allocation run records them. `conflict` when a
   * request for this attendee is already under way (an allocation run, or one interrupted by a restart).
   */
  async request(eventId: string, attendeeId: string, indexUrl: string): Promise<{ session: string; url: string }> {
    const e = this.ctx.store.get(eventId);
    if (e.archived) throw new ConsoleError('conflict', `${e.name} is archived`);
    const a = this.ctx.store.attendee(e, attendeeId);
    const pipeline = new RunPipeline(this.ctx, e, CHECKIN_ELIGIBLE, this.fixedActivation(e), indexUrl);
    const sent = await pipeline.allocate(a.id, new AbortController().signal);
    if (sent === null) throw new ConsoleError('conflict', 'a session is being requested for this attendee already');
    await sent.committed;
    const current = a.current;
    if (!current?.session || !current.activationUrl || (current.status !== 'waiting' && current.status !== 'running')) {
      throw new ConsoleError('conflict', 'the session changed while it was being requested');
    }
    return { session: current.session, url: current.activationUrl };
  }

  /** a Learning Center portal's links live 60 s whatever is asked (as the monitor found out; unknown: assume not) */
  private fixedActivation(e: EventRec): boolean {
    return this.ctx.monitor.dialect(e.portalId) === 'learningcenter';
  }
}

function view(a: AttendeeRec): CheckinAttendee {
  return { id: a.id, environment: a.environment, status: statusOf(a) };
}
