/**
 * The airlock: candidate and past releases with their approvals; reviewers (providers whose data
 * a candidate uses, the board) approve or reject, signing the digest; the broker publishes an
 * approved candidate.
 */
import { Heading, Paragraph } from '@rijkshuisstijl-community/components-react';
import { useId, useState, type MouseEvent } from 'react';
import { SelectField } from '../../components/SelectField.js';
import { useI18n } from '../../i18n.js';
import { capacityName } from '../../words.js';
import { canPublish, canReview } from './access.js';
import { Outcome, useAction } from './action.js';
import { GovSection } from './ListSection.js';
import { Done, ReadProblem, Refusal, TextAreaField, useServerWord } from './parts.js';
import { saveBlob, useGovApi, useList, useSession } from './session.js';
import { RELEASE_STATE_WORDS } from './state-words.js';
import type { AirlockRelease } from './types.js';

const releaseUrl = (id: string) => `/api/v1/airlock/releases/${encodeURIComponent(id)}`;

/** The digest the review signs, or that there is none to sign (then only rejecting is possible). */
function DigestLine({ id, digest }: { id: string; digest: string | null }) {
  const { t } = useI18n();
  return (
    <p className="sz-digest" id={id}>
      {digest ? (
        <>
          {t('govDigest')}: <code>{digest.slice(0, 12)}</code>
        </>
      ) : (
        t('govNoDigest')
      )}
    </p>
  );
}

function ReviewForm({ release, onDone }: { release: AirlockRelease; onDone: () => void }) {
  const { t, lang } = useI18n();
  const api = useGovApi();
  const action = useAction();
  const digestId = useId();
  const digest = release.digest ?? null;
  const [reason, setReason] = useState('');
  const [capacity, setCapacity] = useState('');
  const send = (decision: 'approve' | 'reject') =>
    void action.run(async () => {
      // The digest binds the review to the exact files the reviewer saw.
      await api.post(`${releaseUrl(release.id)}/reviews`, {
        decision,
        reason,
        ...(capacity ? { capacity } : {}),
        ...(digest ? { digest } : {}),
      });
      onDone();
      return t('govDone');
    });
  const capacities = [...Object.keys(release.approval?.providers ?? {}), 'board'];
  return (
    <form
      className="sz-form"
      onSubmit={(e) => e.preventDefault()}
      aria-label={`${t('govReviews')} ${release.id}`}
    >
      <SelectField
        label={t('govCapacity')}
        value={capacity}
        options={[['', '—'], ...capacities.map((c) => [c, capacityName(c, lang)] as const)]}
        onChange={setCapacity}
      />
      <TextAreaField label={t('govReason')} value={reason} onChange={setReason} />
      <DigestLine id={digestId} digest={digest} />
      <div className="sz-actions">
        <button
          type="button"
          className="utrecht-button utrecht-button--primary-action"
          aria-describedby={digestId}
          disabled={!digest}
          onClick={() => send('approve')}
        >
          {t('govApprove')}
        </button>
        <button
          type="button"
          className="utrecht-button utrecht-button--secondary-action"
          onClick={() => send('reject')}
        >
          {t('govReject')}
        </button>
      </div>
      <Outcome action={action} />
    </form>
  );
}

/** Downloads the restricted report in the reviewer's session, as a JSON file. */
function ReportLink({ id }: { id: string }) {
  const { t } = useI18n();
  const api = useGovApi();
  const action = useAction();
  const url = `${releaseUrl(id)}/report`;
  const open = (e: MouseEvent<HTMLAnchorElement>) => {
    e.preventDefault();
    void action.run(async () => {
      const body = await api.get<unknown>(url);
      const blob = new Blob([JSON.stringify(body, null, 2)], { type: 'application/json' });
      saveBlob(blob, `samenzicht-${id}-report.json`);
    });
  };
  return (
    <>
      <p>
        <a href={url} onClick={open}>
          {t('govReport', { id })}
        </a>
      </p>
      <Refusal error={action.refusal} />
    </>
  );
}

/** Publishes an approved candidate; on success the release leaves the candidates (and this button). */
function PublishButton({ id, onPublished }: { id: string; onPublished: (id: string) => void }) {
  const { t } = useI18n();
  const api = useGovApi();
  const action = useAction();
  const publish = () =>
    void action.run(async () => {
      await api.post(`${releaseUrl(id)}/publish`);
      onPublished(id);
    });
  return (
    <div>
      <div className="sz-actions">
        <button
          type="button"
          className="utrecht-button utrecht-button--primary-action"
          disabled={action.busy}
          onClick={publish}
        >
          {t('govPublishRelease', { id })}
        </button>
      </div>
      <Refusal error={action.refusal} />
    </div>
  );
}

/** Where the approvals of a release stand: per provider, then the board's count. */
function ApprovalState({ release: r }: { release: AirlockRelease }) {
  const { t, lang } = useI18n();
  const word = useServerWord();
  return (
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
  );
}

/** One release in the airlock: its state and reviews, and what the user may do with it. */
function AirlockEntry({
  release: r,
  onPublished,
}: {
  release: AirlockRelease;
  onPublished: (id: string) => void;
}) {
  const { t, lang } = useI18n();
  const { caps, changed } = useSession();
  const word = useServerWord();
  return (
    <section aria-labelledby={`rel-${r.id}`}>
      <Heading level={3} id={`rel-${r.id}`}>
        {r.id} — {t(RELEASE_STATE_WORDS[r.state])}
      </Heading>
      <Paragraph>{r.indicators.join(', ')}.</Paragraph>
      <ApprovalState release={r} />
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
      {canPublish(r, caps) && <PublishButton id={r.id} onPublished={onPublished} />}
      {r.state === 'candidate' && caps.publish && !r.approval?.ready && (
        <Paragraph className="sz-hint">{t('govNotReady')}</Paragraph>
      )}
    </section>
  );
}

export function Airlock() {
  const { t } = useI18n();
  const { changed } = useSession();
  const list = useList<AirlockRelease>('/api/v1/airlock/releases');
  const releases = list.rows ?? [];
  const [published, setPublished] = useState<string | null>(null);
  const onPublished = (id: string) => {
    setPublished(t('govPublished', { id }));
    changed();
  };
  return (
    <GovSection id="gov-airlock" title={t('govReviews')}>
      <Done text={published} />
      <ReadProblem error={list.problem} />
      {list.rows && releases.length === 0 && <Paragraph>{t('govEmpty')}</Paragraph>}
      {releases.map((r) => (
        <AirlockEntry key={r.id} release={r} onPublished={onPublished} />
      ))}
    </GovSection>
  );
}
