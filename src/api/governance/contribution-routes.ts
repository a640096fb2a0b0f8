/** Contributions: uploads (whole or resumable), their progress, the list and quarantine reports. */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import type { FastifyPluginAsync } from 'fastify';
import { GovernanceError, LIMITS } from '../../governance/index.js';
import { type GovernanceRouteDeps } from './routing.js';
import {
  contributionSchema,
  offsetConflictSchema,
  refusalSchema,
  uploadProgressSchema,
  errorResponses,
  idParams,
} from './schemas.js';

export const contributionRoutes: FastifyPluginAsync<GovernanceRouteDeps> = async (app, deps) => {
  const { gov, me, contributionJson, uploadSlot, maxUploadBytes, validate } = deps;
  const r = deps.routes(app);
  r.put<{
    Params: { dataset: string };
    Headers: {
      'x-content-sha256': string;
      'content-length'?: string;
      'upload-length'?: string;
      'upload-offset'?: string;
    };
  }>(
    '/contributions/:dataset',
    {
      params: {
        type: 'object',
        properties: { dataset: { type: 'string', maxLength: LIMITS.id } },
        required: ['dataset'],
      },
      headers: {
        type: 'object',
        properties: {
          'x-content-sha256': { type: 'string', pattern: '^[0-9a-fA-F]{64}$' },
          'upload-length': { type: 'string', pattern: '^[0-9]{1,16}$' },
          'upload-offset': { type: 'string', pattern: '^[0-9]{1,16}$' },
        },
        required: ['x-content-sha256'],
      },
      consumes: ['application/octet-stream', 'text/csv'],
      response: {
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
      },
    },
    async (req, reply) => {
      const declared = Number(req.headers['content-length'] ?? NaN);
      const lengthHeader = req.headers['upload-length'];
      const offsetHeader = req.headers['upload-offset'];
      if ((lengthHeader === undefined) !== (offsetHeader === undefined)) {
        throw new GovernanceError(
          'invalid',
          'a resumable upload sends both upload-length and upload-offset (or neither, for the whole file in one request)',
        );
      }
      let body = req.body as Readable | undefined;
      if (body !== undefined && typeof (body as Readable).pipe !== 'function') body = undefined;
      if (lengthHeader !== undefined && offsetHeader !== undefined) {
        const r = await gov.uploadContributionChunk(
          me(req).id,
          req.params.dataset,
          body ?? Readable.from([]),
          {
            sha256: req.headers['x-content-sha256'],
            length: Number(lengthHeader),
            offset: Number(offsetHeader),
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
    },
    { after: uploadSlot },
  );

  r.get<{ Params: { dataset: string; sha256: string } }>(
    '/contributions/:dataset/uploads/:sha256',
    {
      params: {
        type: 'object',
        properties: {
          dataset: { type: 'string', maxLength: LIMITS.id },
          sha256: { type: 'string', maxLength: 64 },
        },
        required: ['dataset', 'sha256'],
      },
      response: { 200: uploadProgressSchema },
    },
    async (req, reply) => {
      const p = await gov.partialUpload(me(req).id, req.params.dataset, req.params.sha256);
      reply.header('upload-offset', String(p.offset));
      reply.header('upload-length', String(p.length));
      reply.header('cache-control', 'no-store');
      return p;
    },
  );

  r.get(
    '/contributions',
    {
      response: {
        200: {
          type: 'object',
          properties: { contributions: { type: 'array', items: contributionSchema } },
        },
      },
    },
    async (req) => {
      const p = me(req);
      const seesAll = p.roles.includes('broker') || p.roles.includes('board');
      const list = await gov.listContributions(seesAll ? {} : { organisations: p.organisations });
      return { contributions: list.map(contributionJson) };
    },
  );

  r.get<{ Params: { id: string } }>(
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
};
