import {
  ConsoleError,
  DEFAULT_ACTIVATION_WINDOW_S,
  type AttendeeInput,
  type AttendeeView,
  type EventDetail,
  type EventSummary,
} from '../../../shared/contract';
import { isUserId, userIdFromEmail } from '../user-id';
import { attendeeView, LIVE, statusOf, type AttendeeRec, type EventRec } from './event-model';
import type { AttendeePatch, EventFields, NewAttendee } from './event-store';
import { summarize, type EventsContext } from './context';

/** more than this in one event is refused: the attendee table and a poll's reconciliation stay fast below it */
export const MAX_ATTENDEES = 10_000;

type Source = NewAttendee['source'];

/** Events and their attendee lists: create, edit, archive, delete; add, edit and remove attendees. */
export class EventService {
  constructor(private readonly ctx: EventsContext) {}

  list(): EventSummary[] {
    return this.ctx.store.list().map((e) => summarize(this.ctx, e));
  }

  get(eventId: string): EventDetail {
    const e = this.ctx.store.get(eventId);
    return { event: summarize(this.ctx, e), attendees: [...e.attendees.values()].map(attendeeView) };
  }

  /** the window and index URL default as in the contract (handlers may also be called without the schema) */
  create(
    input: Omit<EventFields, 'activationWindowS' | 'indexUrl'> &
      Partial<Pick<EventFields, 'activationWindowS' | 'indexUrl'>>,
  ): EventSummary {
    this.ctx.registry.get(input.portalId);
    const e = this.ctx.store.createEvent({
      ...input,
      activationWindowS: input.activationWindowS ?? DEFAULT_ACTIVATION_WINDOW_S,
      indexUrl: input.indexUrl ?? null,
    });
    this.ctx.push.changed(e.id, [], { now: true });
    return summarize(this.ctx, e);
  }

  update(eventId: string, patch: Partial<EventFields>): EventSummary {
    const e = this.ctx.store.get(eventId);
    this.refuseWhileRunning(e, 'edit');
    if ((patch.endsAt ?? e.endsAt) <= (patch.startsAt ?? e.startsAt))
      throw new ConsoleError('invalid-input', 'endsAt: the event must end after it starts');
    if (patch.portalId !== undefined && patch.portalId !== e.portalId) {
      this.ctx.registry.get(patch.portalId);
      const used = [...e.attendees.values()].filter((a) => a.current !== null).length;
      if (used > 0)
        throw new ConsoleError(
          'conflict',
          `the portal cannot change: ${used} attendees already had sessions on ${e.portalId}`,
        );
    }
    const moved: AttendeeRec[] = [];
    if (patch.environments) {
      const kept = new Set(patch.environments);
      for (const a of e.attendees.values()) {
        if (kept.has(a.environment)) continue;
        if (LIVE.has(statusOf(a)) || statusOf(a) === 'allocating') {
          throw new ConsoleError(
            'conflict',
            `${a.environment} cannot be removed: ${a.email} has a session there (end it first)`,
          );
        }
        moved.push(a);
      }
    }
    // Attendees of a removed environment move to the event's (new) first one; none of them holds a session there.
    if (moved.length > 0) {
      const first = (patch.environments as string[])[0] as string;
      for (const a of moved) this.ctx.store.updateAttendee(e, a, { environment: first });
    }
    this.ctx.store.updateEvent(e, patch);
    this.ctx.push.changed(
      e.id,
      moved.map((a) => a.id),
      { now: true },
    );
    return summarize(this.ctx, e);
  }

  archive(eventId: string, archived: boolean): EventSummary {
    const e = this.ctx.store.get(eventId);
    if (archived) this.refuseWhileRunning(e, 'archive');
    this.ctx.store.updateEvent(e, { archived });
    this.ctx.push.changed(e.id, [], { now: true });
    return summarize(this.ctx, e);
  }

  /** never ends sessions unless `endSessions`; a run in progress is cancelled first */
  async delete(eventId: string, endSessions: boolean) {
    const e = this.ctx.store.get(eventId);
    const run = this.ctx.runs.get(e.id);
    if (run && run.state.status === 'running') {
      run.abort.abort();
      await run.done;
    }
    const result = endSessions ? await this.endSessions(e, [...e.attendees.values()]) : { ended: 0, failures: [] };
    this.ctx.store.deleteEvent(e);
    this.ctx.runs.delete(e.id);
    this.ctx.push.forget(e.id);
    this.ctx.emitRemoved(e.id);
    return { eventId: e.id, ...result };
  }

