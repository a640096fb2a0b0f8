/** Agreements: drafted and proposed by the broker, signed by the parties, revoked. */
import {
  AgreementDraft,
  SignatureInput,
  requestJson,
  type IdParams,
} from '../../contracts/index.js';
import { idAction, listRoute, reasonedAction } from './declarations.js';
import { resourceRoutes, type RouteDeclaration } from './routing.js';
import { agreementSchema, idParams } from './schemas.js';

const one = { params: idParams, response: { 200: agreementSchema } };

const listAgreements = listRoute('/agreements', 'agreements', agreementSchema, ({ gov }) =>
  gov.listAgreements(),
);

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

const proposeAgreement = idAction('/agreements/:id/propose', one, 'proposeAgreement');

const signAgreement: RouteDeclaration = (r, { gov, me }) =>
  r.post<{ Params: IdParams; Body: SignatureInput | undefined }>(
    '/agreements/:id/sign',
    { ...one, body: requestJson(SignatureInput) },
    async (req) => gov.signAgreement(me(req).id, req.params.id, req.body?.organisation),
  );

const revokeAgreement = reasonedAction('/agreements/:id/revoke', one, 'revokeAgreement');

export const agreementRoutes = resourceRoutes(
  listAgreements,
  getAgreement,
  createAgreement,
  proposeAgreement,
  signAgreement,
  revokeAgreement,
);
