import type { EventChanged } from '../../../shared/contract';

interface Pending {
  attendees: Set<string>;
  removed: Set<string>;
}

export interface EventPushOptions {
  /** at most one push per event per interval; a final state (a run's end, an edit) goes at once */
  intervalMs: number;
  now: () => number;
  /** the payload from the current state: the summary and the named attendees (null: the event is gone) */
  build(eventId: string, attendeeIds: ReadonlySet<string>, removedIds: ReadonlySet<string>): EventChanged | null;
  emit(payload: EventChanged): void;
}

/**
 * `events.changed` pushes carry only the attendees that changed since the previous push of that event, so a
 * 2,000-attendee event does not resend everything when one row moves. Changes are gathered and sent at most once
 * per interval; the payload is built when it is sent, from state that is already committed.
 */
export class EventPush {
  private readonly pending = new Map<string, Pending>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly lastSent = new Map<string, number>();

  constructor(private readonly o: EventPushOptions) {}

  changed(
    eventId: string,
    attendeeIds: Iterable<string> = [],
    options: { removed?: Iterable<string>; now?: boolean } = {},
  ): void {
    let p = this.pending.get(eventId);
    if (!p) this.pending.set(eventId, (p = { attendees: new Set(), removed: new Set() }));
    for (const id of attendeeIds) p.attendees.add(id);
    for (const id of options.removed ?? []) {
      p.attendees.delete(id);
      p.removed.add(id);
    }
    const since = this.o.now() - (this.lastSent.get(eventId) ?? -Infinity);
    if (options.now || since >= this.o.intervalMs) {
      this.flush(eventId);
    } else if (!this.timers.has(eventId)) {
      const t = setTimeout(() => this.flush(eventId), this.o.intervalMs - since);
      t.unref?.();
      this.timers.set(eventId, t);
    }
  }

  /** an event that was deleted: nothing more is sent for it */
  forget(eventId: string): void {
    const t = this.timers.get(eventId);
    if (t) clearTimeout(t);
    this.timers.delete(eventId);
    this.pending.delete(eventId);
    this.lastSent.delete(eventId);
  }

  close(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.pending.clear();
  }

  private flush(eventId: string): void {
    const t = this.timers.get(eventId);
    if (t) clearTimeout(t);
    this.timers.delete(eventId);
    const p = this.pending.get(eventId);
    this.pending.delete(eventId);
    this.lastSent.set(eventId, this.o.now());
    const payload = this.o.build(eventId, p?.attendees ?? new Set(), p?.removed ?? new Set());
    if (payload) this.o.emit(payload);
  }
}
