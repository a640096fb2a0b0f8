/** A labelled select of the NL Design System: the filters of the map and zoekgebieden pages. */
import { useId } from 'react';

export interface SelectFieldProps {
  label: string;
  value: string | number;
  /** [value, text] per option, in order. */
  options: readonly (readonly [string | number, string])[];
  onChange: (value: string) => void;
}

export function SelectField({ label, value, options, onChange }: SelectFieldProps) {
  const id = useId();
  return (
    <div className="sz-field">
      <label className="utrecht-form-label" htmlFor={id}>
        {label}
      </label>
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
    </div>
  );
}
