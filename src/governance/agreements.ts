/**
 * Agreements (convenanten): draft → proposed → signed (active during its validity, then
 * expired) or revoked; the parties sign for their organisations; the retention purge.
 */
import { randomUUID } from 'node:crypto';
import { datasetContract } from '../ingest/contracts.js';
import type { Kysely } from 'kysely';
import type { Database } from '../store/index.js';
import {
  nonEmpty,
  parseList,
  toIso,
  transition,
  type GovernanceContext,
  type Trx,
} from './context.js';
import { GovernanceError } from './errors.js';
import { checkAgreementLengths } from './limits.js';
import { getUser, listOrganisations } from './organisations.js';
import { authorize, checkPolicy } from './policy.js';
import type { Agreement, AgreementInput, AgreementStatus } from './types.js';

export type AgreementRow = Database['agreements'];

export function agreementStatus(
  row: Pick<AgreementRow, 'state' | 'valid_from' | 'valid_until'>,
  at: Date,
): AgreementStatus {
  if (row.state !== 'signed') return row.state as AgreementStatus;
  const t = at.getTime();
  if (t < new Date(row.valid_from).getTime()) return 'signed';
  if (t >= new Date(row.valid_until).getTime()) return 'expired';
  return 'active';
}

export async function agreementView(
  ctx: GovernanceContext,
  row: AgreementRow,
  at: Date,
): Promise<Agreement> {
  const parties = await ctx.db
    .selectFrom('agreement_parties')
    .selectAll()
    .where('agreement_id', '=', row.id)
    .orderBy('organisation_id')
    .execute();
  const datasets = parseList(row.datasets);
  return {
    id: row.id,
    title: row.title,
    purpose: row.purpose,
    legalBasis: row.legal_basis,
    status: agreementStatus(row, at),
    parties: parties.map((p) => ({
      organisationId: p.organisation_id,
      signedBy: p.signed_by,
      signedAt: p.signed_at,
    })),
    datasets,
    contracts: datasets.map((id) => {
      const c = datasetContract(id);
      return {
        id,
        provider: c.provider,
        columns: c.columns.map((k) => ({
          name: k.name,
          type: k.type,
          identifier: k.identifier ?? null,
          regionLevel: k.regionLevel ?? null,
        })),
      };
    }),
    themes: parseList(row.themes),
    indicators: parseList(row.indicators),
    validFrom: row.valid_from,
    validUntil: row.valid_until,
    retentionDays: Number(row.retention_days),
    createdAt: row.created_at,
    revokedAt: row.revoked_at,
    revokeReason: row.revoke_reason,
    purgedAt: row.purged_at,
  };
}

/** The agreement's row (from the store or inside a transaction); 404 when there is none. */
export async function agreementRow(db: Kysely<Database>, id: string): Promise<AgreementRow> {
  const row = await db.selectFrom('agreements').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new GovernanceError('not_found', `agreement ${id} does not exist`);
  return row;
}

export async function getAgreement(
  ctx: GovernanceContext,
  id: string,
  at: Date = ctx.now(),
): Promise<Agreement> {
  return agreementView(ctx, await agreementRow(ctx.db, id), at);
}

export async function listAgreements(
  ctx: GovernanceContext,
  at: Date = ctx.now(),
): Promise<Agreement[]> {
  const rows = await ctx.db.selectFrom('agreements').selectAll().orderBy('id').execute();
  return Promise.all(rows.map((r) => agreementView(ctx, r, at)));
}

/** A draft's validity, retention, datasets and themes; its validity as ISO timestamps. */
function checkDraft(input: AgreementInput, id: string) {
  const validFrom = toIso(input.validFrom, 'validFrom');
  const validUntil = toIso(input.validUntil, 'validUntil');
  if (validUntil <= validFrom)
    throw new GovernanceError('invalid', `agreement ${id}: validUntil must be after validFrom`);
  if (!Number.isInteger(input.retentionDays) || input.retentionDays < 0) {
    throw new GovernanceError(
      'invalid',
      `agreement ${id}: retentionDays must be a whole number ≥ 0`,
    );
  }
  if (input.datasets.length === 0)
    throw new GovernanceError('invalid', `agreement ${id}: no datasets`);
  if (input.themes.length === 0)
    throw new GovernanceError('invalid', `agreement ${id}: no allowed themes`);
  return { validFrom, validUntil };
}

