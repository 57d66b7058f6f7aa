import diagnostics from 'node:diagnostics_channel';
import type { PortalSnapshot } from '../../../shared/contract';
import { BUILTIN_ID } from '../portal-registry';
import type { EventsContext } from './context';
import { LIVE, type AllocationRec, type EventRec } from './event-model';
import { LinkRecovery, needsLink } from './link-recovery';
import { indexSnapshot, reconcileEvent, type Compared, type PortalIndex, type Reconciled } from './reconcile';

/** each reconciliation pass as `{attendees, ms}` (for the benchmark); nothing is measured unsubscribed */
export const reconcileChannel = diagnostics.channel('portal-console:events:reconcile');

export interface LiveStatusOptions {
  /** see ReconcileOptions.graceMs: the longest a poll can take (the request timeout) */
  graceMs: number;
}

/**
 * Keeps each attendee's status in step with the monitor's snapshots of the event's portal: every snapshot the
 * monitor pushes (it pushes only when the catalog changed) is compared with the events on that portal, and only
 * the attendees that changed are written and pushed.
 */
export class LiveStatus {
  private readonly links: LinkRecovery;
  private readonly timers = new Map<string, { at: number; timer: NodeJS.Timeout }>();
  private readonly latest = new Map<string, PortalIndex>();
  private readonly memo = new WeakMap<AllocationRec, Compared>();
  private closed = false;

  constructor(
    private readonly ctx: EventsContext,
    private readonly o: LiveStatusOptions,
  ) {
    this.links = new LinkRecovery(ctx);
  }

  /** capacity of an event's environments as last seen (null before the first snapshot) */
  capacity(e: EventRec): number | null {
    const index = this.latest.get(e.portalId);
    if (!index) return null;
    let total = 0;
    for (const env of e.environments) total += index.capacity.get(env) ?? 0;
    return total;
  }

  onSnapshot(s: PortalSnapshot): void {
    if (this.closed || s.status !== 'live' || s.lastSeenAt === null) return;
    const events = this.ctx.store.list().filter((e) => !e.archived && e.portalId === s.portalId);
    if (events.length === 0) return;
    const started = reconcileChannel.hasSubscribers ? performance.now() : null;
    const index = indexSnapshot(s, new Set(events.flatMap((e) => e.environments)), this.latest.get(s.portalId));
    this.latest.set(s.portalId, index);
    let recheckAt: number | null = null;
    const now = this.ctx.now();
    for (const e of events) {
      const r = reconcileEvent(e, index, {
        now,
        inFlight: this.ctx.inFlight,
        graceMs: this.o.graceMs,
        memo: this.memo,
      });
      this.apply(e, r, now);
      if (r.recheckAt !== null) recheckAt = recheckAt === null ? r.recheckAt : Math.min(recheckAt, r.recheckAt);
    }
    if (recheckAt !== null) this.recheck(s.portalId, recheckAt);
    if (started !== null) {
      const attendees = events.reduce((n, e) => n + e.attendees.size, 0);
      reconcileChannel.publish({ attendees, ms: performance.now() - started });
    }
  }

  /**
   * The built-in engine listens on another port than when these links were made (its port was taken): the links
   * keep their path and token, so they are moved to the new address and flagged for the facilitator.
   */
  moveBuiltinLinks(builtinUrl: string): void {
    let base: string;
    try {
      base = new URL(builtinUrl).origin;
    } catch {
      return;
    }
    for (const e of this.ctx.store.list()) {
      if (e.portalId !== BUILTIN_ID) continue;
      const patches = [];
      for (const a of e.attendees.values()) {
        const rec = a.current;
        if (!rec?.activationUrl || !(LIVE.has(rec.status) || rec.status === 'allocating')) continue;
        let url: URL;
        try {
          url = new URL(rec.activationUrl);
        } catch {
          continue;
        }
        if (url.origin === base) continue;
        const moved = `${base}${url.pathname}${url.search}${url.hash}`;
        const to = new URL(base).port || '80';
        const flag = `link-reissued: the built-in portal moved from :${url.port || '80'} to :${to}`;
        patches.push({
          a,
          rec,
          patch: { activationUrl: moved, flags: [...rec.flags.filter((f) => !f.startsWith('link-reissued')), flag] },
        });
      }
      if (patches.length === 0) continue;
      this.ctx.store.patchAllocations(e, patches);
      this.ctx.push.changed(
        e.id,
        patches.map((p) => p.a.id),
        { now: true },
      );
    }
  }

  /** resolves when link recoveries queued so far are done (tests) */
  settled(): Promise<void> {
    return this.links.settled();
  }

  close(): void {
    this.closed = true;
    for (const t of this.timers.values()) clearTimeout(t.timer);
    this.timers.clear();
    this.links.close();
  }

  private apply(e: EventRec, r: Reconciled, now: number): void {
    const { store } = this.ctx;
    const changed = new Set<string>();
    if (r.patches.length > 0) {
      store.patchAllocations(e, r.patches);
      for (const p of r.patches) changed.add(p.a.id);
    }
    for (const d of r.drop) {
      store.dropAllocation(e, d.a, d.rec);
      changed.add(d.a.id);
    }
    for (const { a, session, into } of r.adopt) {
      const running = session.state === 'RUNNING';
      const fields: Omit<AllocationRec, 'id' | 'requestedAt'> = {
        environment: session.environment,
        session: session.name,
        activationUrl: null,
        allocatedAt: into?.requestedAt ?? (running ? now : (session.startedAt ?? now)),
        activateBy: !running && e.activationWindowS > 0 ? session.expiresAt : null,
        expiresAt: session.expiresAt,
        firstRunningAt: running ? Math.min(now, session.startedAt ?? now) : null,
        endedAt: null,
        extensions: 0,
        status: running ? 'running' : 'waiting',
        reason: null,
        flags: [
          into
            ? 'recovered: the console stopped while this was being allocated'
            : 'adopted: found on the portal, not allocated by this event',
        ],
      };
      if (into) store.patchAllocations(e, [{ a, rec: into, patch: fields }]);
      else store.insertAllocation(e, a, { ...fields, requestedAt: now });
      changed.add(a.id);
    }
    for (const a of e.attendees.values()) {
      const rec = a.current;
      if (rec && LIVE.has(rec.status) && needsLink(rec) && !this.ctx.inFlight.has(rec.id))
        this.links.enqueue(e, a, rec);
    }
    if (changed.size > 0) this.ctx.push.changed(e.id, changed);
  }

  private recheck(portalId: string, at: number): void {
    const existing = this.timers.get(portalId);
    if (existing && existing.at <= at) return;
    if (existing) clearTimeout(existing.timer);
    const timer = setTimeout(
      () => {
        this.timers.delete(portalId);
        const s = this.ctx.monitor.snapshot(portalId);
        if (s) this.onSnapshot(s);
      },
      Math.max(0, at - this.ctx.now()) + 50,
    );
    timer.unref?.();
    this.timers.set(portalId, { at, timer });
  }
}
