/** Organisations and users: listed by the parties, registered by the broker. */
import { OrganisationInput, UserInput, requestJson } from '../../contracts/index.js';
import { resourceRoutes, type RouteDeclaration } from './routing.js';
import { listRoute } from './declarations.js';
import { organisationSchema, userSchema } from './schemas.js';

const listOrganisations = listRoute(
  '/organisations',
  'organisations',
  organisationSchema,
  ({ gov }) => gov.listOrganisations(),
);

const createOrganisation: RouteDeclaration = (r, { gov, me }) =>
  r.post<{ Body: OrganisationInput }>(
    '/organisations',
    { body: requestJson(OrganisationInput), response: { 201: organisationSchema } },
    async (req, reply) => reply.code(201).send(await gov.createOrganisation(me(req).id, req.body)),
  );

const listUsers = listRoute('/users', 'users', userSchema, ({ gov }) => gov.listUsers());

/** A user as the domain registers them: a password, an OIDC identity (both parts), or both. */
const userToCreate = (b: UserInput) => ({
  email: b.email,
  name: b.name,
  organisations: b.organisations,
  ...(b.password !== undefined ? { password: b.password } : {}),
  ...(b.oidcIssuer && b.oidcSubject
    ? { oidc: { issuer: b.oidcIssuer, subject: b.oidcSubject } }
    : {}),
});

const createUser: RouteDeclaration = (r, { gov, me }) =>
  r.post<{ Body: UserInput }>(
    '/users',
    { body: requestJson(UserInput), response: { 201: userSchema } },
    async (req, reply) =>
      reply.code(201).send(await gov.createUser(me(req).id, userToCreate(req.body))),
  );

export const organisationRoutes = resourceRoutes(
  listOrganisations,
  createOrganisation,
  listUsers,
  createUser,
);
