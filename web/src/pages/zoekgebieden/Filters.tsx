import type { Region } from '../../api.js';
import { SelectField } from '../../components/SelectField.js';
import { useI18n } from '../../i18n.js';
import { navigate, type Params } from '../../router.js';
import { STRICTNESS, type Level } from './words.js';

const byName = (regions: readonly Region[]): Region[] =>
  [...regions].sort((a, b) => a.name.localeCompare(b.name, 'nl'));

/**
 * The scope (a gemeente or a veiligheidsregio), year, level and strictness; every change is a
 * new URL, and a new scope or year forgets the chosen area.
 */
export function Filters({
  gemeente,
  regio,
  gemeenten,
  regios,
  year,
  years,
  level,
  q,
  view,
}: {
  gemeente: string | null;
  regio: string | null;
  gemeenten: readonly Region[];
  regios: readonly Region[];
  year: number | undefined;
  years: readonly number[];
  level: Level;
  q: number;
  view: (changes: Params) => string;
}) {
  const { t } = useI18n();
  return (
    <form className="sz-form" onSubmit={(e) => e.preventDefault()}>
      <SelectField
        label={t('zgGemeente')}
        value={gemeente ?? ''}
        options={[
          ['', t('zgChooseOption')],
          ...byName(gemeenten).map((g) => [g.code, g.name] as const),
        ]}
        onChange={(v) =>
          navigate(view({ gemeente: v, veiligheidsregio: undefined, gebied: undefined }))
        }
      />
      <SelectField
        label={t('zgVeiligheidsregio')}
        value={regio ?? ''}
        options={[
          ['', t('zgChooseOption')],
          ...byName(regios).map((r) => [r.code, r.name] as const),
        ]}
        onChange={(v) =>
          navigate(view({ veiligheidsregio: v, gemeente: undefined, gebied: undefined }))
        }
      />
      <SelectField
        label={t('year')}
        value={year ?? ''}
        options={years.map((y) => [y, String(y)] as const)}
        onChange={(v) => navigate(view({ year: v, gebied: undefined }))}
      />
      <SelectField
        label={t('level')}
        value={level}
        options={[
          ['wijk', t('levelwijk')],
          ['buurt', t('levelbuurt')],
        ]}
        onChange={(v) => navigate(view({ level: v, gebied: undefined }))}
      />
      <SelectField
        label={t('zgStrictness')}
        value={q}
        options={STRICTNESS.map(([v, key]) => [v, t(key)] as const)}
        onChange={(v) => navigate(view({ q: v }))}
      />
    </form>
  );
}
