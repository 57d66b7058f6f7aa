import { ConsoleError, type PortalView } from '../../shared/contract';
import { createCheckin } from './checkin';
import { openConsoleDb } from './console-db';
import type { ConsoleCore, ConsoleCoreOptions, Handlers } from './core-types';
import { EventHub } from './event-hub';
import { createEvents } from './events';
import { AlertLog } from './history/alert-log';
import { NewSessionPeople } from './people-directory';
import { CapacityHistory } from './history/capacity-history';
import { Monitor } from './monitor';
import { PortalRegistry, type PortalEntry } from './portal-registry';
import { SessionActions } from './session-actions';
import { boundedSecretStore } from './secret-store';
import { SettingsStore } from './settings-store';

/**
 * The console's main-process services behind the contract in shared/contract/api.ts. Plain Node: no electron
 * import, so web mode, tests and benchmarks use exactly this code.
 */
export async function createConsoleCore(options: ConsoleCoreOptions): Promise<ConsoleCore> {
  const now = options.now ?? Date.now;
  const tuning = options.tuning ?? {};
  const events = new EventHub();
  const store = new SettingsStore(options.dataDir, now);
  const loadedWarning = await store.open();
  const secretStore = boundedSecretStore(options.secretStore, tuning.keychainTimeoutMs);
  const consoleDb = openConsoleDb(options.dataDir, { now });
  const settingsWarning = [loadedWarning, consoleDb.warning].filter(Boolean).join(' ') || null;

  const registry = new PortalRegistry({
    store,
    secretStore,
    builtinPortal: options.builtinPortal,
    tuning,
    now,
  });
  await registry.init();

  // The capacity history and the alert log outlive a restart: alerts are written before they are pushed, history
  // points are copied from the monitor after each snapshot it pushes and once a minute (its heartbeats).
  const alertLog = new AlertLog(consoleDb.db);
  const newSessionPeople = new NewSessionPeople(consoleDb.db, now);
  const monitor = new Monitor({
    now,
    ...(tuning.offlineAfterFailures !== undefined && { offlineAfterFailures: tuning.offlineAfterFailures }),
    ...(tuning.maxBackoffMs !== undefined && { maxBackoffMs: tuning.maxBackoffMs }),
    settings: () => store.settings,
    onSnapshot: (s) => {
      history.sync(s.portalId);
      events.emit('monitor.portal', s);
    },
    onAlert: (a) => events.emit('alerts.raised', alertLog.record(a)),
  });
  const history = new CapacityHistory(consoleDb.db, monitor);
  const historyTimer = setInterval(() => history.syncAll(registry.list().map((e) => e.id)), 60_000);
  historyTimer.unref();
  // A built-in engine that did not start is not polled (nothing listens there); its card shows why instead.
  const builtinDown = options.builtinPortal?.startError ?? null;
  const track = (e: PortalEntry) =>
    monitor.upsert({
      id: e.id,
      label: e.label,
      client: e.client,
      enabled: e.enabled,
      pollIntervalMs: tuning.pollIntervalMs ?? e.pollIntervalMs,
      unavailable: e.builtin ? builtinDown : null,
    });
  for (const e of registry.list()) track(e);

  const actions = new SessionActions(registry, monitor, now, tuning.bulkConfirmTtlMs ?? 60_000);
  const eventsModule = createEvents({
    db: consoleDb.db,
    registry,
    monitor,
    actions,
    hub: events,
    now,
    pollTimeoutMs: tuning.requestTimeoutMs ?? 15_000,
    builtinUrl: options.builtinPortal && !options.builtinPortal.startError ? options.builtinPortal.url : null,
    ...(tuning.eventPushIntervalMs !== undefined && { pushIntervalMs: tuning.eventPushIntervalMs }),
  });
  const checkin = createCheckin({
    db: consoleDb.db,
    events: eventsModule.checkin,
    registry,
    monitor,
    hub: events,
    now,
    builtinUrl: options.builtinPortal && !options.builtinPortal.startError ? options.builtinPortal.url : null,
    limits: options.checkinLimits,
    log: options.log,
  });
  await checkin.restore();

  let closed = false;
  const view = (e: PortalEntry): PortalView => registry.view(e);

  const handlers: Handlers = {
    'app.info': async () => ({
      version: options.version,
      mode: options.mode,
      keychain: secretStore.describe(),
      settingsWarning,
    }),
    'portals.list': async () => registry.list().map(view),
    'portals.add': async (input) => {
      const e = await registry.add(input);
      track(e);
      return view(e);
    },
    'portals.update': async (input) => {
      const e = await registry.update(input);
      track(e);
      return view(e);
    },
    'portals.remove': async ({ id }) => {
      await registry.remove(id);
      const removal = monitor.remove(id);
      history.forget(id);
      events.emit('monitor.portalRemoved', { portalId: id, ...removal });
      return { id, ...removal };
    },
    'portals.test': async (input) => {
      if ('id' in input && registry.get(input.id).builtin && builtinDown !== null) {
        return { ok: false, message: builtinDown, portalName: null, latencyMs: 0 };
      }
      const draft = 'draft' in input || 'changes' in input;
      const client =
        'draft' in input
          ? registry.draftClient(input.draft)
          : 'changes' in input
            ? await registry.editedClient(input.id, input.changes)
            : registry.get(input.id).client;
      const started = now();
      try {
        const r = await client.probe();
        return {
          ok: true,
          message: `connected to ${r.portalName || client.host}`,
          portalName: r.portalName || null,
          latencyMs: r.latencyMs,
        };
      } catch (err) {
        if (!(err instanceof ConsoleError)) throw err;
        if (err.code === 'not-found') throw err;
        return { ok: false, message: err.message, portalName: null, latencyMs: now() - started };
      } finally {
        if (draft) client.close();
      }
    },
    'portals.retryNow': async ({ id }) => {
      registry.get(id);
      const snapshot = await monitor.pollNow(id);
      if (!snapshot) throw new ConsoleError('not-found', 'no such portal');
      return snapshot;
    },
    'monitor.snapshot': async () => monitor.fleet(),
    'monitor.history': async ({ portalId, sinceMs }) => {
      registry.get(portalId);
      return history.read(portalId, sinceMs);
    },
    'alerts.list': async ({ limit, sinceMs }) => alertLog.list(limit ?? 200, sinceMs),
    'alerts.acknowledge': async (input) => {
      const at = now();
      const ids = alertLog.acknowledge('all' in input ? 'all' : input.ids, at);
      if (ids.length) events.emit('alerts.acknowledged', { ids, at });
      return { ids, at };
    },
    'sessions.request': async (input) => {
      const a = await actions.request(input);
      const person = newSessionPeople.record(input.portalId, a.user, input);
      if (person) events.emit('people.changed', { entries: [person] });
      void monitor.pollNow(input.portalId).catch(() => undefined);
      return a;
    },
    'sessions.extend': async ({ portalId, session }) => actions.extend(portalId, session),
    'sessions.terminate': async ({ portalId, session }) => actions.terminate(portalId, session),
    'sessions.bulkPrepare': async ({ portalId, environment, action, sessions }) =>
      actions.bulkPrepare(portalId, environment, action, sessions),
    'sessions.bulkExecute': async ({ confirmToken }) => actions.bulkExecute(confirmToken),
    'people.find': async ({ query }) =>
      actions.findPerson(query, {
        find: (q) => eventsModule.findAttendees(q),
        people: (q) => newSessionPeople.find(q),
      }),
    // attendees after New session people: an event's record of a person is the fuller one
    'people.directory': async () => [...newSessionPeople.list(), ...eventsModule.directory()],
    ...eventsModule.handlers,
    ...checkin.handlers,
    'settings.get': async () => structuredClone(store.settings),
    'settings.update': async (input) => {
      await store.updateSettings(input);
      return structuredClone(store.settings);
    },
  };

  return {
    handlers,
    events,
    async close() {
      if (closed) return;
      closed = true;
      // Check-in pages close first: no new attendee arrives while requests are cut off.
      await checkin.close();
      // Event runs stop taking attendees; requests cut off in flight stay "allocating" in console.db and are
      // reconciled with the portal at the next start.
      const eventsClosed = eventsModule.close();
      registry.close();
      await Promise.all([eventsClosed, monitor.close()]);
      clearInterval(historyTimer);
      history.syncAll(registry.list().map((e) => e.id));
      events.clear();
      consoleDb.close();
    },
  };
}
