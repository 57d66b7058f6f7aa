import { ConsoleError, type PortalSnapshot, type PortalView } from '../../shared/contract';
import { openConsoleDb } from './console-db';
import type { ConsoleCore, ConsoleCoreOptions, Handlers } from './core-types';
import { EventHub } from './event-hub';
import { createEvents } from './events';
import { AlertLog } from './history/alert-log';
import { NewSessionPeople } from './people-directory';
import { CapacityHistory } from './history/capacity-history';
import { Monitor, type MonitoredPortal } from './monitor';
import { PortalRegistry, type PortalEntry } from './portal-registry';
import { RosterRunner, parseRoster, rosterCsv } from './roster';
import { SessionActions } from './session-actions';
import { SettingsStore } from './settings-store';

const DEFAULT_ROSTER_CONCURRENCY = 4;

/**
 * The console's main-process services behind the contract in shared/contract/api.ts. Plain Node: no electron
 * import, so web mode, tests and benchmarks use exactly this code.
 */
export async function createConsoleCore(options: ConsoleCoreOptions): Promise<ConsoleCore> {
  const now = options.now ?? Date.now;
  const tuning = options.tuning ?? {};
  const events = new EventHub();
  const store = new SettingsStore(options.dataDir, now);
  const loaded = await store.load();
  if (loaded.warning) await store.save(loaded.file);
  const consoleDb = openConsoleDb(options.dataDir, { now });
  const settingsWarning = [loaded.warning, consoleDb.warning].filter(Boolean).join(' ') || null;

  const registry = new PortalRegistry({
    store,
    file: loaded.file,
    secretStore: options.secretStore,
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
    settings: () => registry.file.settings,
    onSnapshot: (s) => {
      history.sync(s.portalId);
      events.emit('monitor.portal', s);
    },
    onAlert: (a) => events.emit('alerts.raised', alertLog.record(a)),
  });
  const history = new CapacityHistory(consoleDb.db, monitor);
  const historyTimer = setInterval(() => history.syncAll(registry.list().map((e) => e.id)), 60_000);
  historyTimer.unref();
  const monitored = (e: PortalEntry): MonitoredPortal => ({
    id: e.id,
    label: e.label,
    client: e.client,
    enabled: e.enabled,
    pollIntervalMs: tuning.pollIntervalMs ?? e.pollIntervalMs,
  });
  // A built-in engine that did not start is not polled (nothing listens there); its card shows why instead.
  const builtinDown = options.builtinPortal?.startError ?? null;
  const notStarted = (e: PortalEntry): PortalSnapshot | null =>
    e.builtin && builtinDown !== null
      ? {
          portalId: e.id,
          label: e.label,
          status: e.enabled ? 'offline' : 'disabled',
          lastSeenAt: null,
          lastError: builtinDown,
          clockOffsetMs: 0,
          portal: null,
          environments: [],
        }
      : null;
  const track = (e: PortalEntry) => {
    const down = notStarted(e);
    if (down) events.emit('monitor.portal', down);
    else monitor.upsert(monitored(e));
  };
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
  const rosters = new RosterRunner({
    now,
    ...(tuning.rosterProgressIntervalMs !== undefined && { progressIntervalMs: tuning.rosterProgressIntervalMs }),
    onProgress: (s) => events.emit('roster.progress', s),
  });
  const rosterAllocators = new Map<string, { portalId: string; environment: string; indexUrl: string | undefined; concurrency: number }>();
  const allocatorFor = (rosterId: string) => {
    const r = rosterAllocators.get(rosterId);
    if (!r) throw new ConsoleError('not-found', 'no such roster');
    return {
      concurrency: r.concurrency,
      allocate: (row: { user: string; email: string; firstName: string; lastName: string }, signal: AbortSignal) =>
        actions.request(
          { portalId: r.portalId, environment: r.environment, user: row.user, email: row.email, firstName: row.firstName, lastName: row.lastName, indexUrl: r.indexUrl },
          signal,
        ),
    };
  };

  let closed = false;
  const view = (e: PortalEntry): PortalView => registry.view(e);

  const handlers: Handlers = {
    'app.info': async () => ({
      version: options.version,
      mode: options.mode,
      keychain: options.secretStore.describe(),
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
      monitor.remove(id);
      history.forget(id);
      events.emit('monitor.portalRemoved', { portalId: id });
      return { id };
    },
    'portals.test': async (input) => {
      if ('id' in input) {
        const down = notStarted(registry.get(input.id));
        if (down) return { ok: false, message: down.lastError ?? 'not running', portalName: null, latencyMs: 0 };
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
        return { ok: true, message: `connected to ${r.portalName || client.host}`, portalName: r.portalName || null, latencyMs: r.latencyMs };
      } catch (err) {
        if (!(err instanceof ConsoleError)) throw err;
        if (err.code === 'not-found') throw err;
        return { ok: false, message: err.message, portalName: null, latencyMs: now() - started };
      } finally {
        if (draft) client.close();
      }
    },
    'portals.retryNow': async ({ id }) => {
      const e = registry.get(id);
      const down = notStarted(e);
      if (down) return down;
      const snapshot = await monitor.pollNow(id);
      if (!snapshot) throw new ConsoleError('not-found', 'no such portal');
      return snapshot;
    },
    'monitor.snapshot': async () => ({
      generatedAt: now(),
      portals: [
        ...registry.list().flatMap((e) => notStarted(e) ?? []),
        ...monitor.snapshots(),
      ],
    }),
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
    'sessions.bulkPrepare': async ({ portalId, environment, action, sessions }) => actions.bulkPrepare(portalId, environment, action, sessions),
    'sessions.bulkExecute': async ({ confirmToken }) => actions.bulkExecute(confirmToken),
    'people.find': async ({ query }) =>
      actions.findPerson(query, { find: (q) => eventsModule.findAttendees(q), people: (q) => newSessionPeople.find(q) }),
    // attendees after New session people: an event's record of a person is the fuller one
    'people.directory': async () => [...newSessionPeople.list(), ...eventsModule.directory()],
    'roster.parse': async ({ csv }) => parseRoster(csv),
    'roster.start': async ({ portalId, environment, rows, indexUrl, concurrency }) => {
      if (closed) throw new ConsoleError('cancelled', 'the console is closing');
      registry.get(portalId);
      const c = concurrency ?? DEFAULT_ROSTER_CONCURRENCY;
      const state = rosters.start(portalId, environment, rows, c, (row, signal) =>
        actions.request({ portalId, environment, user: row.user, email: row.email, firstName: row.firstName, lastName: row.lastName, indexUrl }, signal),
      );
      // kept for roster.retryFailed, which requests the same rows the same way again
      rosterAllocators.set(state.rosterId, { portalId, environment, indexUrl, concurrency: c });
      return state;
    },
    'roster.get': async ({ rosterId }) => rosters.get(rosterId),
    'roster.cancel': async ({ rosterId }) => rosters.cancel(rosterId),
    'roster.retryFailed': async ({ rosterId }) => {
      const a = allocatorFor(rosterId);
      return rosters.retryFailed(rosterId, a.concurrency, a.allocate);
    },
    'roster.exportCsv': async ({ rosterId }) => {
      const state = rosters.getForExport(rosterId);
      const day = new Date(now()).toISOString().slice(0, 10);
      return { filename: `roster-${state.environment}-${day}.csv`, csv: rosterCsv(state) };
    },
    ...eventsModule.handlers,
    'settings.get': async () => structuredClone(registry.file.settings),
    'settings.update': async (input) => {
      registry.file.settings = structuredClone(input);
      await store.save(registry.file);
      return structuredClone(input);
    },
  };

  return {
    handlers,
    events,
    async close() {
      if (closed) return;
      closed = true;
      // Cancel rosters first (pending rows become "cancelled"), then abort every request in flight.
      const rostersClosed = rosters.close();
      // Event runs stop taking attendees; requests cut off in flight stay "allocating" in console.db and are
      // reconciled with the portal at the next start.
      const eventsClosed = eventsModule.close();
      registry.close();
      await Promise.all([rostersClosed, eventsClosed, monitor.close()]);
      clearInterval(historyTimer);
      history.syncAll(registry.list().map((e) => e.id));
      events.clear();
      consoleDb.close();
    },
  };
}
