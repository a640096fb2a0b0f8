import { Heading, Paragraph } from '@rijkshuisstijl-community/components-react';
import { useId } from 'react';
import { useCells, useJson, type Geo, type Indicator } from '../api.js';
import { useI18n } from '../i18n.js';
import { FigureMap, FiguresState, RegionTable, regionColumn, useFigures } from './FigureMap.js';
import { SelectField } from './SelectField.js';

/** The wijken of one gemeente and their figures of one indicator and year. */
function useWijkFigures(gemeente: string, indicator: Indicator | undefined, year: number) {
  const geo = useJson<Geo>(`/api/v1/regions/geo?level=wijk&within=${encodeURIComponent(gemeente)}`);
  // Wijken have the gemeente as parent: the server narrows them.
  const cells = useCells(
    'latest',
    indicator ? { indicator: indicator.id, year, level: 'wijk', parent: gemeente } : null,
  );
  const figures = useFigures(geo.data, cells.data?.cells, null);
  return { geo, cells, figures };
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
  const { geo, cells, figures } = useWijkFigures(gemeente, indicator, year);
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
      <FiguresState geo={geo} cells={cells} />
      {figures.shapes && <FigureMap title={title} indicator={indicator} figures={figures} small />}
      {figures.shapes && (
        <details className="sz-details">
          <summary>{t('wijkTable')}</summary>
          <RegionTable
            caption={title}
            indicator={indicator}
            figures={figures}
            lead={[regionColumn(t('colRegion'))]}
          />
        </details>
      )}
    </section>
  );
}
