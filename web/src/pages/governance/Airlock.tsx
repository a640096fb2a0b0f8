/**
 * The airlock: candidate and past releases with their approvals; reviewers (providers whose data
 * a candidate uses, the board) approve or reject, signing the digest; the broker publishes an
 * approved candidate.
 */
import { Heading, Paragraph } from '@rijkshuisstijl-community/components-react';
import { useId, useState, type MouseEvent } from 'react';
import { useI18n } from '../../i18n.js';
import { capacityName } from '../../words.js';
import { canPublish, canReview } from './access.js';
import { Done, ReadProblem, Refusal, useServerWord } from './parts.js';
import { saveBlob, useGovApi, useList, useSession } from './session.js';
import type { AirlockRelease } from './types.js';

function ReviewForm({ release, onDone }: { release: AirlockRelease; onDone: () => void }) {
  const { t, lang } = useI18n();
  const api = useGovApi();
  const reasonId = useId();
  const digestId = useId();
  const digest = release.digest ?? null;
  const capacityId = useId();
  const [reason, setReason] = useState('');
  const [capacity, setCapacity] = useState('');
  const [done, setDone] = useState<string | null>(null);
  const [refusal, setRefusal] = useState<unknown>(null);
  const send = async (decision: 'approve' | 'reject') => {
    setDone(null);
    setRefusal(null);
    try {
      // The digest binds the review to the exact files the reviewer saw.
      await api.post(`/api/v1/airlock/releases/${encodeURIComponent(release.id)}/reviews`, {
        decision,
        reason,
        ...(capacity ? { capacity } : {}),
        ...(digest ? { digest } : {}),
      });
      setDone(t('govDone'));
      onDone();
    } catch (e) {
      setRefusal(e);
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
      <Done text={done} />
      <Refusal error={refusal} />
    </form>
  );
}

/** Downloads the restricted report in the reviewer's session, as a JSON file. */
function ReportLink({ id }: { id: string }) {
  const { t } = useI18n();
  const api = useGovApi();
  const url = `/api/v1/airlock/releases/${encodeURIComponent(id)}/report`;
  const [refusal, setRefusal] = useState<unknown>(null);
  const open = async (e: MouseEvent<HTMLAnchorElement>) => {
    e.preventDefault();
    setRefusal(null);
    try {
      const body = await api.get<unknown>(url);
      const blob = new Blob([JSON.stringify(body, null, 2)], { type: 'application/json' });
      saveBlob(blob, `samenzicht-${id}-report.json`);
    } catch (err) {
      setRefusal(err);
    }
  };
  return (
    <>
      <p>
        <a href={url} onClick={(e) => void open(e)}>
          {t('govReport', { id })}
        </a>
      </p>
      <Refusal error={refusal} />
    </>
  );
}

/** Publishes an approved candidate; on success the release leaves the candidates (and this button). */
function PublishButton({ id, onPublished }: { id: string; onPublished: (id: string) => void }) {
  const { t } = useI18n();
  const api = useGovApi();
  const [busy, setBusy] = useState(false);
  const [refusal, setRefusal] = useState<unknown>(null);
  const publish = async () => {
    setBusy(true);
    setRefusal(null);
    try {
      await api.post(`/api/v1/airlock/releases/${encodeURIComponent(id)}/publish`);
      onPublished(id);
    } catch (err) {
      setRefusal(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div>
      <div className="sz-actions">
        <button
          type="button"
          className="utrecht-button utrecht-button--primary-action"
          disabled={busy}
          onClick={() => void publish()}
        >
          {t('govPublishRelease', { id })}
        </button>
      </div>
      <Refusal error={refusal} />
    </div>
  );
}

export function Airlock() {
  const { t, lang } = useI18n();
  const { caps, changed } = useSession();
  const word = useServerWord();
  const list = useList<AirlockRelease>('/api/v1/airlock/releases');
  const releases = list.rows ?? [];
  const [published, setPublished] = useState<string | null>(null);
  return (
    <section aria-labelledby="gov-airlock">
      <Heading level={2} id="gov-airlock">
        {t('govReviews')}
      </Heading>
      <Done text={published} />
      <ReadProblem error={list.problem} />
      {list.rows && releases.length === 0 && <Paragraph>{t('govEmpty')}</Paragraph>}
      {releases.map((r) => (
        <section key={r.id} aria-labelledby={`rel-${r.id}`}>
          <Heading level={3} id={`rel-${r.id}`}>
            {r.id} — {word('govState', r.state)}
          </Heading>
          <Paragraph>{r.indicators.join(', ')}.</Paragraph>
          <Paragraph>
            {t('govProviders')}:{' '}
            {Object.entries(r.approval?.providers ?? {})
              .map(([p, s]) => `${capacityName(p, lang)}: ${word('govProvider', s)}`)
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
                  {v.userId} ({capacityName(v.capacity, lang)}): {word('govDecision', v.decision)}
                  {v.reason ? ` — ${v.reason}` : ''}
                </li>
              ))}
            </ul>
          )}
          {caps.reportRead && <ReportLink id={r.id} />}
          {canReview(r, caps) && <ReviewForm release={r} onDone={changed} />}
          {canPublish(r, caps) && (
            <PublishButton
              id={r.id}
              onPublished={(id) => {
                setPublished(t('govPublished', { id }));
                changed();
              }}
            />
          )}
          {r.state === 'candidate' && caps.publish && !r.approval?.ready && (
            <Paragraph className="sz-hint">{t('govNotReady')}</Paragraph>
          )}
        </section>
      ))}
    </section>
  );
}
