import { Heading, Paragraph } from '@rijkshuisstijl-community/components-react';
import { HttpError } from '../api.js';
import { Message } from '../components/Message.js';
import { useI18n } from '../i18n.js';
import { AreaDetail } from './zoekgebieden/AreaDetail.js';
import { AreaMap } from './zoekgebieden/AreaMap.js';
import { Filters } from './zoekgebieden/Filters.js';
import { Findings } from './zoekgebieden/Findings.js';
import { Ranking } from './zoekgebieden/Ranking.js';
import { useZoekgebieden } from './zoekgebieden/useZoekgebieden.js';

export function ZoekgebiedenPage({ params }: { params: URLSearchParams }) {
  const { t, lang } = useI18n();
  const z = useZoekgebieden(params);
  const { data, areas, selected, scopeName, level, view } = z;
  const unavailable = data.error instanceof HttpError && data.error.status === 404;
  const titleOf = (id: string): string => z.indicatorMap.get(id)?.title[lang] ?? id;

  return (
    <>
      <Heading level={1}>{t('zgTitle')}</Heading>
      <Paragraph purpose="lead">{t('zgIntro')}</Paragraph>
      {data.data && <p className="sz-caution">{data.data.caution[lang]}</p>}

      <Filters
        gemeente={z.gemeente}
        regio={z.regio}
        gemeenten={z.gemeenten}
        regios={z.regios}
        year={z.shownYear}
        years={z.years}
        level={level}
        q={z.q ?? data.data?.q ?? 0.05}
        view={view}
      />

      {!z.scopeCode && <Paragraph>{t('zgChoose')}</Paragraph>}
      {z.scopeCode && data.loading && <Message kind="loading" />}
      {unavailable && <Paragraph>{t('zgUnavailable')}</Paragraph>}
      {data.error && !unavailable && <Message kind="error" error={data.error} />}

      {data.data && (
        <>
          <Findings data={data.data} scopeName={scopeName} level={level} />
          {z.shapes && (
            <AreaMap shapes={z.shapes} level={level} byCode={z.byCode} choice={z.choice} />
          )}
          {areas.length === 0 ? (
            <Paragraph>{t('zgNoAreas')}</Paragraph>
          ) : (
            <Ranking areas={areas} choice={z.choice} scopeName={scopeName} titleOf={titleOf} />
          )}
          {selected && (
            <AreaDetail
              area={selected}
              indicators={z.indicatorMap}
              gemeenteName={scopeName}
              headingRef={z.detailHeading}
            />
          )}
        </>
      )}
    </>
  );
}
