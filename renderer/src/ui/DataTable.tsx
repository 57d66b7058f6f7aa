import type { ReactNode } from 'react';

interface Props {
  /** the table's name; visually hidden unless `showCaption` */
  caption: ReactNode;
  showCaption?: boolean;
  /** column headers, in order */
  columns: readonly string[];
  /** extra classes after `data-table` */
  className?: string;
  testId?: string;
  /** the body rows */
  children: ReactNode;
}

/** A plain data table: a caption, one header row of column headers, and the body rows the caller renders. */
export function DataTable({ caption, showCaption = false, columns, className, testId, children }: Props) {
  return (
    <table className={className ? `data-table ${className}` : 'data-table'} data-testid={testId}>
      <caption className={showCaption ? undefined : 'sr-only'}>{caption}</caption>
      <thead>
        <tr>
          {columns.map((c) => (
            <th scope="col" key={c}>
              {c}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>{children}</tbody>
    </table>
  );
}
