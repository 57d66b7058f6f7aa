import type { Handlers } from '../core-types';
import type { Db } from '../console-db';
import type { EventHub } from '../event-hub';
import type { CheckinRequests } from '../events/checkin-requests';
import type { Monitor } from '../monitor';
import type { PortalRegistry } from '../portal-registry';
import { DEFAULT_CHECKIN_LIMITS, type CheckinLimits } from './checkin-server';
import { CheckinService } from './checkin-service';
import { CheckinStore } from './checkin-store';
import { ipv4Interfaces } from './network';

export type CheckinHandlers = Pick<Handlers, Extract<keyof Handlers, `checkin.${string}`>>;

export interface CheckinOptions {
  db: Db;
  events: CheckinRequests;
  registry: PortalRegistry;
  monitor: Monitor;
  hub: EventHub;
  builtinUrl: string | null;
  now: () => number;
  limits?: Partial<CheckinLimits> | undefined;
  log?: ((line: string) => void) | undefined;
}

export interface CheckinModule {
  handlers: CheckinHandlers;
  /** starts the pages that were running when the console stopped */
  restore(): Promise<void>;
  close(): Promise<void>;
}

/** The attendee check-in pages of the events (see docs/checkin.md). */
export function createCheckin(o: CheckinOptions): CheckinModule {
  const service = new CheckinService({
    store: new CheckinStore(o.db, o.now),
    events: o.events,
    registry: o.registry,
    monitor: o.monitor,
    builtinUrl: o.builtinUrl,
    limits: { ...DEFAULT_CHECKIN_LIMITS, ...o.limits },
    interfaces: () => ipv4Interfaces(),
    now: o.now,
    emit: (status) => o.hub.emit('checkin.changed', status),
    // Only the page's own failures reach this log, never an email, a name or a link.
    log: o.log ?? ((line) => process.stderr.write(`${line}\n`)),
  });
  const offs = [
    o.hub.on('events.changed', (p) => {
      if (p.summary.archived) void service.ended(p.eventId, false);
    }),
    o.hub.on('events.removed', ({ eventId }) => void service.ended(eventId, true)),
  ];
  return {
    handlers: {
      'checkin.get': async ({ eventId }) => service.status(eventId),
      'checkin.configure': async ({ eventId, mode, code }) => service.configure(eventId, { mode, code }),
      'checkin.start': async ({ eventId, address }) => service.start(eventId, address),
      'checkin.stop': async ({ eventId }) => service.stop(eventId),
      'checkin.interfaces': async () => ipv4Interfaces(),
    },
    restore: () => service.restore(),
    async close() {
      for (const off of offs) off();
      await service.close();
    },
  };
}
