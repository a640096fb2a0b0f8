/**
 * Agreements: providers, the broker and the board read them; a party's member signs a proposed
 * one for their organisation; the broker proposes a draft. Drafting stays with the CLI and API.
 */
import { Heading, Paragraph } from '@rijkshuisstijl-community/components-react';
import { useState } from 'react';
import { DataTable, type Column } from '../../components/DataTable.js';
import { useI18n } from '../../i18n.js';
import { capacityName } from '../../words.js';
import { canPropose, signableFor } from './access.js';
import { Done, ReadProblem, Refusal, useServerWord } from './parts.js';
import { useGovApi, useList, useSession } from './session.js';
import type { AgreementRow, OrganisationRow } from './types.js';

export function Agreements() {
  const { t, lang } = useI18n();
  const { me, caps, changed } = useSession();
  const api = useGovApi();
  const word = useServerWord();
  const list = useList<AgreementRow>('/api/v1/agreements');
  // Parties by name (every role that reads agreements reads the organisations too).
  const organisations = useList<OrganisationRow>('/api/v1/organisations');
  const orgName = (id: string) =>
    organisations.rows?.find((o) => o.id === id)?.name ?? capacityName(id, lang);
  const [done, setDone] = useState<string | null>(null);
  const [refusal, setRefusal] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const act = async (path: string, body: unknown, doneText: string) => {
    setDone(null);
    setRefusal(null);
    setBusy(true);
    try {
      await api.post(path, body);
      setDone(doneText);
      changed();
    } catch (err) {
      setRefusal(err);
    } finally {
      setBusy(false);
    }
  };
  const base = (id: string) => `/api/v1/agreements/${encodeURIComponent(id)}`;

  const rows = list.rows ?? [];
  const withActions = rows.some((a) => canPropose(a, caps) || signableFor(a, me).length > 0);
  const columns: Column<AgreementRow>[] = [
    { key: 'title', header: t('govColId'), rowHeader: true, cell: (a) => a.title ?? a.id },
    { key: 'purpose', header: t('purpose'), cell: (a) => a.purpose ?? '' },
    { key: 'status', header: t('status'), cell: (a) => word('govStatus', a.status) },
    {
      key: 'parties',
      header: t('govColParties'),
      cell: (a) =>
        (a.parties ?? [])
          .map((p) =>
            t(p.signedAt ? 'govPartySigned' : 'govPartyUnsigned', {
              org: orgName(p.organisationId),
            }),
          )
          .join(', '),
    },
    { key: 'datasets', header: t('dataset'), cell: (a) => a.datasets.join(', ') },
    { key: 'validUntil', header: t('validUntil'), cell: (a) => a.validUntil.slice(0, 10) },
  ];
  if (withActions)
    columns.push({
      key: 'actions',
      header: t('govColActions'),
      cell: (a) => (
        <div className="sz-actions">
          {signableFor(a, me).map((org) => (
            <button
              key={org}
              type="button"
              className="utrecht-button utrecht-button--primary-action"
              disabled={busy}
              onClick={() =>
                void act(
                  `${base(a.id)}/sign`,
                  { organisation: org },
                  t('govSigned', { id: a.id, org: orgName(org) }),
                )
              }
            >
              {t('govSignFor', { org: orgName(org) })}
            </button>
          ))}
          {canPropose(a, caps) && (
            <button
              type="button"
              className="utrecht-button utrecht-button--secondary-action"
              disabled={busy}
              aria-label={`${t('govPropose')}: ${a.title ?? a.id}`}
              onClick={() => void act(`${base(a.id)}/propose`, {}, t('govProposed', { id: a.id }))}
            >
              {t('govPropose')}
            </button>
          )}
        </div>
      ),
    });

  return (
    <section aria-labelledby="gov-agreements">
      <Heading level={2} id="gov-agreements">
        {t('govAgreements')}
      </Heading>
      <ReadProblem error={list.problem} />
      {list.rows &&
        (rows.length === 0 ? (
          <Paragraph>{t('govEmpty')}</Paragraph>
        ) : (
          <DataTable
            columns={columns}
            rows={rows}
            rowKey={(a) => a.id}
            labelledBy="gov-agreements"
          />
        ))}
      <Refusal error={refusal} />
      <Done text={done} />
      {caps.agreementsPropose && (
        <Paragraph className="sz-hint">
          {t('govDraftCli')} <code>samenzicht agreements create --file agreement.json</code>
        </Paragraph>
      )}
    </section>
  );
}
