import type { Cell } from '../api.js';
import { isSuppressed } from '../api.js';
import { formatNumber, useI18n, type Key } from '../i18n.js';

/** A published figure, or CBS's '.' for a secret one (explained to screen readers and on hover). */
export function Value({ cell, value }: { cell?: Cell | undefined; value?: number | null }) {
  const { t, lang } = useI18n();
  if (cell && isSuppressed(cell.status)) {
    const why = t(`status${cell.status}` as Key);
    return (
      <abbr title={why} className="sz-suppressed">
        .<span className="sz-visually-hidden"> ({why})</span>
      </abbr>
    );
  }
  const v = cell ? cell.value : value;
  if (v === null || v === undefined) return <span aria-label={t('statusmissing')}>–</span>;
  return <>{formatNumber(lang, v)}</>;
}