/** Every party is an organisation, and every dataset's provider is among the parties. */
async function checkProvidersAreParties(
  ctx: GovernanceContext,
  id: string,
  parties: readonly string[],
  datasets: readonly string[],
): Promise<void> {
  const orgs = await listOrganisations(ctx);
  const partyOrgs = parties.map((p) => {
    const o = orgs.find((x) => x.id === p);
    if (!o)
      throw new GovernanceError('not_found', `agreement ${id}: party ${p} is not an organisation`);
    return o;
  });
  for (const ds of datasets) {
    let provider: string;
    try {
      provider = datasetContract(ds).provider;
    } catch (err) {
      throw new GovernanceError('invalid', `agreement ${id}: ${(err as Error).message}`);
    }
    if (!partyOrgs.some((o) => o.providerIds.includes(provider))) {
      throw new GovernanceError(
        'invalid',
        `agreement ${id}: dataset ${ds} comes from provider '${provider}', which is not a party`,
      );
    }
  }
}

type User = Awaited<ReturnType<typeof getUser>>;
type PartyRow = { organisation_id: string; signed_at: string | null };

/** The party the user signs for: the one named, else their only unsigned one. */
function signingParty<P extends PartyRow>(
  user: User,
  id: string,
  parties: P[],
  organisationId: string | undefined,
): P {
  const mine = parties.filter(
    (p) => user.organisations.includes(p.organisation_id) && p.signed_at === null,
  );
  let party = mine[0];
  if (organisationId !== undefined) {
    party = parties.find((p) => p.organisation_id === organisationId);
    if (!party || !user.organisations.includes(organisationId)) {
      throw new GovernanceError(
        'forbidden',
        `${user.email} cannot sign agreement ${id} for ${organisationId}`,
      );
    }
    if (party.signed_at !== null)
      throw new GovernanceError('conflict', `${organisationId} already signed agreement ${id}`);
  } else if (mine.length === 0) {
    const signedAlready = parties.some((p) => user.organisations.includes(p.organisation_id));
    throw signedAlready
      ? new GovernanceError(
          'conflict',
          `${user.email}'s organisation already signed agreement ${id}`,
        )
      : new GovernanceError(
          'forbidden',
          `${user.email} is not a member of a party to agreement ${id}`,
        );
  } else if (mine.length > 1) {
    throw new GovernanceError(
      'invalid',
      `${user.email} belongs to several parties of ${id}: say which organisation signs`,
    );
  }
  if (!party) throw new GovernanceError('forbidden', `${user.email} cannot sign agreement ${id}`);
  return party;
}

/** A draft agreement. Every dataset's provider must be among the parties. */
/** An agreement id is given once: a second draft under it is a conflict. */
async function refuseTakenId(trx: Trx, id: string): Promise<void> {
  if (await trx.selectFrom('agreements').select('id').where('id', '=', id).executeTakeFirst())
    throw new GovernanceError('conflict', `agreement ${id} already exists`);
}

export async function createAgreement(
  ctx: GovernanceContext,
  actor: string,
  input: AgreementInput,
): Promise<Agreement> {
  checkAgreementLengths(input);
  await authorize(ctx, actor, 'agreement.create');
  const id = input.id ?? `agr-${randomUUID().slice(0, 8)}`;
  const { validFrom, validUntil } = checkDraft(input, id);
  const parties = [...new Set(input.parties)];
  await checkProvidersAreParties(ctx, id, parties, input.datasets);
  await ctx.tx(async (trx) => {
    await refuseTakenId(trx, id);
    await trx
      .insertInto('agreements')
      .values({
        id,
        title: nonEmpty(input.title, 'title'),
        purpose: nonEmpty(input.purpose, 'purpose'),
        legal_basis: nonEmpty(input.legalBasis, 'legalBasis'),
        state: 'draft',
        datasets: JSON.stringify([...new Set(input.datasets)]),
        themes: JSON.stringify([...new Set(input.themes)]),
        indicators: JSON.stringify([...new Set(input.indicators ?? [])]),
        valid_from: validFrom,
        valid_until: validUntil,
        retention_days: input.retentionDays,
        created_by: actor,
        created_at: ctx.now().toISOString(),
        proposed_at: null,
        signed_at: null,
        revoked_at: null,
        revoke_reason: null,
        purged_at: null,
      })
      .execute();
    for (const p of parties) {
      await trx
        .insertInto('agreement_parties')
        .values({ agreement_id: id, organisation_id: p, signed_by: null, signed_at: null })
        .execute();
    }
    await ctx.audit(trx, actor, 'agreement.create', id, {
      parties,
      datasets: input.datasets,
      themes: input.themes,
    });
  });
  return getAgreement(ctx, id);
}

