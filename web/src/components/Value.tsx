import type { Cell } from '../api.js';
import { isConfidential } from '../api.js';
import { formatNumber, useI18n } from '../i18n.js';

/**
 * A published figure, or CBS's '.' for a confidential one (explained to screen readers and on
 * hover); a figure that cannot occur is '–'.
 */
export function Value({ cell, value }: { cell?: Cell | undefined; value?: number | null }) {
  const { t, lang } = useI18n();
  if (cell && isConfidential(cell.status)) {
    const why = t('statusconfidential');
    return (
      <abbr title={why} className="sz-confidential">
        .<span className="sz-visually-hidden"> ({why})</span>
      </abbr>
    );
  }
  const v = cell ? cell.value : value;
  if (v === null || v === undefined) {
    const why = cell?.status === 'not-applicable' ? t('statusnot-applicable') : t('statusmissing');
    return (
      <>
        <span aria-hidden="true">–</span>
        <span className="sz-visually-hidden">{why}</span>
      </>
    );
  }
  return <>{formatNumber(lang, v)}</>;
}
