/**
 * Runs over HTTP: a broker starts one (202, then follows it), restarts an interrupted one; the
 * board reads them too. The run itself happens in a process of the server's own
 * (src/pipeline/run-service.ts).
 */
import type { FastifyPluginAsync } from 'fastify';
import { GovernanceError } from '../../governance/index.js';
import type { RunService } from '../../pipeline/run-service.js';
import type { RunRequest } from '../../pipeline/run.js';
import type { GovernanceRouteDeps } from './routing.js';
import { idParams, runSchema } from './schemas.js';

const idList = {
  type: 'array',
  items: { type: 'string', minLength: 1, maxLength: 100 },
  maxItems: 500,
};

/** Runs: started and restarted by the broker, read by the broker and the board. */
export const runRoutes: FastifyPluginAsync<GovernanceRouteDeps> = async (app, deps) => {
  const { gov, me, runs: service } = deps;
  const r = deps.routes(app);
  const runs = (): RunService => {
    if (!service) throw new GovernanceError('not_found', 'this server does not run indicators');
    return service;
  };
  r.post<{
    Body: RunRequest;
  }>(
    '/runs',
    {
      body: {
        type: 'object',
        properties: {
          indicators: idList,
          detail: { anyOf: [{ type: 'string', enum: ['all'] }, idList] },
          breakdowns: { type: 'boolean' },
          years: {
            type: 'array',
            items: { type: 'integer', minimum: 1900, maximum: 2100 },
            minItems: 1,
            maxItems: 50,
          },
          regions: {
            description: 'publish only these regions (a regional instance); default all',
            type: 'array',
            items: { type: 'string', pattern: '^[A-Z]{2}[0-9]{2,8}$' },
            maxItems: 100_000,
          },
          notes: {
            description: 'notes on the run for the release, in both languages',
            type: 'array',
            maxItems: 20,
            items: {
              type: 'object',
              properties: {
                nl: { type: 'string', minLength: 1, maxLength: 2000 },
                en: { type: 'string', minLength: 1, maxLength: 2000 },
              },
              required: ['nl', 'en'],
              additionalProperties: false,
            },
          },
        },
        additionalProperties: false,
      },
      response: { 202: runSchema },
    },
    async (req, reply) => reply.code(202).send(await runs().start(me(req).id, req.body ?? {})),
  );
  r.get(
    '/runs',
    {
      response: {
        200: { type: 'object', properties: { runs: { type: 'array', items: runSchema } } },
      },
    },
    async () => ({ runs: await gov.listRuns() }),
  );
  r.get<{ Params: { id: string } }>(
    '/runs/:id',
    { params: idParams, response: { 200: runSchema } },
    async (req) => gov.getRun(req.params.id),
  );
  r.post<{ Params: { id: string } }>(
    '/runs/:id/restart',
    { params: idParams, response: { 202: runSchema } },
    async (req, reply) => reply.code(202).send(await runs().restart(me(req).id, req.params.id)),
  );
};
