import { useCallback, useDeferredValue, useMemo, useState } from 'react';
import type { AttendeeStatus, AttendeeView, EventSummary, PortalSnapshot } from '../../../../shared/contract';
import { invoke } from '../../lib/api';
import { copyText, downloadText } from '../../lib/download';
import { routeHref } from '../../lib/router';
import { appStore } from '../../store/app-store';
import { useApp } from '../../store/use-app';
import {
  attendeeName,
  filterAttendees,
  selectionActions,
  sortAttendees,
  STATUS_TEXT,
  STATUSES,
  type AttendeeSortKey,
} from '../../store/selectors/attendees';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { CheckField } from '../../ui/Field';
import { Empty, ErrorBox, Loading } from '../../ui/States';
import { useSessionActions } from '../sessions/use-session-actions';
import { AddAttendees, AddOutcomeBox, type AddOutcome } from './AddAttendees';
import { AllocationPanel } from './AllocationPanel';
import { AttendeeTable, type AttendeeActions, type LiveSession } from './AttendeeTable';
import { EditAttendee } from './EditAttendee';
import type { EnvironmentInfo } from './event-info';
import { useAllocate } from './use-allocate';

const NO_SELECTION: Readonly<Record<string, true>> = {};

interface Removal {
  attendees: AttendeeView[];
  endSessions: boolean;
}

/** the monitor's view of each session of the portal: countdowns then run on the portal's clock */
function liveSessions(snapshot: PortalSnapshot | undefined): Map<string, LiveSession> {
  const out = new Map<string, LiveSession>();
  if (!snapshot) return out;
  for (const env of snapshot.environments) {
    for (const s of env.sessions) {
      out.set(s.name, { expires: s.expires, clockOffsetMs: snapshot.clockOffsetMs, extendable: s.extendable });
    }
  }
  return out;
}

/**
 * The event's attendee list: counts per status (each a filter), allocation, search, selection and a virtualized
 * table with per-attendee link, session and edit actions.
 */
