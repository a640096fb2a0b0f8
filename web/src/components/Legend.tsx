import { Heading } from '@rijkshuisstijl-community/components-react';
import { useId, type ReactNode } from 'react';
import { useI18n, type T } from '../i18n.js';
import { breakLabels, classColour } from '../scale.js';
import { HatchDefs, NO_DATA } from './Choropleth.js';

export interface LegendItem {
  label: string;
  /** A colour, or 'hatch' for the pattern of confidential figures. */
  fill: string;
  /** A thick border (a highlighted area). */
  thick?: boolean;
}

/** The legend of a choropleth: a swatch per class, then notes. */
export function Legend({
  caption,
  items,
  children,
}: {
  caption: string;
  items: readonly LegendItem[];
  children?: ReactNode;
}) {
  const { t } = useI18n();
  const headingId = useId();
  const hatch = `legend-${useId().replace(/[^A-Za-z0-9_-]/g, '')}`;
  return (
    <aside className="sz-legend" aria-labelledby={headingId}>
      <Heading level={3} id={headingId}>
        {t('legendTitle')}
      </Heading>
      <p>{caption}</p>
      <ul>
        {items.map((item) => (
          <li key={item.label}>
            {item.fill === 'hatch' ? (
              <svg className="sz-swatch" aria-hidden="true" viewBox="0 0 22 16">
                <HatchDefs id={hatch} />
                <rect width="22" height="16" fill={`url(#${hatch})`} />
              </svg>
            ) : (
              <span
                className={`sz-swatch${item.thick ? ' sz-swatch--thick' : ''}`}
                aria-hidden="true"
                style={{ background: item.fill }}
              />
            )}
            {item.label}
          </li>
        ))}
      </ul>
      {children}
    </aside>
  );
}

/** The classes of a value map, then confidential, cannot occur and no data. */
export function valueLegendItems(
  breaks: readonly number[],
  fmt: (v: number) => string,
  t: T,
): LegendItem[] {
  return [
    ...breakLabels(breaks, fmt).map((label, i) => ({
      label,
      fill: breaks.length === 0 ? NO_DATA : classColour(i, breaks.length + 1),
    })),
    { label: t('legendConfidential'), fill: 'hatch' },
    { label: t('legendNa'), fill: '#ffffff' },
    { label: t('legendNoData'), fill: NO_DATA },
  ];
}
