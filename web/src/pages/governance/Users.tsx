/** Users: the broker and the board read the list; the broker creates users. */
import { Heading, Paragraph } from '@rijkshuisstijl-community/components-react';
import { useState, type FormEvent } from 'react';
import { DataTable, type Column } from '../../components/DataTable.js';
import { useI18n } from '../../i18n.js';
import { userBody } from './access.js';
import { CheckboxGroup, Done, ReadProblem, Refusal, TextField, useServerWord } from './parts.js';
import { useGovApi, useList, useSession } from './session.js';
import type { OrganisationRow, UserRow } from './types.js';

function CreateUser({ onCreated }: { onCreated: () => void }) {
  const { t } = useI18n();
  const api = useGovApi();
  const organisations = useList<OrganisationRow>('/api/v1/organisations');
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [orgs, setOrgs] = useState<string[]>([]);
  const [refusal, setRefusal] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setRefusal(null);
    setDone(null);
    setBusy(true);
    try {
      const created = await api.post<UserRow>(
        '/api/v1/users',
        userBody({ email, name, password, organisations: orgs }),
      );
      setEmail('');
      setName('');
      setPassword('');
      setOrgs([]);
      setDone(t('govUserCreated', { email: created.email }));
      onCreated();
    } catch (err) {
      setRefusal(err);
    } finally {
      setBusy(false);
    }
  };
  const options = (organisations.rows ?? []).map((o) => [o.id, `${o.name} (${o.id})`] as const);
  return (
    <form
      className="sz-form sz-gov-form"
      aria-label={t('govUserCreate')}
      onSubmit={(e) => void submit(e)}
    >
      <TextField label={t('govUserName')} value={name} onChange={setName} required />
      <TextField
        label={t('govUserEmail')}
        type="email"
        value={email}
        onChange={setEmail}
        required
      />
      <TextField
        label={t('govUserPassword')}
        type="password"
        autoComplete="new-password"
        value={password}
        onChange={setPassword}
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
      {options.length > 0 ? (
        <CheckboxGroup
          legend={t('govUserOrganisations')}
          options={options}
          selected={orgs}
          onChange={setOrgs}
        />
      ) : (
        organisations.rows && <Paragraph>{t('govUserNoOrganisations')}</Paragraph>
      )}
      <div className="sz-actions">
        <button
          type="submit"
          className="utrecht-button utrecht-button--primary-action"
          disabled={busy}
        >
          {t('govUserSubmit')}
        </button>
      </div>
      <Refusal error={refusal} />
      <Done text={done} />
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
    <section aria-labelledby="gov-users">
      <Heading level={2} id="gov-users">
        {t('govUsers')}
      </Heading>
      <ReadProblem error={list.problem} />
      {list.rows &&
        (list.rows.length === 0 ? (
          <Paragraph>{t('govEmpty')}</Paragraph>
        ) : (
          <DataTable
            columns={columns}
            rows={list.rows}
            rowKey={(u) => u.id}
            labelledBy="gov-users"
          />
        ))}
      {caps.usersCreate && (
        <>
          <Heading level={3}>{t('govUserCreate')}</Heading>
          <CreateUser onCreated={changed} />
        </>
      )}
    </section>
  );
}
