/**
 * Test helpers: a small real row validator, a Fastify app with the governance routes, and a small
 * release folder on disk.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { datasetContract } from '../../src/ingest/contracts.js';
import { governanceRoutes, type GovernanceRoutesOptions } from '../../src/api/governance/index.js';
import type { ValidationCounts } from '../../src/governance/index.js';
import { RELEASE_COLUMNS, RELEASE_FILES, RESTRICTED_DIR } from '../../src/release/format.js';
import { releaseDigest } from '../../src/release/integrity.js';

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

/**
 * An agreement as it is drafted (the API's body, the CLI's file): valid from yesterday for
 * `validDays` days from now, data kept 30 days after it ends.
 */
export function agreementDraft(o: {
  id: string;
  title: string;
  purpose: string;
  legalBasis: string;
  parties: string[];
  datasets: string[];
  themes: string[];
  validDays: number;
}) {
  const now = Date.now();
  const { validDays, ...fields } = o;
  return {
    ...fields,
    validFrom: new Date(now - 86_400_000).toISOString(),
    validUntil: new Date(now + validDays * 86_400_000).toISOString(),
    retentionDays: 30,
  };
}

/**
 * `PUT /api/v1/contributions/<dataset>` as `token`: a CSV body with its checksum unless
 * `headers` say otherwise (another type, a wrong checksum, a resumable upload).
 */
export function putContribution(
  app: FastifyInstance,
  token: string,
  dataset: string,
  payload: string | Buffer,
  headers: Record<string, string> = {},
) {
  return app.inject({
    method: 'PUT',
    url: `/api/v1/contributions/${dataset}`,
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'text/csv',
      'x-content-sha256': createHash('sha256').update(payload).digest('hex'),
      ...headers,
    },
    payload,
  });
}

/**
 * A small release folder as `writeRelease` lays it out (public files, and `restricted/` with the
 * full manifest, the internal cells and the audit), under `<dataDir>/releases/<id>/`. Returns
 * the folder and its digest. `rows` internal rows are written (default 3).
 */
export function writeTestRelease(
  dataDir: string,
  id: string,
  rows = 3,
): { dir: string; digest: string } {
  const dir = join(dataDir, 'releases', id);
  mkdirSync(join(dir, RESTRICTED_DIR), { recursive: true, mode: 0o700 });
  const internal: string[] = [RELEASE_COLUMNS.join(',')];
  const pub: string[] = [
    'indicator_id,year,region_level,region_code,parent_code,breakdown,value,numerator,denominator,status',
  ];
  for (let i = 0; i < rows; i++) {
    const suppressed = i % 3 === 2;
    const code = `GM${String(i).padStart(4, '0')}`;
    internal.push(
      suppressed
        ? `bouwjaar_voor_1945,2025,gemeente,${code},NL,,,,,suppressed-primary,threshold`
        : `bouwjaar_voor_1945,2025,gemeente,${code},NL,,${i * 5},${i * 5},,published,`,
    );
    pub.push(
      suppressed
        ? `bouwjaar_voor_1945,2025,gemeente,${code},NL,,,,,confidential`
        : `bouwjaar_voor_1945,2025,gemeente,${code},NL,,${i * 5},${i * 5},,published`,
    );
  }
  writeFileSync(join(dir, 'manifest.json'), `${JSON.stringify({ id, format: 'public' })}\n`);
  writeFileSync(join(dir, 'cells.csv'), `${pub.join('\n')}\n`);
  writeFileSync(join(dir, 'cells.parquet'), Buffer.from(`PAR1 fake parquet of ${id} PAR1`));
  writeFileSync(
    join(dir, RELEASE_FILES.restrictedManifest),
    `${JSON.stringify({ id, format: 'samenzicht-release/2', cells: { count: rows } }, null, 2)}\n`,
    { mode: 0o600 },
  );
  writeFileSync(join(dir, RELEASE_FILES.restrictedCells), `${internal.join('\n')}\n`, {
    mode: 0o600,
  });
  writeFileSync(
    join(dir, RELEASE_FILES.audit),
    `${JSON.stringify({ passed: true, rules: {}, intervals: [{ cell: 'GM0002', lower: 0, upper: 14, truth: 7 }] })}\n`,
    { mode: 0o600 },
  );
  return { dir, digest: releaseDigest(dir) };
}
