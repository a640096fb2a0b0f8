/** Agreements: drafted and proposed by the broker, signed by the parties, revoked. */
import type { FastifyPluginAsync } from 'fastify';
import { LIMITS, type AgreementInput } from '../../governance/index.js';
import { idList, type GovernanceRouteDeps } from './routing.js';
import { agreementSchema, idParams, reasonBody } from './schemas.js';

export const agreementRoutes: FastifyPluginAsync<GovernanceRouteDeps> = async (app, deps) => {
  const { gov, me } = deps;
  const r = deps.routes(app);
  r.get(
    '/agreements',
    {
      response: {
        200: {
          type: 'object',
          properties: { agreements: { type: 'array', items: agreementSchema } },
        },
      },
    },
    async () => ({ agreements: await gov.listAgreements() }),
  );

  r.get<{ Params: { id: string } }>(
    '/agreements/:id',
    { params: idParams, response: { 200: agreementSchema } },
    async (req) => gov.getAgreement(req.params.id),
  );

  r.post<{ Body: AgreementInput }>(
    '/agreements',
    {
      body: {
        type: 'object',
        properties: {
          id: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]*$', maxLength: LIMITS.id },
          title: { type: 'string', minLength: 1, maxLength: LIMITS.name },
          purpose: { type: 'string', minLength: 1, maxLength: LIMITS.reason },
          legalBasis: { type: 'string', minLength: 1, maxLength: LIMITS.reason },
          parties: { ...idList, minItems: 1 },
          datasets: { ...idList, minItems: 1 },
          themes: { ...idList, minItems: 1 },
          indicators: { ...idList, maxItems: LIMITS.indicatorItems },
          validFrom: { type: 'string', format: 'date-time', maxLength: 40 },
          validUntil: { type: 'string', format: 'date-time', maxLength: 40 },
          retentionDays: { type: 'integer', minimum: 0 },
        },
        required: [
          'title',
          'purpose',
          'legalBasis',
          'parties',
          'datasets',
          'themes',
          'validFrom',
          'validUntil',
          'retentionDays',
        ],
        additionalProperties: false,
      },
      response: { 201: agreementSchema },
    },
    async (req, reply) => reply.code(201).send(await gov.createAgreement(me(req).id, req.body)),
  );

  r.post<{ Params: { id: string } }>(
    '/agreements/:id/propose',
    {
      params: idParams,
      response: { 200: agreementSchema },
    },
    async (req) => gov.proposeAgreement(me(req).id, req.params.id),
  );

  r.post<{ Params: { id: string }; Body: { organisation?: string } | undefined }>(
    '/agreements/:id/sign',
    {
      params: idParams,
      body: {
        type: 'object',
        properties: { organisation: { type: 'string', maxLength: LIMITS.id } },
        additionalProperties: false,
      },
      response: { 200: agreementSchema },
    },
    async (req) => gov.signAgreement(me(req).id, req.params.id, req.body?.organisation),
  );

  r.post<{ Params: { id: string }; Body: { reason: string } }>(
    '/agreements/:id/revoke',
    {
      params: idParams,
      body: reasonBody,
      response: { 200: agreementSchema },
    },
    async (req) => gov.revokeAgreement(me(req).id, req.params.id, req.body.reason),
  );
};
