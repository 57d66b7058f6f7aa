import { ConsoleError } from '../../../shared/contract';
import type { AllocationRec, AttendeeRec, EventRec } from './event-model';
import type { EventsContext } from './context';

/** notes on an allocation whose link could not be recovered; replaced, never piled up */
export const LINK_UNKNOWN = 'link-unknown';
/** a recovery that failed for now (portal unreachable): tried again at the next reconciliation */
export const LINK_PENDING = 'link-pending';
const CONCURRENCY = 2;

interface Job {
  e: EventRec;
  a: AttendeeRec;
  rec: AllocationRec;
}

/**
 * Links of sessions the console adopted (found on the portal, never recorded, e.g. after a crash mid-request).
 * The catalog names the session but not its activation token, so the request endpoint is asked again in its
 * reacquire-only mode (`session=<name>`): it returns that session with its original token and never allocates a
 * new one. A pending session's activation window restarts, with the event's window, as any repeated request does.
 */
export class LinkRecovery {
  private readonly queue: Job[] = [];
  private readonly queued = new Set<number>();
  private active = 0;
  private closed = false;
  private idle: Promise<void> = Promise.resolve();
  private resolveIdle: (() => void) | null = null;

  constructor(private readonly ctx: EventsContext) {}

  enqueue(e: EventRec, a: AttendeeRec, rec: AllocationRec): void {
    if (this.closed || this.queued.has(rec.id) || rec.activationUrl || !rec.session) return;
    this.queued.add(rec.id);
    this.queue.push({ e, a, rec });
    if (!this.resolveIdle) this.idle = new Promise((r) => (this.resolveIdle = r));
    this.pump();
  }

  /** resolves when nothing is queued or in flight (tests, close) */
  settled(): Promise<void> {
    return this.idle;
  }

  close(): void {
    this.closed = true;
    this.queue.length = 0;
  }

  private pump(): void {
    while (this.active < CONCURRENCY && this.queue.length > 0) {
      const job = this.queue.shift() as Job;
      this.active++;
      void this.recover(job).finally(() => {
        this.active--;
        this.queued.delete(job.rec.id);
        if (this.active === 0 && this.queue.length === 0) {
          this.resolveIdle?.();
          this.resolveIdle = null;
        }
        this.pump();
      });
    }
  }

  private async recover({ e, a, rec }: Job): Promise<void> {
    const { store, registry, monitor } = this.ctx;
    const note = (text: string, kind = LINK_UNKNOWN) => {
      if (a.current !== rec || !store.list().includes(e)) return;
      store.patchAllocations(e, [{ a, rec, patch: { flags: [...withoutLinkNotes(rec.flags), `${kind}: ${text}`] } }]);
      this.ctx.push.changed(e.id, [a.id]);
    };
    let portal;
    try {
      portal = registry.get(e.portalId);
    } catch {
      return;
    }
    if ((await monitor.detectDialect(e.portalId)) === 'learningcenter') {
      // no reacquire-only mode there: a plain request could allocate a new session if this one just ended
      note('this portal cannot hand out the link of an existing session again; reissue it if needed');
      return;
    }
    try {
      const r = await portal.client.requestSession({
        environment: rec.environment,
        user: a.user,
        indexUrl: e.indexUrl ?? portal.defaultIndexUrl,
        timeout: e.activationWindowS,
        session: rec.session as string,
      });
      if (a.current !== rec || !store.list().includes(e)) return;
      const restarted =
        rec.status === 'waiting' && e.activationWindowS > 0
          ? { activateBy: this.ctx.now() + e.activationWindowS * 1000 }
          : {};
      store.patchAllocations(e, [
        {
          a,
          rec,
          patch: {
            activationUrl: portal.client.activationUrl(r.url),
            flags: withoutLinkNotes(rec.flags),
            ...restarted,
          },
        },
      ]);
      this.ctx.push.changed(e.id, [a.id]);
    } catch (err) {
      if (!(err instanceof ConsoleError)) return note('the portal could not be asked for it');
      if (err.code === 'conflict')
        return note('the session was started from the portal page: it has no link to hand out');
      if (err.code === 'no-capacity') return note('the portal no longer has this session');
      // unreachable or refused for now: the next reconciliation queues it again (the link is still missing)
      note(`not recovered yet (${err.message})`, LINK_PENDING);
    }
  }
}

function withoutLinkNotes(flags: string[]): string[] {
  return flags.filter((f) => !f.startsWith(LINK_UNKNOWN) && !f.startsWith(LINK_PENDING));
}

/** a live session without its link that is worth asking the portal about (again) */
export function needsLink(rec: AllocationRec): boolean {
  return rec.session !== null && rec.activationUrl === null && !rec.flags.some((f) => f.startsWith(LINK_UNKNOWN));
}
