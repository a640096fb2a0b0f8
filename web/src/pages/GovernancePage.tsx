import { Heading, Paragraph } from '@rijkshuisstijl-community/components-react';
import { useCallback, useEffect, useId, useState, type FormEvent, type MouseEvent } from 'react';
import { getJson, HttpError } from '../api.js';
import { Message } from '../components/Message.js';
import { DICTIONARIES, useI18n, type Key } from '../i18n.js';
import { capacityName } from '../words.js';

const TOKEN_KEY = 'samenzicht-token';

interface Me {
  name: string;
  email: string;
  roles: string[];
  organisations: string[];
}
interface AgreementRow {
  id: string;
  title?: string;
  purpose?: string;
  status: string;
  datasets: string[];
  validUntil: string;
}
interface ContributionRow {
  id: string;
  datasetId: string;
  organisationId?: string;
  rows: number;
  accepted: number;
  quarantined: number;
  createdAt?: string;
}
interface AirlockRelease {
  id: string;
  state: string;
  /** sha256 of the candidate's files: what an approval signs. */
  digest?: string | null;
  indicators: string[];
  providers: string[];
  reviews: {
    userId: string;
    capacity: string;
    decision: string;
    reason: string;
    createdAt: string;
  }[];
  approval: {
    providers: Record<string, string>;
    board: { approvals: number; required: number };
    ready: boolean;
  };
}

/** Governance endpoints answer either a bare list or `{ <name>: [...] }`. */
function listOf<T>(body: unknown): T[] {
  if (Array.isArray(body)) return body as T[];
  if (body && typeof body === 'object') {
    for (const v of Object.values(body)) if (Array.isArray(v)) return v as T[];
  }
  return [];
}

interface Data {
  me: Me;
  agreements: AgreementRow[];
  contributions: ContributionRow[];
  releases: AirlockRelease[];
}

function ReviewForm({
  release,
  token,
  onDone,
}: {
  release: AirlockRelease;
  token: string;
  onDone: () => void;
}) {
  const { t, lang } = useI18n();
  const reasonId = useId();
  const digestId = useId();
  const digest = release.digest ?? null;
  const capacityId = useId();
  const [reason, setReason] = useState('');
  const [capacity, setCapacity] = useState('');
  const [result, setResult] = useState<string | null>(null);
  const send = async (decision: 'approve' | 'reject') => {
    try {
      await getJson(`/api/v1/airlock/releases/${encodeURIComponent(release.id)}/reviews`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        // The digest binds the review to the exact files the reviewer saw.
        body: JSON.stringify({
          decision,
          reason,
          ...(capacity ? { capacity } : {}),
          ...(digest ? { digest } : {}),
        }),
      });
      setResult(t('govDone'));
      onDone();
    } catch (e) {
      setResult(t('error', { msg: (e as Error).message }));
    }
  };
  const capacities = [...Object.keys(release.approval?.providers ?? {}), 'board'];
  return (
    <form
      className="sz-form"
      onSubmit={(e) => e.preventDefault()}
      aria-label={`${t('govReviews')} ${release.id}`}
    >
      <div className="sz-field">
        <label className="utrecht-form-label" htmlFor={capacityId}>
          {t('govCapacity')}
        </label>
        <select
          id={capacityId}
          className="utrecht-select"
          value={capacity}
          onChange={(e) => setCapacity(e.target.value)}
        >
          <option value="">—</option>
          {capacities.map((c) => (
            <option key={c} value={c}>
              {capacityName(c, lang)}
            </option>
          ))}
        </select>
      </div>
      <div className="sz-field">
        <label className="utrecht-form-label" htmlFor={reasonId}>
          {t('govReason')}
        </label>
        <textarea
          id={reasonId}
          className="utrecht-textarea"
          rows={2}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
        />
      </div>
      <p className="sz-digest" id={digestId}>
        {digest ? (
          <>
            {t('govDigest')}: <code>{digest.slice(0, 12)}</code>
          </>
        ) : (
          t('govNoDigest')
        )}
      </p>
      <div className="sz-actions">
        <button
          type="button"
          className="utrecht-button utrecht-button--primary-action"
          aria-describedby={digestId}
          disabled={!digest}
          onClick={() => void send('approve')}
        >
          {t('govApprove')}
        </button>
        <button
          type="button"
          className="utrecht-button utrecht-button--secondary-action"
          onClick={() => void send('reject')}
        >
          {t('govReject')}
        </button>
      </div>
      {result && (
        <p role="status" className="sz-status">
          {result}
        </p>
      )}
    </form>
  );
}

