import { randomBytes } from 'node:crypto';
import {
  ConsoleError,
  type Alert,
  type CapacityPoint,
  type Dialect,
  type FleetSnapshot,
  type PortalSnapshot,
  type Settings,
} from '../../shared/contract';
import { backoffDelay } from '../../shared/util/backoff';
import { environmentViews } from './catalog-views';
import { MemoryHistory } from './history/memory-history';
import type { PortalClient } from './portal-client';
import { PortalAlerts, type AlertDraft } from './portal-alerts';
import { ThrottledError } from './portal-errors';
import { catalogDialect, detectDialect } from './portal-dialect';
import type { Catalog } from './portal-schemas';
import { nextPush, portalSnapshot, type SnapshotSource } from './portal-snapshot';

export interface MonitoredPortal {
  id: string;
  label: string;
  client: PortalClient;
  pollIntervalMs: number;
  enabled: boolean;
  /**
   * Set when there is nothing to poll (the built-in engine did not start): the portal is shown offline (or
   * disabled) with this as its error, and never polled, since another program may listen at its address.
   */
  unavailable?: string | null;
}

export interface MonitorTimers {
  set(run: () => void, delayMs: number): unknown;
  clear(handle: unknown): void;
}

const nodeTimers: MonitorTimers = {
  set: (run, delayMs) => setTimeout(run, delayMs).unref(),
  clear: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/**
 * While a portal is down it is polled at most this much later than its interval, so that it shows as live again
 * within one interval plus this once it is back; from a 1 s interval the delay still grows 1, 2, 4, 6 s.
 */
export const BACKOFF_EXTRA_MS = 5000;
/**
 * A portal that refuses the robot's credentials will not accept them a few seconds later: each retry is a failed
 * sign-in in the portal's log (and can lock the account where the portal limits them), so it backs off further.
 * Editing the portal, or "retry now", polls it at once.
 */
export const CREDENTIALS_BACKOFF_MS = 60_000;
/** a dialect probe that failed (not a 200 or a 404) is tried again after this */
const DIALECT_RETRY_MS = 60_000;

export interface MonitorOptions {
  now?: () => number;
  /** consecutive failed polls before a portal is "offline" (before that it is "stale") */
  offlineAfterFailures?: number;
  /** cap of the delay between polls while a portal is down (default: its poll interval + 5 s; never below it) */
  maxBackoffMs?: number;
  /** where polls are scheduled (tests step through them); default: Node's timers, unref'd */
  timers?: MonitorTimers;
  /** points kept per portal; older ones are thinned out, never the latest */
  historyLimit?: number;
  /** a history point is added when something changed, or at least this often */
  historyHeartbeatMs?: number;
  /** clock offsets within this of the reported one count as unchanged (the Date header has 1 s resolution) */
  clockJitterMs?: number;
  settings: () => Readonly<Settings>;
  onSnapshot: (snapshot: PortalSnapshot) => void;
  onAlert: (alert: Alert) => void;
}

interface PortalState extends SnapshotSource {
  portal: MonitoredPortal;
  failures: number;
  /** failed polls since the last success or manual poll: the backoff step (failures counts on, for the status) */
  backoff: number;
  /** when the dialect may be asked again after a probe failed */
  dialectRetryAt: number;
  /** the portal asked for no request before this (429 with Retry-After): the next poll waits for it */
  waitUntil: number;
  /** a question about the dialect under way (see detectDialect) */
  detecting: Promise<Dialect | null> | null;
  history: MemoryHistory;
  alerts: PortalAlerts;
  timer: unknown;
  inFlight: Promise<void> | null;
  generation: number;
}

/**
 * Polls each enabled portal's catalog at its interval, backs off while it is down, and pushes a snapshot of it
 * whenever something other than the passing of time changed, each with the next revision of this monitor.
 */
export class Monitor {
  /** this run of the console: revisions count from 1 in each */
  readonly epoch = randomBytes(6).toString('hex');
  private readonly states = new Map<string, PortalState>();
  private readonly now: () => number;
  private readonly timers: MonitorTimers;
  private revision = 0;
  private closed = false;
  private alertSeq = 0;

  constructor(private readonly options: MonitorOptions) {
    this.now = options.now ?? Date.now;
    this.timers = options.timers ?? nodeTimers;
  }

  /** adds a portal or applies changed settings (interval, enabled, label, client) */
  upsert(portal: MonitoredPortal): void {
    const existing = this.states.get(portal.id);
    if (existing) {
      const clientChanged = existing.portal.client !== portal.client;
      existing.portal = portal;
      existing.generation++;
      if (clientChanged) {
        existing.failures = 0;
        existing.backoff = 0;
        existing.status = 'connecting';
        existing.lastError = null;
        existing.dialect = null; // a new address may be another portal
        existing.dialectRetryAt = 0;
      }
      this.settle(existing);
      this.push(existing); // e.g. a new label: the renderer shows it at once
      this.reschedule(existing, 0);
      return;
    }
    const state: PortalState = {
      portal,
      status: portal.enabled ? 'connecting' : 'disabled',
      lastSeenAt: null,
      lastError: null,
      failures: 0,
      backoff: 0,
      clockOffsetMs: 0,
      catalog: null,
      environments: [],
      dialect: null,
      dialectRetryAt: 0,
      waitUntil: 0,
      detecting: null,
      history: new MemoryHistory({
        ...(this.options.historyLimit !== undefined && { limit: this.options.historyLimit }),
        ...(this.options.historyHeartbeatMs !== undefined && { heartbeatMs: this.options.historyHeartbeatMs }),
      }),
      alerts: new PortalAlerts(this.options.settings, (key, alert) => this.raise(state, key, alert)),
      timer: null,
      inFlight: null,
      generation: 0,
      revision: 0,
      pushedHead: null,
      pushedEnvironments: [],
    };
    this.states.set(portal.id, state);
    this.settle(state);
    this.push(state); // "connecting" (or "disabled") right away, so a new portal shows up before its first answer
    this.reschedule(state, 0);
  }

  /** stops polling the portal; the revision at which it went, for the renderer to order it among its snapshots */
  remove(portalId: string): { revision: number; epoch: string } {
    const state = this.states.get(portalId);
    if (state) {
      this.cancelTimer(state);
      state.generation++;
      this.states.delete(portalId);
    }
    return { revision: ++this.revision, epoch: this.epoch };
  }

  snapshot(portalId: string): PortalSnapshot | null {
    const state = this.states.get(portalId);
    return state ? this.toSnapshot(state) : null;
  }

  fleet(): FleetSnapshot {
    return {
      generatedAt: this.now(),
      revision: this.revision,
      epoch: this.epoch,
      portals: [...this.states.values()].map((s) => this.toSnapshot(s)),
    };
  }

  /** the latest catalog read and clock offset, for actions that need the state of sessions */
  latest(portalId: string): { catalog: Catalog | null; clockOffsetMs: number } | null {
    const state = this.states.get(portalId);
    return state ? { catalog: state.catalog, clockOffsetMs: state.clockOffsetMs } : null;
  }

  /** the portal's REST dialect as found out so far; null: not known (yet) */
  dialect(portalId: string): Dialect | null {
    return this.states.get(portalId)?.dialect ?? null;
  }

  /**
   * The dialect, asking the portal now when it is not known yet (one question at a time per portal, however many
   * callers wait for it); null when the portal could not tell.
   */
  detectDialect(portalId: string): Promise<Dialect | null> {
    const state = this.states.get(portalId);
    if (!state) return Promise.resolve(null);
    if (state.dialect) return Promise.resolve(state.dialect);
    const client = state.portal.client;
    state.detecting ??= detectDialect(client, state.catalog)
      .then((dialect) => {
        if (this.states.get(portalId) === state && state.portal.client === client && !state.dialect) {
          state.dialect = dialect;
          this.push(state);
        }
        return dialect;
      })
      .catch(() => null)
      .finally(() => {
        state.detecting = null;
      });
    return state.detecting;
  }

  history(portalId: string, sinceMs?: number): CapacityPoint[] {
    return this.states.get(portalId)?.history.since(sinceMs) ?? [];
  }

  /**
   * Polls now ("retry now", or after an action), whatever backoff timer is armed, and resets the backoff; resolves
   * when that poll is done. A poll already under way is waited for rather than run twice, then one more follows:
   * the earlier one may have started before whatever the caller wants to see.
   */
  async pollNow(portalId: string): Promise<PortalSnapshot | null> {
    const state = this.states.get(portalId);
    if (!state) return null;
    if (state.inFlight) await state.inFlight;
    if (this.states.get(portalId) !== state) return null;
    if (state.portal.enabled && !state.portal.unavailable && !this.closed) {
      this.cancelTimer(state);
      state.backoff = 0;
      await this.poll(state);
    }
    return this.toSnapshot(state);
  }

  async close(): Promise<void> {
    this.closed = true;
    const pending: Promise<void>[] = [];
    for (const state of this.states.values()) {
      this.cancelTimer(state);
      if (state.inFlight) pending.push(state.inFlight);
    }
    await Promise.allSettled(pending);
  }

  // ---- polling ------------------------------------------------------------------------------------------

  /** the status a portal that is switched off, or has nothing to poll, shows */
  private settle(state: PortalState): void {
    const { enabled, unavailable } = state.portal;
    if (!enabled) state.status = 'disabled';
    else if (unavailable) state.status = 'offline';
    else if (state.status === 'disabled') state.status = 'connecting';
    if (unavailable) state.lastError = unavailable;
  }

  private cancelTimer(state: PortalState): void {
    if (state.timer !== null) this.timers.clear(state.timer);
    state.timer = null;
  }

  private reschedule(state: PortalState, delayMs: number): void {
    this.cancelTimer(state);
    if (this.closed || !state.portal.enabled || state.portal.unavailable) return;
    const generation = state.generation;
    state.timer = this.timers.set(() => {
      state.timer = null;
      if (generation !== state.generation || this.closed) return;
      void this.poll(state);
    }, delayMs);
  }

  private poll(state: PortalState): Promise<void> {
    if (state.inFlight) return state.inFlight;
    const generation = state.generation;
    const client = state.portal.client;
    const run = (async () => {
      try {
        const result = await client.catalog();
        if (this.isStale(state, generation, client)) return;
        const dialect = await this.dialectAfter(state, client, result.data);
        if (this.isStale(state, generation, client)) return;
        this.onSuccess(state, result.data, result.clockOffsetMs, result.unchanged, dialect);
      } catch (err) {
        if (this.isStale(state, generation, client)) return;
        if (err instanceof ConsoleError && err.code === 'cancelled') return;
        this.onFailure(state, err);
      }
    })().finally(() => {
      state.inFlight = null;
      if (this.states.get(state.portal.id) === state && state.timer === null)
        this.reschedule(state, this.nextDelay(state));
    });
    state.inFlight = run;
    return run;
  }

  /** the dialect after this catalog: what it shows, else what is known, else what the portal's routes tell */
  private async dialectAfter(state: PortalState, client: PortalClient, catalog: Catalog): Promise<Dialect | null> {
    const shown = catalogDialect(catalog);
    if (shown || state.dialect || this.now() < state.dialectRetryAt) return shown ?? state.dialect;
    try {
      return await detectDialect(client, catalog);
    } catch {
      state.dialectRetryAt = this.now() + DIALECT_RETRY_MS;
      return null;
    }
  }

  /** a poll that ended after the portal was removed, given another client or switched off counts for nothing */
  private isStale(state: PortalState, generation: number, client: PortalClient): boolean {
    if (this.closed || this.states.get(state.portal.id) !== state || !state.portal.enabled) return true;
    return state.generation !== generation && state.portal.client !== client;
  }

  /** the interval while live; down, it doubles per failure (to the interval + a few s), never before Retry-After */
  private nextDelay(state: PortalState): number {
    const interval = state.portal.pollIntervalMs;
    if (state.backoff === 0) return interval;
    const extra =
      state.status === 'credentials-rejected'
        ? Math.max(CREDENTIALS_BACKOFF_MS - interval, BACKOFF_EXTRA_MS)
        : BACKOFF_EXTRA_MS;
    const max = Math.max(interval, this.options.maxBackoffMs ?? interval + extra);
    return Math.max(backoffDelay(state.backoff, { baseMs: interval, maxMs: max }), state.waitUntil - this.now());
  }

  private onSuccess(
    state: PortalState,
    catalog: Catalog,
    clockOffsetMs: number | null,
    unchanged: boolean,
    dialect: Dialect | null,
  ): void {
    const t = this.now();
    const wasLive = state.status === 'live';
    state.failures = 0;
    state.backoff = 0;
    state.status = 'live';
    state.lastError = null;
    state.lastSeenAt = t;
    let offsetChanged = false;
    if (
      clockOffsetMs !== null &&
      Math.abs(clockOffsetMs - state.clockOffsetMs) > (this.options.clockJitterMs ?? 2000)
    ) {
      state.clockOffsetMs = clockOffsetMs;
      offsetChanged = true;
    }
    const dialectChanged = dialect !== state.dialect;
    state.dialect = dialect;
    const portalNow = t + state.clockOffsetMs;
    if (unchanged && wasLive && !offsetChanged && !dialectChanged && state.catalog === catalog) {
      // Only time passed: nothing to push, but a history heartbeat and expiring sessions still depend on time.
      state.history.heartbeat(t);
      state.alerts.checkExpiring(catalog, portalNow, state.portal.label);
      return;
    }
    if (state.catalog !== catalog) state.environments = environmentViews(catalog.environments, state.environments);
    state.catalog = catalog;
    state.history.record(catalog, t);
    // both conditions are cleared (no short circuit); either one ending is a recovery
    if (Number(state.alerts.clear('portal-offline')) + Number(state.alerts.clear('credentials-rejected'))) {
      const message = `${state.portal.label} answers again`;
      this.raise(state, 'portal-recovered', { kind: 'portal-recovered', environment: null, session: null, message });
    }
    state.alerts.checkCapacity(catalog, state.portal.label);
    state.alerts.checkExpiring(catalog, portalNow, state.portal.label);
    this.push(state);
  }

  private onFailure(state: PortalState, err: unknown): void {
    state.failures++;
    state.backoff++;
    state.lastError = err instanceof ConsoleError ? err.message : 'the portal could not be read';
    state.waitUntil = err instanceof ThrottledError ? err.retryAt : 0;
    if (err instanceof ConsoleError && err.code === 'credentials-rejected') {
      state.status = 'credentials-rejected';
      state.alerts.raise('credentials-rejected', {
        kind: 'credentials-rejected',
        environment: null,
        session: null,
        message: `${state.portal.label}: ${state.lastError}`,
      });
    } else if (state.failures >= (this.options.offlineAfterFailures ?? 3)) {
      state.status = 'offline';
      state.alerts.raise('portal-offline', {
        kind: 'portal-offline',
        environment: null,
        session: null,
        message: `${state.portal.label} is offline: ${state.lastError}`,
      });
    } else {
      state.status = state.lastSeenAt === null ? 'connecting' : 'stale';
    }
    this.push(state);
  }

  private raise(state: PortalState, key: string, alert: AlertDraft): void {
    const { id: portalId, label: portalLabel } = state.portal;
    const id = `${portalId}:${key}:${++this.alertSeq}`;
    this.options.onAlert({ ...alert, id, portalId, portalLabel, raisedAt: this.now(), count: 1, acknowledgedAt: null });
  }

  // ---- snapshots ----------------------------------------------------------------------------------------

  private toSnapshot(state: PortalState): PortalSnapshot {
    return portalSnapshot(state, this.epoch);
  }

  /** pushes with the next revision when something other than the passing of time changed (see nextPush) */
  private push(state: PortalState): void {
    const snapshot = nextPush(state, this.epoch, () => ++this.revision);
    if (snapshot) this.options.onSnapshot(snapshot);
  }
}
