/** Users: the broker and the board read the list; the broker creates users. */
import { Paragraph } from '@rijkshuisstijl-community/components-react';
import type { Column } from '../../components/DataTable.js';
import { useI18n } from '../../i18n.js';
import { userBody } from './access.js';
import { CreateForm, useCreateForm } from './CreateForm.js';
import { RecordsSection } from './ListSection.js';
import { CheckboxGroup, TextField, type GovWords } from './parts.js';
import { useList } from './session.js';
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

function CreateUser() {
  const { t } = useI18n();
  const form = useCreateForm({
    url: '/api/v1/users',
    initial: { email: '', name: '', password: '', organisations: [] as string[] },
    body: userBody,
    done: (u: UserRow) => t('govUserCreated', { email: u.email }),
  });
  const { values: v, set } = form;
  return (
    <CreateForm form={form} may="usersCreate" title="govUserCreate" submit="govUserSubmit">
      <TextField label={t('govUserName')} value={v.name} onChange={set('name')} required />
      <TextField
        label={t('govUserEmail')}
        type="email"
        value={v.email}
        onChange={set('email')}
        required
      />
      <PasswordField value={v.password} onChange={set('password')} />
      <OrganisationChoice selected={v.organisations} onChange={set('organisations')} />
    </CreateForm>
  );
}

const columns = ({ t, word }: GovWords): Column<UserRow>[] => [
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

export function Users() {
  return (
    <RecordsSection id="gov-users" title="govUsers" url="/api/v1/users" columns={columns}>
      <CreateUser />
    </RecordsSection>
  );
}