  addAttendees(eventId: string, inputs: AttendeeInput[], source: Source) {
    const e = this.ctx.store.get(eventId);
    const emails = new Set<string>();
    const users = new Set<string>();
    for (const a of e.attendees.values()) {
      emails.add(a.email.toLowerCase());
      users.add(a.user.toLowerCase());
    }
    const rows: NewAttendee[] = [];
    const skipped: Array<{ email: string; reason: string }> = [];
    for (const input of inputs) {
      const email = input.email.trim();
      const user = input.user?.trim() || userIdFromEmail(email);
      const environment = input.environment ?? e.environments[0] ?? '';
      const skip = (reason: string) => skipped.push({ email, reason });
      if (!isUserId(user)) skip(`bad user id "${user.slice(0, 80)}"`);
      else if (!e.environments.includes(environment)) skip(`${environment} is not an environment of this event`);
      else if (emails.has(email.toLowerCase())) skip('already in this event (same email)');
      else if (users.has(user.toLowerCase())) skip(`already in this event (same user id ${user})`);
      else if (e.attendees.size + rows.length >= MAX_ATTENDEES)
        skip(`the event is full (${MAX_ATTENDEES} attendees at most)`);
      else {
        emails.add(email.toLowerCase());
        users.add(user.toLowerCase());
        rows.push({
          email,
          firstName: input.firstName?.trim() ?? '',
          lastName: input.lastName?.trim() ?? '',
          user,
          environment,
          source,
        });
      }
    }
    const added = rows.length > 0 ? this.ctx.store.addAttendees(e, rows) : [];
    if (added.length > 0)
      this.ctx.push.changed(
        e.id,
        added.map((a) => a.id),
        { now: true },
      );
    return { added: added.map(attendeeView), skipped };
  }

  updateAttendee(eventId: string, attendeeId: string, input: AttendeePatch): AttendeeView {
    const e = this.ctx.store.get(eventId);
    const a = this.ctx.store.attendee(e, attendeeId);
    const patch: AttendeePatch = {};
    if (input.firstName !== undefined) patch.firstName = input.firstName.trim();
    if (input.lastName !== undefined) patch.lastName = input.lastName.trim();
    if (input.email !== undefined) patch.email = input.email.trim();
    if (input.user !== undefined) patch.user = input.user.trim();
    // a user id that was derived from the old email follows the corrected email
    else if (patch.email !== undefined && a.user === userIdFromEmail(a.email))
      patch.user = userIdFromEmail(patch.email);
    if (input.environment !== undefined) {
      if (!e.environments.includes(input.environment))
        throw new ConsoleError('invalid-input', `${input.environment} is not an environment of this event`);
      patch.environment = input.environment;
    }
    const identity = (['email', 'user', 'environment'] as const).filter(
      (k) => patch[k] !== undefined && patch[k] !== a[k],
    );
    const status = statusOf(a);
    if (identity.length > 0 && (LIVE.has(status) || status === 'allocating')) {
      throw new ConsoleError('conflict', `${a.email} has a session: end it before changing the ${identity.join(', ')}`);
    }
    if (patch.user !== undefined && !isUserId(patch.user))
      throw new ConsoleError('invalid-input', `bad user id "${patch.user.slice(0, 80)}"`);
    for (const o of e.attendees.values()) {
      if (o === a) continue;
      if (patch.email !== undefined && o.email.toLowerCase() === patch.email.toLowerCase())
        throw new ConsoleError('conflict', `${o.email} is already in this event`);
      if (patch.user !== undefined && o.user.toLowerCase() === patch.user.toLowerCase())
        throw new ConsoleError('conflict', `user id ${o.user} is already in this event (${o.email})`);
    }
    this.ctx.store.updateAttendee(e, a, patch);
    this.ctx.push.changed(e.id, [a.id], { now: true });
    return attendeeView(a);
  }

  async removeAttendees(eventId: string, attendeeIds: string[], endSessions: boolean) {
    const e = this.ctx.store.get(eventId);
    const list = attendeeIds.map((id) => this.ctx.store.attendee(e, id));
    const busy = list.find((a) => a.current !== null && this.ctx.inFlight.has(a.current.id));
    if (busy)
      throw new ConsoleError(
        'conflict',
        `${busy.email} is being allocated right now: wait for the run to finish or cancel it`,
      );
    const result = endSessions ? await this.endSessions(e, list) : { ended: 0, failures: [] };
    this.ctx.store.removeAttendees(e, list);
    this.ctx.push.changed(e.id, [], { removed: list.map((a) => a.id), now: true });
    return { removed: list.length, ...result };
  }

  /** ends the live sessions of these attendees, 4 at a time; the monitor's next snapshot marks them ended */
  private async endSessions(e: EventRec, attendees: AttendeeRec[]) {
    const live = attendees.filter((a) => LIVE.has(statusOf(a)) && a.current?.session);
    const failures: Array<{ attendeeId: string; session: string; message: string }> = [];
    let ended = 0;
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < live.length; i = next++) {
        const a = live[i] as AttendeeRec;
        const session = a.current?.session as string;
        try {
          await this.ctx.actions.terminate(e.portalId, session);
          ended++;
        } catch (err) {
          // already gone counts as ended: that is what was asked
          if (err instanceof ConsoleError && err.code === 'not-found') ended++;
          else
            failures.push({
              attendeeId: a.id,
              session,
              message: err instanceof ConsoleError ? err.message : 'unexpected error',
            });
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(4, live.length) }, worker));
    return { ended, failures };
  }

  private refuseWhileRunning(e: EventRec, what: string): void {
    if (this.ctx.runs.get(e.id)?.state.status === 'running') {
      throw new ConsoleError(
        'conflict',
        `an allocation is running for ${e.name}: cancel it or wait before you ${what} the event`,
      );
    }
  }
}