export function AttendeesTab({ event, environments }: { event: EventSummary; environments: EnvironmentInfo[] }) {
  const detail = useApp((s) => (s.eventDetail?.eventId === event.id ? s.eventDetail : null));
  const snapshot = useApp((s) => s.snapshots[event.portalId]);
  const [query, setQuery] = useState('');
  const [statuses, setStatuses] = useState<ReadonlySet<AttendeeStatus>>(() => new Set());
  const [sort, setSort] = useState<{ key: AttendeeSortKey; desc: boolean } | null>(null);
  const [selection, setSelection] = useState<Record<string, true>>({});
  const [editing, setEditing] = useState<string | null>(null);
  const [removal, setRemoval] = useState<Removal | null>(null);
  const [terminating, setTerminating] = useState<AttendeeView | null>(null);
  const [working, setWorking] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [showAdd, setShowAdd] = useState<boolean | null>(null);
  const [outcome, setOutcome] = useState<AddOutcome | null>(null);
  const deferredQuery = useDeferredValue(query);
  const allocator = useAllocate(event.id);
  const startAllocation = allocator.start;
  const { busy, extend, terminate } = useSessionActions();

  // the list follows the order and the attendees, not the detail object (which changes with its other fields)
  const order = detail?.order;
  const byId = detail?.attendees;
  const all = useMemo(
    () => (order && byId ? order.map((id) => byId[id]).filter((a): a is AttendeeView => a !== undefined) : []),
    [order, byId],
  );
  const rows = useMemo(
    () => sortAttendees(filterAttendees(all, deferredQuery, statuses), sort),
    [all, deferredQuery, statuses, sort],
  );
  const live = useMemo(() => liveSessions(snapshot), [snapshot]);
  const expiredIds = useMemo(() => all.filter((a) => a.status === 'expired').map((a) => a.id), [all]);
  const envTitles = useMemo(() => Object.fromEntries(environments.map((e) => [e.name, e.title])), [environments]);

  // the selection only ever names attendees that are shown
  const shownSelection = useMemo(() => {
    const picked = Object.keys(selection);
    if (!picked.length) return NO_SELECTION;
    const shown = new Set(rows.map((r) => r.id));
    const out: Record<string, true> = {};
    for (const id of picked) if (shown.has(id)) out[id] = true;
    return out;
  }, [rows, selection]);
  const selected = useMemo(() => rows.filter((r) => shownSelection[r.id]), [rows, shownSelection]);
  const { allocatable, reissuable } = selectionActions(selected);

  const actions = useMemo<AttendeeActions>(
    () => ({
      onToggle: (id) =>
        setSelection((old) => {
          const next = { ...old };
          if (next[id]) delete next[id];
          else next[id] = true;
          return next;
        }),
      onCopy: (a) =>
        void copyText(a.activationUrl ?? '').then((ok) =>
          appStore
            .getState()
            .setNotice(
              ok
                ? `Link of ${attendeeName(a) || a.email} copied`
                : 'Copy failed: open the link and copy it from the address bar',
            ),
        ),
      onExtend: (a) => a.session && void extend(event.portalId, a.session),
      onEnd: (a) => setTerminating(a),
      onReissue: (a) => startAllocation({ kind: 'reissue', attendeeIds: [a.id] }),
      onAllocate: (a) => startAllocation({ kind: 'allocate', scope: 'selected', attendeeIds: [a.id] }),
      onEdit: (a) => setEditing(a.id),
    }),
    [event.portalId, extend, startAllocation],
  );

  // open at first for an event without attendees, then as the facilitator leaves it (adding must not close it);
  // set while rendering, so no frame ever shows the other state first
  if (showAdd === null && detail?.loaded) setShowAdd(all.length === 0);

  const onSort = useCallback(
    (key: AttendeeSortKey) =>
      setSort((s) => (s?.key !== key ? { key, desc: false } : s.desc ? null : { key, desc: true })),
    [],
  );

  const toggleStatus = (s: AttendeeStatus | null) =>
    setStatuses((old) => {
      if (s === null) return new Set();
      const next = new Set(old);
      if (next.has(s)) next.delete(s);
      else next.add(s);
      return next;
    });

  const remove = async () => {
    if (!removal) return;
    setWorking(true);
    const r = await invoke('events.removeAttendees', {
      eventId: event.id,
      attendeeIds: removal.attendees.map((a) => a.id),
      endSessions: removal.endSessions,
    });
    setWorking(false);
    setRemoval(null);
    setEditing(null);
    if (!r.ok) return setError(r.error.message);
    setSelection({});
    const ended = removal.endSessions ? `, ${r.data.ended} session${r.data.ended === 1 ? '' : 's'} ended` : '';
    appStore.getState().setNotice(`Removed ${r.data.removed} attendee${r.data.removed === 1 ? '' : 's'}${ended}`);
    if (r.data.failures.length)
      setError(
        `Some sessions could not be ended: ${r.data.failures.map((f) => `${f.session} (${f.message})`).join(', ')}`,
      );
  };

  const exportLinks = async () => {
    const r = await invoke('events.exportCsv', { eventId: event.id, kind: 'links' });
    if (r.ok) downloadText(r.data.filename, r.data.csv);
    else setError(r.error.message);
  };

  if (!detail || (!detail.loaded && !detail.error)) return <Loading what="the attendees" />;
  if (detail.error && !detail.loaded) return <ErrorBox>{detail.error}</ErrorBox>;

  const addOpen = showAdd === true;
  const editingAttendee = editing ? (detail.attendees[editing] ?? null) : null;
  const liveRemoved = removal
    ? removal.attendees.filter((a) => a.status === 'waiting' || a.status === 'running').length
    : 0;

  return (
    <>
      <div className="status-counts" role="group" aria-label="Filter by status" data-testid="status-counts">
        <button type="button" aria-pressed={statuses.size === 0} onClick={() => toggleStatus(null)} data-status="all">
          All <strong>{event.total}</strong>
        </button>
        {STATUSES.map((s) => (
          <button
            key={s}
            type="button"
            className="count-chip"
            data-status={s}
            aria-pressed={statuses.has(s)}
            onClick={() => toggleStatus(s)}
            title={STATUS_TEXT[s].detail}
            data-testid={`count-${s}`}
          >
            {STATUS_TEXT[s].label} <strong>{event.counts[s]}</strong>
          </button>
        ))}
        <span className="activated" data-testid="activated">
          Activated {event.activated} of {event.total}
        </span>
      </div>
      {event.total > 0 && (
        <AllocationPanel event={event} expiredIds={expiredIds} busy={allocator.busy} start={allocator.start} />
      )}
      {allocator.error && (
        <ErrorBox testId="allocate-error">
          Could not allocate: {allocator.error.message}{' '}
          <button type="button" className="small" onClick={allocator.clearError}>
            Dismiss
          </button>
        </ErrorBox>
      )}
      <div className="toolbar">
        <button type="button" aria-expanded={addOpen} onClick={() => setShowAdd(!addOpen)}>
          {addOpen ? 'Hide “Add attendees”' : 'Add attendees…'}
        </button>
        <button type="button" disabled={all.length === 0} onClick={() => void exportLinks()}>
          Export links as CSV
        </button>
        <a className="button" href={routeHref({ name: 'event', eventId: event.id, tab: 'handout' })}>
          Printable handout
        </a>
      </div>
      {addOpen && (
        <AddAttendees
          eventId={event.id}
          environments={environments}
          onAdded={(o) => {
            setOutcome(o);
            // a list added in one go closes the panel so the table shows; one person at a time keeps it open
            if (o.source !== 'manual' && o.added > 0) setShowAdd(false);
          }}
        />
      )}
      {outcome && <AddOutcomeBox outcome={outcome} onDismiss={() => setOutcome(null)} />}
      {error && (
        <ErrorBox testId="attendees-error">
          {error}{' '}
          <button type="button" className="small" onClick={() => setError(null)}>
            Dismiss
          </button>
        </ErrorBox>
      )}
      {all.length > 0 && (
        <div className="toolbar">
          <label>
            Search{' '}
            <input
              type="search"
              value={query}
              onChange={(e) => setQuery(e.target.value)}
              placeholder="name, email, user id, session…"
              data-shortcut-search
              aria-label="Search attendees"
            />
          </label>
          <span className="muted" aria-live="polite" data-testid="attendee-count">
            {rows.length} of {all.length} attendees{selected.length ? `, ${selected.length} selected` : ''}
          </span>
          <span className="spacer" />
          <button
            type="button"
            disabled={!allocatable.length || allocator.busy || event.run?.status === 'running'}
            onClick={() =>
              allocator.start({ kind: 'allocate', scope: 'selected', attendeeIds: allocatable.map((a) => a.id) })
            }
          >
            Allocate selected ({allocatable.length})
          </button>
          <button
            type="button"
            disabled={!reissuable.length || allocator.busy || event.run?.status === 'running'}
            onClick={() => allocator.start({ kind: 'reissue', attendeeIds: reissuable.map((a) => a.id) })}
            title="A new session for attendees whose session ended or expired"
          >
            Reissue selected ({reissuable.length})
          </button>
          <button
            type="button"
            className="danger"
            disabled={!selected.length}
            onClick={() => setRemoval({ attendees: selected, endSessions: false })}
          >
            Remove selected…
          </button>
        </div>
      )}
      {all.length === 0 ? (
        <Empty>No attendees yet: add them from a CSV file, a pasted list or one at a time.</Empty>
      ) : (
        <AttendeeTable
          label={`Attendees of ${event.name}`}
          rows={rows}
          selection={shownSelection}
          onSelectAll={(on) => setSelection(on ? Object.fromEntries(rows.map((r) => [r.id, true as const])) : {})}
          sort={sort}
          onSort={onSort}
          busy={busy}
          envTitles={envTitles}
          live={live}
          actions={actions}
        />
      )}
      {allocator.dialog}
      <EditAttendee
        eventId={event.id}
        attendee={editingAttendee}
        environments={environments}
        onClose={() => setEditing(null)}
        onRemove={(a) => setRemoval({ attendees: [a], endSessions: false })}
      />
      <ConfirmDialog
        open={removal !== null}
        title={`Remove ${removal?.attendees.length ?? 0} attendee${removal?.attendees.length === 1 ? '' : 's'}?`}
        confirmLabel="Remove"
        danger
        busy={working}
        testId="remove-dialog"
        onCancel={() => setRemoval(null)}
        onConfirm={() => void remove()}
      >
        <p>They leave the attendee list and the report.</p>
        {liveRemoved > 0 && (
          <>
            <p>
              {liveRemoved} of them {liveRemoved === 1 ? 'has a session' : 'have sessions'} on the portal. Unless you
              tick the box, {liveRemoved === 1 ? 'it keeps' : 'they keep'} running and{' '}
              {liveRemoved === 1 ? 'its link keeps' : 'their links keep'} working.
            </p>
            <CheckField
              label="Also end their sessions"
              checked={removal?.endSessions ?? false}
              onChecked={(v) => removal && setRemoval({ ...removal, endSessions: v })}
            />
          </>
        )}
        <ul className="name-list">
          {removal?.attendees.slice(0, 12).map((a) => (
            <li key={a.id}>{a.email}</li>
          ))}
          {(removal?.attendees.length ?? 0) > 12 && <li>… and {(removal?.attendees.length ?? 0) - 12} more</li>}
        </ul>
      </ConfirmDialog>
      <ConfirmDialog
        open={terminating !== null}
        title={`Terminate the session of ${terminating ? attendeeName(terminating) || terminating.email : ''}?`}
        confirmLabel="Terminate"
        danger
        testId="terminate-dialog"
        onCancel={() => setTerminating(null)}
        onConfirm={() => {
          const a = terminating;
          setTerminating(null);
          if (a?.session) void terminate(event.portalId, a.session);
        }}
      >
        <p>
          {terminating?.status === 'running'
            ? 'They lose their work in this session.'
            : 'The link stops working and the place is freed.'}{' '}
          Reissue gives them a new session afterwards.
        </p>
      </ConfirmDialog>
    </>
  );
}
