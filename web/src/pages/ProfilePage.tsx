import { Heading, Paragraph } from '@rijkshuisstijl-community/components-react';
import { useMemo } from 'react';
import {
  cellsUrl,
  unitOf,
  useAllPagesOf,
  useCells,
  useIndicators,
  useJson,
  useRegions,
  type Cell,
  type CellsResponse,
  type Comparable,
} from '../api.js';
import { Message } from '../components/Message.js';
import { SyntheticNote } from '../components/SyntheticNote.js';
import { Sparkline } from '../components/Sparkline.js';
import { Value } from '../components/Value.js';
import { formatNumber, useI18n } from '../i18n.js';
import { peerMean, readAgainstPeers, type Reading } from '../reading.js';
import { href } from '../router.js';

const totals = (cells: readonly Cell[]): Cell[] => cells.filter((c) => c.breakdown === '');

export function ProfilePage({ code }: { code: string }) {
  const { t, lang } = useI18n();
  const regions = useRegions({ level: 'gemeente' });
  const indicators = useIndicators();
  const own = useCells('latest', { region: code });
  const national = useCells('latest', { region: 'NL01' });
  const comparable = useJson<Comparable>(`/api/v1/regions/${encodeURIComponent(code)}/comparable`);
  const peerCodes = comparable.data?.peers ?? [];
  // The peers are computed on one release: read their figures from that same release.
  const peerRelease = comparable.data?.release ?? 'latest';
  const peerUrls = comparable.loading
    ? null
    : peerCodes.map((p) => cellsUrl(peerRelease, { region: p }));
  const peers = useAllPagesOf<CellsResponse, 'cells'>(peerUrls, 'cells');

  const names = useMemo(
    () => new Map((regions.data?.regions ?? []).map((r) => [r.code, r.name])),
    [regions.data],
  );
  const name = names.get(code) ?? code;

  const rows = useMemo(() => {
    if (!own.data || !indicators.data) return [];
    const ownCells = totals(own.data.cells);
    const year = Math.max(...ownCells.map((c) => c.year));
    const nl = totals(national.data?.cells ?? []);
    const peerCells = totals((peers.data ?? []).flatMap((p) => p.cells));
    return indicators.data.indicators.map((ind) => {
      const mine = ownCells
        .filter((c) => c.indicator_id === ind.id)
        .sort((a, b) => a.year - b.year);
      const current = mine.find((c) => c.year === year);
      const peerNow = peerCells.filter((c) => c.indicator_id === ind.id && c.year === year);
      const reading: Reading | null = current ? readAgainstPeers(current, peerNow) : null;
      return {
        ind,
        year,
        current,
        peerValue: peerMean(peerNow),
        national: nl.find((c) => c.indicator_id === ind.id && c.year === year),
        trend: mine
          .filter((c) => c.value !== null && c.status === 'published')
          .map((c) => ({ year: c.year, value: c.value as number })),
        reading,
      };
    });
  }, [own.data, indicators.data, national.data, peers.data]);

  if (own.error) return <Message kind="error" error={own.error} />;
  if (own.loading || indicators.loading || regions.loading) return <Message kind="loading" />;
  const year = rows[0]?.year ?? '';

  const basis = (r: Reading): string => {
    const b = r.basis;
    if (b.kind === 'poisson') {
      return t('basisPoisson', {
        obs: formatNumber(lang, b.observed),
        exp: formatNumber(lang, Math.round(b.expected)),
        z: formatNumber(lang, b.z, 1),
      });
    }
    if (b.kind === 'range')
      return t('basisRange', {
        n: b.n,
        min: formatNumber(lang, b.min),
        max: formatNumber(lang, b.max),
      });
    return t('basisNone');
  };

  return (
    <>
      <Heading level={1}>{t('profileTitle', { name })}</Heading>
      <Paragraph purpose="lead">{t('profileIntro', { name, code, year })}</Paragraph>
      <p className="sz-caution">{t('caution')}</p>
      <SyntheticNote gemeente={code} />
      <Paragraph>
        {peerCodes.length > 0
          ? t('peersAre', {
              list: peerCodes.map((p) => names.get(p) ?? p).join(', '),
              method: comparable.data?.method[lang] ?? '',
            })
          : t('noPeers')}
      </Paragraph>
      <p>
        <a href={href('/kaart', { gemeente: code })}>{t('zoomInto', { name })}</a>
      </p>
      <div className="sz-table-wrap">
        <table className="utrecht-table">
          <caption className="utrecht-table__caption">
            {t('profileCaption', { name, year })}
          </caption>
          <thead className="utrecht-table__header">
            <tr className="utrecht-table__row">
              <th className="utrecht-table__header-cell" scope="col">
                {t('colIndicator')}
              </th>
              <th className="utrecht-table__header-cell sz-num" scope="col">
                {name}
              </th>
              <th className="utrecht-table__header-cell sz-num" scope="col">
                {t('colPeers')}
              </th>
              <th className="utrecht-table__header-cell sz-num" scope="col">
                {t('colNational')}
              </th>
              <th className="utrecht-table__header-cell" scope="col">
                {t('colTrend')}
              </th>
              <th className="utrecht-table__header-cell" scope="col">
                {t('colReading')}
              </th>
            </tr>
          </thead>
          <tbody className="utrecht-table__body">
            {rows.map((r) => (
              <tr className="utrecht-table__row" key={r.ind.id}>
                <th className="utrecht-table__header-cell" scope="row">
                  <a href={href(`/indicator/${r.ind.id}`)}>{r.ind.title[lang]}</a>{' '}
                  <span className="sz-hint">({unitOf(r.ind, lang)})</span>
                </th>
                <td className="utrecht-table__cell sz-num">
                  <Value cell={r.current} />
                </td>
                <td className="utrecht-table__cell sz-num">
                  <Value value={r.peerValue} />
                </td>
                <td className="utrecht-table__cell sz-num">
                  <Value cell={r.national} />
                </td>
                <td className="utrecht-table__cell">
                  <Sparkline points={r.trend} />
                </td>
                <td className="utrecht-table__cell">
                  {r.reading ? (
                    <>
                      <strong>{t(r.reading.key)}</strong>
                      <br />
                      <span className="sz-hint">{basis(r.reading)}</span>
                    </>
                  ) : (
                    t('readingUnknown')
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <Paragraph className="sz-hint">{t('rounding')}</Paragraph>
    </>
  );
}