/** Draft → proposed: the text is frozen and the parties may sign. */
export async function proposeAgreement(
  ctx: GovernanceContext,
  actor: string,
  id: string,
): Promise<Agreement> {
  await authorize(ctx, actor, 'agreement.propose');
  await ctx.tx(async (trx) => {
    await transition(
      trx,
      'agreements',
      id,
      'draft',
      'proposed',
      { proposed_at: ctx.now().toISOString() },
      { explain: (state) => `agreement ${id} is ${state}; only a draft can be proposed` },
    );
    await ctx.audit(trx, actor, 'agreement.propose', id);
  });
  return getAgreement(ctx, id);
}

/**
 * A member signs for their organisation. When the last party signs, the agreement is signed and
 * becomes active during its validity.
 */
export async function signAgreement(
  ctx: GovernanceContext,
  actor: string,
  id: string,
  organisationId?: string,
): Promise<Agreement> {
  const user = await getUser(ctx, actor);
  await ctx.tx(async (trx) => {
    const row = await agreementRow(trx, id);
    if (row.state !== 'proposed') {
      throw new GovernanceError(
        'conflict',
        `agreement ${id} is ${row.state}; only a proposed agreement can be signed`,
      );
    }
    const parties = await trx
      .selectFrom('agreement_parties')
      .selectAll()
      .where('agreement_id', '=', id)
      .execute();
    const party = signingParty(user, id, parties, organisationId);
    checkPolicy(user, 'agreement.sign');
    const at = ctx.now().toISOString();
    await trx
      .updateTable('agreement_parties')
      .set({ signed_by: actor, signed_at: at })
      .where('agreement_id', '=', id)
      .where('organisation_id', '=', party.organisation_id)
      .execute();
    const remaining = parties.filter(
      (p) => p.signed_at === null && p.organisation_id !== party.organisation_id,
    );
    if (remaining.length === 0) {
      await transition(
        trx,
        'agreements',
        id,
        'proposed',
        'signed',
        { signed_at: at },
        { explain: (s) => `agreement ${id} is ${s}; only a proposed agreement can be signed` },
      );
    }
    await ctx.audit(trx, actor, 'signature', id, {
      organisation: party.organisation_id,
      complete: remaining.length === 0,
    });
  });
  return getAgreement(ctx, id);
}

/** Revocation stops new runs at once; contributions go after the retention period. */
export async function revokeAgreement(
  ctx: GovernanceContext,
  actor: string,
  id: string,
  reason: string,
): Promise<Agreement> {
  const user = await getUser(ctx, actor);
  const why = nonEmpty(reason, 'reason');
  await ctx.tx(async (trx) => {
    const row = await agreementRow(trx, id);
    const parties = await trx
      .selectFrom('agreement_parties')
      .select('organisation_id')
      .where('agreement_id', '=', id)
      .execute();
    const isParty = parties.some((p) => user.organisations.includes(p.organisation_id));
    if (!isParty && !user.roles.includes('board') && !user.roles.includes('broker')) {
      throw new GovernanceError(
        'forbidden',
        `${user.email} may not revoke agreement ${id}: not a party, broker or board member`,
      );
    }
    checkPolicy(user, 'agreement.revoke');
    if (row.state === 'revoked')
      throw new GovernanceError('conflict', `agreement ${id} is already revoked`);
    await trx
      .updateTable('agreements')
      .set({ state: 'revoked', revoked_at: ctx.now().toISOString(), revoke_reason: why })
      .where('id', '=', id)
      .execute();
    await ctx.audit(trx, actor, 'agreement.revoke', id, { reason: why });
  });
  return getAgreement(ctx, id);
}
