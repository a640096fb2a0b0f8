/** Organisations: every role reads the list; the broker registers new ones. */
import type { Column } from '../../components/DataTable.js';
import { SelectField } from '../../components/SelectField.js';
import { useI18n } from '../../i18n.js';
import { PROVIDER_NAMES, providerName } from '../../words.js';
import { organisationBody, ROLES } from './access.js';
import { CreateForm, useCreateForm } from './CreateForm.js';
import { RecordsSection } from './ListSection.js';
import { CheckboxGroup, TextField, useServerWord, type GovWords } from './parts.js';
import type { OrganisationRow } from './types.js';

function CreateOrganisation() {
  const { t } = useI18n();
  const word = useServerWord();
  const form = useCreateForm({
    url: '/api/v1/organisations',
    initial: { id: '', name: '', role: 'provider', providerIds: [] as string[] },
    body: organisationBody,
    done: (o: OrganisationRow) => t('govOrgCreated', { id: o.id }),
    // The next organisation is most likely of the same kind.
    keep: ['role'],
  });
  const { values: v, set } = form;
  return (
    <CreateForm form={form} may="organisationsCreate" title="govOrgCreate" submit="govOrgSubmit">
      <TextField
        label={t('govOrgId')}
        value={v.id}
        onChange={set('id')}
        required
        pattern="[a-z0-9][a-z0-9\-]*"
      />
      <TextField label={t('govOrgName')} value={v.name} onChange={set('name')} required />
      <SelectField
        label={t('govOrgRole')}
        value={v.role}
        options={ROLES.map((r) => [r, word('govRole', r)] as const)}
        onChange={set('role')}
      />
      {v.role === 'provider' && (
        <CheckboxGroup
          legend={t('govOrgProviders')}
          hint={t('govOrgProvidersHint')}
          options={Object.keys(PROVIDER_NAMES).map((p) => [p, providerName(p)] as const)}
          selected={v.providerIds}
          onChange={set('providerIds')}
        />
      )}
    </CreateForm>
  );
}

const columns = ({ t, word }: GovWords): Column<OrganisationRow>[] => [
  { key: 'name', header: t('govColName'), rowHeader: true, cell: (o) => o.name },
  { key: 'id', header: t('govColId'), cell: (o) => <code>{o.id}</code> },
  { key: 'role', header: t('govColRole'), cell: (o) => word('govRole', o.role) },
  {
    key: 'delivers',
    header: t('govColDelivers'),
    cell: (o) => o.providerIds.map(providerName).join(', '),
  },
];

export function Organisations() {
  return (
    <RecordsSection
      id="gov-organisations"
      title="govOrganisations"
      url="/api/v1/organisations"
      columns={columns}
    >
      <CreateOrganisation />
    </RecordsSection>
  );
}
