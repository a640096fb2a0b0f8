import { Alert, Heading, Paragraph } from '@rijkshuisstijl-community/components-react';
import { useMemo } from 'react';
import {
  HttpError,
  useIndicators,
  useJson,
  useReleases,
  type ReleaseDetail,
  type ReleaseInfo,
} from '../api.js';
import { Message } from '../components/Message.js';
import { useI18n, type Key } from '../i18n.js';
import { href } from '../router.js';
import { Changes } from './release/Changes.js';
import { dateText, ReleaseFacts } from './release/facts.js';
import { Summary } from './release/Summary.js';

export { diffCells, type Diff } from './release/diff.js';

/**
 * A release (`latest`: the newest published), what it revises, and the list of all releases.
 * `latest` answers with a redirect to the concrete release, whose detail names it. A withdrawn
 * release is no longer served: the list says what the public may still know of it.
 */
function useRelease(id: string) {
  const { lang } = useI18n();
  const list = useReleases();
  const indicators = useIndicators();
  const releases = useMemo(
    () => [...(list.data?.releases ?? [])].sort((a, b) => a.createdAt.localeCompare(b.createdAt)),
    [list.data],
  );
  const listed = id === 'latest' ? undefined : releases.find((r) => r.id === id);
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
  return { list, releases, listed, detail, titleOf, current, manifest, previous, years };
}

/** Why a withdrawn release was withdrawn. */
function WithdrawnNote({ release }: { release: ReleaseInfo }) {
  const { t } = useI18n();
  return (
    <Alert type="warning">
      <Paragraph>
        {release.withdrawnReason
          ? t('withdrawnBecause', { reason: release.withdrawnReason })
          : t('withdrawnNoReason')}
      </Paragraph>
    </Alert>
  );
}

/** Every release, newest first, the one shown marked as the current page. */
function ReleaseNav({
  releases,
  current,
}: {
  releases: readonly ReleaseInfo[];
  current: ReleaseInfo;
}) {
  const { t, lang } = useI18n();
  return (
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
  );
}

export function ReleasePage({ id }: { id: string }) {
  const { t } = useI18n();
  const { list, releases, listed, detail, titleOf, current, manifest, previous, years } =
    useRelease(id);
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
  const withdrawn = current.status === 'withdrawn';

  return (
    <>
      <Heading level={1}>{t('releaseTitle', { id: current.id })}</Heading>
      <Paragraph purpose="lead">{t('releaseIntro')}</Paragraph>
      {withdrawn && <WithdrawnNote release={current} />}
      <ReleaseFacts current={current} manifest={manifest} years={years} titleOf={titleOf} />

      {detail.loading && <Message kind="loading" />}
      {manifest && !withdrawn && (
        <Summary manifest={manifest} titleOf={titleOf}>
          <Changes current={current} previous={previous} year={year} titleOf={titleOf} />
        </Summary>
      )}

      {releases.length > 1 && <ReleaseNav releases={releases} current={current} />}
    </>
  );
}
