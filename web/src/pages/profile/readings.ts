/** A profile row's reading against its comparison group, in words. */
import type { ProfileRow } from '../../compare.js';
import { formatNumber, type T } from '../../i18n.js';
import type { Reading } from '../../reading.js';
import type { Lang } from '../../texts.js';

/** What the reading rests on: the Poisson test or the group's range. */
export function basisText(t: T, lang: Lang, r: Reading): string {
  const b = r.basis;
  if (b.kind === 'poisson')
    return t('basisPoisson', {
      obs: formatNumber(lang, b.observed),
      exp: formatNumber(lang, Math.round(b.expected)),
      z: formatNumber(lang, b.z, 1),
    });
  if (b.kind === 'range')
    return t('basisRange', {
      n: b.n,
      min: formatNumber(lang, b.min),
      max: formatNumber(lang, b.max),
    });
  return t('basisNone');
}

/** The reading of a row in words: against the group, or why there is none. */
export function readingText(t: T, r: ProfileRow): string {
  if (!r.compared) return t('notComparedReading');
  if (r.current?.status === 'confidential') return t('statusconfidential');
  if (r.current?.status === 'not-applicable') return t('statusnot-applicable');
  return t(r.reading?.key ?? 'readingUnknown');
}
