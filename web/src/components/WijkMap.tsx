import { Heading, Paragraph } from '@rijkshuisstijl-community/components-react';
import { useId, useMemo } from 'react';
import { unitOf, useCells, useJson, type Cell, type Geo, type Indicator } from '../api.js';
import { rewind } from '../geo.js';
import { formatNumber, useI18n } from '../i18n.js';
import { publishedBreaks } from '../scale.js';
import { Choropleth, type Shapes } from './Choropleth.js';
import { DataTable } from './DataTable.js';
import { Legend, valueLegendItems } from './Legend.js';
import { Message } from './Message.js';
import { byName, describeCell, figureColumns } from './regionFigures.js';
import { SelectField } from './SelectField.js';

/** The wijken of one gemeente and their figures of one indicator and year. */
function useWijkFigures(gemeente: string, indicator: Indicator | undefined, year: number) {
  const geo = useJson<Geo>(`/api/v1/regions/geo?level=wijk&within=${encodeURIComponent(gemeente)}`);
  const cells = useCells(
    'latest',
    indicator ? { indicator: indicator.id, year, level: 'wijk', parent: gemeente } : null,
  );
  const shapes = useMemo<Shapes | null>(() => (geo.data ? rewind(geo.data) : null), [geo.data]);
  const byCode = useMemo(
    () =>
      new Map(
        (cells.data?.cells ?? []).filter((c) => c.breakdown === '').map((c) => [c.region_code, c]),
      ),
    [cells.data],
  );
  const breaks = useMemo(() => publishedBreaks(byCode.values()), [byCode]);
  return { geo, cells, shapes, byCode, breaks };
}

/** The map of the wijken with its legend. */
function WijkChoropleth({
  title,
  indicator,
  shapes,
  byCode,
  breaks,
}: {
  title: string;
  indicator: Indicator;
  shapes: Shapes;
  byCode: Map<string, Cell>;
  breaks: number[];
}) {
  const { t, lang } = useI18n();
  const fmt = (v: number): string => formatNumber(lang, v);
  return (
    <div className="sz-map-wrap sz-map-wrap--small">
      <div>
        <Choropleth
          title={title}
          shapes={shapes}
          cells={byCode}
          breaks={breaks}
          labelFor={(f) =>
            t('regionAria', {
              name: f.properties.name,
              value: describeCell(t, lang, indicator, byCode.get(f.properties.code)),
            })
          }
        />
        <p className="sz-hint">{t('attribution')}</p>
      </div>
      <Legend caption={unitOf(indicator, lang)} items={valueLegendItems(breaks, fmt, t)}>
        <p className="sz-hint">{t('legendConfidentialWhy')}</p>
      </Legend>
    </div>
  );
}

/** A small map of one gemeente's wijken for one indicator, with its table folded away. */
export function WijkMap({
  gemeente,
  name,
  year,
  indicators,
  indicatorId,
  onIndicator,
}: {
  gemeente: string;
  name: string;
  year: number;
  indicators: readonly Indicator[];
  indicatorId: string | null;
  onIndicator: (id: string) => void;
}) {
  const { t, lang } = useI18n();
  const headingId = useId();
  const list = indicators.filter((i) => i.levels.includes('wijk'));
  const indicator = list.find((i) => i.id === indicatorId) ?? list[0];
  const { geo, cells, shapes, byCode, breaks } = useWijkFigures(gemeente, indicator, year);
  if (!indicator) return null;
  const title = t('wijkMapOf', { indicator: indicator.title[lang], year, name });

  return (
    <section aria-labelledby={headingId} className="sz-wijkmap">
      <Heading level={2} id={headingId}>
        {t('wijkMapTitle', { name })}
      </Heading>
      <Paragraph>{t('wijkMapIntro', { name })}</Paragraph>
      <SelectField
        className="sz-field sz-controls"
        label={t('indicator')}
        value={indicator.id}
        options={list.map((i) => [i.id, i.title[lang]] as const)}
        onChange={onIndicator}
      />
      {(geo.loading || cells.loading) && <Message kind="loading" />}
      {geo.error && <Paragraph>{t('noGeometry')}</Paragraph>}
      {cells.error && <Message kind="error" error={cells.error} />}
      {shapes && (
        <WijkChoropleth
          title={title}
          indicator={indicator}
          shapes={shapes}
          byCode={byCode}
          breaks={breaks}
        />
      )}
      {shapes && (
        <details className="sz-details">
          <summary>{t('wijkTable')}</summary>
          <DataTable
            caption={title}
            columns={[
              {
                key: 'name',
                header: t('colRegion'),
                rowHeader: true,
                cell: (f) => f.properties.name,
              },
              ...figureColumns(t, lang, indicator, byCode),
            ]}
            rows={byName(shapes.features)}
            rowKey={(f) => f.properties.code}
            rowProps={(f) => ({ 'data-code': f.properties.code })}
          />
        </details>
      )}
    </section>
  );
}
