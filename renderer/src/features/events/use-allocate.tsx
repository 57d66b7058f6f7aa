import { useCallback, useState } from 'react';
import type { AllocationScope, ApiError } from '../../../../shared/contract';
import { invoke } from '../../lib/api';
import { appStore } from '../../store/app-store';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { isShortActivationRefusal } from './short-activation';

export type AllocateRequest =
  | { kind: 'allocate'; scope: Exclude<AllocationScope, 'selected'> }
  | { kind: 'allocate'; scope: 'selected'; attendeeIds: string[] }
  | { kind: 'reissue'; attendeeIds: string[] };

function call(eventId: string, req: AllocateRequest, confirmShortActivation: boolean) {
  const confirm = confirmShortActivation ? { confirmShortActivation: true } : {};
  if (req.kind === 'reissue') return invoke('events.reissue', { eventId, attendeeIds: req.attendeeIds, ...confirm });
  if (req.scope === 'selected')
    return invoke('events.allocate', { eventId, scope: 'selected', attendeeIds: req.attendeeIds, ...confirm });
  return invoke('events.allocate', { eventId, scope: req.scope, ...confirm });
}

/**
 * Starts allocation runs (and reissues) for one event. When the portal ignores the activation window the console
 * refuses and says why; the dialog shows its words and only "Allocate anyway" sends the request again, confirmed.
 * Progress then arrives as `events.changed` pushes.
 */
export function useAllocate(eventId: string) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [pending, setPending] = useState<{ req: AllocateRequest; message: string } | null>(null);

  const run = useCallback(
    async (req: AllocateRequest, confirmed = false) => {
      setBusy(true);
      setError(null);
      const requestedAt = performance.now();
      const r = await call(eventId, req, confirmed);
      setBusy(false);
      if (r.ok) {
        setPending(null);
        const what = req.kind === 'reissue' ? 'Reissuing' : 'Allocating';
        appStore.getState().setNotice(`${what} ${r.data.total} session${r.data.total === 1 ? '' : 's'}`);
        const summary = appStore.getState().events[eventId];
        if (summary) appStore.getState().applyEventSummary({ ...summary, run: r.data }, requestedAt);
        return;
      }
      if (!confirmed && isShortActivationRefusal(r.error)) setPending({ req, message: r.error.message });
      else {
        setPending(null);
        setError(r.error);
      }
    },
    [eventId],
  );

  const start = useCallback((req: AllocateRequest) => void run(req), [run]);

  const dialog = (
    <ConfirmDialog
      open={pending !== null}
      title="Links from this portal stop working after 60 seconds"
      confirmLabel="Allocate anyway"
      busy={busy}
      testId="short-activation-dialog"
      onCancel={() => setPending(null)}
      onConfirm={() => pending && void run(pending.req, true)}
    >
      <p>{pending?.message}</p>
      <p>
        The event’s activation window cannot be used here. Allocate only when the attendees are ready to open their
        links.
      </p>
    </ConfirmDialog>
  );

  return { start, busy, error, clearError: () => setError(null), dialog };
}
