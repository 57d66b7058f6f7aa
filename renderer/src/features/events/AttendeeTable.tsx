import { memo, useCallback, useRef } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { AttendeeView } from '../../../../shared/contract';
import type { AttendeeSortKey } from '../../store/selectors/attendees';
import { attendeeName, countdownTarget } from '../../store/selectors/attendees';
import { Countdown, LocalCountdown } from '../../ui/Countdown';
import { ariaSort, SortButton } from '../../ui/SortButton';
import { AttendeeStatusBadge } from './AttendeeStatus';
import { useApp } from '../../store/use-app';

/** Fixed row height: pushes arriving several times a second never shift the table. */
export const ATTENDEE_ROW_HEIGHT = 40;

/** Where a running or waiting session's countdown comes from when the monitor's snapshot has it (portal clock). */
export interface LiveSession {
  expires: string | null;
  clockOffsetMs: number;
  /** what the portal says; null when it does not say */
  extendable: boolean | null;
}

export interface AttendeeActions {
  onToggle(id: string): void;
  onCopy(a: AttendeeView): void;
  onExtend(a: AttendeeView): void;
  onEnd(a: AttendeeView): void;
  onReissue(a: AttendeeView): void;
  onAllocate(a: AttendeeView): void;
  onEdit(a: AttendeeView): void;
}

interface Column {
  id: string;
  header: string;
  sort?: AttendeeSortKey;
}

export const ATTENDEE_COLUMNS: Column[] = [
  { id: 'select', header: 'Select' },
  { id: 'name', header: 'Attendee', sort: 'name' },
  { id: 'user', header: 'User id', sort: 'user' },
  { id: 'env', header: 'Workshop', sort: 'environment' },
  { id: 'status', header: 'Status', sort: 'status' },
  { id: 'countdown', header: 'Countdown', sort: 'countdown' },
  { id: 'session', header: 'Session' },
  { id: 'link', header: 'Link' },
  { id: 'actions', header: 'Actions' },
];

/**
 * The countdown of a row: to the activation deadline while waiting, to the expiry while running. When the
 * monitor's latest snapshot lists the session, its portal-clock `expires` and the portal's clock offset are used
 * (as in the session table); until then the console's local times.
 */
function RowCountdown({ a, live }: { a: AttendeeView; live: LiveSession | undefined }) {
  const expiringMinutes = useApp((s) => s.settings.alerts.expiringMinutes);
  if (a.status === 'waiting' && a.activateBy === null) return <span className="muted">no deadline</span>;
  if (a.status !== 'waiting' && a.status !== 'running') return <span className="muted">—</span>;
  if (live)
    return <Countdown expires={live.expires} clockOffsetMs={live.clockOffsetMs} expiringMinutes={expiringMinutes} />;
  return <LocalCountdown at={countdownTarget(a)} expiringMinutes={expiringMinutes} />;
}

interface RowProps {
  a: AttendeeView;
  index: number;
  offset: number;
  selected: boolean;
  busy: boolean;
  envTitle: string;
  live: LiveSession | undefined;
  actions: AttendeeActions;
}

function sameRow(p: RowProps, q: RowProps): boolean {
  return (
    p.a === q.a &&
    p.index === q.index &&
    p.offset === q.offset &&
    p.selected === q.selected &&
    p.busy === q.busy &&
    p.envTitle === q.envTitle &&
    p.live?.expires === q.live?.expires &&
    p.live?.clockOffsetMs === q.live?.clockOffsetMs &&
    p.live?.extendable === q.live?.extendable &&
    p.actions === q.actions
  );
}

