/**
 * Runs: the broker starts one (202) and restarts an interrupted or failed one; the board reads
 * them. A running run is followed: its stage and progress are asked for every second until it
 * ends (as a candidate in the airlock, failed or refused).
 */
import { Heading, Paragraph } from '@rijkshuisstijl-community/components-react';
import { useEffect, useRef, useState } from 'react';
import { HttpError } from '../../api.js';
import { numericColumn, type Column } from '../../components/DataTable.js';
import { formatNumber, useI18n } from '../../i18n.js';
import {
  canRestart,
  isRunning,
  POLL_MS,
  progressPercent,
  progressSubject,
  runToFollow,
} from './access.js';
import { Outcome, useAction } from './action.js';
import { GovSection, ListTable } from './ListSection.js';
import { ReadProblem, useServerWord } from './parts.js';
import { govGet, useGovApi, useList, useSession } from './session.js';
import { RUN_STATE_WORDS } from './state-words.js';
import type { RunRow } from './types.js';

const runUrl = (id: string) => `/api/v1/runs/${encodeURIComponent(id)}`;

/** Stage and progress of a run in words of the page language. */
function useProgressWords(): (run: RunRow) => string {
  const { t, lang } = useI18n();
  const word = useServerWord();
  return (run) => {
    if (!run.stage) return '';
    const stage = word('govStage', run.stage);
    const p = run.progress;
    if (!p || !(p.total > 0)) return stage;
    const what = progressSubject(p.what);
    const text = t('govRunProgress', {
      stage,
      done: formatNumber(lang, p.done),
      total: formatNumber(lang, p.total),
    });
    return what ? `${text} (${t('govRunProgressNow', { what })})` : text;
  };
}

/** Follows one run: polls it every second while it runs, and says when it has ended. */
function RunFollow({ id, onEnded }: { id: string; onEnded: (run: RunRow) => void }) {
  const { t } = useI18n();
  const { lost } = useSession();
  const progressWords = useProgressWords();
  const [run, setRun] = useState<RunRow | null>(null);
  const [problem, setProblem] = useState<unknown>(null);
  const ended = useRef(onEnded);
  useEffect(() => {
    ended.current = onEnded;
  });
  useEffect(() => {
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = async () => {
      try {
        const r = await govGet<RunRow>(runUrl(id));
        if (!live) return;
        setRun(r);
        setProblem(null);
        if (isRunning(r)) timer = setTimeout(() => void tick(), POLL_MS);
        else ended.current(r);
      } catch (err) {
        if (!live) return;
        if (err instanceof HttpError && err.status === 401) return lost();
        setProblem(err);
        // A passing network failure: keep following.
        if (!(err instanceof HttpError)) timer = setTimeout(() => void tick(), POLL_MS);
      }
    };
    void tick();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [id, lost]);
  const percent = progressPercent(run?.progress);
  const headingId = `run-follow-${id}`;
  return (
    <section className="sz-run-follow" aria-labelledby={headingId}>
      <Heading level={3} id={headingId}>
        {t('govRunFollow', { id })}
      </Heading>
      <div role="status" aria-live="polite">
        <Paragraph>
          {run ? t(RUN_STATE_WORDS[run.state]) : t('govRunWaiting')}
          {run?.stage ? ` — ${progressWords(run)}` : ''}
        </Paragraph>
      </div>
      {percent !== null && (
        <progress className="sz-run-progress" max={100} value={percent} aria-labelledby={headingId}>
          {percent}%
        </progress>
      )}
      {run?.error && <Paragraph>{t('govRunError', { error: run.error })}</Paragraph>}
      <ReadProblem error={problem} />
    </section>
  );
}

/** The runs table's columns; a restart button per run that may be restarted. */
function useRunColumns(
  runs: readonly RunRow[],
  restartDisabled: boolean,
  onRestart: (run: RunRow) => void,
): Column<RunRow>[] {
  const { t, lang } = useI18n();
  const { caps } = useSession();
  const progressWords = useProgressWords();
  const when = (iso: string) =>
    new Date(iso).toLocaleString(lang === 'nl' ? 'nl-NL' : 'en-GB', {
      dateStyle: 'short',
      timeStyle: 'short',
    });
  const columns: Column<RunRow>[] = [
    { key: 'id', header: t('govColId'), rowHeader: true, cell: (r) => <code>{r.id}</code> },
    { key: 'state', header: t('status'), cell: (r) => t(RUN_STATE_WORDS[r.state]) },
    { key: 'started', header: t('govColStarted'), cell: (r) => when(r.startedAt) },
    {
      key: 'stage',
      header: t('govColStage'),
      cell: (r) =>
        r.error ? t('govRunError', { error: r.error }) : isRunning(r) ? progressWords(r) : '',
    },
    { key: 'release', header: t('govColRelease'), cell: (r) => r.releaseId ?? '' },
    numericColumn('attempts', t('govColAttempts'), (r) => r.attempts),
  ];
  if (runs.some((r) => canRestart(r, caps)))
    columns.push({
      key: 'actions',
      header: t('govColActions'),
      cell: (r) =>
        canRestart(r, caps) ? (
          <button
            type="button"
            className="utrecht-button utrecht-button--secondary-action"
            disabled={restartDisabled}
            aria-label={t('govRunRestart', { id: r.id })}
            onClick={() => onRestart(r)}
          >
            {t('govRunRestartShort')}
          </button>
        ) : (
          ''
        ),
    });
  return columns;
}

/** The broker's start button; the board is told that it only reads. */
function StartRun({ disabled, onStart }: { disabled: boolean; onStart: () => void }) {
  const { t } = useI18n();
  const { caps } = useSession();
  if (!caps.runsStart) return <Paragraph className="sz-hint">{t('govRunsReadOnly')}</Paragraph>;
  return (
    <div className="sz-actions">
      <button
        type="button"
        className="utrecht-button utrecht-button--primary-action"
        disabled={disabled}
        onClick={onStart}
      >
        {t('govRunStart')}
      </button>
    </div>
  );
}

export function Runs() {
  const { t } = useI18n();
  const { changed } = useSession();
  const api = useGovApi();
  const list = useList<RunRow>('/api/v1/runs');
  const [chosen, setChosen] = useState<string | null>(null);
  const action = useAction();
  const runs = list.rows ?? [];
  const follow = runToFollow(runs, chosen);

  const launch = (url: string, doneKey: 'govRunStarted' | 'govRunRestarted') =>
    void action.run(async () => {
      const run = await api.post<RunRow>(url);
      setChosen(run.id);
      list.reload();
      return t(doneKey, { id: run.id });
    });
  const onEnded = (run: RunRow) => {
    // Said in the place of the action's outcome.
    action.say(t('govRunEnded', { id: run.id, state: t(RUN_STATE_WORDS[run.state]) }));
    // The runs list, and the airlock (a new candidate), change.
    changed();
  };
  const columns = useRunColumns(runs, action.busy || follow !== null, (r) =>
    launch(`${runUrl(r.id)}/restart`, 'govRunRestarted'),
  );

  return (
    <GovSection id="gov-runs" title={t('govRuns')}>
      <Paragraph>{t('govRunsIntro')}</Paragraph>
      <StartRun
        disabled={action.busy || follow !== null}
        onStart={() => launch('/api/v1/runs', 'govRunStarted')}
      />
      <Outcome action={action} />
      {follow && <RunFollow key={follow} id={follow} onEnded={onEnded} />}
      <ListTable list={list} columns={columns} labelledBy="gov-runs" empty={t('govRunsEmpty')} />
    </GovSection>
  );
}
