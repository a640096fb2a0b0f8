import { Heading, Paragraph } from '@rijkshuisstijl-community/components-react';
import { useId, useMemo } from 'react';
import {
  isConfidential,
  unitOf,
  useCells,
  useJson,
  type Cell,
  type Geo,
  type Indicator,
} from '../api.js';
import { rewind } from '../geo.js';
import { formatNumber, useI18n, type Key } from '../i18n.js';
import { publishedBreaks } from '../scale.js';
import { Choropleth, type Shapes } from './Choropleth.js';
import { DataTable } from './DataTable.js';
import { Legend, valueLegendItems } from './Legend.js';
import { Message } from './Message.js';
import { Value } from './Value.js';

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
  const selectId = useId();
  const headingId = useId();
  const list = indicators.filter((i) => i.levels.includes('wijk'));
  const indicator = list.find((i) => i.id === indicatorId) ?? list[0];
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
  if (!indicator) return null;
  const fmt = (v: number): string => formatNumber(lang, v);
  const describe = (cell: Cell | undefined): string => {
    if (!cell) return t('statusmissing');
    if (isConfidential(cell.status)) return `. (${t('statusconfidential')})`;
    if (cell.value === null) return t(`status${cell.status}` as Key);
    return `${fmt(cell.value)} ${unitOf(indicator, lang)}`;
  };
  const title = t('wijkMapOf', { indicator: indicator.title[lang], year, name });
  const features = [...(shapes?.features ?? [])].sort((a, b) =>
    a.properties.name.localeCompare(b.properties.name, 'nl'),
  );

  return (
    <section aria-labelledby={headingId} className="sz-wijkmap">
      <Heading level={2} id={headingId}>
        {t('wijkMapTitle', { name })}
      </Heading>
      <Paragraph>{t('wijkMapIntro', { name })}</Paragraph>
      <div className="sz-field sz-controls">
        <label className="utrecht-form-label" htmlFor={selectId}>
          {t('indicator')}
        </label>
        <select
          id={selectId}
          className="utrecht-select"
          value={indicator.id}
          onChange={(e) => onIndicator(e.target.value)}
        >
          {list.map((i) => (
            <option key={i.id} value={i.id}>
              {i.title[lang]}
            </option>
          ))}
        </select>
      </div>
      {(geo.loading || cells.loading) && <Message kind="loading" />}
      {geo.error && <Paragraph>{t('noGeometry')}</Paragraph>}
      {cells.error && <Message kind="error" error={cells.error} />}
      {shapes && (
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
                  value: describe(byCode.get(f.properties.code)),
                })
              }
            />
            <p className="sz-hint">{t('attribution')}</p>
          </div>
          <Legend caption={unitOf(indicator, lang)} items={valueLegendItems(breaks, fmt, t)}>
            <p className="sz-hint">{t('legendConfidentialWhy')}</p>
          </Legend>
        </div>
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
              {
                key: 'value',
                header: `${t('colValue')} (${unitOf(indicator, lang)})`,
                numeric: true,
                cell: (f) => <Value cell={byCode.get(f.properties.code)} />,
              },
              {
                key: 'status',
                header: t('colStatus'),
                cell: (f) =>
                  t(`status${byCode.get(f.properties.code)?.status ?? 'missing'}` as Key),
              },
            ]}
            rows={features}
            rowKey={(f) => f.properties.code}
            rowProps={(f) => ({ 'data-code': f.properties.code })}
          />
        </details>
      )}
    </section>
  );
}
