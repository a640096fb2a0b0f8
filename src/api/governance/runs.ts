/**
 * Runs over HTTP: a broker starts one (202, then follows it), restarts an interrupted one; the
 * board reads them too. The run itself happens in a process of the server's own
 * (src/pipeline/run-service.ts).
 */
import { RunRequestBody, requestJson, type IdParams } from '../../contracts/index.js';
import { GovernanceError } from '../../governance/index.js';
import type { RunService } from '../../pipeline/run-service.js';
import type { RunRequest } from '../../pipeline/run.js';
import { resourceRoutes, type GovernanceRouteDeps, type RouteDeclaration } from './routing.js';
import { listRoute } from './declarations.js';
import { idParams, runSchema } from './schemas.js';

const service = ({ runs }: GovernanceRouteDeps): RunService => {
  if (!runs) throw new GovernanceError('not_found', 'this server does not run indicators');
  return runs;
};

const startRun: RouteDeclaration = (r, deps) =>
  r.post<{ Body: RunRequest }>(
    '/runs',
    { body: requestJson(RunRequestBody), response: { 202: runSchema } },
    async (req, reply) =>
      reply.code(202).send(await service(deps).start(deps.me(req).id, req.body ?? {})),
  );

const listRuns = listRoute('/runs', 'runs', runSchema, ({ gov }) => gov.listRuns());

const getRun: RouteDeclaration = (r, { gov }) =>
  r.get<{ Params: IdParams }>(
    '/runs/:id',
    { params: idParams, response: { 200: runSchema } },
    async (req) => gov.getRun(req.params.id),
  );

const restartRun: RouteDeclaration = (r, deps) =>
  r.post<{ Params: IdParams }>(
    '/runs/:id/restart',
    { params: idParams, response: { 202: runSchema } },
    async (req, reply) =>
      reply.code(202).send(await service(deps).restart(deps.me(req).id, req.params.id)),
  );

/** Runs: started and restarted by the broker, read by the broker and the board. */
export const runRoutes = resourceRoutes(startRun, listRuns, getRun, restartRun);
