/** Agreements: drafted and proposed by the broker, signed by the parties, revoked. */
import {
  AgreementDraft,
  SignatureInput,
  requestJson,
  type IdParams,
  type ReasonBody,
} from '../../contracts/index.js';
import { resourceRoutes, type RouteDeclaration } from './routing.js';
import { agreementSchema, idParams, listOf, reasonBody } from './schemas.js';

const one = { params: idParams, response: { 200: agreementSchema } };

const listAgreements: RouteDeclaration = (r, { gov }) =>
  r.get('/agreements', { response: { 200: listOf('agreements', agreementSchema) } }, async () => ({
    agreements: await gov.listAgreements(),
  }));

const getAgreement: RouteDeclaration = (r, { gov }) =>
  r.get<{ Params: IdParams }>('/agreements/:id', one, async (req) =>
    gov.getAgreement(req.params.id),
  );

const createAgreement: RouteDeclaration = (r, { gov, me }) =>
  r.post<{ Body: AgreementDraft }>(
    '/agreements',
    { body: requestJson(AgreementDraft), response: { 201: agreementSchema } },
    async (req, reply) => reply.code(201).send(await gov.createAgreement(me(req).id, req.body)),
  );

const proposeAgreement: RouteDeclaration = (r, { gov, me }) =>
  r.post<{ Params: IdParams }>('/agreements/:id/propose', one, async (req) =>
    gov.proposeAgreement(me(req).id, req.params.id),
  );

const signAgreement: RouteDeclaration = (r, { gov, me }) =>
  r.post<{ Params: IdParams; Body: SignatureInput | undefined }>(
    '/agreements/:id/sign',
    { ...one, body: requestJson(SignatureInput) },
    async (req) => gov.signAgreement(me(req).id, req.params.id, req.body?.organisation),
  );

const revokeAgreement: RouteDeclaration = (r, { gov, me }) =>
  r.post<{ Params: IdParams; Body: ReasonBody }>(
    '/agreements/:id/revoke',
    { ...one, body: reasonBody },
    async (req) => gov.revokeAgreement(me(req).id, req.params.id, req.body.reason),
  );

export const agreementRoutes = resourceRoutes(
  listAgreements,
  getAgreement,
  createAgreement,
  proposeAgreement,
  signAgreement,
  revokeAgreement,
);
