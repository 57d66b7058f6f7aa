import type { AllocationRun, EventChanged, EventSummary } from '../../../shared/contract';
import type { Monitor } from '../monitor';
import type { PortalRegistry } from '../portal-registry';
import type { SessionActions } from '../session-actions';
import type { ActiveRun } from './allocation-runner';
import { attendeeView, countStatuses, type EventRec } from './event-model';
import type { EventPush } from './event-push';
import type { EventStore } from './event-store';

/** What the events modules share: the store, the portals, pushes, and the runs of this process. */
export interface EventsContext {
  store: EventStore;
  registry: PortalRegistry;
  monitor: Monitor;
  actions: SessionActions;
  push: EventPush;
  now: () => number;
  /** the current or last run of each event in this process */
  runs: Map<string, ActiveRun>;
  /** allocation rows whose request is in flight in this process (never reconciled as interrupted) */
  inFlight: Set<number>;
  emitRemoved(eventId: string): void;
}

export function runOf(ctx: EventsContext, eventId: string): AllocationRun | null {
  const r = ctx.runs.get(eventId);
  return r ? { ...r.state, errors: [...r.state.errors] } : null;
}

export function summarize(ctx: EventsContext, e: EventRec): EventSummary {
  const { counts, activated } = countStatuses(e);
  return {
    id: e.id,
    name: e.name,
    portalId: e.portalId,
    environments: [...e.environments],
    startsAt: e.startsAt,
    endsAt: e.endsAt,
    activationWindowS: e.activationWindowS,
    indexUrl: e.indexUrl,
    archived: e.archived,
    createdAt: e.createdAt,
    updatedAt: e.updatedAt,
    revision: e.revision,
    total: e.attendees.size,
    counts,
    activated,
    run: runOf(ctx, e.id),
  };
}

/** the push payload for `EventPush`: the summary plus the named attendees that still exist */
export function changedPayload(
  ctx: EventsContext,
  eventId: string,
  ids: ReadonlySet<string>,
  removed: ReadonlySet<string>,
): EventChanged | null {
  let e: EventRec;
  try {
    e = ctx.store.get(eventId);
  } catch {
    return null;
  }
  const attendees = [];
  for (const id of ids) {
    const a = e.attendees.get(id);
    if (a) attendees.push(attendeeView(a));
  }
  return { eventId, revision: e.revision, summary: summarize(ctx, e), attendees, removedAttendeeIds: [...removed] };
}