/** Downloads the restricted report with the reviewer's token (a plain link would lack it). */
function ReportLink({ id, token }: { id: string; token: string }) {
  const { t } = useI18n();
  const url = `/api/v1/airlock/releases/${encodeURIComponent(id)}/report`;
  const [problem, setProblem] = useState<string | null>(null);
  const open = async (e: MouseEvent<HTMLAnchorElement>) => {
    e.preventDefault();
    setProblem(null);
    try {
      const body = await getJson<unknown>(url, { headers: { authorization: `Bearer ${token}` } });
      const blob = new Blob([JSON.stringify(body, null, 2)], { type: 'application/json' });
      const a = document.createElement('a');
      a.href = URL.createObjectURL(blob);
      a.download = `samenzicht-${id}-report.json`;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
    } catch (err) {
      setProblem(t('error', { msg: (err as Error).message }));
    }
  };
  return (
    <p>
      <a href={url} onClick={(e) => void open(e)}>
        {t('govReport', { id })}
      </a>
      {problem && (
        <span role="status" className="sz-status">
          {' '}
          {problem}
        </span>
      )}
    </p>
  );
}

export function GovernancePage() {
  const { t, lang } = useI18n();
  const [token, setToken] = useState<string | null>(() => window.sessionStorage.getItem(TOKEN_KEY));
  const [data, setData] = useState<Data | null>(null);
  const [problem, setProblem] = useState<'unavailable' | 'unauthorized' | Error | null>(null);
  const [loading, setLoading] = useState(false);
  const ids = { email: useId(), password: useId(), token: useId() };
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [tokenInput, setTokenInput] = useState('');

  const load = useCallback(async (tok: string) => {
    setLoading(true);
    setProblem(null);
    const auth = { headers: { authorization: `Bearer ${tok}` } };
    try {
      const me = await getJson<Me | { user: Me }>('/api/v1/auth/me', auth);
      const [agreements, contributions, releases] = await Promise.all([
        getJson<unknown>('/api/v1/agreements', auth).catch(() => []),
        getJson<unknown>('/api/v1/contributions', auth).catch(() => []),
        getJson<unknown>('/api/v1/airlock/releases', auth).catch(() => []),
      ]);
      setData({
        me: 'user' in me ? me.user : me,
        agreements: listOf<AgreementRow>(agreements),
        contributions: listOf<ContributionRow>(contributions),
        releases: listOf<AirlockRelease>(releases),
      });
    } catch (e) {
      setData(null);
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

  /** A translated word for a server value, or the value itself when it is new to us. */
  const words = (key: string, fallback: string): string =>
    key in DICTIONARIES[lang] ? t(key as Key) : fallback;
  const stateName = (s: string): string => words(`govState${s}`, s);

  const signIn = async (e: FormEvent) => {
    e.preventDefault();
    let tok = tokenInput.trim();
    if (!tok) {
      try {
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
            : err instanceof HttpError
              ? 'unauthorized'
              : (err as Error),
        );
        return;
      }
    }
    window.sessionStorage.setItem(TOKEN_KEY, tok);
    setToken(tok);
  };
  const signOut = () => {
    window.sessionStorage.removeItem(TOKEN_KEY);
    setToken(null);
    setData(null);
  };

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
      {problem instanceof Error && <Message kind="error" error={problem} />}
      {loading && <Message kind="loading" />}
      {!data && (
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
      {data && token && (
        <>
          <div className="sz-actions">
            <Paragraph>
              {data.me.name} ({data.me.email}) — {data.me.roles.join(', ')}
            </Paragraph>
            <button
              type="button"
              className="utrecht-button utrecht-button--secondary-action"
              onClick={signOut}
            >
              {t('govSignOut')}
            </button>
          </div>

          <Heading level={2}>{t('govAgreements')}</Heading>
          {data.agreements.length === 0 ? (
            <Paragraph>{t('govEmpty')}</Paragraph>
          ) : (
            <table className="utrecht-table">
              <thead className="utrecht-table__header">
                <tr className="utrecht-table__row">
                  <th className="utrecht-table__header-cell" scope="col">
                    Id
                  </th>
                  <th className="utrecht-table__header-cell" scope="col">
                    {t('purpose')}
                  </th>
                  <th className="utrecht-table__header-cell" scope="col">
                    {t('status')}
                  </th>
                  <th className="utrecht-table__header-cell" scope="col">
                    {t('dataset')}
                  </th>
                  <th className="utrecht-table__header-cell" scope="col">
                    {t('validUntil')}
                  </th>
                </tr>
              </thead>
              <tbody className="utrecht-table__body">
                {data.agreements.map((a) => (
                  <tr className="utrecht-table__row" key={a.id}>
                    <th className="utrecht-table__header-cell" scope="row">
                      {a.title ?? a.id}
                    </th>
                    <td className="utrecht-table__cell">{a.purpose ?? ''}</td>
                    <td className="utrecht-table__cell">{a.status}</td>
                    <td className="utrecht-table__cell">{a.datasets.join(', ')}</td>
                    <td className="utrecht-table__cell">{a.validUntil.slice(0, 10)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}

          <Heading level={2}>{t('govContributions')}</Heading>
          {data.contributions.length === 0 ? (
            <Paragraph>{t('govEmpty')}</Paragraph>
          ) : (
            <table className="utrecht-table">
              <thead className="utrecht-table__header">
                <tr className="utrecht-table__row">
                  <th className="utrecht-table__header-cell" scope="col">
                    {t('dataset')}
                  </th>
                  <th className="utrecht-table__header-cell sz-num" scope="col">
                    {t('rows')}
                  </th>
                  <th className="utrecht-table__header-cell sz-num" scope="col">
                    {t('accepted')}
                  </th>
                  <th className="utrecht-table__header-cell sz-num" scope="col">
                    {t('quarantined')}
                  </th>
                </tr>
              </thead>
              <tbody className="utrecht-table__body">
                {data.contributions.map((c) => (
                  <tr className="utrecht-table__row" key={c.id}>
                    <th className="utrecht-table__header-cell" scope="row">
                      {c.datasetId} {c.organisationId ? `(${c.organisationId})` : ''}
                    </th>
                    <td className="utrecht-table__cell sz-num">{c.rows}</td>
                    <td className="utrecht-table__cell sz-num">{c.accepted}</td>
                    <td className="utrecht-table__cell sz-num">{c.quarantined}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}

          <Heading level={2}>{t('govReviews')}</Heading>
          {data.releases.length === 0 && <Paragraph>{t('govEmpty')}</Paragraph>}
          {data.releases.map((r) => (
            <section key={r.id} aria-labelledby={`rel-${r.id}`}>
              <Heading level={3} id={`rel-${r.id}`}>
                {r.id} — {stateName(r.state)}
              </Heading>
              <Paragraph>{r.indicators.join(', ')}.</Paragraph>
              <Paragraph>
                {t('govProviders')}:{' '}
                {Object.entries(r.approval?.providers ?? {})
                  .map(([p, s]) => `${capacityName(p, lang)}: ${words(`govProvider${s}`, s)}`)
                  .join(', ')}
                .{' '}
                {t('govBoard', {
                  n: r.approval?.board.approvals ?? 0,
                  required: r.approval?.board.required ?? 0,
                })}
              </Paragraph>
              {r.reviews.length > 0 && (
                <ul>
                  {r.reviews.map((v, i) => (
                    <li key={i}>
                      {v.userId} ({capacityName(v.capacity, lang)}):{' '}
                      {words(`govDecision${v.decision}`, v.decision)}
                      {v.reason ? ` — ${v.reason}` : ''}
                    </li>
                  ))}
                </ul>
              )}
              <ReportLink id={r.id} token={token} />
              {r.state === 'candidate' && (
                <ReviewForm release={r} token={token} onDone={() => void load(token)} />
              )}
            </section>
          ))}
        </>
      )}
    </>
  );
}
