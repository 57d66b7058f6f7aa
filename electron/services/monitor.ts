import { ConsoleError, type Alert, type CapacityPoint, type EnvironmentView, type PortalSnapshot, type PortalStatus, type Settings } from '../../shared/contract';
import { environmentViews } from './catalog-views';
import type { PortalClient } from './portal-client';
import type { Catalog } from './portal-schemas';

export interface MonitoredPortal {
  id: string;
  label: string;
  client: PortalClient;
  pollIntervalMs: number;
  enabled: boolean;
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
  settings: () => Settings;
  onSnapshot: (snapshot: PortalSnapshot) => void;
  onAlert: (alert: Alert) => void;
}

interface PortalState {
  portal: MonitoredPortal;
  status: PortalStatus;
  lastSeenAt: number | null;
  lastError: string | null;
  failures: number;
  /** failed polls since the last success or manual poll: the backoff step (failures counts on, for the status) */
  backoff: number;
  clockOffsetMs: number;
  catalog: Catalog | null;
  environments: EnvironmentView[];
  history: CapacityPoint[];
  lastPointKey: string;
  timer: unknown;
  inFlight: Promise<void> | null;
  lastPushedKey: string | null;
  /** conditions currently raised, so each alert is raised once until its condition clears */
  raised: Set<string>;
  generation: number;
  /** the catalog's RUNNING sessions that expire, with `expires` parsed: built once per catalog, not on every poll */
  expiries: { catalog: Catalog | null; sessions: Expiry[] };
}

interface Expiry {
  environment: string;
  session: string;
  user: string;
  expiresMs: number;
  /** the alert's key: an extended session gets a new `expires`, hence a new key */
  key: string;
}

