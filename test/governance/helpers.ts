/** Test helpers: a small real row validator and a Fastify app with the governance routes. */
import { readFile } from 'node:fs/promises';
import Fastify, { type FastifyInstance } from 'fastify';
import { datasetContract } from '../../src/ingest/contracts.js';
import { governanceRoutes, type GovernanceRoutesOptions } from '../../src/api/governance/index.js';
import type { ValidationCounts } from '../../src/governance/index.js';

/**
 * Counts CSV rows (semicolon, header) against the contract: a row with the wrong number of
 * fields, or an empty value in a non-nullable column, goes to quarantine with its reason.
 */
export async function smallValidator(file: string, datasetId: string): Promise<ValidationCounts> {
  const contract = datasetContract(datasetId);
  const lines = (await readFile(file, 'utf8')).split('\n').filter((l) => l !== '');
  const header = (lines.shift() ?? '').split(';');
  const expected = contract.columns.map((c) => c.name);
  if (header.join(';') !== expected.join(';')) {
    throw new Error(
      `${file}: header ${header.join(';')} does not match ${datasetId} (${expected.join(';')})`,
    );
  }
  const reasons: Record<string, number> = {};
  let accepted = 0;
  let quarantined = 0;
  for (const line of lines) {
    const fields = line.split(';');
    let reason: string | null = null;
    if (fields.length !== expected.length) reason = 'field-count';
    else {
      const bad = contract.columns.find((c, i) => !c.nullable && (fields[i] ?? '') === '');
      if (bad) reason = `empty:${bad.name}`;
    }
    if (reason) {
      quarantined++;
      reasons[reason] = (reasons[reason] ?? 0) + 1;
    } else accepted++;
  }
  return { accepted, quarantined, reasons };
}

export async function buildApp(
  opts: Omit<GovernanceRoutesOptions, 'validate'> &
    Partial<Pick<GovernanceRoutesOptions, 'validate'>>,
): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  await app.register(governanceRoutes, { validate: smallValidator, ...opts, prefix: '/api/v1' });
  await app.ready();
  return app;
}
