import type { StateCreator } from 'zustand/vanilla';
import type { AttendeeView, EventChanged, EventDetail, EventSummary } from '../../../shared/contract';
import type { AppState } from './app-store';
import { sameData } from './same-data';

/** The attendees of the event on screen, merged from one `events.get` and the `events.changed` pushes after it. */
export interface EventDetailState {
  eventId: string;
  /** false until `events.get` answered */
  loaded: boolean;
  error: string | null;
  attendees: Record<string, AttendeeView>;
  /** attendee ids in the order they were added */
  order: string[];
  /** the event revision each attendee was last set at */
  rev: Record<string, number>;
  /** attendees a push removed, with its revision: a read computed before it must not bring them back */
  gone: Record<string, number>;
}

export interface EventsSlice {
  /** event summaries by id (every event of the console, archived ones too) */
  events: Record<string, EventSummary>;
  eventsLoaded: boolean;
  eventsError: string | null;
  /** performance.now() of each event's latest push (or removal) */
  eventPushedAt: Record<string, number>;
  /** events a push removed: a read sent before that must not bring them back */
  removedEvents: Record<string, number>;
  eventListRequestedAt: number;
  eventDetail: EventDetailState | null;
  /** a full `events.list` read; `requestedAt` is when it was sent (see snapshot.slice for why) */
  applyEventList(list: EventSummary[], requestedAt?: number): void;
  /** one summary from a call's reply (create, update, archive), sent at `requestedAt` */
  applyEventSummary(summary: EventSummary, requestedAt?: number): void;
  applyEventChanged(payload: EventChanged, receivedAt?: number): void;
  applyEventRemoved(eventId: string, receivedAt?: number): void;
  setEventsError(message: string | null): void;
  /** starts following one event's attendees (pushes that arrive before its read are kept) */
  openEventDetail(eventId: string): void;
  applyEventDetail(detail: EventDetail, requestedAt?: number): void;
  setEventDetailError(eventId: string, message: string): void;
  closeEventDetail(): void;
}

const NEVER = Number.NEGATIVE_INFINITY;

/**
 * Pushes arrive in order on one stream, so a push's summary wins unless a read already showed a higher revision.
 * A read's summary wins when its revision is higher, or equal and it was sent after the latest push (a run's
 * progress moves without a revision).
 */
function readWins(current: EventSummary | undefined, incoming: EventSummary, requestedAt: number, pushedAt: number) {
  if (!current) return true;
  if (incoming.revision !== current.revision) return incoming.revision > current.revision;
  return requestedAt >= pushedAt && !sameData(current, incoming);
}

function emptyDetail(eventId: string): EventDetailState {
  return { eventId, loaded: false, error: null, attendees: {}, order: [], rev: {}, gone: {} };
}

