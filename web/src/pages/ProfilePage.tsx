import { Heading, Paragraph } from '@rijkshuisstijl-community/components-react';
import type { ProfileRow } from '../compare.js';
import { Message } from '../components/Message.js';
import { SelectField } from '../components/SelectField.js';
import { SeriesBasis } from '../components/SeriesBasis.js';
import { SyntheticNote } from '../components/SyntheticNote.js';
import { WijkMap } from '../components/WijkMap.js';
import { useI18n } from '../i18n.js';
import { href, navigate, type Params } from '../router.js';
import { downloadCsv } from '../download.js';
import { CompareSection } from './profile/Comparison.js';
import { profileCsv } from './profile/csv.js';
import { ThemeSection } from './profile/ThemeSection.js';
import { useProfile } from './profile/useProfile.js';

/** The year, links to the gemeente's other views, and the download and print of this one. */
function ProfileToolbar({
  code,
  name,
  year,
  years,
  rows,
  group,
  groupReady,
  view,
}: {
  code: string;
  name: string;
  year: number;
  years: readonly number[];
  /** The rows in the order the page shows them. */
  rows: readonly ProfileRow[];
  group: readonly string[];
  groupReady: boolean;
  view: (changes: Params) => string;
}) {
  const { t, lang } = useI18n();
  return (
    <div className="sz-toolbar">
      <SelectField
        label={t('yearOf')}
        value={year}
        options={years.map((y) => [y, String(y)] as const)}
        onChange={(v) => navigate(view({ year: v }))}
      />
      <ul className="sz-links">
        <li>
          <a href={href('/zoekgebieden', { gemeente: code, year, level: 'buurt' })}>
            {t('zgOpen', { name })}
          </a>
        </li>
        <li>
          <a href={href('/kaart', { gemeente: code, year })}>{t('zoomInto', { name })}</a>
        </li>
      </ul>
      <div className="sz-actions">
        <button
          type="button"
          className="utrecht-button utrecht-button--secondary-action"
          disabled={!groupReady}
          onClick={() =>
            downloadCsv(
              `samenzicht-${code}-${year}.csv`,
              profileCsv(t, lang, rows, { code, name }, year, group),
            )
          }
        >
          {t('downloadView')}
        </button>
        <button
          type="button"
          className="utrecht-button utrecht-button--secondary-action"
          onClick={() => window.print()}
        >
          {t('printView')}
        </button>
      </div>
    </div>
  );
}

export function ProfilePage({ code, params }: { code: string; params: URLSearchParams }) {
  const { t, lang } = useI18n();
  const p = useProfile(code, params);
  const { own, year, chosen, names, themes } = p;
  const name = names.get(code) ?? code;

  if (own.error) return <Message kind="error" error={own.error} />;
  if (own.loading || p.indicators.loading || p.regions.loading || year === undefined)
    return <Message kind="loading" />;

  /** The view with some of its state changed; every part of it lives in the URL. */
  const view = (changes: Params): string =>
    href(`/gemeente/${code}`, {
      vergelijk: chosen.join(','),
      year: params.get('year'),
      indicator: params.get('indicator'),
      ...changes,
    });

  return (
    <>
      <Heading level={1}>{t('profileTitle', { name })}</Heading>
      <Paragraph purpose="lead">{t('profileIntro', { name, code, year })}</Paragraph>
      <p className="sz-caution">{t('caution')}</p>
      <SyntheticNote gemeente={code} />

      <ProfileToolbar
        code={code}
        name={name}
        year={year}
        years={p.years}
        rows={themes.flatMap(([, list]) => list)}
        group={p.group}
        groupReady={p.groupReady}
        view={view}
      />

      <CompareSection
        own={code}
        name={name}
        gemeenten={p.regions.data?.regions ?? []}
        chosen={chosen}
        suggested={p.auto}
        method={p.comparable.data?.method[lang] ?? null}
        names={names}
        onChange={(next) => navigate(view({ vergelijk: next.join(',') }), { replace: true })}
      />

      {p.groupCells.error && <Message kind="error" error={p.groupCells.error} />}
      <div aria-busy={!p.groupReady}>
        {themes.map(([theme, list]) => (
          <ThemeSection key={theme} theme={theme} rows={list} name={name} />
        ))}
      </div>
      <Paragraph className="sz-hint">{t('rounding')}</Paragraph>
      {own.data?.release && <SeriesBasis release={own.data.release} />}

      <WijkMap
        gemeente={code}
        name={name}
        year={year}
        indicators={p.indicators.data?.indicators ?? []}
        indicatorId={params.get('indicator')}
        onIndicator={(id) => navigate(view({ indicator: id }))}
      />
    </>
  );
}