export class Monitor {
  private readonly states = new Map<string, PortalState>();
  private readonly now: () => number;
  private readonly timers: MonitorTimers;
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
      }
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
      history: [],
      lastPointKey: '',
      timer: null,
      inFlight: null,
      lastPushedKey: null,
      raised: new Set(),
      generation: 0,
      expiries: { catalog: null, sessions: [] },
    };
    this.states.set(portal.id, state);
    this.push(state); // "connecting" (or "disabled") right away, so a new portal shows up before its first answer
    this.reschedule(state, 0);
  }

  remove(portalId: string): void {
    const state = this.states.get(portalId);
    if (!state) return;
    this.cancelTimer(state);
    state.generation++;
    this.states.delete(portalId);
  }

  snapshot(portalId: string): PortalSnapshot | null {
    const state = this.states.get(portalId);
    return state ? this.toSnapshot(state) : null;
  }

  snapshots(): PortalSnapshot[] {
    return [...this.states.values()].map((s) => this.toSnapshot(s));
  }

  /** the latest catalog read and clock offset, for actions that need the state of sessions */
  latest(portalId: string): { catalog: Catalog | null; clockOffsetMs: number } | null {
    const state = this.states.get(portalId);
    return state ? { catalog: state.catalog, clockOffsetMs: state.clockOffsetMs } : null;
  }

  history(portalId: string, sinceMs?: number): CapacityPoint[] {
    const state = this.states.get(portalId);
    if (!state) return [];
    return sinceMs === undefined ? [...state.history] : state.history.filter((p) => p.t >= sinceMs);
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
    if (state.portal.enabled && !this.closed) {
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

  private cancelTimer(state: PortalState): void {
    if (state.timer !== null) this.timers.clear(state.timer);
    state.timer = null;
  }

  private reschedule(state: PortalState, delayMs: number): void {
    this.cancelTimer(state);
    if (this.closed) return;
    if (!state.portal.enabled) {
      if (state.status !== 'disabled') {
        state.status = 'disabled';
        this.push(state);
      }
      return;
    }
    if (state.status === 'disabled') {
      state.status = 'connecting';
      this.push(state);
    }
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
        this.onSuccess(state, result.data, result.clockOffsetMs, result.unchanged);
      } catch (err) {
        if (this.isStale(state, generation, client)) return;
        if (err instanceof ConsoleError && err.code === 'cancelled') return;
        this.onFailure(state, err);
      }
    })().finally(() => {
      state.inFlight = null;
      if (this.states.get(state.portal.id) === state && state.timer === null) this.reschedule(state, this.nextDelay(state));
    });
    state.inFlight = run;
    return run;
  }

  private isStale(state: PortalState, generation: number, client: PortalClient): boolean {
    return this.closed || this.states.get(state.portal.id) !== state || (state.generation !== generation && state.portal.client !== client);
  }

  /** the poll interval while live; while down it doubles per failure, up to the interval plus a few seconds */
  private nextDelay(state: PortalState): number {
    const interval = state.portal.pollIntervalMs;
    if (state.backoff === 0) return interval;
    const extra = state.status === 'credentials-rejected' ? Math.max(CREDENTIALS_BACKOFF_MS - interval, BACKOFF_EXTRA_MS) : BACKOFF_EXTRA_MS;
    const max = Math.max(interval, this.options.maxBackoffMs ?? interval + extra);
    return Math.min(max, interval * 2 ** Math.min(state.backoff - 1, 20));
  }

  private onSuccess(state: PortalState, catalog: Catalog, clockOffsetMs: number | null, unchanged: boolean): void {
    const t = this.now();
    const wasLive = state.status === 'live';
    state.failures = 0;
    state.backoff = 0;
    state.status = 'live';
    state.lastError = null;
    state.lastSeenAt = t;
    let offsetChanged = false;
    if (clockOffsetMs !== null && Math.abs(clockOffsetMs - state.clockOffsetMs) > (this.options.clockJitterMs ?? 2000)) {
      state.clockOffsetMs = clockOffsetMs;
      offsetChanged = true;
    }
    if (unchanged && wasLive && !offsetChanged && state.catalog === catalog) {
      // Only time passed: nothing to push, but a history heartbeat and expiring sessions still depend on time.
      this.heartbeat(state, t);
      this.checkExpiring(state, catalog, t);
      return;
    }
    state.catalog = catalog;
    state.environments = environmentViews(catalog);
    this.record(state, catalog, t);
    // both conditions are cleared (no short circuit); either one ending is a recovery
    if (Number(state.raised.delete('portal-offline')) + Number(state.raised.delete('credentials-rejected'))) {
      this.announce(state, { kind: 'portal-recovered', environment: null, session: null, message: `${state.portal.label} answers again` });
    }
    this.checkCapacity(state, catalog);
    this.checkExpiring(state, catalog, t);
    this.push(state);
  }

  private onFailure(state: PortalState, err: unknown): void {
    state.failures++;
    state.backoff++;
    state.lastError = err instanceof ConsoleError ? err.message : 'the portal could not be read';
    if (err instanceof ConsoleError && err.code === 'credentials-rejected') {
      state.status = 'credentials-rejected';
      this.raise(state, 'credentials-rejected', {
        kind: 'credentials-rejected',
        environment: null,
        session: null,
        message: `${state.portal.label}: ${state.lastError}`,
      });
    } else if (state.failures >= (this.options.offlineAfterFailures ?? 3)) {
      state.status = 'offline';
      this.raise(state, 'portal-offline', {
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

  // ---- history ------------------------------------------------------------------------------------------

  private heartbeat(state: PortalState, t: number): void {
    const last = state.history[state.history.length - 1];
    if (last && t - last.t >= (this.options.historyHeartbeatMs ?? 60_000)) this.append(state, { ...last, t });
  }

  private append(state: PortalState, point: CapacityPoint): void {
    state.history.push(point);
    const limit = this.options.historyLimit ?? 5000;
    if (state.history.length > limit) {
      // Thin the older half to every other point: the recent past keeps full detail, the whole event stays visible.
      const half = Math.floor(state.history.length / 2);
      const older = state.history.slice(0, half).filter((_, i) => i % 2 === 0);
      state.history = older.concat(state.history.slice(half));
    }
  }

  private record(state: PortalState, catalog: Catalog, t: number): void {
    const environments: CapacityPoint['environments'] = {};
    for (const e of catalog.environments) {
      environments[e.name] = { allocated: e.allocated, available: e.available, capacity: e.capacity };
    }
    const point: CapacityPoint = { t, portalAllocated: catalog.portal.sessions.allocated, environments };
    const key = JSON.stringify([point.portalAllocated, environments]);
    const last = state.history[state.history.length - 1];
    // Unchanged values are only recorded as a heartbeat, which keeps a long event within the bound.
    if (last && key === state.lastPointKey && t - last.t < (this.options.historyHeartbeatMs ?? 60_000)) return;
    state.lastPointKey = key;
    this.append(state, point);
  }

  // ---- alerts -------------------------------------------------------------------------------------------

  private checkCapacity(state: PortalState, catalog: Catalog): void {
    const threshold = this.options.settings().alerts.capacityPercent;
    for (const e of catalog.environments) {
      const key = `capacity:${e.name}`;
      const percent = e.capacity > 0 ? (e.allocated / e.capacity) * 100 : 0;
      if (e.capacity > 0 && percent >= threshold) {
        this.raise(state, key, {
          kind: 'capacity',
          environment: e.name,
          session: null,
          message: `${e.workshop.title || e.name} on ${state.portal.label} is at ${Math.round(percent)}% of its capacity (${e.allocated} of ${e.capacity} allocated)`,
        });
      } else if (state.raised.delete(key)) {
        // it was raised: its end is worth a recovery alert
        const message = `${e.workshop.title || e.name} on ${state.portal.label} is below ${threshold}% of its capacity again (${e.allocated} of ${e.capacity} allocated)`;
        this.announce(state, { kind: 'capacity-recovered', environment: e.name, session: null, message });
      }
    }
  }

  private checkExpiring(state: PortalState, catalog: Catalog, t: number): void {
    const windowMs = this.options.settings().alerts.expiringMinutes * 60_000;
    const portalNow = t + state.clockOffsetMs;
    const live = new Set<string>();
    for (const x of this.expiriesOf(state, catalog)) {
      const left = x.expiresMs - portalNow;
      if (left > 0 && left <= windowMs) {
        live.add(x.key);
        if (state.raised.has(x.key)) continue;
        this.raise(state, x.key, {
          kind: 'expiring',
          environment: x.environment,
          session: x.session,
          message: `${x.session} (${x.user || 'unknown user'}) on ${state.portal.label} expires in ${Math.max(1, Math.round(left / 60_000))} min`,
        });
      }
    }
    // An extended session gets a new `expires`, hence a new key: it may be announced again later.
    for (const key of state.raised) if (key.startsWith('expiring:') && !live.has(key)) state.raised.delete(key);
  }

  /** the RUNNING sessions with a valid `expires`; an unchanged poll returns the same catalog, so this is kept */
  private expiriesOf(state: PortalState, catalog: Catalog): Expiry[] {
    if (state.expiries.catalog === catalog) return state.expiries.sessions;
    const sessions: Expiry[] = [];
    for (const e of catalog.environments) {
      for (const s of e.sessions) {
        if (s.state !== 'RUNNING' || !s.expires) continue;
        const expiresMs = Date.parse(s.expires);
        if (!Number.isFinite(expiresMs)) continue;
        sessions.push({ environment: e.name, session: s.name, user: s.user, expiresMs, key: `expiring:${s.name}:${s.expires}` });
      }
    }
    state.expiries = { catalog, sessions };
    return sessions;
  }

  private raise(state: PortalState, key: string, alert: Pick<Alert, 'kind' | 'environment' | 'session' | 'message'>): void {
    if (state.raised.has(key)) return;
    state.raised.add(key);
    this.announce(state, alert, key);
  }

  /** sends an alert; a recovery is announced once, not held as a condition */
  private announce(state: PortalState, alert: Pick<Alert, 'kind' | 'environment' | 'session' | 'message'>, key: string = alert.kind): void {
    const { id, label: portalLabel } = state.portal;
    const raisedAt = this.now();
    this.options.onAlert({ ...alert, id: `${id}:${key}:${++this.alertSeq}`, portalId: id, portalLabel, raisedAt, count: 1, acknowledgedAt: null });
  }

  // ---- snapshots ----------------------------------------------------------------------------------------

  private toSnapshot(state: PortalState): PortalSnapshot {
    const p = state.catalog?.portal;
    return {
      portalId: state.portal.id,
      label: state.portal.label,
      status: state.status,
      lastSeenAt: state.lastSeenAt,
      lastError: state.lastError,
      clockOffsetMs: state.clockOffsetMs,
      portal: p
        ? { name: p.name, url: p.url, maximum: p.sessions.maximum, registered: p.sessions.registered, anonymous: p.sessions.anonymous, allocated: p.sessions.allocated }
        : null,
      environments: state.environments,
    };
  }

  /** pushes only when something other than the passing of time (lastSeenAt, countdowns) changed */
  private push(state: PortalState): void {
    const snap = this.toSnapshot(state);
    const key = JSON.stringify({ ...snap, lastSeenAt: null });
    if (key === state.lastPushedKey) return;
    state.lastPushedKey = key;
    this.options.onSnapshot(snap);
  }
}
