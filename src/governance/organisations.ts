/** Organisations (each with one role) and their users (accounts, memberships). */
import { randomUUID } from 'node:crypto';
import { DATASETS } from '../ingest/contracts.js';
import { nonEmpty, parseList, type GovernanceContext } from './context.js';
import { GovernanceError } from './errors.js';
import { capped, cappedList, cappedOptional, checkPasswordLength, LIMITS } from './limits.js';
import { hashPassword } from './secrets.js';
import { ROLES, type Organisation, type Role, type User } from './types.js';

export interface OrganisationInput {
  id: string;
  name: string;
  role: Role;
  providerIds?: string[];
}

export interface UserInput {
  email: string;
  name: string;
  password?: string;
  organisations: string[];
  oidc?: { issuer: string; subject: string };
}

export async function createOrganisation(
  ctx: GovernanceContext,
  actor: string,
  input: OrganisationInput,
): Promise<Organisation> {
  capped(input.id, 'organisation id', LIMITS.id);
  cappedList(input.providerIds, 'providerIds', LIMITS.listItems);
  if (!/^[a-z0-9][a-z0-9-]*$/.test(input.id)) {
    throw new GovernanceError(
      'invalid',
      `organisation id '${input.id}': use lowercase letters, digits and -`,
    );
  }
  if (!ROLES.includes(input.role)) {
    throw new GovernanceError(
      'invalid',
      `organisation role '${input.role}': expected one of ${ROLES.join(', ')}`,
    );
  }
  const providerIds = input.providerIds ?? [];
  if (input.role !== 'provider' && providerIds.length > 0) {
    throw new GovernanceError(
      'invalid',
      `organisation ${input.id}: only providers deliver datasets`,
    );
  }
  const known = new Set(DATASETS.map((d) => d.provider as string));
  for (const p of providerIds) {
    if (!known.has(p))
      throw new GovernanceError('invalid', `organisation ${input.id}: unknown provider '${p}'`);
  }
  const row = {
    id: input.id,
    name: nonEmpty(input.name, 'organisation name', LIMITS.name),
    role: input.role,
    provider_ids: JSON.stringify(providerIds),
    created_at: ctx.now().toISOString(),
  };
  await ctx.tx(async (trx) => {
    const exists = await trx
      .selectFrom('organisations')
      .select('id')
      .where('id', '=', input.id)
      .executeTakeFirst();
    if (exists) throw new GovernanceError('conflict', `organisation ${input.id} already exists`);
    await trx.insertInto('organisations').values(row).execute();
    await ctx.audit(trx, actor, 'organisation.create', input.id, {
      role: input.role,
      providerIds,
    });
  });
  return { id: row.id, name: row.name, role: input.role, providerIds, createdAt: row.created_at };
}

export async function listOrganisations(ctx: GovernanceContext): Promise<Organisation[]> {
  const rows = await ctx.db.selectFrom('organisations').selectAll().orderBy('id').execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    role: r.role as Role,
    providerIds: parseList(r.provider_ids),
    createdAt: r.created_at,
  }));
}

export async function createUser(
  ctx: GovernanceContext,
  actor: string,
  input: UserInput,
): Promise<User> {
  const email = nonEmpty(input.email, 'email', LIMITS.email).toLowerCase();
  if (!/^[^@\s]+@[^@\s]+$/.test(email))
    throw new GovernanceError('invalid', `email '${email}' is not an address`);
  cappedList(input.organisations, 'organisations', LIMITS.listItems);
  cappedOptional(input.oidc?.issuer, 'oidcIssuer', LIMITS.url);
  cappedOptional(input.oidc?.subject, 'oidcSubject', LIMITS.oidcSubject);
  let passwordHash: string | null = null;
  if (input.password !== undefined) {
    checkPasswordLength(input.password);
    try {
      passwordHash = await hashPassword(input.password);
    } catch (err) {
      throw new GovernanceError('invalid', (err as Error).message);
    }
  }
  const id = randomUUID();
  const at = ctx.now().toISOString();
  await ctx.tx(async (trx) => {
    if (await trx.selectFrom('users').select('id').where('email', '=', email).executeTakeFirst()) {
      throw new GovernanceError('conflict', `a user with email ${email} already exists`);
    }
    for (const org of input.organisations) {
      if (
        !(await trx
          .selectFrom('organisations')
          .select('id')
          .where('id', '=', org)
          .executeTakeFirst())
      ) {
        throw new GovernanceError('not_found', `organisation ${org} does not exist`);
      }
    }
    await trx
      .insertInto('users')
      .values({
        id,
        email,
        name: nonEmpty(input.name, 'name', LIMITS.name),
        password_hash: passwordHash,
        oidc_issuer: input.oidc?.issuer ?? null,
        oidc_subject: input.oidc?.subject ?? null,
        created_at: at,
      })
      .execute();
    for (const org of input.organisations) {
      await trx
        .insertInto('memberships')
        .values({ user_id: id, organisation_id: org, created_at: at })
        .execute();
    }
    await ctx.audit(trx, actor, 'user.create', id, { organisations: input.organisations });
  });
  return getUser(ctx, id);
}

export async function getUser(ctx: GovernanceContext, id: string): Promise<User> {
  const u = await ctx.db
    .selectFrom('users')
    .select(['id', 'email', 'name'])
    .where('id', '=', id)
    .executeTakeFirst();
  if (!u) throw new GovernanceError('not_found', `user ${id} does not exist`);
  const orgs = await ctx.db
    .selectFrom('memberships')
    .innerJoin('organisations', 'organisations.id', 'memberships.organisation_id')
    .select(['organisations.id', 'organisations.role'])
    .where('memberships.user_id', '=', id)
    .orderBy('organisations.id')
    .execute();
  const roles = ROLES.filter((r) => orgs.some((o) => o.role === r));
  return { id: u.id, email: u.email, name: u.name, organisations: orgs.map((o) => o.id), roles };
}

export async function findUserByEmail(ctx: GovernanceContext, email: string): Promise<User | null> {
  const u = await ctx.db
    .selectFrom('users')
    .select('id')
    .where('email', '=', email.toLowerCase())
    .executeTakeFirst();
  return u ? getUser(ctx, u.id) : null;
}

export async function listUsers(ctx: GovernanceContext): Promise<User[]> {
  const ids = await ctx.db.selectFrom('users').select('id').orderBy('email').execute();
  return Promise.all(ids.map((u) => getUser(ctx, u.id)));
}