/** One attendee. Memoized on the attendee object, which the store keeps while the row is unchanged. */
const AttendeeRow = memo(function AttendeeRow({ a, index, offset, selected, busy, envTitle, live, actions }: RowProps) {
  const name = attendeeName(a);
  const who = name || a.email;
  const hasLink = a.activationUrl !== null && (a.status === 'waiting' || a.status === 'running');
  return (
    <div
      role="row"
      className="st-row"
      aria-rowindex={index + 2}
      aria-selected={selected}
      data-testid="attendee-row"
      data-email={a.email}
      data-status={a.status}
      style={{ transform: `translateY(${offset}px)` }}
    >
      <div role="cell" className="st-cell st-select">
        <input
          type="checkbox"
          checked={selected}
          onChange={() => actions.onToggle(a.id)}
          aria-label={`Select ${who}`}
        />
      </div>
      {/* names are shown as text, never interpreted: a "=HYPERLINK(…)" name is just characters here */}
      <div role="cell" className="st-cell att-who" title={name ? `${name} <${a.email}>` : a.email}>
        {name && <span className="att-name">{name}</span>}
        <span className="att-email">{a.email}</span>
      </div>
      <div role="cell" className="st-cell mono" title={a.user}>
        {a.user}
      </div>
      <div role="cell" className="st-cell" title={a.environment}>
        {envTitle}
      </div>
      <div role="cell" className="st-cell">
        <AttendeeStatusBadge a={a} />
      </div>
      <div role="cell" className="st-cell st-countdown">
        <RowCountdown a={a} live={live} />
      </div>
      {a.status === 'failed' ? (
        <div role="cell" className="st-cell" title={a.reason ?? ''}>
          <span className="att-reason">{a.reason ?? 'failed'}</span>
        </div>
      ) : (
        // session names differ at their end (…-w01-s014): a long one is cut at its start
        <div role="cell" className="st-cell mono att-session" title={a.session ?? ''}>
          <bdi>{a.session ?? '—'}</bdi>
        </div>
      )}
      <div role="cell" className="st-cell st-actions">
        {hasLink && (
          <>
            <button
              type="button"
              className="small"
              onClick={() => actions.onCopy(a)}
              aria-label={`Copy link of ${who}`}
            >
              Copy
            </button>
            <a
              className="button small"
              href={a.activationUrl ?? undefined}
              target="_blank"
              rel="noopener noreferrer"
              aria-label={`Open link of ${who}`}
            >
              Open
            </a>
          </>
        )}
      </div>
      <div role="cell" className="st-cell st-actions">
        {a.status === 'running' && (
          <button
            type="button"
            className="small"
            disabled={busy || live?.extendable === false}
            title={live?.extendable === false ? 'The portal does not allow extending this session' : undefined}
            onClick={() => actions.onExtend(a)}
            aria-label={`Extend session of ${who}`}
          >
            Extend
          </button>
        )}
        {(a.status === 'running' || a.status === 'waiting') && (
          <button
            type="button"
            className="small danger"
            disabled={busy}
            onClick={() => actions.onEnd(a)}
            aria-label={`Terminate session of ${who}`}
          >
            Terminate
          </button>
        )}
        {(a.status === 'ended' || a.status === 'expired') && (
          <button
            type="button"
            className="small"
            disabled={busy}
            onClick={() => actions.onReissue(a)}
            aria-label={`Reissue a session for ${who}`}
          >
            Reissue
          </button>
        )}
        {(a.status === 'not-allocated' || a.status === 'failed') && (
          <button
            type="button"
            className="small"
            disabled={busy}
            onClick={() => actions.onAllocate(a)}
            aria-label={`Allocate a session for ${who}`}
          >
            Allocate
          </button>
        )}
        <button type="button" className="small" onClick={() => actions.onEdit(a)} aria-label={`Edit ${who}`}>
          Edit
        </button>
      </div>
    </div>
  );
}, sameRow);

interface TableProps {
  rows: readonly AttendeeView[];
  selection: Readonly<Record<string, true>>;
  onSelectAll(select: boolean): void;
  sort: { key: AttendeeSortKey; desc: boolean } | null;
  onSort(key: AttendeeSortKey): void;
  busy: ReadonlySet<string>;
  envTitles: Readonly<Record<string, string>>;
  live: ReadonlyMap<string, LiveSession>;
  actions: AttendeeActions;
  label: string;
}

/**
 * The attendee list: like the session table, a div grid with ARIA table roles of which @tanstack/react-virtual
 * renders only the rows in view, so 2,000 attendees scroll as smoothly as 20.
 */
export function AttendeeTable({
  rows,
  selection,
  onSelectAll,
  sort,
  onSort,
  busy,
  envTitles,
  live,
  actions,
  label,
}: TableProps) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const getItemKey = useCallback((i: number) => rows[i]?.id ?? i, [rows]);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ATTENDEE_ROW_HEIGHT,
    overscan: 8,
    getItemKey,
  });
  const selectedCount = Object.keys(selection).length;
  const allSelected = rows.length > 0 && selectedCount >= rows.length;

  return (
    <div
      className="session-table attendee-table"
      role="table"
      aria-label={label}
      aria-rowcount={rows.length + 1}
      data-testid="attendee-table"
    >
      <div role="rowgroup" className="st-head">
        <div role="row" className="st-row st-header" aria-rowindex={1}>
          {ATTENDEE_COLUMNS.map((c) => {
            if (c.id === 'select') {
              return (
                <div role="columnheader" key={c.id} className="st-cell st-select">
                  <input
                    type="checkbox"
                    aria-label="Select all shown attendees"
                    checked={allSelected}
                    ref={(el) => {
                      if (el) el.indeterminate = !allSelected && selectedCount > 0;
                    }}
                    onChange={(e) => onSelectAll(e.target.checked)}
                  />
                </div>
              );
            }
            const sorted = ariaSort(c.sort, sort);
            return (
              <div role="columnheader" key={c.id} className="st-cell" aria-sort={sorted}>
                {c.sort ? (
                  <SortButton label={c.header} order={sorted} onSort={() => onSort(c.sort as AttendeeSortKey)} />
                ) : (
                  c.header
                )}
              </div>
            );
          })}
        </div>
      </div>
      <div
        ref={scrollRef}
        className="st-scroll"
        data-testid="attendee-scroll"
        tabIndex={0}
        role="rowgroup"
        aria-label="Attendees"
      >
        <div className="st-spacer" style={{ height: `${virtualizer.getTotalSize()}px` }}>
          {virtualizer.getVirtualItems().map((v) => {
            const a = rows[v.index];
            if (!a) return null;
            return (
              <AttendeeRow
                key={a.id}
                a={a}
                index={v.index}
                offset={v.start}
                selected={selection[a.id] === true}
                busy={a.session !== null && busy.has(a.session)}
                envTitle={envTitles[a.environment] ?? a.environment}
                live={a.session ? live.get(a.session) : undefined}
                actions={actions}
              />
            );
          })}
        </div>
      </div>
    </div>
  );
}
