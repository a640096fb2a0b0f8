/** Organisations, their roles, and the users who act for them. */
import { z } from 'zod';
import { IdList, NewId } from './fields.js';
import { LIMITS } from './limits.js';

export const ROLES = ['provider', 'broker', 'board', 'consumer'] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

export const Organisation = z.object({
  id: z.string(),
  name: z.string(),
  role: Role,
  providerIds: z.array(z.string()),
  createdAt: z.string(),
});
export type Organisation = z.infer<typeof Organisation>;

export const User = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  organisations: z.array(z.string()),
  roles: z.array(Role),
});
export type User = z.infer<typeof User>;

/** How a request was authenticated. */
export const PRINCIPAL_VIAS = ['api-token', 'session', 'internal'] as const;
export const PrincipalVia = z.enum(PRINCIPAL_VIAS);
export type PrincipalVia = z.infer<typeof PrincipalVia>;

/** The caller (`GET /auth/me`): a user, and how this request was authenticated. */
export const Me = User.extend({ via: PrincipalVia.optional() });
export type Me = z.infer<typeof Me>;

/** `POST /organisations`. */
export const OrganisationInput = z.strictObject({
  id: NewId,
  name: z.string().min(1).max(LIMITS.name),
  role: Role,
  providerIds: IdList.optional(),
});
export type OrganisationInput = z.infer<typeof OrganisationInput>;

/** `POST /users`: a password, an OIDC identity (issuer and subject), or both. */
export const UserInput = z.strictObject({
  email: z.string().min(3).max(LIMITS.email),
  name: z.string().min(1).max(LIMITS.name),
  password: z.string().min(LIMITS.passwordMin).max(LIMITS.passwordMax).optional(),
  organisations: IdList.min(1),
  oidcIssuer: z.string().max(LIMITS.url).optional(),
  oidcSubject: z.string().max(LIMITS.oidcSubject).optional(),
});
export type UserInput = z.infer<typeof UserInput>;
