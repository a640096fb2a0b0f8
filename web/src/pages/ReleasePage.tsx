import { Alert, Heading, Paragraph } from '@rijkshuisstijl-community/components-react';
import { useMemo, type ReactNode } from 'react';
import {
  cellsUrl,
  HttpError,
  useAllPagesOf,
  useIndicators,
  useJson,
  useReleases,
  type Cell,
  type CellsResponse,
  type PublicManifest,
  type ReleaseDetail,
  type ReleaseInfo,
} from '../api.js';
import { DataTable, type Column } from '../components/DataTable.js';
import { Message } from '../components/Message.js';
import { formatNumber, useI18n, type Key, type Lang } from '../i18n.js';
import { href } from '../router.js';
import {
  providerName,
  regionSetText,
  reviewsByCapacity,
  ruleName,
  ruleParameterLines,
} from '../words.js';

export interface Diff {
  year: number;
  changed: number;
  status: number;
  added: number;
  removed: number;
}

/**
 * Figures of one year compared between two releases, on public statuses only: a value that
 * changed (published in both), a figure whose status changed (published ↔ confidential), new
 * and dropped figures.
 */
export function diffCells(
  now: readonly Cell[],
  before: readonly Cell[],
  year?: number,
): Diff | null {
  const y = year ?? (now.length === 0 ? undefined : Math.max(...now.map((c) => c.year)));
  if (y === undefined) return null;
  const key = (c: Cell): string => `${c.indicator_id}|${c.region_code}|${c.breakdown}`;
  const prev = new Map(before.filter((c) => c.year === y).map((c) => [key(c), c]));
  const d: Diff = { year: y, changed: 0, status: 0, added: 0, removed: 0 };
  const seen = new Set<string>();
  for (const c of now) {
    if (c.year !== y) continue;
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

/** "2019–2023" for consecutive years, otherwise a list. */
function yearsText(years: readonly number[]): string {
  const ys = [...years].sort((a, b) => a - b);
  if (ys.length === 0) return '–';
  const consecutive = ys.every((y, i) => i === 0 || y === (ys[i - 1] as number) + 1);
  return consecutive && ys.length > 2 ? `${ys[0]}–${ys[ys.length - 1]}` : ys.join(', ');
}

function dateText(lang: Lang, s: string | null | undefined): string {
  return s
    ? new Date(s).toLocaleString(lang === 'nl' ? 'nl-NL' : 'en-GB', { timeZone: 'UTC' }) + ' UTC'
    : '–';
}

function Item({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="utrecht-data-list__item">
      <dt className="utrecht-data-list__item-key">{label}</dt>
      <dd className="utrecht-data-list__item-value">{children}</dd>
    </div>
  );
}

/** The region basis: its year and source, how years are put on it, and its herindelingen. */
function RegionSetFacts({ regionSet }: { regionSet: PublicManifest['regionSet'] }) {
  const { t, lang } = useI18n();
  const herindelingen = regionSet.herindelingen ?? [];
  return (
    <>
      {regionSetText(lang, regionSet)}
      {regionSet.basis === 'one-division' && (
        <span className="sz-block sz-hint">
          {t('regionBasisOneDivision', { year: regionSet.year })}
        </span>
      )}
      {herindelingen.length > 0 && (
        <>
          <span className="sz-block">{t('herindelingen')}:</span>
          <ul className="sz-plain">
            {herindelingen.map((h) => (
              <li key={`${h.year}-${h.code}`}>
                {t('herindeling', {
                  year: h.year,
                  name: h.name,
                  code: h.code,
                  former: h.former.map((f) => `${f.name} (${f.code})`).join(', '),
                })}
              </li>
            ))}
          </ul>
        </>
      )}
    </>
  );
}

function DisclosureTable({
  manifest,
  titleOf,
}: {
  manifest: PublicManifest;
  titleOf: (id: string) => string;
}) {
  const { t, lang } = useI18n();
  const all = manifest.indicators.map((i) => i.id);
  type Rule = PublicManifest['disclosure']['rules'][number];
  const columns: Column<Rule>[] = [
    { key: 'rule', header: t('colRule'), rowHeader: true, cell: (r) => ruleName(r.rule, lang) },
    {
      key: 'cells',
      header: t('colProtected'),
      numeric: true,
      cell: (r) => formatNumber(lang, r.cells),
    },
    { key: 'passed', header: t('colPassed'), cell: (r) => (r.passed ? t('yes') : t('no')) },
    {
      key: 'parameters',
      header: t('colParameters'),
      cell: (r) => {
        const lines = ruleParameterLines(r, all, titleOf, lang);
        return lines.length === 1 ? (
          lines[0]
        ) : (
          <ul className="sz-plain">
            {lines.map((l) => (
              <li key={l}>{l}</li>
            ))}
          </ul>
        );
      },
    },
  ];
  return (
    <DataTable
      caption={t('disclosureCaption', { id: manifest.id })}
      columns={columns}
      rows={manifest.disclosure.rules}
      rowKey={(r) => r.rule}
    />
  );
}

function Changes({
  current,
  previous,
  year,
  titleOf,
}: {
  current: ReleaseInfo;
  previous: ReleaseInfo | undefined;
  year: number | undefined;
  titleOf: (id: string) => string;
}) {
  const { t } = useI18n();
  // Gemeente figures of the latest year of both releases, every page of them.
  const cells = useAllPagesOf<CellsResponse, 'cells'>(
    previous && year !== undefined
      ? [
          cellsUrl(current.id, { level: 'gemeente', year }),
          cellsUrl(previous.id, { level: 'gemeente', year }),
        ]
      : null,
    'cells',
  );
  const diff = useMemo(
    () =>
      cells.data ? diffCells(cells.data[0]?.cells ?? [], cells.data[1]?.cells ?? [], year) : null,
    [cells.data, year],
  );
  if (!previous)
    return (
      <>
        <Heading level={2}>{t('changesTitle', { prev: '–' })}</Heading>
        <Paragraph>{t('changesFirst')}</Paragraph>
      </>
    );
  const added = current.indicators.filter((i) => !previous.indicators.includes(i));
  const removed = previous.indicators.filter((i) => !current.indicators.includes(i));
  return (
    <>
      <Heading level={2}>{t('changesTitle', { prev: previous.id })}</Heading>
      <Paragraph>
        {t('changesIndicators', {
          added: added.map(titleOf).join(', ') || t('none'),
          removed: removed.map(titleOf).join(', ') || t('none'),
        })}
      </Paragraph>
      {cells.loading && <Message kind="loading" />}
      {cells.error && <Message kind="error" error={cells.error} />}
      {diff && (
        <>
          <Paragraph className="sz-changes">
            {t('changesCells', {
              year: diff.year,
              changed: diff.changed,
              status: diff.status,
              added: diff.added,
              removed: diff.removed,
            })}
          </Paragraph>
          <Paragraph className="sz-hint">{t('changesStatusHint')}</Paragraph>
        </>
      )}
    </>
  );
}

export function ReleasePage({ id }: { id: string }) {
  const { t, lang } = useI18n();
  const list = useReleases();
  const indicators = useIndicators();
  const releases = useMemo(
    () => [...(list.data?.releases ?? [])].sort((a, b) => a.createdAt.localeCompare(b.createdAt)),
    [list.data],
  );
  const listed = id === 'latest' ? undefined : releases.find((r) => r.id === id);
  // `latest` answers with a redirect to the concrete release, whose detail names it. A withdrawn
  // release is no longer served: the list says what the public may still know of it.
  const detail = useJson<ReleaseDetail>(
    id === 'latest' || listed?.status === 'published'
      ? `/api/v1/releases/${encodeURIComponent(id)}`
      : null,
  );
  const titles = useMemo(
    () => new Map((indicators.data?.indicators ?? []).map((i) => [i.id, i.title[lang]])),
    [indicators.data, lang],
  );
  const titleOf = (i: string): string => titles.get(i) ?? i;

  const current = detail.data?.release ?? (listed?.status === 'withdrawn' ? listed : undefined);
  const manifest = detail.data?.manifest;
  const published = releases.filter((r) => r.status === 'published');
  // The manifest names the release it revises; otherwise compare with the one published before.
  const named = published.find((r) => r.id === manifest?.previousRelease);
  const before = current
    ? published.filter((r) => r.createdAt < current.createdAt && r.id !== current.id)
    : [];
  const previous = named ?? before[before.length - 1];
  const years = manifest?.years ?? current?.years ?? [];
  const year = years.length > 0 ? Math.max(...years) : undefined;

  if (detail.error instanceof HttpError && detail.error.status === 404)
    return id === 'latest' ? (
      <Paragraph>{t('releaseNone')}</Paragraph>
    ) : (
      <Message kind="notFound" />
    );
  if (detail.error) return <Message kind="error" error={detail.error} />;
  if (list.error) return <Message kind="error" error={list.error} />;
  if (id !== 'latest' && list.data && !listed) return <Message kind="notFound" />;
  if (!current) return <Message kind="loading" />;

  const approvals = reviewsByCapacity(current.reviews, lang, 'approve');
  const rejections = reviewsByCapacity(current.reviews, lang, 'reject');
  const withdrawn = current.status === 'withdrawn';

  return (
    <>
      <Heading level={1}>{t('releaseTitle', { id: current.id })}</Heading>
      <Paragraph purpose="lead">{t('releaseIntro')}</Paragraph>
      {withdrawn && (
        <Alert type="warning">
          <Paragraph>
            {current.withdrawnReason
              ? t('withdrawnBecause', { reason: current.withdrawnReason })
              : t('withdrawnNoReason')}
          </Paragraph>
        </Alert>
      )}
      <dl className="utrecht-data-list sz-release-facts">
        <Item label={t('status')}>{t(`releaseStatus${current.status}` as Key)}</Item>
        <Item label={t('createdAt')}>{dateText(lang, current.createdAt)}</Item>
        <Item label={t('publishedAt')}>{dateText(lang, current.publishedAt)}</Item>
        <Item label={t('approvedBy')}>{approvals || t('approvalsNone')}</Item>
        {rejections && <Item label={t('rejectedBy')}>{rejections}</Item>}
        <Item label={t('releaseIndicators')}>
          {(manifest?.indicators.map((i) => i.id) ?? current.indicators).map(titleOf).join(', ') ||
            t('none')}
        </Item>
        <Item label={t('releaseYears')}>{yearsText(years)}</Item>
        {manifest && (
          <Item label={t('regionSet')}>
            <RegionSetFacts regionSet={manifest.regionSet} />
          </Item>
        )}
        {manifest && <Item label={t('codeVersion')}>{manifest.codeVersion}</Item>}
      </dl>

      {detail.loading && <Message kind="loading" />}
      {manifest && !withdrawn && (
        <Summary manifest={manifest} titleOf={titleOf}>
          <Changes current={current} previous={previous} year={year} titleOf={titleOf} />
        </Summary>
      )}

      {releases.length > 1 && (
        <nav aria-labelledby="rel-choose">
          <Heading level={2} id="rel-choose">
            {t('releaseChoose')}
          </Heading>
          <ul>
            {[...releases].reverse().map((r) => (
              <li key={r.id}>
                <a
                  href={href(`/release/${r.id}`)}
                  aria-current={r.id === current.id ? 'page' : undefined}
                >
                  {r.id}
                </a>{' '}
                ({t(`releaseStatus${r.status}` as Key)}, {dateText(lang, r.publishedAt)})
              </li>
            ))}
          </ul>
        </nav>
      )}
    </>
  );
}

/** What the public manifest tells: figures, disclosure control, data used, notes, downloads. */
function Summary({
  manifest,
  titleOf,
  children,
}: {
  manifest: PublicManifest;
  titleOf: (id: string) => string;
  children: ReactNode;
}) {
  const { t, lang } = useI18n();
  const byStatus = manifest.cells.byStatus;
  const sources = new Map<string, string[]>();
  for (const i of manifest.inputs)
    sources.set(i.provider, [...(sources.get(i.provider) ?? []), i.dataset]);
  const file = (name: string): string =>
    `/api/v1/releases/${encodeURIComponent(manifest.id)}/${name}`;
  return (
    <>
      <Heading level={2}>{t('figuresTitle')}</Heading>
      <dl className="utrecht-data-list sz-figures">
        <Item label={t('figuresTotal')}>{formatNumber(lang, manifest.cells.count)}</Item>
        <Item label={t('figuresPublished')}>{formatNumber(lang, byStatus.published ?? 0)}</Item>
        <Item label={t('figuresConfidential')}>
          {formatNumber(lang, byStatus.confidential ?? 0)}
        </Item>
        <Item label={t('figuresNa')}>{formatNumber(lang, byStatus['not-applicable'] ?? 0)}</Item>
        <Item label={t('checksum')}>
          <code>{manifest.cells.sha256.slice(0, 12)}</code>
        </Item>
      </dl>
      <Paragraph className="sz-hint">{t('rounding')}</Paragraph>

      <Heading level={2}>{t('disclosureTitle')}</Heading>
      <Paragraph>{t('disclosureIntro')}</Paragraph>
      <Paragraph className="sz-status">
        {manifest.disclosure.passed ? t('disclosurePassed') : t('disclosureFailed')}
      </Paragraph>
      <DisclosureTable manifest={manifest} titleOf={titleOf} />

      {sources.size > 0 && (
        <>
          <Heading level={2}>{t('inputsTitle')}</Heading>
          <ul>
            {[...sources.entries()].map(([provider, datasets]) => (
              <li key={provider}>
                {providerName(provider)}: {datasets.join(', ')}
              </li>
            ))}
          </ul>
        </>
      )}

      {manifest.notes.length > 0 && (
        <>
          <Heading level={2}>{t('notesTitle')}</Heading>
          <ul className="sz-notes">
            {manifest.notes.map((n) => (
              <li key={n.en}>{n[lang]}</li>
            ))}
          </ul>
        </>
      )}

      <Heading level={2}>{t('downloads')}</Heading>
      <ul>
        <li>
          <a href={file('cells.csv')} download>
            {t('downloadReleaseCsv')}
          </a>
        </li>
        <li>
          <a href={file('cells.parquet')} download>
            {t('downloadReleaseParquet')}
          </a>
        </li>
      </ul>
      {children}
    </>
  );
}
