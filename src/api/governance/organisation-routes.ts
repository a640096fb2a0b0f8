/** Organisations and users: listed by the parties, registered by the broker. */
import type { FastifyPluginAsync } from 'fastify';
import { LIMITS, type Role } from '../../governance/index.js';
import { idList, type GovernanceRouteDeps } from './routing.js';
import { organisationSchema, userSchema } from './schemas.js';

export const organisationRoutes: FastifyPluginAsync<GovernanceRouteDeps> = async (app, deps) => {
  const { gov, me } = deps;
  const r = deps.routes(app);
  r.get(
    '/organisations',
    {
      response: {
        200: {
          type: 'object',
          properties: { organisations: { type: 'array', items: organisationSchema } },
        },
      },
    },
    async () => ({ organisations: await gov.listOrganisations() }),
  );

  r.post<{ Body: { id: string; name: string; role: Role; providerIds?: string[] } }>(
    '/organisations',
    {
      body: {
        type: 'object',
        properties: {
          id: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]*$', maxLength: LIMITS.id },
          name: { type: 'string', minLength: 1, maxLength: LIMITS.name },
          role: { type: 'string', enum: ['provider', 'broker', 'board', 'consumer'] },
          providerIds: idList,
        },
        required: ['id', 'name', 'role'],
        additionalProperties: false,
      },
      response: { 201: organisationSchema },
    },
    async (req, reply) => reply.code(201).send(await gov.createOrganisation(me(req).id, req.body)),
  );

  r.get(
    '/users',
    {
      response: {
        200: { type: 'object', properties: { users: { type: 'array', items: userSchema } } },
      },
    },
    async () => ({ users: await gov.listUsers() }),
  );

  r.post<{
    Body: {
      email: string;
      name: string;
      password?: string;
      organisations: string[];
      oidcIssuer?: string;
      oidcSubject?: string;
    };
  }>(
    '/users',
    {
      body: {
        type: 'object',
        properties: {
          email: { type: 'string', minLength: 3, maxLength: LIMITS.email },
          name: { type: 'string', minLength: 1, maxLength: LIMITS.name },
          password: {
            type: 'string',
            minLength: LIMITS.passwordMin,
            maxLength: LIMITS.passwordMax,
          },
          organisations: { ...idList, minItems: 1 },
          oidcIssuer: { type: 'string', maxLength: LIMITS.url },
          oidcSubject: { type: 'string', maxLength: LIMITS.oidcSubject },
        },
        required: ['email', 'name', 'organisations'],
        additionalProperties: false,
      },
      response: { 201: userSchema },
    },
    async (req, reply) => {
      const b = req.body;
      const user = await gov.createUser(me(req).id, {
        email: b.email,
        name: b.name,
        organisations: b.organisations,
        ...(b.password !== undefined ? { password: b.password } : {}),
        ...(b.oidcIssuer && b.oidcSubject
          ? { oidc: { issuer: b.oidcIssuer, subject: b.oidcSubject } }
          : {}),
      });
      return reply.code(201).send(user);
    },
  );
};
