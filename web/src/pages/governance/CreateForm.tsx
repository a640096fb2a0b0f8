/**
 * The form that creates one record of a governance list (an organisation, a user): shown only to
 * the roles that may create, it posts its values, then empties itself, has the lists read again
 * and says what was made, or why the server refused.
 */
import { Heading } from '@rijkshuisstijl-community/components-react';
import { useState, type FormEvent, type ReactNode } from 'react';
import { useI18n, type Key } from '../../i18n.js';
import type { Action as Capability } from './access.js';
import { Outcome, useAction, type Action } from './action.js';
import { SubmitButton } from './parts.js';
import { useGovApi, useSession } from './session.js';

export interface CreateFormState<V> {
  values: V;
  /** The setter of one field. */
  set: <K extends keyof V>(key: K) => (value: V[K]) => void;
  submit: () => void;
  action: Action;
}

export function useCreateForm<V extends object, R>({
  url,
  initial,
  body,
  done,
  keep = [],
}: {
  url: string;
  initial: V;
  /** The request body of the values (access.ts shapes it as the server reads it). */
  body: (values: V) => unknown;
  /** What the page says when the record was made. */
  done: (created: R) => string;
  /** Fields left as they are for the next record. */
  keep?: readonly (keyof V)[];
}): CreateFormState<V> {
  const api = useGovApi();
  const { changed } = useSession();
  const action = useAction();
  const [values, setValues] = useState(initial);
  const set =
    <K extends keyof V>(key: K) =>
    (value: V[K]) =>
      setValues((v) => ({ ...v, [key]: value }));
  const submit = () =>
    void action.run(async () => {
      const created = await api.post<R>(url, body(values));
      setValues((v) => ({ ...initial, ...Object.fromEntries(keep.map((k) => [k, v[k]])) }));
      changed();
      return done(created);
    });
  return { values, set, submit, action };
}

/** The heading and the form named by it (`title`), for the roles that have `may`. */
export function CreateForm<V>({
  form,
  may,
  title,
  submit,
  children,
}: {
  form: CreateFormState<V>;
  may: Capability;
  title: Key;
  /** The submit button's text. */
  submit: Key;
  children: ReactNode;
}) {
  const { t } = useI18n();
  const { caps } = useSession();
  if (!caps[may]) return null;
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    form.submit();
  };
  return (
    <>
      <Heading level={3}>{t(title)}</Heading>
      <form className="sz-form sz-gov-form" aria-label={t(title)} onSubmit={onSubmit}>
        {children}
        <SubmitButton label={t(submit)} busy={form.action.busy} />
        <Outcome action={form.action} />
      </form>
    </>
  );
}
