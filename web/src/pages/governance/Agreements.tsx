/**
 * Agreements: providers, the broker and the board read them; a party's member signs a proposed
 * one for their organisation; the broker proposes a draft. Drafting stays with the CLI and API.
 */
import { Paragraph } from '@rijkshuisstijl-community/components-react';
import type { Column } from '../../components/DataTable.js';
import { useI18n } from '../../i18n.js';
import { capacityName } from '../../words.js';
import { canPropose, signableFor } from './access.js';
import { Outcome, useAction, type Action } from './action.js';
import { ListSection } from './ListSection.js';
import { useGovWords } from './parts.js';
import { useGovApi, useList, useSession } from './session.js';
import type { AgreementRow, OrganisationRow } from './types.js';

const agreementUrl = (id: string) => `/api/v1/agreements/${encodeURIComponent(id)}`;

/** Parties by name (every role that reads agreements reads the organisations too). */
function useOrganisationName(): (id: string) => string {
  const { lang } = useI18n();
  const organisations = useList<OrganisationRow>('/api/v1/organisations');
  return (id) => organisations.rows?.find((o) => o.id === id)?.name ?? capacityName(id, lang);
}

/** What the user may do with one agreement: sign for each of their parties, or propose it. */
function AgreementActions({
  agreement: a,
  action,
  orgName,
}: {
  agreement: AgreementRow;
  action: Action;
  orgName: (id: string) => string;
}) {
  const { t } = useI18n();
  const { me, caps, changed } = useSession();
  const api = useGovApi();
  const act = (path: string, body: unknown, doneText: string) =>
    void action.run(async () => {
      await api.post(path, body);
      changed();
      return doneText;
    });
  return (
    <div className="sz-actions">
      {signableFor(a, me).map((org) => (
        <button
          key={org}
          type="button"
          className="utrecht-button utrecht-button--primary-action"
          disabled={action.busy}
          onClick={() =>
            act(
              `${agreementUrl(a.id)}/sign`,
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
          disabled={action.busy}
          aria-label={`${t('govPropose')}: ${a.title ?? a.id}`}
          onClick={() => act(`${agreementUrl(a.id)}/propose`, {}, t('govProposed', { id: a.id }))}
        >
          {t('govPropose')}
        </button>
      )}
    </div>
  );
}

export function Agreements() {
  const { t, word } = useGovWords();
  const { me, caps } = useSession();
  const list = useList<AgreementRow>('/api/v1/agreements');
  const orgName = useOrganisationName();
  const action = useAction();

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
      cell: (a) => <AgreementActions agreement={a} action={action} orgName={orgName} />,
    });

  return (
    <ListSection id="gov-agreements" title={t('govAgreements')} list={list} columns={columns}>
      <Outcome action={action} />
      {caps.agreementsPropose && (
        <Paragraph className="sz-hint">
          {t('govDraftCli')} <code>samenzicht agreements create --file agreement.json</code>
        </Paragraph>
      )}
    </ListSection>
  );
}
