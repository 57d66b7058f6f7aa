import { memo, useCallback, useMemo, useRef } from 'react';
import {
  getCoreRowModel,
  useReactTable,
  type ColumnDef,
  type OnChangeFn,
  type RowSelectionState,
  type SortingState,
} from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { Dialect } from '../../../../shared/contract';
import type { SessionRow } from '../../store/selectors/sessions';
import { Countdown } from '../../ui/Countdown';
import { SessionActionButtons } from './SessionActionButtons';
import { useApp } from '../../store/use-app';
import { personKey, personName } from '../../store/people.slice';

/** Fixed row height: snapshots arriving every few seconds never shift the table. */
export const ROW_HEIGHT = 40;

export interface RowActions {
  onExtend(row: SessionRow): void;
  onTerminate(row: SessionRow): void;
}

/**
 * Local 24-hour "HH:MM". Built by hand: the first Intl time format of a page costs ~20 ms of locale loading,
 * which would land on the first render of a large table.
 */
export function formatStarted(iso: string | null): string {
  if (!iso) return '—';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return '—';
  const d = new Date(t);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}

export interface ColumnInfo {
  id: string;
  header: string;
  sortable: boolean;
}

export function tableColumns(showEnvironment: boolean): ColumnInfo[] {
  return [
    { id: 'select', header: 'Select', sortable: false },
    { id: 'name', header: 'Session', sortable: true },
    ...(showEnvironment ? [{ id: 'environment', header: 'Environment', sortable: true }] : []),
    { id: 'user', header: 'User', sortable: true },
    { id: 'state', header: 'State', sortable: true },
    { id: 'started', header: 'Started', sortable: true },
    { id: 'countdown', header: 'Countdown', sortable: true },
    { id: 'extendable', header: 'Extendable', sortable: false },
    { id: 'actions', header: 'Actions', sortable: false },
  ];
}

interface RowProps extends RowActions {
  row: SessionRow;
  index: number;
  selected: boolean;
  busy: boolean;
  showEnvironment: boolean;
  /** the portal's dialect: which actions it offers */
  dialect?: Dialect | null | undefined;
  /** the portal of the sessions: owners are looked up in the people directory by portal and user id */
  portalId: string;
  onToggle(name: string): void;
  /** the alert setting's expiring window, for the countdown's colour */
  expiringMinutes: number;
  /** translateY for virtualized rows; undefined for a plain table */
  offset?: number | undefined;
}

/**
 * The owner: the user id, and beside it the person's name and email when the console knows them (an event's
 * attendee, someone created through New session). Subscribes to that one directory entry only.
 */
function OwnerCell({ portalId, user }: { portalId: string; user: string }) {
  const person = useApp((s) => (user ? s.people[personKey(portalId, user)] : undefined));
  if (!person) {
    return (
      <div role="cell" className="st-cell st-user" title={user}>
        {user || '—'}
      </div>
    );
  }
  const name = personName(person);
  return (
    <div role="cell" className="st-cell st-user st-owner" title={`${user}: ${name} <${person.email}>`}>
      <span className="st-owner-name" data-testid="session-owner">
        {name}
        {person.email && name !== person.email && <span className="st-owner-email"> · {person.email}</span>}
      </span>
      <span className="st-owner-id">{user}</span>
    </div>
  );
}

/**
 * One session row. A plain memo: the store keeps each unchanged environment's object, and the selectors its rows
 * (see sessionRows), so a new snapshot renders only the rows whose data changed.
 */
export const SessionRowView = memo(function SessionRowView(p: RowProps) {
  const { row } = p;
  return (
    <div
      role="row"
      className="st-row"
      aria-rowindex={p.index + 2}
      aria-selected={p.selected}
      data-testid="session-row"
      data-session={row.name}
      style={p.offset === undefined ? undefined : { transform: `translateY(${p.offset}px)` }}
    >
      <div role="cell" className="st-cell st-select">
        <input
          type="checkbox"
          checked={p.selected}
          onChange={() => p.onToggle(row.name)}
          aria-label={`Select ${row.name}`}
        />
      </div>
      <div role="cell" className="st-cell st-name" title={row.name}>
        {row.name}
      </div>
      {p.showEnvironment && (
        <div role="cell" className="st-cell st-env" title={row.environment}>
          {row.environment}
        </div>
      )}
      <OwnerCell portalId={p.portalId} user={row.user} />
      <div role="cell" className="st-cell st-state" data-state={row.state}>
        {row.state}
      </div>
      <div role="cell" className="st-cell st-started">
        {formatStarted(row.started)}
      </div>
      <div role="cell" className="st-cell st-countdown">
        <Countdown expires={row.expires} clockOffsetMs={row.clockOffsetMs} expiringMinutes={p.expiringMinutes} />
      </div>
      <div role="cell" className="st-cell st-extendable">
        {row.extendable === null ? '—' : row.extendable ? 'yes' : 'no'}
      </div>
      <div role="cell" className="st-cell st-actions">
        <SessionActionButtons
          name={row.name}
          extendable={row.extendable}
          busy={p.busy}
          dialect={p.dialect}
          onExtend={() => p.onExtend(row)}
          onTerminate={() => p.onTerminate(row)}
        />
      </div>
    </div>
  );
});

