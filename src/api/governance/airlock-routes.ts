/** The airlock: candidate and past releases, restricted reports, reviews, publication, withdrawal. */
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import {
  ReleaseListQuery,
  ReportCellsQuery,
  ReviewInput,
  requestJson,
  type IdParams,
  type Release,
} from '../../contracts/index.js';
import { GovernanceError } from '../../governance/index.js';
import { RELEASE_FILES } from '../../release/format.js';
import { idAction, listRoute, reasonedAction } from './declarations.js';
import { readRowsPage } from './report.js';
import { resourceRoutes, type RouteDeclaration } from './routing.js';
import { idParams, releaseSchema, reportCellsSchema, reportSchema } from './schemas.js';

const one = { params: idParams, response: { 200: releaseSchema } };

const listReleases = listRoute<ReleaseListQuery>(
  '/airlock/releases',
  'releases',
  releaseSchema,
  ({ gov }, req) => gov.listReleases(req.query.state ? { states: [req.query.state] } : {}),
  requestJson(ReleaseListQuery),
);

const getRelease: RouteDeclaration = (r, { gov, me }) =>
  r.get<{ Params: IdParams }>('/airlock/releases/:id', one, async (req) =>
    gov.getRelease(req.params.id, me(req).id),
  );

/** The restricted manifest and the audit's size: a report whose files cannot be read is 404. */
async function reportFiles(release: Release, dir: string) {
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
  return { manifest, auditPath };
}

const report: RouteDeclaration = (r, { gov, me }) =>
  r.get<{ Params: IdParams }>(
    '/airlock/releases/:id/report',
    { params: idParams, response: { 200: reportSchema } },
    async (req, reply) => {
      const { release, dir, files } = await gov.openReport(me(req).id, req.params.id, {
        part: 'report',
      });
      const { manifest, auditPath } = await reportFiles(release, dir);
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

const reportCells: RouteDeclaration = (r, { gov, me }) =>
  r.get<{ Params: IdParams; Querystring: ReportCellsQuery }>(
    '/airlock/releases/:id/report/cells',
    {
      params: idParams,
      querystring: requestJson(ReportCellsQuery),
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
      const { total, rows } = page;
      return { releaseId: release.id, digest: release.digest, total, offset, limit, rows };
    },
  );

const review: RouteDeclaration = (r, { gov, me }) =>
  r.post<{ Params: IdParams; Body: ReviewInput }>(
    '/airlock/releases/:id/reviews',
    { params: idParams, body: requestJson(ReviewInput), response: { 201: releaseSchema } },
    async (req, reply) =>
      reply.code(201).send(await gov.review(me(req).id, req.params.id, req.body)),
  );

const publish = idAction('/airlock/releases/:id/publish', one, 'publish');

const withdraw = reasonedAction('/airlock/releases/:id/withdraw', one, 'withdraw');

export const airlockRoutes = resourceRoutes(
  listReleases,
  getRelease,
  report,
  reportCells,
  review,
  publish,
  withdraw,
);
