import { SkipLink } from '@rijkshuisstijl-community/components-react';
import {
  lazy,
  Suspense,
  useCallback,
  useEffect,
  useMemo,
  useRef,
  useState,
  type ReactNode,
} from 'react';
import { LangContext, translate, useI18n, type Key, type Lang } from './i18n.js';
import { useRoute } from './router.js';
import { StartPage } from './pages/StartPage.js';
import { ProfilePage } from './pages/ProfilePage.js';

// The map (d3-geo) and chart (Observable Plot) pages load on demand; start and profile load first.
const MapPage = lazy(() => import('./pages/MapPage.js').then((m) => ({ default: m.MapPage })));
const IndicatorPage = lazy(() =>
  import('./pages/IndicatorPage.js').then((m) => ({ default: m.IndicatorPage })),
);
const ReleasePage = lazy(() =>
  import('./pages/ReleasePage.js').then((m) => ({ default: m.ReleasePage })),
);
const ZoekgebiedenPage = lazy(() =>
  import('./pages/ZoekgebiedenPage.js').then((m) => ({ default: m.ZoekgebiedenPage })),
);
const GovernancePage = lazy(() =>
  import('./pages/GovernancePage.js').then((m) => ({ default: m.GovernancePage })),
);
import { Message } from './components/Message.js';

function initialLang(): Lang {
  const stored = window.localStorage.getItem('samenzicht-lang');
  return stored === 'en' ? 'en' : 'nl';
}

const NAV: [string, Key][] = [
  ['/', 'navStart'],
  ['/kaart', 'navMap'],
  ['/zoekgebieden', 'navZoekgebieden'],
  ['/release/latest', 'navRelease'],
  ['/governance', 'navGovernance'],
];

function Shell({ children, section }: { children: ReactNode; section: string }) {
  const { t, lang, setLang } = useI18n();
  return (
    <>
      <SkipLink href="#main">{t('skip')}</SkipLink>
      <header className="sz-header">
        <a className="sz-brand" href="#/">
          {t('appName')}
        </a>
        <nav className="sz-nav" aria-label={lang === 'nl' ? 'Hoofdmenu' : 'Main menu'}>
          <ul>
            {NAV.map(([path, key]) => (
              <li key={path}>
                <a href={`#${path}`} aria-current={section === path ? 'page' : undefined}>
                  {t(key)}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <button
          type="button"
          className="sz-lang"
          lang={lang === 'nl' ? 'en' : 'nl'}
          aria-label={t('switchLangLabel')}
          onClick={() => setLang(lang === 'nl' ? 'en' : 'nl')}
        >
          {t('switchLang')}
        </button>
      </header>
      {children}
      <footer className="sz-footer">
        <p>
          {t('rounding')} {t('attribution')}. <a href="/api/v1/openapi.json">{t('footerApi')}</a> ·{' '}
          <a href="/odata/v4/">OData v4</a>
        </p>
      </footer>
    </>
  );
}

export function App() {
  const [lang, setLangState] = useState<Lang>(initialLang);
  const setLang = useCallback((l: Lang) => {
    window.localStorage.setItem('samenzicht-lang', l);
    setLangState(l);
  }, []);
  const ctx = useMemo(
    () => ({
      lang,
      setLang,
      t: (k: Key, v?: Record<string, string | number>) => translate(lang, k, v),
    }),
    [lang, setLang],
  );
  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);

  const route = useRoute();
  const [first = '', second] = route.segments;
  const mainRef = useRef<HTMLElement>(null);
  const routeKey = route.segments.join('/');
  // Move focus to the content on navigation so that screen readers announce the new page.
  const firstRender = useRef(true);
  useEffect(() => {
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    mainRef.current?.focus();
  }, [routeKey]);

  let page: ReactNode;
  let section = '/';
  if (first === '') page = <StartPage params={route.params} />;
  else if (first === 'gemeente' && second)
    page = <ProfilePage code={second} params={route.params} />;
  else if (first === 'kaart') {
    section = '/kaart';
    page = <MapPage params={route.params} />;
  } else if (first === 'zoekgebieden') {
    section = '/zoekgebieden';
    page = <ZoekgebiedenPage params={route.params} />;
  } else if (first === 'indicator' && second) page = <IndicatorPage id={second} />;
  else if (first === 'release') {
    section = '/release/latest';
    page = <ReleasePage id={second ?? 'latest'} />;
  } else if (first === 'governance') {
    section = '/governance';
    page = <GovernancePage />;
  } else page = <Message kind="notFound" />;

  return (
    <LangContext.Provider value={ctx}>
      <Shell section={section}>
        <main id="main" className="sz-main" ref={mainRef} tabIndex={-1}>
          <Suspense fallback={<Message kind="loading" />}>{page}</Suspense>
        </main>
      </Shell>
    </LangContext.Provider>
  );
}
