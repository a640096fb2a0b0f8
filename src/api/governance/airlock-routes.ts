/** The airlock: candidate and past releases, restricted reports, reviews, publication, withdrawal. */
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { FastifyPluginAsync } from 'fastify';
import { GovernanceError, LIMITS } from '../../governance/index.js';
import { RELEASE_FILES } from '../../release/format.js';
import { readRowsPage } from './report.js';
import { type GovernanceRouteDeps } from './routing.js';
import { idParams, reasonBody, releaseSchema, reportCellsSchema, reportSchema } from './schemas.js';

export const airlockRoutes: FastifyPluginAsync<GovernanceRouteDeps> = async (app, deps) => {
  const { gov, me } = deps;
  const r = deps.routes(app);
  r.get<{ Querystring: { state?: 'candidate' | 'rejected' | 'published' | 'withdrawn' } }>(
    '/airlock/releases',
    {
      querystring: {
        type: 'object',
        properties: {
          state: { type: 'string', enum: ['candidate', 'rejected', 'published', 'withdrawn'] },
        },
        additionalProperties: false,
      },
      response: {
        200: { type: 'object', properties: { releases: { type: 'array', items: releaseSchema } } },
      },
    },
    async (req) => ({
      releases: await gov.listReleases(req.query.state ? { states: [req.query.state] } : {}),
    }),
  );

  r.get<{ Params: { id: string } }>(
    '/airlock/releases/:id',
    { params: idParams, response: { 200: releaseSchema } },
    async (req) => gov.getRelease(req.params.id, me(req).id),
  );

  r.get<{ Params: { id: string } }>(
    '/airlock/releases/:id/report',
    {
      params: idParams,
      response: { 200: reportSchema },
    },
    async (req, reply) => {
      const { release, dir, files } = await gov.openReport(me(req).id, req.params.id, {
        part: 'report',
      });
      const manifestPath = join(dir, RELEASE_FILES.restrictedManifest);
      const auditPath = join(dir, RELEASE_FILES.audit);
      let manifest: { cells?: { count?: number } };
      let auditBytes: number;
      try {
        manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as typeof manifest;
        auditBytes = (await stat(auditPath)).size;
      } catch (err) {
        throw new GovernanceError(
          'not_found',
          `the restricted report of ${release.id} cannot be read: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'a file is missing' : (err as Error).message}`,
        );
      }
      if (auditBytes === 0)
        throw new GovernanceError('not_found', `the audit of ${release.id} is empty`);
      // The audit can be hundreds of MB: it is streamed into the envelope as stored, not parsed.
      const head = JSON.stringify({
        release: {
          id: release.id,
          state: release.state,
          digest: release.digest,
          providers: release.providers,
        },
        files,
        cells: {
          href: `/api/v1/airlock/releases/${encodeURIComponent(release.id)}/report/cells`,
          count: manifest.cells?.count ?? null,
        },
        manifest,
      });
      async function* body() {
        yield Buffer.from(`${head.slice(0, -1)},"audit":`);
        for await (const chunk of createReadStream(auditPath)) yield chunk as Buffer;
        yield Buffer.from('}');
      }
      if (release.digest) reply.header('x-release-digest', release.digest);
      reply.header('cache-control', 'no-store');
      return reply.type('application/json; charset=utf-8').send(Readable.from(body()));
    },
  );

  r.get<{ Params: { id: string }; Querystring: { offset?: number; limit?: number } }>(
    '/airlock/releases/:id/report/cells',
    {
      params: idParams,
      querystring: {
        type: 'object',
        properties: {
          offset: { type: 'integer', minimum: 0, default: 0 },
          limit: { type: 'integer', minimum: 1, maximum: 10000, default: 1000 },
        },
        additionalProperties: false,
      },
      response: { 200: reportCellsSchema },
    },
    async (req, reply) => {
      const offset = req.query.offset ?? 0;
      const limit = req.query.limit ?? 1000;
      const { release, dir } = await gov.openReport(me(req).id, req.params.id, {
        part: 'cells',
        offset,
        limit,
      });
      let page: Awaited<ReturnType<typeof readRowsPage>>;
      try {
        page = await readRowsPage(join(dir, RELEASE_FILES.restrictedCells), offset, limit);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT')
          throw new GovernanceError('not_found', `release ${release.id} has no internal cells`);
        throw err;
      }
      reply.header('cache-control', 'no-store');
      return {
        releaseId: release.id,
        digest: release.digest,
        total: page.total,
        offset,
        limit,
        rows: page.rows,
      };
    },
  );

  r.post<{
    Params: { id: string };
    Body: {
      decision: 'approve' | 'reject';
      reason?: string;
      capacity?: string;
      digest?: string;
    };
  }>(
    '/airlock/releases/:id/reviews',
    {
      params: idParams,
      body: {
        type: 'object',
        properties: {
          decision: { type: 'string', enum: ['approve', 'reject'] },
          reason: { type: 'string', maxLength: LIMITS.reason },
          capacity: {
            type: 'string',
            maxLength: LIMITS.id,
            description: "'board' or the provider organisation id you review for",
          },
          digest: {
            type: 'string',
            pattern: '^[0-9a-fA-F]{64}$',
            description:
              "The release's digest as you checked it (GET the release or its report): required to approve, and must equal the recorded one",
          },
        },
        required: ['decision'],
        additionalProperties: false,
      },
      response: { 201: releaseSchema },
    },
    async (req, reply) =>
      reply.code(201).send(await gov.review(me(req).id, req.params.id, req.body)),
  );

  r.post<{ Params: { id: string } }>(
    '/airlock/releases/:id/publish',
    {
      params: idParams,
      response: { 200: releaseSchema },
    },
    async (req) => gov.publish(me(req).id, req.params.id),
  );

  r.post<{ Params: { id: string }; Body: { reason: string } }>(
    '/airlock/releases/:id/withdraw',
    {
      params: idParams,
      body: reasonBody,
      response: { 200: releaseSchema },
    },
    async (req) => gov.withdraw(me(req).id, req.params.id, req.body.reason),
  );
};
