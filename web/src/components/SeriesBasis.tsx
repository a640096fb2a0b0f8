/**
 * Which division a series uses, under a trend: every year on the release's division (earlier
 * years recomputed for today's areas, so a series does not break at a herindeling), or, for an
 * older release that does not say, just its division.
 */
import { Paragraph } from '@rijkshuisstijl-community/components-react';
import { useJson, type ReleaseDetail } from '../api.js';
import { useI18n } from '../i18n.js';
import { regionSetText } from '../words.js';

export function SeriesBasis({ release }: { release: string }) {
  const { t, lang } = useI18n();
  const detail = useJson<ReleaseDetail>(`/api/v1/releases/${encodeURIComponent(release)}`);
  const regionSet = detail.data?.manifest.regionSet;
  if (!regionSet) return null;
  return (
    <Paragraph className="sz-hint" data-testid="series-basis">
      {regionSet.basis === 'one-division'
        ? t('regionBasisOneDivision', { year: regionSet.year })
        : regionSetText(lang, regionSet)}
    </Paragraph>
  );
}
