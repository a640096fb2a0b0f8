/** A labelled select of the NL Design System: the filters and choices of the pages. */
import { useI18n } from '../i18n.js';
import { Field } from './Field.js';

export interface SelectFieldProps {
  label: string;
  value: string | number;
  /** [value, text] per option, in order. */
  options: readonly (readonly [string | number, string])[];
  onChange: (value: string) => void;
  /** The frame's classes, when it sits among other controls. */
  className?: string;
}

export function SelectField({ label, value, options, onChange, className }: SelectFieldProps) {
  return (
    <Field label={label} className={className}>
      {({ id }) => (
        <select
          id={id}
          className="utrecht-select"
          value={value}
          onChange={(e) => onChange(e.target.value)}
        >
          {options.map(([v, text]) => (
            <option key={v} value={v}>
              {text}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

/** The choice between wijken and buurten, on the map of a gemeente and on the zoekgebieden. */
export function LevelField({
  value,
  onChange,
}: {
  value: 'wijk' | 'buurt';
  onChange: (level: string) => void;
}) {
  const { t } = useI18n();
  const levels = ['wijk', 'buurt'] as const;
  return (
    <SelectField
      label={t('level')}
      value={value}
      options={levels.map((l) => [l, t(`level${l}`)] as const)}
      onChange={onChange}
    />
  );
}
