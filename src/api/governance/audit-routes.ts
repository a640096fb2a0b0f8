/** The audit trail: read and verify its hash chain. */
import type { FastifyPluginAsync } from 'fastify';
import { LIMITS } from '../../governance/index.js';
import { type GovernanceRouteDeps } from './routing.js';
import { auditEntrySchema, verificationSchema } from './schemas.js';

export const auditRoutes: FastifyPluginAsync<GovernanceRouteDeps> = async (app, deps) => {
  const { gov } = deps;
  const r = deps.routes(app);
  r.get<{ Querystring: { after?: number; limit?: number; action?: string } }>(
    '/audit',
    {
      querystring: {
        type: 'object',
        properties: {
          after: { type: 'integer', minimum: 0 },
          limit: { type: 'integer', minimum: 1, maximum: 10000, default: 1000 },
          action: { type: 'string', maxLength: LIMITS.id },
        },
        additionalProperties: false,
      },
      response: {
        200: {
          type: 'object',
          properties: { entries: { type: 'array', items: auditEntrySchema } },
        },
      },
    },
    async (req) => ({
      entries: await gov.listAudit({
        ...(req.query.after !== undefined ? { afterSeq: req.query.after } : {}),
        limit: req.query.limit ?? 1000,
        ...(req.query.action ? { action: req.query.action } : {}),
      }),
    }),
  );

  r.get('/audit/verify', { response: { 200: verificationSchema } }, async () =>
    gov.verifyAuditTrail(),
  );
};
