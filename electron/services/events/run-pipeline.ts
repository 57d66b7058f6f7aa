import { ConsoleError, type AttendeeStatus } from '../../../shared/contract';
import { LIVE, statusOf, type AllocationRec, type AttendeeRec, type EventRec } from './event-model';
import type { EventsContext } from './context';
import { FIXED_ACTIVATION_S } from './portal-dialect';

interface Intent {
  a: AttendeeRec;
  attempt: AllocationRec;
  previous: AllocationRec | null;
}

/**
 * One run's requests. Intents are committed a few attendees ahead of their requests (in the same commits as the
 * results coming back), so no request waits for the disk, and each result is committed before it is shown. An
 * intent whose request never left (the run was cancelled, or the console stopped) is undone: by the run itself, or
 * at the next start by reconciliation, which finds nothing on the portal for it.
 */
export class RunPipeline {
  private readonly intents = new Map<string, Promise<Intent | null>>();

  constructor(
    private readonly ctx: EventsContext,
    private readonly e: EventRec,
    private readonly eligible: ReadonlySet<AttendeeStatus>,
    private readonly fixedActivation: boolean,
  ) {}

  reserve(attendeeId: string): void {
    if (!this.intents.has(attendeeId)) this.intents.set(attendeeId, this.intent(attendeeId));
  }

  /** the run stopped before these reserved attendees were requested */
  async release(attendeeIds: string[]): Promise<void> {
    const drops: Promise<void>[] = [];
    for (const id of attendeeIds) {
      const pending = this.intents.get(id);
      this.intents.delete(id);
      const intent = await pending?.catch(() => null);
      if (!intent) continue;
      drops.push(
        this.ctx.store.stageDrop(this.e, intent.a, intent.attempt, intent.previous).finally(() => {
          this.ctx.inFlight.delete(intent.attempt.id);
          this.ctx.push.changed(this.e.id, [intent.a.id]);
        }),
      );
    }
    await Promise.allSettled(drops);
  }

  /**
   * Sends the request of a reserved (or, if not yet, a new) intent. Resolves when the portal answered, with the
   * result's commit still to come; `null` when the attendee was no longer eligible.
   */
  async allocate(attendeeId: string, signal: AbortSignal): Promise<{ committed: Promise<void> } | null> {
    this.reserve(attendeeId);
    const pending = this.intents.get(attendeeId) as Promise<Intent | null>;
    this.intents.delete(attendeeId);
    const intent = await pending;
    if (!intent) return null;
    if (signal.aborted) {
      this.intents.set(attendeeId, Promise.resolve(intent));
      await this.release([attendeeId]);
      throw new ConsoleError('cancelled', 'cancelled');
    }
    return this.send(intent);
  }

  private async intent(attendeeId: string): Promise<Intent | null> {
    const a = this.e.attendees.get(attendeeId);
    // removed, or moved on (a poll adopted a session) since the run started
    if (!a || !this.eligible.has(statusOf(a))) return null;
    const previous = a.current;
    const attempt = await this.ctx.store.stageInsertAllocation(this.e, a, {
      environment: a.environment,
      session: null,
      activationUrl: null,
      requestedAt: this.ctx.now(),
      allocatedAt: null,
      activateBy: null,
      expiresAt: null,
      firstRunningAt: null,
      endedAt: null,
      extensions: 0,
      status: 'allocating',
      reason: null,
      flags: [],
    });
    // in flight until its result is committed: a poll meanwhile must not take it for an interrupted intent
    this.ctx.inFlight.add(attempt.id);
    this.ctx.push.changed(this.e.id, [a.id]);
    return { a, attempt, previous };
  }

  /** resolves when the portal answered; `committed` when its result is on disk (rejects with a refusal) */
  private async send({ a, attempt, previous }: Intent): Promise<{ committed: Promise<void> }> {
    const { store, inFlight } = this.ctx;
    const e = this.e;
    const refresh = previous !== null && LIVE.has(previous.status);
    const portal = this.ctx.registry.get(e.portalId);
    const requestedAt = this.ctx.now();
    let result;
    try {
      result = await this.ctx.actions.request({
        portalId: e.portalId,
        environment: a.environment,
        user: a.user,
        email: a.email,
        firstName: a.firstName || undefined,
        lastName: a.lastName || undefined,
        indexUrl: e.indexUrl ?? portal.defaultIndexUrl,
        timeout: e.activationWindowS,
      });
    } catch (err) {
      if (err instanceof ConsoleError && err.code === 'cancelled') {
        // Cut off in flight (the console is closing): the portal may have allocated it, so the intent stays for
        // the next start to reconcile.
        inFlight.delete(attempt.id);
        throw err;
      }
      const reason = err instanceof ConsoleError ? err.message : 'unexpected error';
      // A refused refresh leaves the session the attendee already has; a first request records the refusal.
      const recorded = refresh
        ? store.stageDrop(e, a, attempt, previous)
        : store.stagePatch(e, a, attempt, { status: 'failed', reason });
      return {
        committed: recorded
          .finally(() => this.shown(a, attempt))
          .then(() => {
            throw err;
          }),
      };
    }
    const allocatedAt = this.ctx.now();
    const activateBy = this.fixedActivation ? requestedAt + FIXED_ACTIVATION_S * 1000 : result.activateBy;
    const recorded =
      refresh && previous.session === result.session
        ? // the same session (the portal's rule): a pending one's activation window restarted
          Promise.all([
            store.stagePatch(e, a, previous, (cur) => ({
              activationUrl: result.activationUrl,
              ...(cur.status === 'waiting' && { activateBy, expiresAt: activateBy }),
            })),
            store.stageDrop(e, a, attempt, previous),
          ]).then(() => undefined)
        : store.stagePatch(e, a, attempt, {
            session: result.session,
            activationUrl: result.activationUrl,
            allocatedAt,
            activateBy,
            // a pending session's `expires` on the portal is its activation deadline
            expiresAt: activateBy,
            status: 'waiting',
          });
    // not on disk when it failed, so not shown: the intent stays "allocating" and is reconciled with the portal
    return { committed: recorded.finally(() => this.shown(a, attempt)) };
  }

  private shown(a: AttendeeRec, attempt: AllocationRec): void {
    this.ctx.inFlight.delete(attempt.id);
    this.ctx.push.changed(this.e.id, [a.id]);
  }
}
