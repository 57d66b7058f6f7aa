import { useMemo, useState } from 'react';
import type { EventSummary } from '../../../../shared/contract';
import { invoke } from '../../lib/api';
import { routeHref } from '../../lib/router';
import { formatRange, formatSeconds } from '../../lib/time';
import { appStore } from '../../store/app-store';
import { useApp } from '../../store/use-app';
import { liveCount, sortEvents } from '../../store/selectors/attendees';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { DataTable } from '../../ui/DataTable';
import { CheckField } from '../../ui/Field';
import { Empty, ErrorBox, Loading } from '../../ui/States';
import { EventForm } from './EventForm';
import { PhaseBadge } from './PhaseBadge';

const COLUMNS = ['Event', 'Portal', 'When', 'Activation window', 'Attendees', 'Activated', 'Status', 'Actions'];

/** Every event of this console: open, archive or restore, delete (asking first; sessions end only if asked). */
export function EventsView() {
  const events = useApp((s) => s.events);
  const loaded = useApp((s) => s.eventsLoaded);
  const loadError = useApp((s) => s.eventsError);
  const snapshots = useApp((s) => s.snapshots);
  const [showArchived, setShowArchived] = useState(false);
  const [deleting, setDeleting] = useState<{ event: EventSummary; endSessions: boolean } | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const all = useMemo(() => sortEvents(Object.values(events)), [events]);
  const shown = showArchived ? all : all.filter((e) => !e.archived);
  const archivedCount = all.length - all.filter((e) => !e.archived).length;

  const archive = async (e: EventSummary, archived: boolean) => {
    setError(null);
    const requestedAt = performance.now();
    const r = await invoke('events.archive', { eventId: e.id, archived });
    if (!r.ok) return setError(r.error.message);
    appStore.getState().applyEventSummary(r.data, requestedAt);
    appStore.getState().setNotice(archived ? `Archived ${e.name}` : `Restored ${e.name}`);
  };

  const remove = async () => {
    if (!deleting) return;
    setBusy(true);
    const r = await invoke('events.delete', { eventId: deleting.event.id, endSessions: deleting.endSessions });
    setBusy(false);
    const name = deleting.event.name;
    setDeleting(null);
    if (!r.ok) return setError(r.error.message);
    appStore.getState().applyEventRemoved(r.data.eventId);
    const ended = deleting.endSessions ? ` and ended ${r.data.ended} session${r.data.ended === 1 ? '' : 's'}` : '';
    appStore.getState().setNotice(`Deleted ${name}${ended}`);
    if (r.data.failures.length)
      setError(
        `Some sessions could not be ended: ${r.data.failures.map((f) => `${f.session} (${f.message})`).join(', ')}`,
      );
  };

  const live = deleting ? liveCount(deleting.event.counts) : 0;

  return (
    <section className="screen" aria-labelledby="events-title">
      <div className="screen-head">
        <h1 id="events-title">Events</h1>
        <a className="button primary" href={routeHref({ name: 'event-new' })}>
          New event
        </a>
      </div>
      <p className="muted lead">
        An event is a workshop run for a list of attendees: prepare the list, allocate their sessions ahead of time,
        hand out the links, watch who started, and read the report afterwards.
      </p>
      {archivedCount > 0 && (
        <div className="toolbar">
          <CheckField
            label={`Show archived events (${archivedCount})`}
            checked={showArchived}
            onChecked={setShowArchived}
          />
        </div>
      )}
      {error && <ErrorBox testId="events-error">{error}</ErrorBox>}
      {!loaded && !loadError && <Loading what="events" />}
      {loadError && !loaded && <ErrorBox>{loadError}</ErrorBox>}
      {loaded && shown.length === 0 && (
        <Empty>
          {all.length ? 'Every event is archived.' : 'No events yet.'}{' '}
          <a href={routeHref({ name: 'event-new' })}>Create an event</a>.
        </Empty>
      )}
      {shown.length > 0 && (
        <DataTable caption="Events" columns={COLUMNS} testId="events-table" className="events-table">
          {shown.map((e) => (
            <tr key={e.id} data-testid="event-row" data-event-id={e.id} data-archived={e.archived}>
              <td>
                <a href={routeHref({ name: 'event', eventId: e.id, tab: 'attendees' })}>{e.name}</a>
              </td>
              <td>{snapshots[e.portalId]?.label ?? e.portalId}</td>
              <td>{formatRange(e.startsAt, e.endsAt)}</td>
              <td>{e.activationWindowS === 0 ? 'none' : formatSeconds(e.activationWindowS)}</td>
              <td>{e.total}</td>
              <td>
                {e.activated} of {e.total}
              </td>
              <td>
                <div className="actions">
                  <PhaseBadge event={e} />
                  {e.run?.status === 'running' && <span className="tag">allocating</span>}
                  {liveCount(e.counts) > 0 && (
                    <span className="tag" title="attendees holding a session now (waiting or running)">
                      {liveCount(e.counts)} live
                    </span>
                  )}
                </div>
              </td>
              <td>
                <div className="actions">
                  <a
                    className="button small"
                    href={routeHref({ name: 'event', eventId: e.id, tab: 'attendees' })}
                    aria-label={`Open ${e.name}`}
                  >
                    Open
                  </a>
                  <button
                    type="button"
                    className="small"
                    onClick={() => void archive(e, !e.archived)}
                    aria-label={`${e.archived ? 'Restore' : 'Archive'} ${e.name}`}
                  >
                    {e.archived ? 'Restore' : 'Archive'}
                  </button>
                  <button
                    type="button"
                    className="small danger"
                    onClick={() => setDeleting({ event: e, endSessions: false })}
                    aria-label={`Delete ${e.name}`}
                  >
                    Delete
                  </button>
                </div>
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      <ConfirmDialog
        open={deleting !== null}
        title={`Delete ${deleting?.event.name ?? ''}?`}
        confirmLabel={deleting?.endSessions ? 'Delete and end sessions' : 'Delete event'}
        danger
        busy={busy}
        testId="delete-event-dialog"
        onCancel={() => setDeleting(null)}
        onConfirm={() => void remove()}
      >
        <p>The event, its attendee list and its report are deleted from the console. This cannot be undone.</p>
        {live > 0 ? (
          <>
            <p>
              {live} attendee{live === 1 ? ' has a session' : 's have sessions'} on the portal. Unless you tick the box,
              those sessions keep running and their links keep working.
            </p>
            <CheckField
              label="Also end their sessions"
              checked={deleting?.endSessions ?? false}
              onChecked={(v) => deleting && setDeleting({ ...deleting, endSessions: v })}
            />
          </>
        ) : (
          <p>No attendee holds a session now.</p>
        )}
      </ConfirmDialog>
    </section>
  );
}

/** `#/events/new` */
export function NewEventView() {
  return (
    <section className="screen" aria-labelledby="new-event-title">
      <h1 id="new-event-title">
        <a href={routeHref({ name: 'events' })}>Events</a> <span aria-hidden="true">›</span> New event
      </h1>
      <EventForm />
    </section>
  );
}
