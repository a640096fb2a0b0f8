import { Heading } from '@rijkshuisstijl-community/components-react';
import {
  useEffect,
  useId,
  useRef,
  useState,
  type HTMLAttributes,
  type ReactNode,
  type RefObject,
} from 'react';

export interface Column<R> {
  key: string;
  /** The header; on a narrow screen also the label before each value. */
  header: string;
  cell: (row: R) => ReactNode;
  /** Right-aligned tabular figures. */
  numeric?: boolean;
  /** The column that names the row (a row header). */
  rowHeader?: boolean;
}

/** A right-aligned column of figures. */
export function numericColumn<R>(
  key: string,
  header: string,
  cell: (row: R) => ReactNode,
): Column<R> {
  return { key, header, numeric: true, cell };
}

export interface DataTableProps<R> {
  columns: readonly Column<R>[];
  rows: readonly R[];
  rowKey: (row: R) => string;
  /** A visible caption; or `labelledBy`, the id of a heading that names the table. */
  caption?: ReactNode;
  labelledBy?: string;
  /** Extra attributes of a row, e.g. `data-code`. */
  rowProps?: (row: R) => HTMLAttributes<HTMLTableRowElement> & Record<`data-${string}`, string>;
  className?: string;
}

/** Whether an element's content is wider than the element (it scrolls sideways). */
function useOverflowing(ref: RefObject<HTMLElement | null>): boolean {
  const [over, setOver] = useState(false);
  useEffect(() => {
    const el = ref.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const measure = (): void => setOver(el.scrollWidth > el.clientWidth + 1);
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    if (el.firstElementChild) observer.observe(el.firstElementChild);
    measure();
    return () => observer.disconnect();
  }, [ref]);
  return over;
}

/**
 * The dashboard's one data table (NL Design System table classes). On a narrow screen each row
 * becomes a block of label–value lines (styles.css, `.sz-data-table`); a table that is still too
 * wide scrolls inside its frame, never the page, and the frame is then focusable and named, so
 * that keyboard users can scroll it too.
 */
export function DataTable<R>({
  columns,
  rows,
  rowKey,
  caption,
  labelledBy,
  rowProps,
  className,
}: DataTableProps<R>) {
  const captionId = useId();
  const wrap = useRef<HTMLDivElement>(null);
  const overflowing = useOverflowing(wrap);
  const name = caption ? captionId : labelledBy;
  return (
    <div
      className="sz-table-wrap"
      ref={wrap}
      {...(overflowing ? { tabIndex: 0, role: 'region', 'aria-labelledby': name } : {})}
    >
      <table
        className={`utrecht-table sz-data-table${className ? ` ${className}` : ''}`}
        aria-labelledby={caption ? undefined : labelledBy}
      >
        {caption && (
          <caption className="utrecht-table__caption" id={captionId}>
            {caption}
          </caption>
        )}
        <thead className="utrecht-table__header">
          <tr className="utrecht-table__row">
            {columns.map((c) => (
              <th
                key={c.key}
                scope="col"
                className={`utrecht-table__header-cell${c.numeric ? ' sz-num' : ''}`}
              >
                {c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="utrecht-table__body">
          {rows.map((r) => (
            <tr className="utrecht-table__row" key={rowKey(r)} {...rowProps?.(r)}>
              {columns.map((c) =>
                c.rowHeader ? (
                  <th key={c.key} scope="row" className="utrecht-table__header-cell">
                    {c.cell(r)}
                  </th>
                ) : (
                  <td
                    key={c.key}
                    className={`utrecht-table__cell${c.numeric ? ' sz-num' : ''}`}
                    data-label={c.header}
                  >
                    {/* One box for the content, beside its label on a narrow screen. */}
                    <div className="sz-cell">{c.cell(r)}</div>
                  </td>
                ),
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** A table named by the level-2 heading just above it (`id` is the heading's, for tests and links). */
export function HeadedTable<R>({
  id,
  title,
  ...table
}: Omit<DataTableProps<R>, 'caption' | 'labelledBy'> & { id: string; title: string }) {
  return (
    <>
      <Heading level={2} id={id}>
        {title}
      </Heading>
      <DataTable {...table} labelledBy={id} />
    </>
  );
}
