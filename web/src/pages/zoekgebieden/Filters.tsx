import type { Region } from '../../api.js';
import { LevelField, SelectField } from '../../components/SelectField.js';
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
  // A gemeente or a veiligheidsregio: choosing one forgets the other, and the chosen area.
  const scopes = [
    ['gemeente', t('zgGemeente'), gemeente, gemeenten],
    ['veiligheidsregio', t('zgVeiligheidsregio'), regio, regios],
  ] as const;
  const rescope = { gemeente: undefined, veiligheidsregio: undefined, gebied: undefined };
  return (
    <form className="sz-form" onSubmit={(e) => e.preventDefault()}>
      {scopes.map(([param, label, value, regions]) => (
        <SelectField
          key={param}
          label={label}
          value={value ?? ''}
          options={[
            ['', t('zgChooseOption')],
            ...byName(regions).map((r) => [r.code, r.name] as const),
          ]}
          onChange={(v) => navigate(view({ ...rescope, [param]: v }))}
        />
      ))}
      <SelectField
        label={t('year')}
        value={year ?? ''}
        options={years.map((y) => [y, String(y)] as const)}
        onChange={(v) => navigate(view({ year: v, gebied: undefined }))}
      />
      <LevelField value={level} onChange={(v) => navigate(view({ level: v, gebied: undefined }))} />
      <SelectField
        label={t('zgStrictness')}
        value={q}
        options={STRICTNESS.map(([v, key]) => [v, t(key)] as const)}
        onChange={(v) => navigate(view({ q: v }))}
      />
    </form>
  );
}
