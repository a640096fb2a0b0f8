/** The audit trail: read and verify its hash chain. */
import { AuditQuery, requestJson } from '../../contracts/index.js';
import { resourceRoutes, type RouteDeclaration } from './routing.js';
import { auditEntrySchema, listOf, verificationSchema } from './schemas.js';

const listAudit: RouteDeclaration = (r, { gov }) =>
  r.get<{ Querystring: AuditQuery }>(
    '/audit',
    {
      querystring: requestJson(AuditQuery),
      response: { 200: listOf('entries', auditEntrySchema) },
    },
    async (req) => ({
      entries: await gov.listAudit({
        ...(req.query.after !== undefined ? { afterSeq: req.query.after } : {}),
        limit: req.query.limit ?? 1000,
        ...(req.query.action ? { action: req.query.action } : {}),
      }),
    }),
  );

const verifyAudit: RouteDeclaration = (r, { gov }) =>
  r.get('/audit/verify', { response: { 200: verificationSchema } }, async () =>
    gov.verifyAuditTrail(),
  );

export const auditRoutes = resourceRoutes(listAudit, verifyAudit);
