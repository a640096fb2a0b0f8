import { Heading } from '@rijkshuisstijl-community/components-react';
import type { Zoekgebied } from '../../api.js';
import { Choropleth, NO_DATA, type Shapes } from '../../components/Choropleth.js';
import { Legend } from '../../components/Legend.js';
import { formatNumber, useI18n, type Key } from '../../i18n.js';
import { THEME_FILL, themeFill, themesText, type AreaChoice, type Level } from './words.js';

/** The map of the areas coloured by how many themes are clearly higher; an area links to itself. */
export function AreaMap({
  shapes,
  level,
  byCode,
  choice: { selected, hrefOf },
}: {
  shapes: Shapes;
  level: Level;
  byCode: Map<string, Zoekgebied>;
  choice: AreaChoice;
}) {
  const { t, lang } = useI18n();
  const label = (a: Zoekgebied | undefined, name: string): string =>
    a
      ? t(a.flagged ? 'zgAreaLabelFlagged' : 'zgAreaLabel', {
          name,
          themes: themesText(t, a.themeCount),
          score: formatNumber(lang, a.score, 2),
        })
      : `${name}: ${t('zgLegendUntested')}`;
  return (
    <section aria-labelledby="zg-map-h">
      <Heading level={2} id="zg-map-h">
        {t('zgMapTitle')}
      </Heading>
      <div className="sz-map-wrap sz-map-wrap--small">
        <div>
          <Choropleth
            title={t('zgMapAria', { level: t(`level${level}` as Key) })}
            shapes={shapes}
            cells={new Map()}
            breaks={[]}
            fillOf={(code) => themeFill(byCode.get(code))}
            emphasised={new Set(selected ? [selected.code] : [])}
            labelFor={(f) => label(byCode.get(f.properties.code), f.properties.name)}
            hrefFor={(code) => (byCode.has(code) ? hrefOf(code) : undefined)}
          />
          <p className="sz-hint">{t('attribution')}</p>
        </div>
        <Legend
          caption={t('zgLegendThemes')}
          items={[
            { label: t('zgLegendNone'), fill: THEME_FILL[0] },
            { label: t('zgLegendOne'), fill: THEME_FILL[1] },
            { label: t('zgLegendMany', { n: 2 }), fill: THEME_FILL[2] },
            { label: t('zgLegendUntested'), fill: NO_DATA },
            { label: t('zgLegendSelected'), fill: '#ffffff', thick: true },
          ]}
        />
      </div>
    </section>
  );
}
