export type SortOrder = 'ascending' | 'descending' | 'none';

/** `aria-sort` of a column: undefined when it does not sort, 'none' when the rows are sorted by another one */
export function ariaSort<K>(
  columnKey: K | undefined,
  sorting: { key: K; desc: boolean } | null | undefined,
): SortOrder | undefined {
  if (columnKey === undefined) return undefined;
  if (!sorting || sorting.key !== columnKey) return 'none';
  return sorting.desc ? 'descending' : 'ascending';
}

/** A sortable column's header: its label and a mark of the order (the header cell carries `aria-sort`). */
export function SortButton({ label, order, onSort }: { label: string; order: SortOrder | undefined; onSort(): void }) {
  return (
    <button type="button" className="sort" onClick={onSort}>
      {label}
      <span aria-hidden="true" className="sort-mark">
        {order === 'ascending' ? '▲' : order === 'descending' ? '▼' : ''}
      </span>
    </button>
  );
}
