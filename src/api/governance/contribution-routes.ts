/** Contributions: uploads (whole or resumable), their progress, the list and quarantine reports. */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  DatasetParams,
  PartialUploadParams,
  UploadHeaders,
  requestJson,
  type IdParams,
} from '../../contracts/index.js';
import { GovernanceError } from '../../governance/index.js';
import { resourceRoutes, type GovernanceRouteDeps, type RouteDeclaration } from './routing.js';
import {
  contributionSchema,
  errorResponses,
  idParams,
  listOf,
  offsetConflictSchema,
  refusalSchema,
  uploadProgressSchema,
} from './schemas.js';

type UploadRequest = FastifyRequest<{ Params: DatasetParams; Headers: UploadHeaders }>;

const uploadResponses = {
  201: contributionSchema,
  202: uploadProgressSchema,
  409: offsetConflictSchema,
  413: {
    ...refusalSchema,
    description:
      'the file (or its declared length) is over a limit: `reason` names it (row-limit, decompressed-size-limit, field-length-limit, column-limit, line-length-limit, memory-limit, time-limit)',
  },
  422: {
    ...refusalSchema,
    description:
      'the file is refused as a whole: `reason` says why (e.g. not-utf8, missing-columns, direct-identifier, raw-identifier), `field` and `row` where',
  },
  503: {
    ...errorResponses[400],
    description: 'every upload slot is taken: retry after the seconds in retry-after',
  },
};

/** One upload request: its body stream (if any) and the length it declared (NaN if none). */
interface UploadCall {
  deps: GovernanceRouteDeps;
  req: UploadRequest;
  reply: FastifyReply;
  body: Readable | undefined;
  declared: number;
}

/** One chunk of a resumable upload: 202 with the progress, or 201 once the file is complete. */
async function receiveChunk({ deps, req, reply, body, declared }: UploadCall) {
  const { gov, me, contributionJson, maxUploadBytes, validate } = deps;
  const r = await gov.uploadContributionChunk(
    me(req).id,
    req.params.dataset,
    body ?? Readable.from([]),
    {
      sha256: req.headers['x-content-sha256'],
      length: Number(req.headers['upload-length']),
      offset: Number(req.headers['upload-offset']),
      ...(Number.isFinite(declared) ? { declared } : {}),
      maxBytes: maxUploadBytes,
      validate: validate,
    },
  );
  reply.header('upload-offset', String(r.offset));
  reply.header('upload-length', String(r.length));
  if (!r.contribution) return reply.code(202).send({ offset: r.offset, length: r.length });
  return reply.code(201).send(contributionJson(r.contribution));
}

/** The whole file in one request. */
async function receiveWhole({ deps, req, reply, body, declared }: UploadCall) {
  const { gov, me, contributionJson, maxUploadBytes, validate } = deps;
  if (Number.isFinite(declared) && declared > maxUploadBytes) {
    throw new GovernanceError(
      'too_large',
      `upload of ${declared} bytes exceeds the limit of ${maxUploadBytes} bytes`,
    );
  }
  if (!body) {
    throw new GovernanceError(
      'invalid',
      'send the file as the request body (application/octet-stream or text/csv)',
    );
  }
  const c = await gov.uploadContribution(me(req).id, req.params.dataset, body, {
    sha256: req.headers['x-content-sha256'],
    maxBytes: maxUploadBytes,
    validate: validate,
  });
  return reply.code(201).send(contributionJson(c));
}

const upload: RouteDeclaration = (r, deps) =>
  r.put<{ Params: DatasetParams; Headers: UploadHeaders }>(
    '/contributions/:dataset',
    {
      params: requestJson(DatasetParams),
      headers: requestJson(UploadHeaders),
      consumes: ['application/octet-stream', 'text/csv'],
      response: uploadResponses,
    },
    async (req, reply) => {
      const declared = Number(req.headers['content-length'] ?? NaN);
      const resumable = req.headers['upload-length'] !== undefined;
      if (resumable !== (req.headers['upload-offset'] !== undefined)) {
        throw new GovernanceError(
          'invalid',
          'a resumable upload sends both upload-length and upload-offset (or neither, for the whole file in one request)',
        );
      }
      let body = req.body as Readable | undefined;
      if (body !== undefined && typeof (body as Readable).pipe !== 'function') body = undefined;
      const receive = resumable ? receiveChunk : receiveWhole;
      return receive({ deps, req, reply, body, declared });
    },
    { after: deps.uploadSlot },
  );

const uploadProgress: RouteDeclaration = (r, { gov, me }) =>
  r.get<{ Params: PartialUploadParams }>(
    '/contributions/:dataset/uploads/:sha256',
    { params: requestJson(PartialUploadParams), response: { 200: uploadProgressSchema } },
    async (req, reply) => {
      const p = await gov.partialUpload(me(req).id, req.params.dataset, req.params.sha256);
      reply.header('upload-offset', String(p.offset));
      reply.header('upload-length', String(p.length));
      reply.header('cache-control', 'no-store');
      return p;
    },
  );

const listContributions: RouteDeclaration = (r, { gov, me, contributionJson }) =>
  r.get(
    '/contributions',
    { response: { 200: listOf('contributions', contributionSchema) } },
    async (req) => {
      const p = me(req);
      const seesAll = p.roles.includes('broker') || p.roles.includes('board');
      const list = await gov.listContributions(seesAll ? {} : { organisations: p.organisations });
      return { contributions: list.map(contributionJson) };
    },
  );

const quarantineReport: RouteDeclaration = (r, { gov, me }) =>
  r.get<{ Params: IdParams }>(
    '/contributions/:id/quarantine',
    {
      params: idParams,
      produces: ['text/csv'],
      response: {
        200: {
          type: 'string',
          description:
            'CSV with header row;field;reason: the source row number (data rows from 1), the field and the reason of each quarantined row; never a value',
        },
      },
    },
    async (req, reply) => {
      const { contribution, path } = await gov.openQuarantine(me(req).id, req.params.id);
      try {
        await stat(path);
      } catch {
        throw new GovernanceError(
          'not_found',
          `the quarantine report of contribution ${contribution.id} is missing on the broker`,
        );
      }
      reply.header('cache-control', 'no-store');
      reply.header(
        'content-disposition',
        `attachment; filename="${contribution.datasetId}-v${contribution.version}.quarantine.csv"`,
      );
      return reply.type('text/csv; charset=utf-8').send(createReadStream(path));
    },
  );

export const contributionRoutes = resourceRoutes(
  upload,
  uploadProgress,
  listContributions,
  quarantineReport,
);
