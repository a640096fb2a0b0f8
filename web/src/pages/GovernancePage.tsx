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
import { HttpError } from '../api.js';
import { Message } from '../components/Message.js';
import { useI18n } from '../i18n.js';
import { capabilities, sections, type Section } from './governance/access.js';
import { Agreements } from './governance/Agreements.js';
import { Airlock } from './governance/Airlock.js';
import { Contributions } from './governance/Contributions.js';
import { Organisations } from './governance/Organisations.js';
import { useServerWord, useTooManyText } from './governance/parts.js';
import { Runs } from './governance/Runs.js';
import { govGet, govPost, SessionContext, type GovSession } from './governance/session.js';
import type { Me } from './governance/types.js';
import { Users } from './governance/Users.js';

const SECTIONS: Record<Section, ComponentType> = {
  agreements: Agreements,
  contributions: Contributions,
  airlock: Airlock,
  runs: Runs,
  organisations: Organisations,
  users: Users,
};

/** What the page says above the login form; a 429 carries its wait. */
type Problem = 'unavailable' | 'unauthorized' | 'lost' | HttpError | Error;

const isTooMany = (p: Problem | null): p is HttpError => p instanceof HttpError && p.status === 429;

/**
 * The session is the broker's HttpOnly cookie only: the login route sets it, `/auth/me` says who
 * it belongs to, the logout route ends it. The page keeps no token anywhere (the login answer's
 * token is not read), and sends none.
 */
export function GovernancePage() {
  const { t } = useI18n();
  const word = useServerWord();
  const tooMany = useTooManyText();
  const [me, setMe] = useState<Me | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [loading, setLoading] = useState(true);
  const [version, setVersion] = useState(0);
  const ids = { email: useId(), password: useId() };
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');

  /** Who the session cookie belongs to; no cookie (401) is simply signed out. */
  const load = useCallback(async (afterLogin: boolean) => {
    setLoading(true);
    try {
      const body = await govGet<Me | { user: Me }>('/api/v1/auth/me');
      setMe('user' in body ? body.user : body);
      setProblem(null);
    } catch (e) {
      setMe(null);
      if (e instanceof HttpError && e.status === 404) setProblem('unavailable');
      else if (e instanceof HttpError && e.status === 401)
        setProblem(afterLogin ? 'unauthorized' : null);
      else if (e instanceof HttpError && e.status === 403) setProblem('unauthorized');
      else setProblem(e as Error);
    } finally {
      setLoading(false);
    }
  }, []);

  useEffect(() => {
    void load(false);
  }, [load]);

  const signIn = async (e: FormEvent) => {
    e.preventDefault();
    setProblem(null);
    try {
      // Sets the HttpOnly session cookie; the token in the answer is for the CLI, not read here.
      await govPost<unknown>('/api/v1/auth/login', { email, password });
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
    setPassword('');
    await load(true);
  };
  const forget = useCallback(() => {
    setMe(null);
  }, []);
  const signOut = async () => {
    // Ends the session on the server, which also clears its cookie.
    try {
      await govPost<void>('/api/v1/auth/logout');
    } catch {
      // Gone already, or the server is away: the page forgets it either way.
    }
    setProblem(null);
    forget();
  };
  const lost = useCallback(() => {
    forget();
    setProblem('lost');
  }, [forget]);
  const changed = useCallback(() => setVersion((v) => v + 1), []);

  const session = useMemo<GovSession | null>(
    () => (me ? { me, caps: capabilities(me.roles), version, changed, lost } : null),
    [me, version, changed, lost],
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
      {problem === 'lost' && (
        <Paragraph className="sz-status" role="status">
          {t('govSessionLost')}
        </Paragraph>
      )}
      {isTooMany(problem) && (
        <Paragraph className="sz-status" role="alert">
          {tooMany(problem)}
        </Paragraph>
      )}
      {problem instanceof Error && !isTooMany(problem) && <Message kind="error" error={problem} />}
      {loading && <Message kind="loading" />}
      {!session && !loading && (
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
              onClick={() => void signOut()}
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
