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
import { TextField, useServerWord, useTooManyText } from './governance/parts.js';
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

/** What a failed login means for the page: the broker has no governance, wrong credentials, … */
function loginProblem(err: unknown): Problem {
  if (err instanceof HttpError && err.status === 404) return 'unavailable';
  if (err instanceof HttpError && [400, 401, 403].includes(err.status)) return 'unauthorized';
  return err as Error;
}

/** What `/auth/me` refusing means: no cookie (401) is simply signed out, unless just signed in. */
function meProblem(err: unknown, afterLogin: boolean): Problem | null {
  if (err instanceof HttpError && err.status === 404) return 'unavailable';
  if (err instanceof HttpError && err.status === 401) return afterLogin ? 'unauthorized' : null;
  if (err instanceof HttpError && err.status === 403) return 'unauthorized';
  return err as Error;
}

/**
 * The session is the broker's HttpOnly cookie only: the login route sets it, `/auth/me` says who
 * it belongs to, the logout route ends it. The page keeps no token anywhere (the login answer's
 * token is not read), and sends none.
 */
function useGovernanceSession() {
  const [me, setMe] = useState<Me | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [loading, setLoading] = useState(true);
  const [version, setVersion] = useState(0);

  /** Who the session cookie belongs to. */
  const load = useCallback(async (afterLogin: boolean) => {
    setLoading(true);
    try {
      const body = await govGet<Me | { user: Me }>('/api/v1/auth/me');
      setMe('user' in body ? body.user : body);
      setProblem(null);
    } catch (e) {
      setMe(null);
      setProblem(meProblem(e, afterLogin));
    } finally {
      setLoading(false);
    }
  }, []);

  useEffect(() => {
    void load(false);
  }, [load]);

  /** Whether the login succeeded (the caller then forgets the password). */
  const signIn = async (email: string, password: string): Promise<boolean> => {
    setProblem(null);
    try {
      // Sets the HttpOnly session cookie; the token in the answer is for the CLI, not read here.
      await govPost<unknown>('/api/v1/auth/login', { email, password });
    } catch (err) {
      setProblem(loginProblem(err));
      return false;
    }
    return true;
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
  return { session, problem, loading, load, signIn, signOut };
}

/** What the page says above the login form. */
function ProblemNote({ problem }: { problem: Problem | null }) {
  const { t } = useI18n();
  const tooMany = useTooManyText();
  return (
    <>
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
    </>
  );
}

/** The login form's fields, in their order. */
const LOGIN_FIELDS = [
  { name: 'email', label: 'govEmail', type: 'email', autoComplete: 'username' },
  { name: 'password', label: 'govPassword', type: 'password', autoComplete: 'current-password' },
] as const;

type Credentials = Record<(typeof LOGIN_FIELDS)[number]['name'], string>;

/** The login form; what is typed lives in the page, so a failed login keeps the e-mail address. */
function LoginForm({
  values,
  onChange,
  onSubmit,
}: {
  values: Credentials;
  onChange: (values: Credentials) => void;
  onSubmit: () => Promise<void>;
}) {
  const { t } = useI18n();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void onSubmit();
  };
  return (
    <>
      <Paragraph>{t('govSignedOut')}</Paragraph>
      <form className="sz-form" onSubmit={submit}>
        {LOGIN_FIELDS.map((f) => (
          <TextField
            key={f.name}
            label={t(f.label)}
            type={f.type}
            autoComplete={f.autoComplete}
            value={values[f.name]}
            onChange={(v) => onChange({ ...values, [f.name]: v })}
          />
        ))}
        <button type="submit" className="utrecht-button utrecht-button--primary-action">
          {t('govSignIn')}
        </button>
      </form>
    </>
  );
}

/** Who is signed in, the way out, and the sections their roles may read. */
function SignedIn({ session, signOut }: { session: GovSession; signOut: () => Promise<void> }) {
  const { t } = useI18n();
  const word = useServerWord();
  const visible = sections(session.caps);
  return (
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
  );
}

export function GovernancePage() {
  const { t } = useI18n();
  const { session, problem, loading, load, signIn, signOut } = useGovernanceSession();
  const [credentials, setCredentials] = useState<Credentials>({ email: '', password: '' });
  const submit = async () => {
    if (!(await signIn(credentials.email, credentials.password))) return;
    setCredentials((c) => ({ ...c, password: '' }));
    await load(true);
  };
  return (
    <>
      <Heading level={1}>{t('govTitle')}</Heading>
      <Paragraph>{t('govIntro')}</Paragraph>
      <ProblemNote problem={problem} />
      {loading && <Message kind="loading" />}
      {!session && !loading && (
        <LoginForm values={credentials} onChange={setCredentials} onSubmit={submit} />
      )}
      {session && <SignedIn session={session} signOut={signOut} />}
    </>
  );
}
