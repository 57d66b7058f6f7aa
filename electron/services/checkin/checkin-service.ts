import {
  ConsoleError,
  LOCAL_ONLY_ADDRESS,
  type CheckinMode,
  type CheckinStatus,
  type NetworkInterface,
} from '../../../shared/contract';
import type { CheckinRequests } from '../events/checkin-requests';
import type { Monitor } from '../monitor';
import { BUILTIN_ID, type PortalRegistry } from '../portal-registry';
import { CheckinFlow, type CheckinStats } from './checkin-flow';
import type { WorkshopText } from './checkin-page';
import { startCheckinServer, type CheckinLimits, type CheckinServer } from './checkin-server';
import { CheckinStore, type CheckinSettings } from './checkin-store';
import { Gates } from './gates';
import { listenFailure, listenOnKept } from './listen';
import { isLoopback, reachOf } from './network';
import { formTargets, rebase } from './portal-links';

export interface CheckinServiceOptions {
  store: CheckinStore;
  events: CheckinRequests;
  registry: PortalRegistry;
  monitor: Monitor;
  /** where the built-in engine listens (null when it is not running) */
  builtinUrl: string | null;
  limits: CheckinLimits;
  interfaces(): NetworkInterface[];
  now: () => number;
  emit(status: CheckinStatus): void;
  log: (line: string) => void;
}

interface Live {
  address: string;
  port: number;
  url: string;
  server: CheckinServer;
  /** the built-in portal's gate on this address, when the event's portal is the built-in one and it is shared */
  gateOrigin: string | null;
  startedAt: number;
}

const newStats = (): CheckinStats => ({ checkedIn: 0, walkIns: 0, refused: 0, limited: 0, unavailable: 0 });

/**
 * The check-in pages of all events: off by default; started, stopped and configured from the event screen; started
 * again at the console's start when they were running, on the same address and port. Archiving or deleting the
 * event ends its page. Starts and stops of one event run one at a time.
 */
export class CheckinService {
  private readonly live = new Map<string, Live>();
  private readonly errors = new Map<string, string>();
  private readonly moved = new Map<string, string>();
  private readonly stats = new Map<string, CheckinStats>();
  private readonly queue = new Map<string, Promise<unknown>>();
  private readonly gates: Gates | null;
  private closed = false;

  constructor(private readonly o: CheckinServiceOptions) {
    this.gates = o.builtinUrl ? new Gates({ store: o.store, engineUrl: o.builtinUrl, log: o.log }) : null;
  }

  status(eventId: string): CheckinStatus {
    this.o.events.event(eventId);
    const s = this.o.store.get(eventId);
    const live = this.live.get(eventId);
    const address = live?.address ?? s.address;
    const port = live?.port ?? s.port;
    const error = this.errors.get(eventId) ?? null;
    return {
      eventId,
      mode: s.mode,
      code: s.code,
      state: live ? 'running' : error !== null ? 'failed' : 'stopped',
      address,
      port,
      url: port === null ? null : `http://${address}:${port}/`,
      shared: address !== LOCAL_ONLY_ADDRESS,
      reach: reachOf(address, this.o.interfaces()),
      portalUrl: live?.gateOrigin ?? null,
      error,
      movedFrom: this.moved.get(eventId) ?? null,
      startedAt: live?.startedAt ?? null,
      stats: { ...this.statsOf(eventId) },
    };
  }

  configure(eventId: string, patch: { mode?: CheckinMode | undefined; code?: string | null | undefined }) {
    this.o.events.event(eventId);
    const s = this.o.store.get(eventId);
    this.o.store.put({
      ...s,
      ...(patch.mode !== undefined && { mode: patch.mode }),
      ...(patch.code !== undefined && { code: patch.code }),
    });
    return this.changed(eventId);
  }

  /** starts the page on `address` (default: where it ran last); a running page moves there */
  start(eventId: string, address?: string): Promise<CheckinStatus> {
    const e = this.o.events.event(eventId);
    if (e.archived) throw new ConsoleError('conflict', `${e.name} is archived: restore it to open its check-in page`);
    if (this.closed) throw new ConsoleError('cancelled', 'the console is closing');
    const s = this.o.store.get(eventId);
    const target = address ?? s.address;
    this.checkAddress(target);
    return this.serial(eventId, async () => {
      const live = this.live.get(eventId);
      if (live?.address === target) return this.status(eventId);
      if (live) await this.shut(eventId);
      this.o.store.put({ ...this.o.store.get(eventId), address: target, wanted: true });
      await this.open(eventId);
      return this.changed(eventId);
    });
  }

  stop(eventId: string): Promise<CheckinStatus> {
    this.o.events.event(eventId);
    return this.serial(eventId, async () => {
      this.o.store.put({ ...this.o.store.get(eventId), wanted: false });
      await this.shut(eventId);
      this.errors.delete(eventId);
      return this.changed(eventId);
    });
  }

  /** at the console's start: the pages that were running come back (an archived or deleted event's do not) */
  async restore(): Promise<void> {
    await Promise.all(
      this.o.store.wanted().map(async (s) => {
        let archived: boolean;
        try {
          archived = this.o.events.event(s.eventId).archived;
        } catch {
          return;
        }
        if (archived) this.o.store.put({ ...s, wanted: false });
        else await this.serial(s.eventId, () => this.open(s.eventId));
      }),
    );
  }

