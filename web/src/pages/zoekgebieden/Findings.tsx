import { Heading, Paragraph } from '@rijkshuisstijl-community/components-react';
import { zoekgebiedenUrl, type ZoekgebiedenResponse } from '../../api.js';
import { formatNumber, useI18n, type Key } from '../../i18n.js';
import { href } from '../../router.js';
import type { Level } from './words.js';

/** What was tested and found, how, and the download of the whole answer. */
export function Findings({
  data,
  scopeName,
  level,
}: {
  data: ZoekgebiedenResponse;
  scopeName: string;
  level: Level;
}) {
  const { t, lang } = useI18n();
  const areas = data.areas;
  return (
    <>
      <Heading level={2}>
        {t('zgTitleOf', { name: scopeName, year: data.year, level: t(`level${level}` as Key) })}
      </Heading>
      <Paragraph>
        {data.tested === 0
          ? t('zgNothingTested')
          : t('zgTested', {
              tested: formatNumber(lang, data.tested),
              q: `${formatNumber(lang, data.q * 100, 0)}%`,
            })}
      </Paragraph>
      {areas.length > 0 && !areas.some((a) => a.flagged) && <Paragraph>{t('zgNone')}</Paragraph>}
      <details className="sz-details">
        <summary>{t('zgMethod')}</summary>
        <Paragraph>{data.method[lang]}</Paragraph>
      </details>
      <p className="sz-links">
        <a
          href={zoekgebiedenUrl(
            data.release,
            {
              ...(data.scope.level === 'veiligheidsregio'
                ? { veiligheidsregio: data.scope.code }
                : { gemeente: data.scope.code }),
              year: data.year,
              level,
              q: data.q,
            },
            'csv',
            lang,
          )}
          download
        >
          {t('zgDownload')}
        </a>
        {data.scope.level === 'gemeente' && (
          <>
            {' '}
            ·{' '}
            <a href={href(`/gemeente/${data.scope.code}`)}>
              {t('profileTitle', { name: scopeName })}
            </a>
          </>
        )}
      </p>
    </>
  );
}
