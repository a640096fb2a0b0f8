/** Small building blocks of the governance sections: fields, refusals, server words. */
import { Paragraph } from '@rijkshuisstijl-community/components-react';
import { useId, type ReactNode } from 'react';
import { HttpError } from '../../api.js';
import { Field } from '../../components/Field.js';
import { Message } from '../../components/Message.js';
import { DICTIONARIES, useI18n, type Key, type Lang, type T } from '../../i18n.js';
import { problemKind, waitWords, type ProblemKind } from './access.js';

const PROBLEM_KEYS: Record<ProblemKind, Key> = {
  invalid: 'govProbleminvalid',
  unauthenticated: 'govProblemunauthenticated',
  forbidden: 'govProblemforbidden',
  notFound: 'govProblemnotFound',
  conflict: 'govProblemconflict',
  tooLarge: 'govProblemtooLarge',
  tooMany: 'govProblemtooMany',
  other: 'govProblemother',
};

export type ServerWord = (prefix: string, value: string) => string;

/** A translated word for a server value (`prefix` + value), or the value itself when it is new. */
export function useServerWord(): ServerWord {
  const { t, lang } = useI18n();
  return (prefix, value) => {
    const key = `${prefix}${value}`;
    return key in DICTIONARIES[lang] ? t(key as Key) : value;
  };
}

/** The words a section's columns are written in: the page's texts and the server's values. */
export interface GovWords {
  t: T;
  lang: Lang;
  word: ServerWord;
}

export function useGovWords(): GovWords {
  const { t, lang } = useI18n();
  return { t, lang, word: useServerWord() };
}

/**
 * "Too many" (429) in the page language only, with the wait the server asks for (`retry-after`):
 * the server's own words are English, so they are left out. `locked`: the login lockout.
 */
export function useTooManyText(): (error: HttpError) => string {
  const { t } = useI18n();
  return (error) => {
    const what = t(error.code === 'locked' ? 'govLoginLocked' : 'govProblemtooMany');
    if (error.retryAfter === null) return `${what} ${t('govRetryLater')}`;
    const wait = waitWords(error.retryAfter);
    return `${what} ${t('govRetryIn', { wait: t(wait.key, { n: wait.n }) })}`;
  };
}

/**
 * A refusal of the server next to the form or button that caused it: what kind of refusal in the
 * page language, then the server's own message (`{error, message}`; the code is on the element).
 * Too many requests (429) says only how long to wait, in the page language.
 */
export function Refusal({ error }: { error: unknown }) {
  const { t } = useI18n();
  const tooMany = useTooManyText();
  if (!error) return null;
  const status = error instanceof HttpError ? error.status : undefined;
  const code = error instanceof HttpError ? error.code : undefined;
  if (error instanceof HttpError && problemKind(status) === 'tooMany') {
    return (
      <p
        role="alert"
        className="utrecht-form-field-error-message sz-refusal"
        data-error={code ?? 'tooMany'}
      >
        {tooMany(error)}
      </p>
    );
  }
  const message = error instanceof Error ? error.message : String(error);
  return (
    <p
      role="alert"
      className="utrecht-form-field-error-message sz-refusal"
      data-error={code ?? problemKind(status)}
    >
      {t(PROBLEM_KEYS[problemKind(status)])} {message}
    </p>
  );
}

/** What an action achieved, announced politely. */
export function Done({ text }: { text: string | null }) {
  if (!text) return null;
  return (
    <p role="status" className="sz-status">
      {text}
    </p>
  );
}

/** A list that could not be read: no access (403) is said calmly, anything else is an error. */
export function ReadProblem({ error }: { error: unknown }) {
  const { t } = useI18n();
  const tooMany = useTooManyText();
  if (!error) return null;
  if (error instanceof HttpError && error.status === 429)
    return <Paragraph className="sz-status">{tooMany(error)}</Paragraph>;
  if (error instanceof HttpError && (error.status === 403 || error.status === 401))
    return <Paragraph className="sz-status">{t('govNoAccess')}</Paragraph>;
  return <Message kind="error" error={error instanceof Error ? error : new Error(String(error))} />;
}

export function TextField({
  label,
  value,
  onChange,
  type = 'text',
  hint,
  required,
  autoComplete,
  pattern,
}: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  type?: 'text' | 'email' | 'password';
  hint?: ReactNode;
  required?: boolean;
  autoComplete?: string;
  pattern?: string;
}) {
  return (
    <Field label={label} hint={hint}>
      {({ id, describedBy }) => (
        <input
          id={id}
          className="utrecht-textbox"
          type={type}
          value={value}
          required={required}
          autoComplete={autoComplete ?? 'off'}
          pattern={pattern}
          aria-describedby={describedBy}
          onChange={(e) => onChange(e.target.value)}
        />
      )}
    </Field>
  );
}

export function TextAreaField({
  label,
  value,
  onChange,
}: {
  label: string;
  value: string;
  onChange: (v: string) => void;
}) {
  return (
    <Field label={label}>
      {({ id }) => (
        <textarea
          id={id}
          className="utrecht-textarea"
          rows={2}
          value={value}
          onChange={(e) => onChange(e.target.value)}
        />
      )}
    </Field>
  );
}

/** The primary button of a form, held while the form is sent. */
export function SubmitButton({ label, busy }: { label: string; busy: boolean }) {
  return (
    <div className="sz-actions">
      <button
        type="submit"
        className="utrecht-button utrecht-button--primary-action"
        disabled={busy}
      >
        {label}
      </button>
    </div>
  );
}

/** A group of checkboxes with a legend (NL Design System fieldset). */
export function CheckboxGroup({
  legend,
  options,
  selected,
  onChange,
  hint,
}: {
  legend: string;
  /** [value, text] per option. */
  options: readonly (readonly [string, string])[];
  selected: readonly string[];
  onChange: (values: string[]) => void;
  hint?: ReactNode;
}) {
  const base = useId();
  return (
    <fieldset
      className="utrecht-form-fieldset utrecht-form-fieldset--html-fieldset sz-checkboxes"
      aria-describedby={hint ? `${base}-hint` : undefined}
    >
      <legend className="utrecht-form-fieldset__legend utrecht-form-fieldset__legend--html-legend utrecht-form-label">
        {legend}
      </legend>
      {hint && (
        <p className="sz-hint" id={`${base}-hint`}>
          {hint}
        </p>
      )}
      {options.map(([value, text]) => {
        const id = `${base}-${value}`;
        return (
          <div key={value} className="utrecht-form-field utrecht-form-field--checkbox">
            <input
              id={id}
              type="checkbox"
              className="utrecht-checkbox utrecht-checkbox--html-input"
              checked={selected.includes(value)}
              onChange={(e) =>
                onChange(
                  e.target.checked
                    ? [...selected, value]
                    : selected.filter((v: string) => v !== value),
                )
              }
            />{' '}
            <label className="utrecht-form-label utrecht-form-label--checkbox" htmlFor={id}>
              {text}
            </label>
          </div>
        );
      })}
    </fieldset>
  );
}