  /** the event was archived (its page closes for good) or deleted (its settings went with it) */
  async ended(eventId: string, deleted: boolean): Promise<void> {
    if (!this.live.has(eventId) && !this.errors.has(eventId)) return;
    await this.serial(eventId, async () => {
      if (!deleted) this.o.store.put({ ...this.o.store.get(eventId), wanted: false });
      await this.shut(eventId);
      this.errors.delete(eventId);
      if (!deleted) this.changed(eventId);
    });
  }

  /** closes every page and gate; what was running stays `wanted`, so the next start brings it back */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([...this.queue.values()]);
    await Promise.all([...this.live.keys()].map((id) => this.shut(id)));
    await this.gates?.close();
  }

  private checkAddress(address: string): void {
    if (address === '0.0.0.0') {
      throw new ConsoleError('invalid-input', 'choose one network to share on, not every network of this computer');
    }
    if (!isLoopback(address) && !this.o.interfaces().some((i) => i.address === address)) {
      throw new ConsoleError('invalid-input', `${address} is not an address of this computer`);
    }
  }

  /** listens (kept port first) and records the outcome; a failure is shown on the event screen, not thrown */
  private async open(eventId: string): Promise<void> {
    const s = this.o.store.get(eventId);
    const builtin = this.o.events.event(eventId).portalId === BUILTIN_ID && this.gates !== null;
    const needsGate = builtin && s.address !== LOCAL_ONLY_ADDRESS;
    let gateOrigin: string | null = null;
    let pageUrl = '';
    const flow = new CheckinFlow({
      eventId,
      events: this.o.events,
      settings: () => this.o.store.get(eventId),
      get indexUrl() {
        return pageUrl;
      },
      workshops: (portalId, envs) => this.workshops(portalId, envs),
      portal: (portalId) => this.portalLinks(portalId, gateOrigin),
      stats: this.statsOf(eventId),
      changed: () => this.changed(eventId),
      now: () => this.o.now(),
    });
    try {
      const { server, movedFrom } = await listenOnKept(s.port, (port) =>
        startCheckinServer({
          address: s.address,
          port,
          limits: this.o.limits,
          log: this.o.log,
          handler: {
            eventId,
            page: () => flow.page(),
            submit: (values, code) => flow.submit(values, code),
            count: (kind) => {
              this.statsOf(eventId)[kind]++;
              this.changed(eventId);
            },
          },
        }),
      );
      pageUrl = server.url;
      if (needsGate) {
        try {
          gateOrigin = await this.gates.acquire(s.address, eventId, server.url);
        } catch (err) {
          await server.close();
          throw err;
        }
      }
      if (movedFrom !== null) this.moved.set(eventId, `http://${s.address}:${movedFrom}/`);
      this.o.store.put({ ...this.o.store.get(eventId), port: server.port, wanted: true });
      const startedAt = this.o.now();
      this.live.set(eventId, { address: s.address, port: server.port, url: server.url, server, gateOrigin, startedAt });
      this.errors.delete(eventId);
    } catch (err) {
      this.errors.set(eventId, listenFailure(err, s.address));
    }
    this.changed(eventId);
  }

  private async shut(eventId: string): Promise<void> {
    const live = this.live.get(eventId);
    if (!live) return;
    this.live.delete(eventId);
    await live.server.close();
    if (live.gateOrigin !== null) await this.gates?.release(live.address, eventId);
  }

  private portalLinks(portalId: string, gateOrigin: string | null) {
    const base = this.o.registry.get(portalId).baseUrl;
    if (gateOrigin === null || this.o.builtinUrl === null) {
      return { link: (u: string) => u, targets: formTargets(base) };
    }
    const engine = new URL(this.o.builtinUrl).origin;
    return { link: (u: string) => rebase(u, engine, gateOrigin), targets: [gateOrigin] };
  }

  /** titles and descriptions from the portal's latest catalog (the environment's name until it was read) */
  private workshops(portalId: string, environments: readonly string[]): WorkshopText[] {
    const catalog = this.o.monitor.latest(portalId)?.catalog;
    return environments.map((name) => {
      const w = catalog?.environments.find((x) => x.name === name)?.workshop;
      return { environment: name, title: w?.title || w?.name || name, description: w?.description ?? '' };
    });
  }

  private statsOf(eventId: string): CheckinStats {
    let s = this.stats.get(eventId);
    if (!s) this.stats.set(eventId, (s = newStats()));
    return s;
  }

  private changed(eventId: string): CheckinStatus {
    const status = this.status(eventId);
    this.o.emit(status);
    return status;
  }

  private serial<T>(eventId: string, work: () => Promise<T>): Promise<T> {
    const before = this.queue.get(eventId) ?? Promise.resolve();
    const next = before.catch(() => undefined).then(work);
    this.queue.set(eventId, next);
    void next
      .finally(() => {
        if (this.queue.get(eventId) === next) this.queue.delete(eventId);
      })
      .catch(() => undefined);
    return next;
  }
}

export type { CheckinSettings };
