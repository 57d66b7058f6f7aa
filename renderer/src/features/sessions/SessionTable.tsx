import {
  Fragment,
  memo,
  useCallback,
  useMemo,
  useRef,
  type Dispatch,
  type ReactNode,
  type SetStateAction,
} from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { Dialect } from '../../../../shared/contract';
import { nextSort, type SessionRow, type SortKey, type SortSpec } from '../../store/selectors/sessions';
import { Countdown } from '../../ui/Countdown';
import { ariaSort, SortButton } from '../../ui/SortButton';
import { SessionActionButtons } from './SessionActionButtons';
import { useApp } from '../../store/use-app';
import { personKey, personName } from '../../store/people.slice';

/** Fixed row height: snapshots arriving every few seconds never shift the table. */
export const ROW_HEIGHT = 40;

/** the picked sessions by name; the caller keeps it to rows that are shown */
export type SessionSelection = Readonly<Record<string, boolean>>;

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

interface HeadProps {
  allSelected: boolean;
  someSelected: boolean;
  onToggleAll(): void;
}

interface Column {
  id: string;
  /** the header's text, unless `head` draws the header cell's content */
  header: string;
  /** class of the header and of every cell: the grid's column widths (components.css) hang on it */
  className: string;
  /** the key the selectors sort by when this header is chosen; absent: the column does not sort */
  sort?: SortKey;
  /** the cell's content; `cell` draws the whole role="cell" element when it needs its own attributes */
  content?(p: RowProps): ReactNode;
  cell?(p: RowProps, className: string): ReactNode;
  /** the header cell's content in place of the text */
  head?(h: HeadProps): ReactNode;
}

/**
 * The session table's columns, once: the header, the sorting and every row's cells all come from this list.
 * "Environment" shows only when the table lists more than one environment.
 */
const COLUMNS: readonly Column[] = [
  {
    id: 'select',
    header: 'Select',
    className: 'st-select',
    head: (h) => (
      <input
        type="checkbox"
        aria-label="Select all shown sessions"
        checked={h.allSelected}
        ref={(el) => {
          if (el) el.indeterminate = !h.allSelected && h.someSelected;
        }}
        onChange={h.onToggleAll}
      />
    ),
    content: (p) => (
      <input
        type="checkbox"
        checked={p.selected}
        onChange={() => p.onToggle(p.row.name)}
        aria-label={`Select ${p.row.name}`}
      />
    ),
  },
  {
    id: 'name',
    header: 'Session',
    className: 'st-name',
    sort: 'name',
    cell: (p, className) => (
      <div role="cell" className={className} title={p.row.name}>
        {p.row.name}
      </div>
    ),
  },
  {
    id: 'environment',
    header: 'Environment',
    className: 'st-env',
    sort: 'environment',
    cell: (p, className) => (
      <div role="cell" className={className} title={p.row.environment}>
        {p.row.environment}
      </div>
    ),
  },
  {
    id: 'user',
    header: 'User',
    className: 'st-user',
    sort: 'user',
    cell: (p, className) => <OwnerCell portalId={p.portalId} user={p.row.user} className={className} />,
  },
  {
    id: 'state',
    header: 'State',
    className: 'st-state',
    sort: 'state',
    cell: (p, className) => (
      <div role="cell" className={className} data-state={p.row.state}>
        {p.row.state}
      </div>
    ),
  },
  {
    id: 'started',
    header: 'Started',
    className: 'st-started',
    sort: 'started',
    content: (p) => formatStarted(p.row.started),
  },
  {
    id: 'countdown',
    header: 'Countdown',
    className: 'st-countdown',
    sort: 'countdown',
    content: (p) => (
      <Countdown expires={p.row.expires} clockOffsetMs={p.row.clockOffsetMs} expiringMinutes={p.expiringMinutes} />
    ),
  },
  {
    id: 'extendable',
    header: 'Extendable',
    className: 'st-extendable',
    content: (p) => (p.row.extendable === null ? '—' : p.row.extendable ? 'yes' : 'no'),
  },
  {
    id: 'actions',
    header: 'Actions',
    className: 'st-actions',
    content: (p) => (
      <SessionActionButtons
        name={p.row.name}
        extendable={p.row.extendable}
        busy={p.busy}
        dialect={p.dialect}
        onExtend={() => p.onExtend(p.row)}
        onTerminate={() => p.onTerminate(p.row)}
      />
    ),
  },
];

const WITHOUT_ENVIRONMENT = COLUMNS.filter((c) => c.id !== 'environment');

/** the columns shown: the environment's only when the table lists more than one */
export function tableColumns(showEnvironment: boolean): readonly Column[] {
  return showEnvironment ? COLUMNS : WITHOUT_ENVIRONMENT;
}

/**
 * The owner: the user id, and beside it the person's name and email when the console knows them (an event's
 * attendee, someone created through New session). Subscribes to that one directory entry only.
 */
function OwnerCell({ portalId, user, className }: { portalId: string; user: string; className: string }) {
  const person = useApp((s) => (user ? s.people[personKey(portalId, user)] : undefined));
  if (!person) {
    return (
      <div role="cell" className={className} title={user}>
        {user || '—'}
      </div>
    );
  }
  const name = personName(person);
  return (
    <div role="cell" className={`${className} st-owner`} title={`${user}: ${name} <${person.email}>`}>
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
      {tableColumns(p.showEnvironment).map((c) => {
        const className = `st-cell ${c.className}`;
        if (c.cell) return <Fragment key={c.id}>{c.cell(p, className)}</Fragment>;
        return (
          <div role="cell" key={c.id} className={className}>
            {c.content?.(p)}
          </div>
        );
      })}
    </div>
  );
});

interface TableProps extends RowActions {
  rows: SessionRow[];
  portalId: string;
  showEnvironment: boolean;
  dialect: Dialect | null;
  /** the sort the rows arrive in (the selectors sort them); null: as the portal lists them */
  sorting: SortSpec | null;
  onSortingChange(sort: SortSpec): void;
  selection: SessionSelection;
  onSelectionChange: Dispatch<SetStateAction<SessionSelection>>;
  busy: ReadonlySet<string>;
  label: string;
}

/**
 * The session table: the column list above draws the header and the rows, sorting and filtering are the pure
 * selectors (done before), @tanstack/react-virtual renders only the rows in view. ARIA table roles make the div
 * grid a table for assistive technology.
 */
export function SessionTable(props: TableProps) {
  const { rows, showEnvironment, sorting, onSortingChange, selection, onSelectionChange, busy } = props;
  const expiringMinutes = useApp((s) => s.settings.alerts.expiringMinutes);
  const columns = tableColumns(showEnvironment);

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

  // the caller keeps the selection to shown rows, so counting it is enough
  const selectedCount = Object.keys(selection).length;
  const allSelected = rows.length > 0 && selectedCount >= rows.length;
  const someSelected = selectedCount > 0;
  const head = useMemo<HeadProps>(
    () => ({
      allSelected,
      someSelected,
      onToggleAll: () => onSelectionChange(allSelected ? {} : Object.fromEntries(rows.map((r) => [r.name, true]))),
    }),
    [allSelected, someSelected, onSelectionChange, rows],
  );
  const sortBy = (key: SortKey) => onSortingChange(nextSort(sorting, key));

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
          {columns.map((c) => {
            const sort = c.sort;
            const order = ariaSort(c.sort, sorting);
            return (
              <div role="columnheader" key={c.id} className={`st-cell ${c.className}`} aria-sort={order}>
                {c.head ? (
                  c.head(head)
                ) : sort ? (
                  <SortButton label={c.header} order={order} onSort={() => sortBy(sort)} />
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
