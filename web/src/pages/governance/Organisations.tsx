/** Organisations: every role reads the list; the broker registers new ones. */
import { Heading, Paragraph } from '@rijkshuisstijl-community/components-react';
import { useState, type FormEvent } from 'react';
import { DataTable, type Column } from '../../components/DataTable.js';
import { SelectField } from '../../components/SelectField.js';
import { useI18n } from '../../i18n.js';
import { PROVIDER_NAMES, providerName } from '../../words.js';
import { organisationBody, ROLES } from './access.js';
import { CheckboxGroup, Done, ReadProblem, Refusal, TextField, useServerWord } from './parts.js';
import { useGovApi, useList, useSession } from './session.js';
import type { OrganisationRow } from './types.js';

function CreateOrganisation({ onCreated }: { onCreated: () => void }) {
  const { t } = useI18n();
  const api = useGovApi();
  const word = useServerWord();
  const [id, setId] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState<string>('provider');
  const [providerIds, setProviderIds] = useState<string[]>([]);
  const [refusal, setRefusal] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setRefusal(null);
    setDone(null);
    setBusy(true);
    try {
      const created = await api.post<OrganisationRow>(
        '/api/v1/organisations',
        organisationBody({ id, name, role, providerIds }),
      );
      setId('');
      setName('');
      setProviderIds([]);
      setDone(t('govOrgCreated', { id: created.id }));
      onCreated();
    } catch (err) {
      setRefusal(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form
      className="sz-form sz-gov-form"
      aria-label={t('govOrgCreate')}
      onSubmit={(e) => void submit(e)}
    >
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
      <div className="sz-actions">
        <button
          type="submit"
          className="utrecht-button utrecht-button--primary-action"
          disabled={busy}
        >
          {t('govOrgSubmit')}
        </button>
      </div>
      <Refusal error={refusal} />
      <Done text={done} />
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
    <section aria-labelledby="gov-organisations">
      <Heading level={2} id="gov-organisations">
        {t('govOrganisations')}
      </Heading>
      <ReadProblem error={list.problem} />
      {list.rows &&
        (list.rows.length === 0 ? (
          <Paragraph>{t('govEmpty')}</Paragraph>
        ) : (
          <DataTable
            columns={columns}
            rows={list.rows}
            rowKey={(o) => o.id}
            labelledBy="gov-organisations"
          />
        ))}
      {caps.organisationsCreate && (
        <>
          <Heading level={3}>{t('govOrgCreate')}</Heading>
          <CreateOrganisation onCreated={changed} />
        </>
      )}
    </section>
  );
}
