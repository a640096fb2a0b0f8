/**
 * The governance page: login, then the sections the user's roles may read (./governance/), each
 * with the actions those roles may take. The server enforces its access table on every call;
 * the page shows only what the roles allow (./governance/access.ts) and says so calmly when the
 * server still refuses.
 */
import { Heading, Paragraph } from '@rijkshuisstijl-community/components-react';
import {
  useCallback,
  useEffect,
  useId,
  useMemo,
  useState,
  type ComponentType,
  type FormEvent,
} from 'react';
import { getJson, HttpError } from '../api.js';
import { Message } from '../components/Message.js';
import { useI18n } from '../i18n.js';
import { capabilities, sections, type Section } from './governance/access.js';
import { Agreements } from './governance/Agreements.js';
import { Airlock } from './governance/Airlock.js';
import { Contributions } from './governance/Contributions.js';
import { Organisations } from './governance/Organisations.js';
import { useServerWord } from './governance/parts.js';
import { Runs } from './governance/Runs.js';
import { authHeaders, SessionContext, type GovSession } from './governance/session.js';
import type { Me } from './governance/types.js';
import { Users } from './governance/Users.js';

const TOKEN_KEY = 'samenzicht-token';

const SECTIONS: Record<Section, ComponentType> = {
  agreements: Agreements,
  contributions: Contributions,
  airlock: Airlock,
  runs: Runs,
  organisations: Organisations,
  users: Users,
};

type Problem = 'unavailable' | 'unauthorized' | 'lost' | Error;

export function GovernancePage() {
  const { t } = useI18n();
  const word = useServerWord();
  const [token, setToken] = useState<string | null>(() => window.sessionStorage.getItem(TOKEN_KEY));
  const [me, setMe] = useState<Me | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [loading, setLoading] = useState(false);
  const [version, setVersion] = useState(0);
  const ids = { email: useId(), password: useId(), token: useId() };
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [tokenInput, setTokenInput] = useState('');

  const load = useCallback(async (tok: string) => {
    setLoading(true);
    setProblem(null);
    try {
      const body = await getJson<Me | { user: Me }>('/api/v1/auth/me', {
        headers: authHeaders(tok),
      });
      setMe('user' in body ? body.user : body);
    } catch (e) {
      setMe(null);
      if (e instanceof HttpError && e.status === 404) setProblem('unavailable');
      else if (e instanceof HttpError && (e.status === 401 || e.status === 403))
        setProblem('unauthorized');
      else setProblem(e as Error);
    } finally {
      setLoading(false);
    }
  }, []);

  useEffect(() => {
    if (token) void load(token);
  }, [token, load]);

  const signIn = async (e: FormEvent) => {
    e.preventDefault();
    let tok = tokenInput.trim();
    if (!tok) {
      try {
        // Also sets the HttpOnly session cookie; the page sends the token itself, which works
        // the same for a pasted API token.
        const session = await getJson<{ token: string }>('/api/v1/auth/login', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email, password }),
        });
        tok = session.token;
      } catch (err) {
        setProblem(
          err instanceof HttpError && err.status === 404
            ? 'unavailable'
            : err instanceof HttpError && [400, 401, 403].includes(err.status)
              ? 'unauthorized'
              : (err as Error),
        );
        return;
      }
    }
    setPassword('');
    setTokenInput('');
    window.sessionStorage.setItem(TOKEN_KEY, tok);
    setToken(tok);
  };
  const forget = useCallback(() => {
    window.sessionStorage.removeItem(TOKEN_KEY);
    setToken(null);
    setMe(null);
  }, []);
  const signOut = () => {
    // Ends a login session on the server too (and clears its cookie). A pasted API token is only
    // forgotten here: POST /auth/logout would revoke it, also for the CLI that uses it.
    if (token && me?.via === 'session')
      void getJson('/api/v1/auth/logout', { method: 'POST', headers: authHeaders(token) }).catch(
        () => undefined,
      );
    forget();
  };
  const lost = useCallback(() => {
    forget();
    setProblem('lost');
  }, [forget]);
  const changed = useCallback(() => setVersion((v) => v + 1), []);

  const session = useMemo<GovSession | null>(
    () =>
      token && me ? { token, me, caps: capabilities(me.roles), version, changed, lost } : null,
    [token, me, version, changed, lost],
  );
  const visible = session ? sections(session.caps) : [];

  return (
    <>
      <Heading level={1}>{t('govTitle')}</Heading>
      <Paragraph>{t('govIntro')}</Paragraph>
      {problem === 'unavailable' && (
        <Paragraph className="sz-status">{t('govUnavailable')}</Paragraph>
      )}
      {problem === 'unauthorized' && (
        <Paragraph className="sz-status">{t('govUnauthorized')}</Paragraph>
      )}
      {problem === 'lost' && <Paragraph className="sz-status">{t('govSessionLost')}</Paragraph>}
      {problem instanceof Error && <Message kind="error" error={problem} />}
      {loading && <Message kind="loading" />}
      {!session && (
        <>
          <Paragraph>{t('govSignedOut')}</Paragraph>
          <form className="sz-form" onSubmit={(e) => void signIn(e)}>
            <div className="sz-field">
              <label className="utrecht-form-label" htmlFor={ids.email}>
                {t('govEmail')}
              </label>
              <input
                id={ids.email}
                className="utrecht-textbox"
                type="email"
                autoComplete="username"
                value={email}
                onChange={(e) => setEmail(e.target.value)}
              />
            </div>
            <div className="sz-field">
              <label className="utrecht-form-label" htmlFor={ids.password}>
                {t('govPassword')}
              </label>
              <input
                id={ids.password}
                className="utrecht-textbox"
                type="password"
                autoComplete="current-password"
                value={password}
                onChange={(e) => setPassword(e.target.value)}
              />
            </div>
            <div className="sz-field">
              <label className="utrecht-form-label" htmlFor={ids.token}>
                {t('govToken')}
              </label>
              <input
                id={ids.token}
                className="utrecht-textbox"
                type="password"
                autoComplete="off"
                value={tokenInput}
                onChange={(e) => setTokenInput(e.target.value)}
              />
            </div>
            <button type="submit" className="utrecht-button utrecht-button--primary-action">
              {t('govSignIn')}
            </button>
          </form>
        </>
      )}
      {session && (
        <SessionContext.Provider value={session}>
          <div className="sz-actions">
            <Paragraph>
              {t('govSignedInAs', {
                name: session.me.name,
                email: session.me.email,
                roles: session.me.roles.map((r) => word('govRole', r)).join(', ') || t('govNoRole'),
              })}
            </Paragraph>
            <button
              type="button"
              className="utrecht-button utrecht-button--secondary-action"
              onClick={signOut}
            >
              {t('govSignOut')}
            </button>
          </div>
          {visible.length === 0 && <Paragraph>{t('govNoSections')}</Paragraph>}
          {visible.map((s) => {
            const Part = SECTIONS[s];
            return <Part key={s} />;
          })}
        </SessionContext.Provider>
      )}
    </>
  );
}
