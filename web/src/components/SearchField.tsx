/** A labelled search box with a hint: the gemeente search and the comparison picker. */
import type { KeyboardEvent, Ref } from 'react';
import { Field } from './Field.js';

export function SearchField({
  label,
  hint,
  value,
  onChange,
  inputRef,
  controls,
  onKeyDown,
}: {
  label: string;
  hint: string;
  value: string;
  onChange: (value: string) => void;
  inputRef?: Ref<HTMLInputElement>;
  /** The id of the list the search narrows. */
  controls?: string;
  onKeyDown?: (e: KeyboardEvent<HTMLInputElement>) => void;
}) {
  return (
    <Field label={label} hint={hint} hintAs="span">
      {({ id, describedBy }) => (
        <input
          id={id}
          ref={inputRef}
          className="utrecht-textbox utrecht-textbox--html-input"
          type="search"
          autoComplete="off"
          aria-describedby={describedBy}
          aria-controls={controls}
          value={value}
          onChange={(e) => onChange(e.target.value)}
          onKeyDown={onKeyDown}
        />
      )}
    </Field>
  );
}
