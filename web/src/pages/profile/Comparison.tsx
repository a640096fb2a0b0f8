import { Heading, Paragraph } from '@rijkshuisstijl-community/components-react';
import { ComparisonPicker, type ComparisonPickerProps } from '../../components/ComparisonPicker.js';
import { useI18n } from '../../i18n.js';

/** Who the gemeente is compared with: the chosen gemeenten, the automatic group, or nobody. */
function ComparisonText({
  name,
  chosen,
  auto,
  method,
  names,
}: {
  name: string;
  chosen: readonly string[];
  auto: readonly string[];
  method: string | null;
  names: Map<string, string>;
}) {
  const { t } = useI18n();
  const list = (codes: readonly string[]) => codes.map((c) => names.get(c) ?? c).join(', ');
  return (
    <div className="sz-compare-text">
      {chosen.length > 0 ? (
        <Paragraph>
          <strong>{t('compareChosen', { n: chosen.length, list: list(chosen) })}</strong>
        </Paragraph>
      ) : auto.length > 0 ? (
        <>
          <Paragraph>
            <strong>{t('compareAuto', { n: auto.length, list: list(auto) })}</strong>
          </Paragraph>
          {method && <p className="sz-hint">{t('compareMethod', { method })}</p>}
        </>
      ) : (
        <Paragraph>{t('compareNoAuto', { name })}</Paragraph>
      )}
      <p className="sz-hint">{t('compareOnlyRates')}</p>
    </div>
  );
}

/** The comparison: who the group is, and the picker to choose it (the automatic group offered). */
export function CompareSection({
  name,
  method,
  names,
  ...picker
}: ComparisonPickerProps & {
  name: string;
  method: string | null;
  names: Map<string, string>;
}) {
  const { t } = useI18n();
  const { chosen, suggested } = picker;
  return (
    <section aria-labelledby="compare-h" className="sz-compare">
      <Heading level={2} id="compare-h">
        {t('compareTitle')}
      </Heading>
      <ComparisonText name={name} chosen={chosen} auto={suggested} method={method} names={names} />
      <ComparisonPicker {...picker} />
    </section>
  );
}
