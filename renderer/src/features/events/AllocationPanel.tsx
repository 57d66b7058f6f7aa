import type { AllocationRun, EventSummary } from '../../../../shared/contract';
import { invoke } from '../../lib/api';
import { appStore } from '../../store/app-store';
import { formatClock } from '../../lib/time';
import { ErrorBox } from '../../ui/States';
import type { AllocateRequest } from './use-allocate';

interface Props {
  event: EventSummary;
  /** attendees whose unopened link expired (reissue gives them a new one) */
  expiredIds: readonly string[];
  busy: boolean;
  start(req: AllocateRequest): void;
}

/** the run's end arrives as a push; only a refusal needs saying */
async function cancel(eventId: string): Promise<void> {
  const r = await invoke('events.cancel', { eventId });
  if (!r.ok) appStore.getState().setNotice(`Could not cancel: ${r.error.message}`);
}

const ALL_TITLE =
  'Everyone who has no session or whose request failed gets one; waiting links get a fresh activation window; ' +
  'nobody gets a second session';

function runText(run: AllocationRun): string {
  const what = run.scope === 'reissue' ? 'Reissue' : 'Allocation';
  const counts = `${run.allocated} allocated, ${run.failed} failed`;
  if (run.status === 'running') return `${what} running: ${run.done} of ${run.total} (${counts})`;
  const cancelled = run.cancelled ? `, ${run.cancelled} not requested (cancelled)` : '';
  const when = run.endedAt ? ` at ${formatClock(run.endedAt)}` : '';
  return `${what} ${run.status === 'done' ? 'finished' : 'cancelled'}${when}: ${counts} of ${run.total}${cancelled}`;
}

/**
 * Allocate the not-yet-allocated, everyone, or retry the failed; a run's progress with Cancel while it goes, and
 * what the last run did. Cancelled attendees go back to "not allocated", so Retry failed never retries them and
 * "Allocate not-yet-allocated" picks them up.
 */
export function AllocationPanel({ event, expiredIds, busy, start }: Props) {
  const run = event.run;
  const running = run?.status === 'running';
  const c = event.counts;
  const unallocated = c['not-allocated'];
  const everyone = unallocated + c.failed + c.waiting + c.running;
  const disabled = busy || running || event.archived;

  return (
    <section className="panel allocation-panel" aria-label="Allocation" data-testid="allocation-panel">
      <div className="toolbar">
        <button
          type="button"
          className="primary"
          disabled={disabled || unallocated === 0}
          onClick={() => start({ kind: 'allocate', scope: 'unallocated' })}
        >
          Allocate not-yet-allocated ({unallocated})
        </button>
        <button
          type="button"
          disabled={disabled || everyone === 0}
          onClick={() => start({ kind: 'allocate', scope: 'all' })}
          title={ALL_TITLE}
        >
          Allocate all ({everyone})
        </button>
        <button
          type="button"
          disabled={disabled || c.failed === 0}
          onClick={() => start({ kind: 'allocate', scope: 'failed' })}
        >
          Retry failed ({c.failed})
        </button>
        <button
          type="button"
          disabled={disabled || expiredIds.length === 0}
          onClick={() => start({ kind: 'reissue', attendeeIds: [...expiredIds] })}
          title="A new session and link for everyone whose link expired before they opened it"
        >
          Reissue expired ({expiredIds.length})
        </button>
        {running && (
          <button type="button" className="danger" onClick={() => void cancel(event.id)}>
            Cancel allocation
          </button>
        )}
        {event.archived && <span className="muted">Archived: restore the event to allocate.</span>}
      </div>
      {(c.expired > 0 || c.failed > 0) && !running && (
        <p className="run-hint" data-testid="allocation-hint">
          {c.expired > 0 &&
            `${c.expired} link${c.expired === 1 ? ' was' : 's were'} not opened within the activation window and ${
              c.expired === 1 ? 'has' : 'have'
            } expired: reissue to give ${c.expired === 1 ? 'that attendee' : 'them'} a new one. `}
          {c.failed > 0 &&
            `${c.failed} request${c.failed === 1 ? '' : 's'} failed (the reason is on the row): ` +
              'retry when the portal has room.'}
        </p>
      )}
      {run && (
        <div className="run" data-testid="allocation-run" data-status={run.status}>
          <p className="run-text" aria-live="polite">
            {runText(run)}
          </p>
          {running && <progress max={run.total || 1} value={run.done} aria-label="Allocation progress" />}
          {run.errors.length > 0 && (
            <ErrorBox testId="allocation-errors">
              <details>
                <summary>
                  {run.errors.length} request{run.errors.length === 1 ? '' : 's'} failed: {run.errors[0]?.reason}
                </summary>
                <ul>
                  {run.errors.map((e) => (
                    <li key={e.attendeeId}>
                      {e.email}: {e.reason}
                    </li>
                  ))}
                </ul>
              </details>
            </ErrorBox>
          )}
        </div>
      )}
    </section>
  );
}
