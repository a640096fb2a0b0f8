import { Heading, Paragraph } from '@rijkshuisstijl-community/components-react';
import { useMemo } from 'react';
import {
  cellsUrl,
  useJson,
  useJsonAll,
  type Cell,
  type ReleaseDetail,
  type ReleaseInfo,
} from '../api.js';
import { Message } from '../components/Message.js';
import { formatNumber, useI18n } from '../i18n.js';
import { href } from '../router.js';

type Json = string | number | boolean | null | Json[] | { [k: string]: Json };

/** Renders an audit or approval object of unknown shape as nested definition lists. */
function JsonView({ value, depth = 0 }: { value: Json; depth?: number }) {
  const { lang } = useI18n();
  if (value === null) return <>–</>;
  if (typeof value === 'number') return <>{formatNumber(lang, value, 3)}</>;
  if (typeof value !== 'object') return <>{String(value)}</>;
  if (depth > 2) return <code>{JSON.stringify(value).slice(0, 200)}</code>;
  if (Array.isArray(value)) {
    if (value.length === 0) return <>–</>;
    return (
      <ul>
        {value.slice(0, 50).map((v, i) => (
          <li key={i}>
            <JsonView value={v} depth={depth + 1} />
          </li>
        ))}
      </ul>
    );
  }
  return (
    <dl className="utrecht-data-list">
      {Object.entries(value).map(([k, v]) => (
        <div className="utrecht-data-list__item" key={k}>
          <dt className="utrecht-data-list__item-key">{k}</dt>
          <dd className="utrecht-data-list__item-value">
            <JsonView value={v} depth={depth + 1} />
          </dd>
        </div>
      ))}
    </dl>
  );
}

interface Diff {
  year: number;
  changed: number;
  status: number;
  added: number;
  removed: number;
}

export function diffCells(now: readonly Cell[], before: readonly Cell[]): Diff | null {
  const years = now.map((c) => c.year);
  if (years.length === 0) return null;
  const year = Math.max(...years);
  const key = (c: Cell): string => `${c.indicator_id}|${c.region_code}|${c.breakdown}`;
  const prev = new Map(before.filter((c) => c.year === year).map((c) => [key(c), c]));
  const d: Diff = { year, changed: 0, status: 0, added: 0, removed: 0 };
  const seen = new Set<string>();
  for (const c of now) {
    if (c.year !== year) continue;
    const k = key(c);
    seen.add(k);
    const p = prev.get(k);
    if (!p) d.added++;
    else if (p.status !== c.status) d.status++;
    else if (p.value !== c.value) d.changed++;
  }
  for (const k of prev.keys()) if (!seen.has(k)) d.removed++;
  return d;
}

