/** The audit trail: read and verify its hash chain. */
import { AuditQuery, requestJson } from '../../contracts/index.js';
import { listRoute } from './declarations.js';
import { resourceRoutes, type RouteDeclaration } from './routing.js';
import { auditEntrySchema, verificationSchema } from './schemas.js';

const listAudit = listRoute<AuditQuery>(
  '/audit',
  'entries',
  auditEntrySchema,
  ({ gov }, { query }) =>
    gov.listAudit({
      ...(query.after !== undefined ? { afterSeq: query.after } : {}),
      limit: query.limit ?? 1000,
      ...(query.action ? { action: query.action } : {}),
    }),
  requestJson(AuditQuery),
);

const verifyAudit: RouteDeclaration = (r, { gov }) =>
  r.get('/audit/verify', { response: { 200: verificationSchema } }, async () =>
    gov.verifyAuditTrail(),
  );

export const auditRoutes = resourceRoutes(listAudit, verifyAudit);
