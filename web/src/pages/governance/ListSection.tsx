/** The frame every governance section shares: a named section and its list as one data table. */
import { Heading, Paragraph } from '@rijkshuisstijl-community/components-react';
import type { ReactNode } from 'react';
import { DataTable, type Column } from '../../components/DataTable.js';
import { useI18n } from '../../i18n.js';
import { ReadProblem } from './parts.js';
import type { ListState } from './session.js';

/** A section named by its level-2 heading (`id` is the heading's, fixed for the tests and links). */
export function GovSection({
  id,
  title,
  children,
}: {
  id: string;
  title: string;
  children: ReactNode;
}) {
  return (
    <section aria-labelledby={id}>
      <Heading level={2} id={id}>
        {title}
      </Heading>
      {children}
    </section>
  );
}

/**
 * A governance list: why it could not be read, that it is empty, or its table (a row per record,
 * keyed by its id), named by the section's heading.
 */
export function ListTable<R extends { id: string }>({
  list,
  columns,
  labelledBy,
  empty,
}: {
  list: ListState<R>;
  columns: readonly Column<R>[];
  labelledBy: string;
  /** What an empty list says; "nothing yet" when not given. */
  empty?: string;
}) {
  const { t } = useI18n();
  return (
    <>
      <ReadProblem error={list.problem} />
      {list.rows &&
        (list.rows.length === 0 ? (
          <Paragraph>{empty ?? t('govEmpty')}</Paragraph>
        ) : (
          <DataTable
            columns={columns}
            rows={list.rows}
            rowKey={(r) => r.id}
            labelledBy={labelledBy}
          />
        ))}
    </>
  );
}
