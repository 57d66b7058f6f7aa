/**
 * Events tests: the console core against the real built-in engine (in this process, loopback HTTP, temp data
 * folders for both), with fast polls.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  eventCreateSchema,
  type AttendeeView,
  type EventName,
  type EventPayload,
  type EventSummary,
  type PortalSnapshot,
} from '../../shared/contract';
import { createConsoleCore } from '../../electron/services/console-core';
import type { ConsoleCore, ConsoleTuning, HandlerInput } from '../../electron/services/core-types';
import { MemorySecretStore } from '../../electron/services/secret-store';
import {
  portalConfig,
  robotCreds,
  startTestEngine,
  type PortalWorkshopEntry,
  type TestEngine,
} from '../support/engine-harness';

export const fastTuning: ConsoleTuning = {
  pollIntervalMs: 50,
  maxBackoffMs: 200,
  offlineAfterFailures: 2,
  requestTimeoutMs: 2000,
  retries: 0,
  eventPushIntervalMs: 10,
};

export function labConfig(
  workshops: PortalWorkshopEntry[],
  sessions: Record<string, number> = { maximum: 0, registered: 1, anonymous: 1 },
) {
  return portalConfig({
    name: 'lab',
    portal: { sessions },
    workshops,
    workshopSpecs: Object.fromEntries(workshops.map((w) => [w.name, { title: `Title ${w.name}` }])),
  });
}

export interface Fixture {
  engine: TestEngine;
  core: ConsoleCore;
  dataDir: string;
  /** a new core on the same data folder (the old one closed), as after a restart of the console */
  restart(): Promise<ConsoleCore>;
  close(): Promise<void>;
}

export async function startFixture(config: string, tuning: ConsoleTuning = fastTuning): Promise<Fixture> {
  const engine = await startTestEngine({ config });
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'events-core-'));
  const make = () =>
    createConsoleCore({
      dataDir,
      secretStore: new MemorySecretStore(),
      mode: 'web',
      version: 'test',
      builtinPortal: { url: engine.url, credentials: robotCreds(engine.engine.credentials) },
      tuning,
    });
  const f: Fixture = {
    engine,
    core: await make(),
    dataDir,
    async restart() {
      await f.core.close();
      f.core = await make();
      return f.core;
    },
    async close() {
      await f.core.close();
      await engine.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return f;
}

/** a push matching `pred`, or a rejection after `ms`; `stop()` drops the wait (its timer and listener) */
export function watchEvent<E extends EventName>(
  core: ConsoleCore,
  event: E,
  pred: (p: EventPayload<E>) => boolean,
  ms = 15_000,
): { promise: Promise<EventPayload<E>>; stop(): void } {
  let stop = () => undefined as void;
  const promise = new Promise<EventPayload<E>>((resolve, reject) => {
    const t = setTimeout(() => (off(), reject(new Error(`no ${event} event matched within ${ms} ms`))), ms);
    const off = core.events.on(event, (p) => {
      if (pred(p)) {
        clearTimeout(t);
        off();
        resolve(p);
      }
    });
    stop = () => {
      clearTimeout(t);
      off();
    };
  });
  return { promise, stop };
}

export function waitForEvent<E extends EventName>(
  core: ConsoleCore,
  event: E,
  pred: (p: EventPayload<E>) => boolean,
  ms = 15_000,
): Promise<EventPayload<E>> {
  return watchEvent(core, event, pred, ms).promise;
}

/** the monitor's snapshot of a portal once it matches: the current one, or a later push */
export async function untilSnapshot(core: ConsoleCore, pred: (s: PortalSnapshot) => boolean, portalId = 'builtin') {
  const ready = (s: PortalSnapshot) => s.portalId === portalId && s.status === 'live' && pred(s);
  const pushed = watchEvent(core, 'monitor.portal', ready);
  const now = (await core.handlers['monitor.snapshot']({})).portals.find(ready);
  if (now) pushed.stop();
  return now ?? (await pushed.promise);
}

/** environment names come from the portal (`<portal>-wNN`): find one by its workshop's name */
export async function environmentOf(core: ConsoleCore, workshop: string, portalId = 'builtin'): Promise<string> {
  const running = (s: PortalSnapshot) =>
    s.environments.some((e) => e.workshop.name === workshop && e.state === 'RUNNING');
  const snap = await untilSnapshot(core, running, portalId);
  return snap.environments.find((e) => e.workshop.name === workshop)?.name as string;
}

/** the run's final state: from the current summary when it already ended, else from the final push */
export async function runEnded(core: ConsoleCore, eventId: string): Promise<EventSummary> {
  const ended = (s: EventSummary) => s.run !== null && s.run.status !== 'running' && s.run.endedAt !== null;
  const pushed = watchEvent(core, 'events.changed', (p) => p.eventId === eventId && ended(p.summary));
  const now = (await core.handlers['events.get']({ eventId })).event;
  if (ended(now)) {
    pushed.stop();
    return now;
  }
  return (await pushed.promise).summary;
}

/** waits until every attendee matches (reading events.get after each push) */
export async function untilAttendees(
  core: ConsoleCore,
  eventId: string,
  pred: (a: AttendeeView[]) => boolean,
  ms = 15_000,
): Promise<AttendeeView[]> {
  const deadline = Date.now() + ms;
  for (;;) {
    // listen before reading, so a change between the two is not missed
    const next = watchEvent(core, 'events.changed', (p) => p.eventId === eventId, Math.max(1, deadline - Date.now()));
    const d = await core.handlers['events.get']({ eventId });
    if (pred(d.attendees)) {
      next.stop();
      return d.attendees;
    }
    if (Date.now() > deadline) {
      next.stop();
      const states = d.attendees.map((a) => [a.email, a.status, a.reason]);
      throw new Error(`attendees did not reach the expected state: ${JSON.stringify(states)}`);
    }
    await next.promise.catch(() => undefined);
  }
}

export function people(n: number, prefix = 'p'): Array<{ email: string; firstName: string; lastName: string }> {
  return Array.from({ length: n }, (_, i) => ({
    email: `${prefix}${i}@example.org`,
    firstName: `First${i}`,
    lastName: `Last${i}`,
  }));
}

export const HOUR_MS = 3_600_000;

/** an event on the built-in portal starting now, with the contract's defaults for what is not given */
export async function makeEvent(
  core: ConsoleCore,
  name: string,
  environments: string[],
  more: Partial<HandlerInput<'events.create'>> = {},
) {
  const t0 = Date.now();
  const input = eventCreateSchema.parse({
    name,
    portalId: 'builtin',
    environments,
    startsAt: t0,
    endsAt: t0 + 4 * HOUR_MS,
    ...more,
  });
  return core.handlers['events.create'](input);
}
