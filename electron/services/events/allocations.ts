import { ConsoleError, type AllocationRun, type AttendeeStatus } from '../../../shared/contract';
import { startRun } from './allocation-runner';
import { statusOf, type AttendeeRec, type EventRec } from './event-model';
import { runOf, type EventsContext } from './context';
import { catalogDialect } from '../portal-dialect';
import { fixedActivationMessage } from './portal-dialect';
import { RunPipeline } from './run-pipeline';

export const DEFAULT_CONCURRENCY = 4;

type Scope = AllocationRun['scope'];

/**
 * Who each scope requests. Live attendees (waiting, running) are requested again by "all" and "selected": the
 * portal answers a user's request with the session they already have (and restarts a pending one's activation
 * window), so nothing is allocated twice. Ended and expired attendees get a new session only from a reissue.
 */
const ELIGIBLE: Record<Scope, ReadonlySet<AttendeeStatus>> = {
  all: new Set(['not-allocated', 'failed', 'waiting', 'running']),
  selected: new Set(['not-allocated', 'failed', 'waiting', 'running']),
  unallocated: new Set(['not-allocated']),
  failed: new Set(['failed']),
  reissue: new Set(['ended', 'expired']),
};

export interface AllocateInput {
  eventId: string;
  scope: Scope;
  attendeeIds?: string[] | undefined;
  concurrency?: number | undefined;
  confirmShortActivation?: boolean | undefined;
}

/** Allocation runs: durable intent before each request, durable result before it is shown. */
export class Allocations {
  constructor(private readonly ctx: EventsContext) {}

  async allocate(input: AllocateInput): Promise<AllocationRun> {
    const { store } = this.ctx;
    const e = store.get(input.eventId);
    if (e.archived) throw new ConsoleError('conflict', `${e.name} is archived: restore it before allocating`);
    if (this.ctx.runs.get(e.id)?.state.status === 'running')
      throw new ConsoleError('conflict', `an allocation is already running for ${e.name}`);
    const eligible = ELIGIBLE[input.scope];
    let chosen: AttendeeRec[];
    if (input.attendeeIds) {
      chosen = input.attendeeIds.map((id) => store.attendee(e, id));
      const refused = chosen.filter((a) => !eligible.has(statusOf(a)));
      if (refused.length > 0) {
        const first = refused[0] as AttendeeRec;
        const hint =
          input.scope === 'reissue'
            ? 'only ended or expired attendees are reissued'
            : 'ended and expired attendees need a reissue';
        throw new ConsoleError(
          'conflict',
          `${refused.length} of the attendees cannot be requested now (${first.email} is ${statusOf(first)}): ${hint}`,
        );
      }
    } else {
      chosen = [...e.attendees.values()].filter((a) => eligible.has(statusOf(a)));
    }
    const fixedActivation =
      chosen.length > 0 ? await this.checkPortal(e, chosen, input.confirmShortActivation === true) : false;
    if (this.ctx.runs.get(e.id)?.state.status === 'running')
      throw new ConsoleError('conflict', `an allocation is already running for ${e.name}`);

    const pipeline = new RunPipeline(this.ctx, e, eligible, fixedActivation);
    const run = startRun(
      e.id,
      input.scope,
      chosen.map((a) => a.id),
      input.concurrency ?? DEFAULT_CONCURRENCY,
      this.ctx.now,
      {
        reserve: (id) => pipeline.reserve(id),
        allocate: (id, signal) => pipeline.allocate(id, signal),
        release: (ids) => pipeline.release(ids),
        email: (id) => e.attendees.get(id)?.email ?? '',
        onProgress: (_state, final) => {
          if (final) {
            // a run that ended is part of the event's state: durable like the rest, then shown
            if (this.ctx.store.list().includes(e)) this.ctx.store.touch(e);
            void this.ctx.monitor.pollNow(e.portalId).catch(() => undefined);
          }
          this.ctx.push.changed(e.id, [], { now: final });
        },
      },
    );
    this.ctx.runs.set(e.id, run);
    store.touch(e);
    this.ctx.push.changed(e.id, [], { now: true });
    return runOf(this.ctx, e.id) as AllocationRun;
  }

  cancel(eventId: string): AllocationRun | null {
    const e = this.ctx.store.get(eventId);
    const run = this.ctx.runs.get(e.id);
    if (run && run.state.status === 'running') {
      run.abort.abort();
      run.state.status = 'cancelled';
      this.ctx.push.changed(e.id, [], { now: true });
    }
    return runOf(this.ctx, e.id);
  }

  /** cancels every run and waits for the requests in flight to be recorded */
  async close(): Promise<void> {
    const running = [...this.ctx.runs.values()].filter((r) => r.state.status === 'running');
    for (const r of running) r.abort.abort();
    await Promise.allSettled(running.map((r) => r.done));
  }

  /**
   * The environments must exist and run on the portal, and the portal must honour the activation window: a
   * Learning Center portal deletes unopened sessions after 60 s whatever it is asked, so that is said first.
   */
  private async checkPortal(e: EventRec, chosen: AttendeeRec[], confirmed: boolean): Promise<boolean> {
    const portal = this.ctx.registry.get(e.portalId);
    const catalog = (await portal.client.catalog()).data;
    for (const name of new Set(chosen.map((a) => a.environment))) {
      const env = catalog.environments.find((x) => x.name === name);
      if (!env) throw new ConsoleError('unknown-workshop', `no workshop environment ${name} on ${portal.label}`);
      if (env.state !== 'RUNNING') {
        throw new ConsoleError(
          'no-capacity',
          `${env.workshop.title || name} on ${portal.label} is ${env.state.toLowerCase()} and takes no new sessions`,
        );
      }
    }
    const dialect = catalogDialect(catalog) ?? (await this.ctx.monitor.detectDialect(e.portalId));
    const fixed = dialect === 'learningcenter';
    if (fixed && !confirmed) throw new ConsoleError('conflict', fixedActivationMessage(portal.label));
    return fixed;
  }
}