export function ReleasePage({ id }: { id: string }) {
  const { t, lang } = useI18n();
  const list = useJson<{ releases: ReleaseInfo[] }>('/api/v1/releases');
  const published = useMemo(
    () =>
      (list.data?.releases ?? [])
        .filter((r) => r.status === 'published')
        .sort((a, b) => a.createdAt.localeCompare(b.createdAt)),
    [list.data],
  );
  const current =
    id === 'latest' ? published[published.length - 1] : published.find((r) => r.id === id);
  const detail = useJson<ReleaseDetail>(
    current ? `/api/v1/releases/${encodeURIComponent(current.id)}` : null,
  );
  // The manifest names the release it revises; otherwise compare with the one published before.
  const named = detail.data?.manifest?.['previousRelease'];
  const index = current ? published.indexOf(current) : -1;
  const previous =
    typeof named === 'string'
      ? published.find((r) => r.id === named)
      : index > 0
        ? published[index - 1]
        : undefined;
  const cells = useJsonAll<{ cells: Cell[] }>(
    current && previous
      ? [cellsUrl(current.id, { level: 'gemeente' }), cellsUrl(previous.id, { level: 'gemeente' })]
      : null,
  );
  const diff = useMemo(
    () => (cells.data ? diffCells(cells.data[0]?.cells ?? [], cells.data[1]?.cells ?? []) : null),
    [cells.data],
  );

  if (list.error) return <Message kind="error" error={list.error} />;
  if (list.loading) return <Message kind="loading" />;
  if (published.length === 0) return <Paragraph>{t('releaseNone')}</Paragraph>;
  if (!current) return <Message kind="notFound" />;

  const date = (s: string | null | undefined): string =>
    s
      ? new Date(s).toLocaleString(lang === 'nl' ? 'nl-NL' : 'en-GB', { timeZone: 'UTC' }) + ' UTC'
      : '–';
  const manifest = (detail.data?.manifest ?? {}) as Record<string, Json>;
  const approvals = (manifest['approvals'] ??
    (detail.data?.release as unknown as Record<string, Json> | undefined)?.['reviews'] ??
    null) as Json;
  const added = (current.indicators ?? []).filter((i) => !(previous?.indicators ?? []).includes(i));
  const removed = (previous?.indicators ?? []).filter(
    (i) => !(current.indicators ?? []).includes(i),
  );

  return (
    <>
      <Heading level={1}>{t('releaseTitle', { id: current.id })}</Heading>
      <dl className="utrecht-data-list">
        <div className="utrecht-data-list__item">
          <dt className="utrecht-data-list__item-key">{t('createdAt')}</dt>
          <dd className="utrecht-data-list__item-value">{date(current.createdAt)}</dd>
        </div>
        <div className="utrecht-data-list__item">
          <dt className="utrecht-data-list__item-key">{t('publishedAt')}</dt>
          <dd className="utrecht-data-list__item-value">{date(current.publishedAt)}</dd>
        </div>
      </dl>
      <nav aria-labelledby="rel-choose">
        <Heading level={2} id="rel-choose">
          {t('releaseChoose')}
        </Heading>
        <ul>
          {[...published].reverse().map((r) => (
            <li key={r.id}>
              <a
                href={href(`/release/${r.id}`)}
                aria-current={r.id === current.id ? 'page' : undefined}
              >
                {r.id}
              </a>{' '}
              ({date(r.publishedAt)})
            </li>
          ))}
        </ul>
      </nav>

      <Heading level={2}>
        {previous ? t('changesTitle', { prev: previous.id }) : t('changesTitle', { prev: '–' })}
      </Heading>
      {!previous && <Paragraph>{t('changesFirst')}</Paragraph>}
      {previous && (
        <>
          <Paragraph>
            {t('changesIndicators', {
              added: added.join(', ') || t('none'),
              removed: removed.join(', ') || t('none'),
            })}
          </Paragraph>
          {cells.loading && <Message kind="loading" />}
          {diff && (
            <Paragraph>
              {t('changesCells', {
                year: diff.year,
                changed: diff.changed,
                status: diff.status,
                added: diff.added,
                removed: diff.removed,
              })}
            </Paragraph>
          )}
        </>
      )}

      <Heading level={2}>{t('auditTitle')}</Heading>
      {detail.loading && <Message kind="loading" />}
      {detail.error && <Message kind="error" error={detail.error} />}
      {detail.data?.audit && <JsonView value={detail.data.audit as Json} />}

      {manifest['rules'] !== undefined && (
        <>
          <Heading level={2}>{t('rulesTitle')}</Heading>
          <JsonView value={manifest['rules']} />
        </>
      )}
      {Array.isArray(manifest['inputs']) && manifest['inputs'].length > 0 && (
        <>
          <Heading level={2}>{t('inputsTitle')}</Heading>
          <ul>
            {(
              manifest['inputs'] as {
                provider?: string;
                dataset?: string;
                rows?: number;
                sha256?: string;
              }[]
            ).map((f, i) => (
              <li key={i}>
                {f.provider ?? '?'}: {f.dataset ?? '?'} ({formatNumber(lang, f.rows ?? 0)}{' '}
                {t('rows').toLowerCase()}), sha256 <code>{(f.sha256 ?? '').slice(0, 12)}…</code>
              </li>
            ))}
          </ul>
        </>
      )}

      <Heading level={2}>{t('approvalsTitle')}</Heading>
      {approvals === null || (Array.isArray(approvals) && approvals.length === 0) ? (
        <Paragraph>{t('approvalsNone')}</Paragraph>
      ) : (
        <JsonView value={approvals} />
      )}
      <Paragraph>
        <a href={`/api/v1/releases/${encodeURIComponent(current.id)}/cells.csv`} download>
          {t('downloadCsv')}
        </a>{' '}
        ·{' '}
        <a href={`/api/v1/releases/${encodeURIComponent(current.id)}/cells.parquet`} download>
          {t('downloadParquet')}
        </a>
      </Paragraph>
    </>
  );
}
