/** The facts of a release as a data list: when, by whom, what, on which region basis. */
import type { ReactNode } from 'react';
import type { PublicManifest, ReleaseInfo } from '../../api.js';
import { useI18n, type Key, type Lang } from '../../i18n.js';
import { regionSetText, reviewsByCapacity } from '../../words.js';

/** "2019–2023" for consecutive years, otherwise a list. */
function yearsText(years: readonly number[]): string {
  const ys = [...years].sort((a, b) => a - b);
  if (ys.length === 0) return '–';
  const consecutive = ys.every((y, i) => i === 0 || y === (ys[i - 1] as number) + 1);
  return consecutive && ys.length > 2 ? `${ys[0]}–${ys[ys.length - 1]}` : ys.join(', ');
}

export function dateText(lang: Lang, s: string | null | undefined): string {
  return s
    ? new Date(s).toLocaleString(lang === 'nl' ? 'nl-NL' : 'en-GB', { timeZone: 'UTC' }) + ' UTC'
    : '–';
}

export function Item({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="utrecht-data-list__item">
      <dt className="utrecht-data-list__item-key">{label}</dt>
      <dd className="utrecht-data-list__item-value">{children}</dd>
    </div>
  );
}

/** The region basis: its year and source, how years are put on it, and its herindelingen. */
function RegionSetFacts({ regionSet }: { regionSet: PublicManifest['regionSet'] }) {
  const { t, lang } = useI18n();
  const herindelingen = regionSet.herindelingen ?? [];
  return (
    <>
      {regionSetText(lang, regionSet)}
      {regionSet.basis === 'one-division' && (
        <span className="sz-block sz-hint">
          {t('regionBasisOneDivision', { year: regionSet.year })}
        </span>
      )}
      {herindelingen.length > 0 && (
        <>
          <span className="sz-block">{t('herindelingen')}:</span>
          <ul className="sz-plain">
            {herindelingen.map((h) => (
              <li key={`${h.year}-${h.code}`}>
                {t('herindeling', {
                  year: h.year,
                  name: h.name,
                  code: h.code,
                  former: h.former.map((f) => `${f.name} (${f.code})`).join(', '),
                })}
              </li>
            ))}
          </ul>
        </>
      )}
    </>
  );
}

/** Status, dates, reviews, contents and basis of a release (a withdrawn one has no manifest). */
export function ReleaseFacts({
  current,
  manifest,
  years,
  titleOf,
}: {
  current: ReleaseInfo;
  manifest: PublicManifest | undefined;
  years: readonly number[];
  titleOf: (id: string) => string;
}) {
  const { t, lang } = useI18n();
  const approvals = reviewsByCapacity(current.reviews, lang, 'approve');
  const rejections = reviewsByCapacity(current.reviews, lang, 'reject');
  return (
    <dl className="utrecht-data-list sz-release-facts">
      <Item label={t('status')}>{t(`releaseStatus${current.status}` as Key)}</Item>
      <Item label={t('createdAt')}>{dateText(lang, current.createdAt)}</Item>
      <Item label={t('publishedAt')}>{dateText(lang, current.publishedAt)}</Item>
      <Item label={t('approvedBy')}>{approvals || t('approvalsNone')}</Item>
      {rejections && <Item label={t('rejectedBy')}>{rejections}</Item>}
      <Item label={t('releaseIndicators')}>
        {(manifest?.indicators.map((i) => i.id) ?? current.indicators).map(titleOf).join(', ') ||
          t('none')}
      </Item>
      <Item label={t('releaseYears')}>{yearsText(years)}</Item>
      {manifest && (
        <Item label={t('regionSet')}>
          <RegionSetFacts regionSet={manifest.regionSet} />
        </Item>
      )}
      {manifest && <Item label={t('codeVersion')}>{manifest.codeVersion}</Item>}
    </dl>
  );
}
