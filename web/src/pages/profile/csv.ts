import { unitOf } from '../../api.js';
import type { ProfileRow } from '../../compare.js';
import { toCsv } from '../../csv.js';
import { themeTitle, type Key, type T } from '../../i18n.js';
import type { Lang } from '../../texts.js';
import { readingText } from './readings.js';

/** The rows as CSV: what the tables show, numbers with a decimal point. */
export function profileCsv(
  t: T,
  lang: Lang,
  rows: readonly ProfileRow[],
  gemeente: { code: string; name: string },
  year: number,
  group: readonly string[],
): string {
  const status = (r: ProfileRow): string => t(`csvStatus${r.current?.status ?? 'missing'}` as Key);
  const value = (v: number | null | undefined, confidential = false): string | number | null =>
    confidential ? '.' : (v ?? null);
  return toCsv(
    [
      t('theme'),
      'indicator_id',
      t('colIndicator'),
      t('unit'),
      t('colYear'),
      t('colCode'),
      t('colRegion'),
      t('colValue'),
      t('colStatus'),
      t('colGroup'),
      t('csvGroupMembers'),
      t('colNational'),
      t('colReading'),
    ],
    rows.map((r) => [
      themeTitle(r.indicator.theme, lang),
      r.indicator.id,
      r.indicator.title[lang],
      unitOf(r.indicator, lang),
      year,
      gemeente.code,
      gemeente.name,
      value(r.current?.value, r.current?.status === 'confidential'),
      status(r),
      r.compared ? r.groupValue : null,
      r.compared ? group.join(';') : null,
      r.compared ? value(r.national?.value, r.national?.status === 'confidential') : null,
      readingText(t, r),
    ]),
  );
}
