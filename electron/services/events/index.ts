import type { DirectoryEntry, PersonAttendee } from '../../../shared/contract';
import type { Handlers } from '../core-types';
import type { EventHub } from '../event-hub';
import type { Monitor } from '../monitor';
import type { PortalRegistry } from '../portal-registry';
import type { SessionActions } from '../session-actions';
import type { Db } from '../console-db';
import { parseAttendees } from './attendee-parse';
import { Allocations } from './allocations';
import { CheckinRequests } from './checkin-requests';
import { changedPayload, type EventsContext } from './context';
import { buildReport, linksCsv, reportCsv } from './event-report';
import { EventPush } from './event-push';
import { EventService } from './event-service';
import { EventStore } from './event-store';
import { LiveStatus } from './live-status';
import { attendeeDirectory, findAttendees } from './people';

export type EventHandlers = Pick<Handlers, Extract<keyof Handlers, `events.${string}`>>;

export interface EventsOptions {
  db: Db;
  registry: PortalRegistry;
  monitor: Monitor;
  actions: SessionActions;
  hub: EventHub;
  now: () => number;
  /** minimum time between two events.changed pushes of one event (default 250 ms) */
  pushIntervalMs?: number;
  /** the longest a poll can take (the portal request timeout): see ReconcileOptions.graceMs */
  pollTimeoutMs: number;
  /** where the built-in engine listens now (null when it is not running): links made for another port move there */
  builtinUrl?: string | null;
}

export interface EventsModule {
  handlers: EventHandlers;
  /** attendees of this console's events matching a people search */
  findAttendees(query: string): PersonAttendee[];
  /** what the check-in pages use: attendees by email, walk-ins, and session requests through the run pipeline */
  checkin: CheckinRequests;
  /** every attendee by portal and user id, for the people directory */
  directory(): DirectoryEntry[];
  /** resolves when background link recoveries are done (tests) */
  settled(): Promise<void>;
  close(): Promise<void>;
}

/** Events: a durable attendee list per event, allocation runs, live status from the monitor, the report. */
export function createEvents(o: EventsOptions): EventsModule {
  const store = new EventStore(o.db, o.now);
  const ctx: EventsContext = {
    store,
    registry: o.registry,
    monitor: o.monitor,
    actions: o.actions,
    push: new EventPush({
      intervalMs: o.pushIntervalMs ?? 250,
      now: o.now,
      build: (eventId, ids, removed) => changedPayload(ctx, eventId, ids, removed),
      emit: (payload) => o.hub.emit('events.changed', payload),
    }),
    now: o.now,
    runs: new Map(),
    inFlight: new Set(),
    emitRemoved: (eventId) => o.hub.emit('events.removed', { eventId }),
  };
  const service = new EventService(ctx);
  const allocations = new Allocations(ctx);
  const live = new LiveStatus(ctx, { graceMs: o.pollTimeoutMs + 1000 });
  if (o.builtinUrl) live.moveBuiltinLinks(o.builtinUrl);
  const offSnapshot = o.hub.on('monitor.portal', (s) => live.onSnapshot(s));

  const handlers: EventHandlers = {
    'events.list': async () => service.list(),
    'events.get': async ({ eventId }) => service.get(eventId),
    'events.create': async (input) => service.create(input),
    'events.update': async ({ eventId, ...patch }) => service.update(eventId, patch),
    'events.archive': async ({ eventId, archived }) => service.archive(eventId, archived),
    'events.delete': async ({ eventId, endSessions }) => service.delete(eventId, endSessions),
    'events.parseAttendees': async ({ text, format }) => parseAttendees(text, format),
    'events.addAttendees': async ({ eventId, attendees, source }) => service.addAttendees(eventId, attendees, source),
    'events.updateAttendee': async ({ eventId, attendeeId, ...patch }) =>
      service.updateAttendee(eventId, attendeeId, patch),
    'events.removeAttendees': async ({ eventId, attendeeIds, endSessions }) =>
      service.removeAttendees(eventId, attendeeIds, endSessions),
    'events.allocate': async (input) => allocations.allocate(input),
    'events.cancel': async ({ eventId }) => allocations.cancel(eventId),
    'events.reissue': async ({ eventId, attendeeIds, concurrency, confirmShortActivation }) =>
      allocations.allocate({ eventId, scope: 'reissue', attendeeIds, concurrency, confirmShortActivation }),
    'events.report': async ({ eventId }) => {
      const e = store.get(eventId);
      return buildReport(e, store.history(e), live.capacity(e), o.now());
    },
    'events.exportCsv': async ({ eventId, kind }) => {
      const e = store.get(eventId);
      const day = new Date(o.now()).toISOString().slice(0, 10);
      const slug =
        e.name
          .toLowerCase()
          .replace(/[^a-z0-9]+/g, '-')
          .replace(/^-+|-+$/g, '')
          .slice(0, 60) || 'event';
      const csv =
        kind === 'links' ? linksCsv(e) : reportCsv(buildReport(e, store.history(e), live.capacity(e), o.now()));
      return { filename: `${slug}-${kind}-${day}.csv`, csv };
    },
  };

  return {
    handlers,
    findAttendees: (query) => findAttendees(store.list(), query),
    checkin: new CheckinRequests(ctx, service),
    directory: () => attendeeDirectory(store.list()),
    settled: () => live.settled(),
    async close() {
      offSnapshot();
      live.close();
      await allocations.close();
      store.flush();
      ctx.push.close();
    },
  };
}
