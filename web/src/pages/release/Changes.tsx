import { Heading, Paragraph } from '@rijkshuisstijl-community/components-react';
import { useMemo } from 'react';
import { cellsUrl, useAllPagesOf, type CellsResponse, type ReleaseInfo } from '../../api.js';
import { Message } from '../../components/Message.js';
import { useI18n } from '../../i18n.js';
import { diffCells } from './diff.js';

/** What changed since the previous release: indicators, and the figures of the latest year. */
export function Changes({
  current,
  previous,
  year,
  titleOf,
}: {
  current: ReleaseInfo;
  previous: ReleaseInfo | undefined;
  year: number | undefined;
  titleOf: (id: string) => string;
}) {
  const { t } = useI18n();
  // Gemeente figures of the latest year of both releases, every page of them.
  const cells = useAllPagesOf<CellsResponse, 'cells'>(
    previous && year !== undefined
      ? [
          cellsUrl(current.id, { level: 'gemeente', year }),
          cellsUrl(previous.id, { level: 'gemeente', year }),
        ]
      : null,
    'cells',
  );
  const diff = useMemo(
    () =>
      cells.data ? diffCells(cells.data[0]?.cells ?? [], cells.data[1]?.cells ?? [], year) : null,
    [cells.data, year],
  );
  if (!previous)
    return (
      <>
        <Heading level={2}>{t('changesTitle', { prev: '–' })}</Heading>
        <Paragraph>{t('changesFirst')}</Paragraph>
      </>
    );
  const added = current.indicators.filter((i) => !previous.indicators.includes(i));
  const removed = previous.indicators.filter((i) => !current.indicators.includes(i));
  return (
    <>
      <Heading level={2}>{t('changesTitle', { prev: previous.id })}</Heading>
      <Paragraph>
        {t('changesIndicators', {
          added: added.map(titleOf).join(', ') || t('none'),
          removed: removed.map(titleOf).join(', ') || t('none'),
        })}
      </Paragraph>
      {cells.loading && <Message kind="loading" />}
      {cells.error && <Message kind="error" error={cells.error} />}
      {diff && (
        <>
          <Paragraph className="sz-changes">
            {t('changesCells', {
              year: diff.year,
              changed: diff.changed,
              status: diff.status,
              added: diff.added,
              removed: diff.removed,
            })}
          </Paragraph>
          <Paragraph className="sz-hint">{t('changesStatusHint')}</Paragraph>
        </>
      )}
    </>
  );
}
