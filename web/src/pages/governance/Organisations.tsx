/** Organisations: every role reads the list; the broker registers new ones. */
import { Heading } from '@rijkshuisstijl-community/components-react';
import { useState, type FormEvent } from 'react';
import type { Column } from '../../components/DataTable.js';
import { SelectField } from '../../components/SelectField.js';
import { useI18n } from '../../i18n.js';
import { PROVIDER_NAMES, providerName } from '../../words.js';
import { organisationBody, ROLES } from './access.js';
import { Outcome, useAction } from './action.js';
import { GovSection, ListTable } from './ListSection.js';
import { CheckboxGroup, SubmitButton, TextField, useServerWord } from './parts.js';
import { useGovApi, useList, useSession } from './session.js';
import type { OrganisationRow } from './types.js';

function CreateOrganisation({ onCreated }: { onCreated: () => void }) {
  const { t } = useI18n();
  const api = useGovApi();
  const word = useServerWord();
  const action = useAction();
  const [id, setId] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState<string>('provider');
  const [providerIds, setProviderIds] = useState<string[]>([]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void action.run(async () => {
      const created = await api.post<OrganisationRow>(
        '/api/v1/organisations',
        organisationBody({ id, name, role, providerIds }),
      );
      setId('');
      setName('');
      setProviderIds([]);
      onCreated();
      return t('govOrgCreated', { id: created.id });
    });
  };
  return (
    <form className="sz-form sz-gov-form" aria-label={t('govOrgCreate')} onSubmit={submit}>
      <TextField
        label={t('govOrgId')}
        value={id}
        onChange={setId}
        required
        pattern="[a-z0-9][a-z0-9\-]*"
      />
      <TextField label={t('govOrgName')} value={name} onChange={setName} required />
      <SelectField
        label={t('govOrgRole')}
        value={role}
        options={ROLES.map((r) => [r, word('govRole', r)] as const)}
        onChange={setRole}
      />
      {role === 'provider' && (
        <CheckboxGroup
          legend={t('govOrgProviders')}
          hint={t('govOrgProvidersHint')}
          options={Object.keys(PROVIDER_NAMES).map((p) => [p, providerName(p)] as const)}
          selected={providerIds}
          onChange={setProviderIds}
        />
      )}
      <SubmitButton label={t('govOrgSubmit')} busy={action.busy} />
      <Outcome action={action} />
    </form>
  );
}

export function Organisations() {
  const { t } = useI18n();
  const { caps, changed } = useSession();
  const word = useServerWord();
  const list = useList<OrganisationRow>('/api/v1/organisations');
  const columns: Column<OrganisationRow>[] = [
    { key: 'name', header: t('govColName'), rowHeader: true, cell: (o) => o.name },
    { key: 'id', header: t('govColId'), cell: (o) => <code>{o.id}</code> },
    { key: 'role', header: t('govColRole'), cell: (o) => word('govRole', o.role) },
    {
      key: 'delivers',
      header: t('govColDelivers'),
      cell: (o) => o.providerIds.map(providerName).join(', '),
    },
  ];
  return (
    <GovSection id="gov-organisations" title={t('govOrganisations')}>
      <ListTable list={list} columns={columns} labelledBy="gov-organisations" />
      {caps.organisationsCreate && (
        <>
          <Heading level={3}>{t('govOrgCreate')}</Heading>
          <CreateOrganisation onCreated={changed} />
        </>
      )}
    </GovSection>
  );
}
