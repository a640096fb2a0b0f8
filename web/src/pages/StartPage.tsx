import { Heading, Paragraph } from '@rijkshuisstijl-community/components-react';
import { useMemo, useState, type FormEvent } from 'react';
import { useIndicators, useRegions, type Indicator } from '../api.js';
import { Message } from '../components/Message.js';
import { SearchField } from '../components/SearchField.js';
import { compareThemes, themeTitle, useI18n } from '../i18n.js';
import { href, navigate } from '../router.js';
import { searchRegions } from '../search.js';

/** The gemeente search; Enter opens the first match. */
function SearchSection({ params }: { params: URLSearchParams }) {
  const { t } = useI18n();
  const regions = useRegions({ level: 'gemeente' });
  // The search is part of the view: kept in the URL (`#/?q=…`) without adding history entries.
  const [query, setQueryState] = useState(() => params.get('q') ?? '');
  const setQuery = (q: string): void => {
    setQueryState(q);
    navigate(href('/', { q: q.trim() === '' ? undefined : q }), { replace: true });
  };
  const results = useMemo(
    () => searchRegions(regions.data?.regions ?? [], query),
    [regions.data, query],
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const first = results[0];
    if (first) window.location.hash = href(`/gemeente/${first.code}`);
  };

  return (
    <section aria-labelledby="search-h">
      <Heading level={2} id="search-h">
        {t('searchTitle')}
      </Heading>
      <form className="sz-form" role="search" onSubmit={submit}>
        <SearchField
          label={t('searchLabel')}
          hint={t('searchHint')}
          value={query}
          onChange={setQuery}
        />
        <button type="submit" className="utrecht-button utrecht-button--primary-action">
          {t('searchButton')}
        </button>
      </form>
      {regions.error && <Message kind="error" error={regions.error} />}
      <p role="status" aria-live="polite" className="sz-hint">
        {query.trim() === ''
          ? ''
          : results.length === 0
            ? t('searchNone', { q: query })
            : t('searchResults', { n: results.length })}
      </p>
      {results.length > 0 && (
        <ul className="sz-results" aria-label={t('searchResults', { n: results.length })}>
          {results.map((r) => (
            <li key={r.code}>
              <a href={href(`/gemeente/${r.code}`)}>
                {r.name} ({r.code})
              </a>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** The indicators by theme, each a link to its page. */
function ThemesSection() {
  const { t, lang } = useI18n();
  const indicators = useIndicators();
  const themes = useMemo(() => {
    const m = new Map<string, Indicator[]>();
    for (const i of indicators.data?.indicators ?? [])
      m.set(i.theme, [...(m.get(i.theme) ?? []), i]);
    return [...m.entries()].sort(([a], [b]) => compareThemes(a, b));
  }, [indicators.data]);

  return (
    <section aria-labelledby="themes-h">
      <Heading level={2} id="themes-h">
        {t('themesTitle')}
      </Heading>
      {indicators.loading && <Message kind="loading" />}
      {indicators.error && <Message kind="error" error={indicators.error} />}
      <ul className="sz-themes">
        {themes.map(([theme, list]) => (
          <li key={theme}>
            <Heading level={3}>{themeTitle(theme, lang)}</Heading>
            <p className="sz-hint">
              {list.length === 1 ? t('themeCountOne') : t('themeCount', { n: list.length })}
            </p>
            <ul>
              {list.map((i) => (
                <li key={i.id}>
                  <a href={href(`/indicator/${i.id}`)}>{i.title[lang]}</a>
                </li>
              ))}
            </ul>
          </li>
        ))}
      </ul>
      <Paragraph>
        <a href={href('/kaart')}>{t('openMap')}</a>
      </Paragraph>
    </section>
  );
}

function ZoekgebiedenTeaser() {
  const { t } = useI18n();
  return (
    <section aria-labelledby="zg-h">
      <Heading level={2} id="zg-h">
        {t('zgTeaserTitle')}
      </Heading>
      <Paragraph>{t('zgTeaser')}</Paragraph>
      <Paragraph>
        <a href={href('/zoekgebieden')}>{t('zgTeaserLink')}</a>
      </Paragraph>
    </section>
  );
}

export function StartPage({ params }: { params: URLSearchParams }) {
  const { t } = useI18n();
  return (
    <>
      <Heading level={1}>{t('appName')}</Heading>
      <Paragraph purpose="lead">{t('tagline')}</Paragraph>
      <SearchSection params={params} />
      <ThemesSection />
      <ZoekgebiedenTeaser />
    </>
  );
}
