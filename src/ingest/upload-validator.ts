/**
 * Validation of an upload through the API: the same contract checks as the run's ingest
 * (`loadContribution`), on a scratch in-memory DuckDB with a memory limit and one thread (the
 * broker's server shares its machine with runs), plus the per-row quarantine report and the
 * period the accepted rows cover.
 *
 * The quarantine report holds source row numbers, field names and reasons, never a value: it goes
 * back to the provider, and the broker keeps it with the contribution.
 */
import { rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { GovernanceError } from '../governance/errors.js';
import type { ValidateFn, ValidationCounts } from '../governance/types.js';
import { openBrokerDatabase, queryRows, quoteIdent, quoteLiteral } from '../engine/session.js';
import { stage1Pattern } from '../pseudonym/broker.js';
import type { Scheme } from '../pseudonym/labels.js';
import type { RegionSet } from '../regions/index.js';
import { datasetContract, periodExpression } from './contracts.js';
import { ContributionError, loadContribution, QUARANTINE_TABLE } from './load.js';
import { REGION_TABLE, writeRegionHierarchy } from './regions-table.js';

/** The scratch database's limits: a bigger file spills to a temporary directory, not to RAM. */
export const SCRATCH_LIMITS = { memoryLimit: '1GB', threads: 1 } as const;

/** Header of the quarantine report. */
export const QUARANTINE_HEADER = 'row;field;reason';

export function uploadValidator(
  regions: RegionSet,
  scheme: Scheme = 'keyed',
  keyVersion = 1,
): ValidateFn {
  return async (file, datasetId, opts = {}): Promise<ValidationCounts> => {
    const contract = datasetContract(datasetId);
    const scratch = await openBrokerDatabase(':memory:', SCRATCH_LIMITS);
    // Beyond the memory limit DuckDB spills next to the upload (the broker's volume), not to
    // the working directory; removed afterwards.
    const spill = join(dirname(file), `${basename(file)}.spill`);
    try {
      await scratch.conn.run(`SET temp_directory = ${quoteLiteral(spill)}`);
      await writeRegionHierarchy(scratch.conn, regions);
      let report;
      try {
        report = await loadContribution(scratch.conn, contract, file, {
          regionTable: REGION_TABLE,
          pseudonymPattern: stage1Pattern(scheme, keyVersion),
        });
      } catch (err) {
        // The file as a whole does not fit the contract (columns, format): the provider's to fix.
        if (!(err instanceof ContributionError)) throw err;
        throw new GovernanceError(
          'invalid',
          err.message.replaceAll(file, opts.label ?? basename(file)),
        );
      }
      if (opts.quarantineFile) {
        await rm(opts.quarantineFile, { force: true });
        if (report.quarantined > 0) {
          await scratch.conn.run(
            `COPY (SELECT row_number AS "row", field, reason FROM ${QUARANTINE_TABLE} WHERE dataset = ${quoteLiteral(contract.id)} ORDER BY row_number) ` +
              `TO ${quoteLiteral(opts.quarantineFile)} (FORMAT csv, DELIMITER ';', HEADER true, QUOTE '"', ESCAPE '"')`,
          );
        }
      }
      const year = periodExpression(contract);
      let period: number[] | null = null;
      if (year) {
        const years = await queryRows<{ y: number | bigint }>(
          scratch.conn,
          `SELECT DISTINCT ${year} AS y FROM ${quoteIdent(contract.id)} WHERE ${year} IS NOT NULL ORDER BY y`,
        );
        period = years.map((r) => Number(r.y));
      }
      return {
        accepted: report.loaded,
        quarantined: report.quarantined,
        reasons: report.reasons,
        period,
      };
    } finally {
      scratch.close();
      await rm(spill, { recursive: true, force: true });
    }
  };
}