export const createEventsSlice: StateCreator<AppState, [], [], EventsSlice> = (set) => ({
  events: {},
  eventsLoaded: false,
  eventsError: null,
  eventPushedAt: {},
  removedEvents: {},
  eventListRequestedAt: NEVER,
  eventDetail: null,

  applyEventList: (list, requestedAt = NEVER) =>
    set((s) => {
      if (requestedAt < s.eventListRequestedAt) return {};
      const events: Record<string, EventSummary> = {};
      let changed = false;
      for (const e of list) {
        if ((s.removedEvents[e.id] ?? NEVER) > requestedAt) continue;
        const current = s.events[e.id];
        const keep = current && !readWins(current, e, requestedAt, s.eventPushedAt[e.id] ?? NEVER);
        events[e.id] = keep ? current : e;
        if (events[e.id] !== current) changed = true;
      }
      // created (pushed) after the read was sent: the read could not know them yet
      for (const [id, e] of Object.entries(s.events)) {
        if (id in events) continue;
        if ((s.eventPushedAt[id] ?? NEVER) > requestedAt) events[id] = e;
        else changed = true;
      }
      const common = { eventsLoaded: true, eventsError: null, eventListRequestedAt: requestedAt };
      return changed ? { ...common, events } : common;
    }),

  applyEventSummary: (summary, requestedAt = NEVER) =>
    set((s) => {
      if ((s.removedEvents[summary.id] ?? NEVER) > requestedAt) return {};
      const current = s.events[summary.id];
      if (!readWins(current, summary, requestedAt, s.eventPushedAt[summary.id] ?? NEVER)) return {};
      return { events: { ...s.events, [summary.id]: summary } };
    }),

  applyEventChanged: (p, receivedAt = performance.now()) =>
    set((s) => {
      const out: Partial<EventsSlice> = { eventPushedAt: { ...s.eventPushedAt, [p.eventId]: receivedAt } };
      const current = s.events[p.eventId];
      if (!current || p.revision >= current.revision) out.events = { ...s.events, [p.eventId]: p.summary };
      const d = s.eventDetail;
      if (d && d.eventId === p.eventId && (p.attendees.length > 0 || p.removedAttendeeIds.length > 0)) {
        const attendees = { ...d.attendees };
        const rev = { ...d.rev };
        const gone = { ...d.gone };
        let order = d.order;
        const added: string[] = [];
        for (const a of p.attendees) {
          if ((rev[a.id] ?? NEVER) > p.revision) continue;
          if (!(a.id in attendees)) added.push(a.id);
          attendees[a.id] = a;
          rev[a.id] = p.revision;
          delete gone[a.id];
        }
        const removed = new Set<string>();
        for (const id of p.removedAttendeeIds) {
          if ((rev[id] ?? NEVER) > p.revision) continue;
          if (id in attendees) removed.add(id);
          delete attendees[id];
          delete rev[id];
          gone[id] = p.revision;
        }
        if (removed.size > 0) order = order.filter((id) => !removed.has(id));
        if (added.length > 0) order = [...order, ...added];
        out.eventDetail = { ...d, attendees, rev, gone, order };
      }
      return out;
    }),

  applyEventRemoved: (eventId, receivedAt = performance.now()) =>
    set((s) => {
      const events = { ...s.events };
      delete events[eventId];
      return {
        events,
        eventPushedAt: { ...s.eventPushedAt, [eventId]: receivedAt },
        removedEvents: { ...s.removedEvents, [eventId]: receivedAt },
      };
    }),

  setEventsError: (eventsError) => set({ eventsError }),

  openEventDetail: (eventId) =>
    set((s) => (s.eventDetail?.eventId === eventId ? {} : { eventDetail: emptyDetail(eventId) })),

  applyEventDetail: (detail, requestedAt = NEVER) =>
    set((s) => {
      const eventId = detail.event.id;
      if ((s.removedEvents[eventId] ?? NEVER) > requestedAt) return {};
      const out: Partial<EventsSlice> = {};
      const current = s.events[eventId];
      if (readWins(current, detail.event, requestedAt, s.eventPushedAt[eventId] ?? NEVER))
        out.events = { ...s.events, [eventId]: detail.event };
      const d = s.eventDetail?.eventId === eventId ? s.eventDetail : emptyDetail(eventId);
      const R = detail.event.revision;
      const attendees: Record<string, AttendeeView> = {};
      const rev: Record<string, number> = {};
      const order: string[] = [];
      for (const a of detail.attendees) {
        if ((d.gone[a.id] ?? NEVER) > R) continue;
        const held = d.attendees[a.id];
        const heldRev = d.rev[a.id] ?? NEVER;
        // a push newer than this read already set the row; an equal row keeps its object (memoized rows)
        attendees[a.id] = held && (heldRev > R || sameData(held, a)) ? held : a;
        rev[a.id] = Math.max(heldRev, R);
        order.push(a.id);
      }
      // added by a push after the read was computed
      for (const id of d.order) {
        if (id in attendees || (d.rev[id] ?? NEVER) <= R) continue;
        attendees[id] = d.attendees[id] as AttendeeView;
        rev[id] = d.rev[id] as number;
        order.push(id);
      }
      const sameOrder = order.length === d.order.length && order.every((id, i) => id === d.order[i]);
      const unchanged = sameOrder && order.every((id) => attendees[id] === d.attendees[id]);
      out.eventDetail = {
        ...d,
        loaded: true,
        error: null,
        attendees: unchanged ? d.attendees : attendees,
        order: sameOrder ? d.order : order,
        rev,
      };
      return out;
    }),

  setEventDetailError: (eventId, message) =>
    set((s) => {
      const d = s.eventDetail?.eventId === eventId ? s.eventDetail : emptyDetail(eventId);
      return { eventDetail: { ...d, error: message } };
    }),

  closeEventDetail: () => set({ eventDetail: null }),
});