interface TableProps extends RowActions {
  rows: SessionRow[];
  portalId: string;
  showEnvironment: boolean;
  dialect: Dialect | null;
  sorting: SortingState;
  onSortingChange: OnChangeFn<SortingState>;
  selection: RowSelectionState;
  onSelectionChange: OnChangeFn<RowSelectionState>;
  busy: ReadonlySet<string>;
  label: string;
}

/**
 * The session table: @tanstack/react-table holds the column model, sort and selection state (sorting and
 * filtering themselves are the pure selectors, done before), @tanstack/react-virtual renders only the rows in
 * view. ARIA table roles make the div grid a table for assistive technology.
 */
export function SessionTable(props: TableProps) {
  const { rows, showEnvironment, sorting, selection, busy } = props;
  const expiringMinutes = useApp((s) => s.settings.alerts.expiringMinutes);
  const columnInfo = useMemo(() => tableColumns(showEnvironment), [showEnvironment]);
  const columns = useMemo<ColumnDef<SessionRow>[]>(
    () => columnInfo.map((c) => ({ id: c.id, header: c.header, enableSorting: c.sortable })),
    [columnInfo],
  );
  const table = useReactTable({
    data: rows,
    columns,
    getRowId: (r) => r.name,
    getCoreRowModel: getCoreRowModel(),
    manualSorting: true,
    manualFiltering: true,
    enableMultiSort: false,
    state: { sorting, rowSelection: selection },
    onSortingChange: props.onSortingChange,
    onRowSelectionChange: props.onSelectionChange,
  });

  const scrollRef = useRef<HTMLDivElement>(null);
  // stable while the rows are: the virtualizer lays out every row again whenever this function changes, and the
  // table renders on every scroll step
  const getItemKey = useCallback((i: number) => rows[i]?.name ?? i, [rows]);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 8,
    getItemKey,
  });

  const { onSelectionChange } = props;
  const toggle = useCallback(
    (name: string) =>
      onSelectionChange((old) => {
        const next = { ...old };
        if (next[name]) delete next[name];
        else next[name] = true;
        return next;
      }),
    [onSelectionChange],
  );

  // the caller keeps the selection to shown rows, so counting it is enough (react-table's own check walks every row)
  const selectedCount = Object.keys(selection).length;
  const allSelected = rows.length > 0 && selectedCount >= rows.length;
  const someSelected = selectedCount > 0;
  const header = table.getHeaderGroups()[0];

  return (
    <div
      className={`session-table${showEnvironment ? ' with-env' : ''}`}
      role="table"
      aria-label={props.label}
      aria-rowcount={rows.length + 1}
      data-testid="session-table"
    >
      <div role="rowgroup" className="st-head">
        <div role="row" className="st-row st-header" aria-rowindex={1}>
          {header?.headers.map((h) => {
            const id = h.column.id;
            if (id === 'select') {
              return (
                <div role="columnheader" key={id} className="st-cell st-select">
                  <input
                    type="checkbox"
                    aria-label="Select all shown sessions"
                    checked={allSelected}
                    ref={(el) => {
                      if (el) el.indeterminate = !allSelected && someSelected;
                    }}
                    onChange={table.getToggleAllRowsSelectedHandler()}
                  />
                </div>
              );
            }
            const sorted = h.column.getIsSorted();
            const sortable = h.column.getCanSort();
            return (
              <div
                role="columnheader"
                key={id}
                className={`st-cell st-${id === 'environment' ? 'env' : id}`}
                aria-sort={
                  sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : sortable ? 'none' : undefined
                }
              >
                {sortable ? (
                  <button type="button" className="sort" onClick={h.column.getToggleSortingHandler()}>
                    {String(h.column.columnDef.header)}
                    <span aria-hidden="true" className="sort-mark">
                      {sorted === 'asc' ? '▲' : sorted === 'desc' ? '▼' : ''}
                    </span>
                  </button>
                ) : (
                  String(h.column.columnDef.header)
                )}
              </div>
            );
          })}
        </div>
      </div>
      <div
        ref={scrollRef}
        className="st-scroll"
        data-testid="session-scroll"
        tabIndex={0}
        role="rowgroup"
        aria-label="Sessions"
      >
        <div className="st-spacer" style={{ height: `${virtualizer.getTotalSize()}px` }}>
          {virtualizer.getVirtualItems().map((v) => {
            const row = rows[v.index];
            if (!row) return null;
            return (
              <SessionRowView
                key={row.name}
                row={row}
                index={v.index}
                offset={v.start}
                selected={Boolean(selection[row.name])}
                busy={busy.has(row.name)}
                showEnvironment={showEnvironment}
                dialect={props.dialect}
                portalId={props.portalId}
                onToggle={toggle}
                expiringMinutes={expiringMinutes}
                onExtend={props.onExtend}
                onTerminate={props.onTerminate}
              />
            );
          })}
        </div>
      </div>
    </div>
  );
}
