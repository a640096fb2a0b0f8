/** Users: the broker and the board read the list; the broker creates users. */
import { Heading, Paragraph } from '@rijkshuisstijl-community/components-react';
import { useState, type FormEvent } from 'react';
import type { Column } from '../../components/DataTable.js';
import { useI18n } from '../../i18n.js';
import { userBody } from './access.js';
import { Outcome, useAction } from './action.js';
import { GovSection, ListTable } from './ListSection.js';
import { CheckboxGroup, SubmitButton, TextField, useServerWord } from './parts.js';
import { useGovApi, useList, useSession } from './session.js';
import type { OrganisationRow, UserRow } from './types.js';

/** A password sign-in; the hint names the CLI for a user who signs in with OIDC instead. */
function PasswordField({ value, onChange }: { value: string; onChange: (v: string) => void }) {
  const { t } = useI18n();
  return (
    <TextField
      label={t('govUserPassword')}
      type="password"
      autoComplete="new-password"
      value={value}
      onChange={onChange}
      hint={
        <>
          {t('govUserPasswordHint')}{' '}
          <code>
            samenzicht users create --email E --name N --org ORG --oidc-issuer URL --oidc-subject
            SUB
          </code>
        </>
      }
    />
  );
}

/** The organisations a new user belongs to, once the list has been read. */
function OrganisationChoice({
  selected,
  onChange,
}: {
  selected: string[];
  onChange: (orgs: string[]) => void;
}) {
  const { t } = useI18n();
  const organisations = useList<OrganisationRow>('/api/v1/organisations');
  const options = (organisations.rows ?? []).map((o) => [o.id, `${o.name} (${o.id})`] as const);
  if (options.length === 0)
    return organisations.rows && <Paragraph>{t('govUserNoOrganisations')}</Paragraph>;
  return (
    <CheckboxGroup
      legend={t('govUserOrganisations')}
      options={options}
      selected={selected}
      onChange={onChange}
    />
  );
}

function CreateUser({ onCreated }: { onCreated: () => void }) {
  const { t } = useI18n();
  const api = useGovApi();
  const action = useAction();
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [orgs, setOrgs] = useState<string[]>([]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void action.run(async () => {
      const created = await api.post<UserRow>(
        '/api/v1/users',
        userBody({ email, name, password, organisations: orgs }),
      );
      setEmail('');
      setName('');
      setPassword('');
      setOrgs([]);
      onCreated();
      return t('govUserCreated', { email: created.email });
    });
  };
  return (
    <form className="sz-form sz-gov-form" aria-label={t('govUserCreate')} onSubmit={submit}>
      <TextField label={t('govUserName')} value={name} onChange={setName} required />
      <TextField
        label={t('govUserEmail')}
        type="email"
        value={email}
        onChange={setEmail}
        required
      />
      <PasswordField value={password} onChange={setPassword} />
      <OrganisationChoice selected={orgs} onChange={setOrgs} />
      <SubmitButton label={t('govUserSubmit')} busy={action.busy} />
      <Outcome action={action} />
    </form>
  );
}

export function Users() {
  const { t } = useI18n();
  const { caps, changed } = useSession();
  const word = useServerWord();
  const list = useList<UserRow>('/api/v1/users');
  const columns: Column<UserRow>[] = [
    { key: 'name', header: t('govColName'), rowHeader: true, cell: (u) => u.name },
    { key: 'email', header: t('govColEmail'), cell: (u) => u.email },
    {
      key: 'organisations',
      header: t('govColOrganisations'),
      cell: (u) => u.organisations.join(', '),
    },
    {
      key: 'roles',
      header: t('govColRoles'),
      cell: (u) => u.roles.map((r) => word('govRole', r)).join(', '),
    },
  ];
  return (
    <GovSection id="gov-users" title={t('govUsers')}>
      <ListTable list={list} columns={columns} labelledBy="gov-users" />
      {caps.usersCreate && (
        <>
          <Heading level={3}>{t('govUserCreate')}</Heading>
          <CreateUser onCreated={changed} />
        </>
      )}
    </GovSection>
  );
}
