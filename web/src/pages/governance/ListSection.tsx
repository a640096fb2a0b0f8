/** The frame every governance section shares: a named section and its list as one data table. */
import { Heading, Paragraph } from '@rijkshuisstijl-community/components-react';
import type { ReactNode } from 'react';
import { DataTable, type Column } from '../../components/DataTable.js';
import { useI18n, type Key } from '../../i18n.js';
import { ReadProblem, useGovWords, type GovWords } from './parts.js';
import { useList, type ListState } from './session.js';

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

interface ListSectionProps<R> {
  /** The heading's id, which also names the table. */
  id: string;
  title: string;
  list: ListState<R>;
  columns: readonly Column<R>[];
  /** Below the list: what the roles may do with it. */
  children?: ReactNode;
}

/** A section that is its list first (the heading names both), then what else it holds. */
export function ListSection<R extends { id: string }>({
  list,
  columns,
  ...frame
}: ListSectionProps<R>) {
  return (
    <GovSection id={frame.id} title={frame.title}>
      <ListTable list={list} columns={columns} labelledBy={frame.id} />
      {frame.children}
    </GovSection>
  );
}

/** A section of the records at `url`, in the columns `columns` writes, then what else it holds. */
export function RecordsSection<R extends { id: string }>({
  url,
  title,
  columns,
  ...frame
}: Pick<ListSectionProps<R>, 'id' | 'children'> & {
  url: string;
  title: Key;
  columns: (words: GovWords) => Column<R>[];
}) {
  const words = useGovWords();
  const list = useList<R>(url);
  return <ListSection {...frame} title={words.t(title)} list={list} columns={columns(words)} />;
}
