/**
 * The validation of one uploaded file, as the validator process (validation-child.ts) runs it:
 * a scratch in-memory DuckDB with a memory limit, a thread cap and its spill folder next to the
 * upload; the limits (csv-scan.ts, parquet-check.ts); the contract's row checks with the per-row
 * quarantine report (load.ts); raw identifiers (identifiers.ts); and the period the accepted rows
 * cover. A file that is refused as a whole comes back as a `Refusal` naming it by its label.
 *
 * The quarantine report holds source row numbers, field names and reasons, never a value: it goes
 * back to the provider, and the broker keeps it with the contribution.
 */
import { rm, stat } from 'node:fs/promises';
import type { ValidationCounts } from '../governance/types.js';
import type { DuckDBConnection } from '@duckdb/node-api';
import { openBrokerDatabase, queryRows, quoteIdent, quoteLiteral } from '../engine/session.js';
import { brokerColumnName, datasetContract, periodExpression } from './contracts.js';
import { refuseRawIdentifiers } from './identifiers.js';
import { formatBytes, type UploadLimits, type ValidatorResources } from './limits.js';
import { loadContribution, QUARANTINE_TABLE } from './load.js';
import { checkFieldLengths, checkParquet } from './parquet-check.js';
import { ContributionError, isOutOfMemory, type Refusal } from './refusal.js';
import { REGION_TABLE, writeRegionRows, type RegionRows } from './regions-table.js';

export interface ValidationRequest {
  /** The upload (server-side path; never shown). */
  file: string;
  datasetId: string;
  /** How messages name the file, e.g. "the upload of brp_personen (sha256 …)". */
  label: string;
  /** Where to write the quarantine report (CSV `row;field;reason`) when a row is quarantined. */
  quarantineFile?: string;
  /** Full-match pattern of a delivered pseudonym. */
  pseudonymPattern: string;
  regions: RegionRows;
  limits: UploadLimits;
  resources: Pick<ValidatorResources, 'memoryLimit' | 'threads' | 'maxTempSize'>;
}

export type ValidationResult =
  { ok: true; counts: ValidationCounts } | { ok: false; refusal: Refusal };

/** Where DuckDB spills beyond its memory limit: next to the upload, on the broker's volume. */
export const spillDirOf = (file: string) => `${file}.spill`;

/** `message` with the file's path (and its spill folder) replaced by `label`. */
export function scrubPath(message: string, file: string, label: string): string {
  return message.replaceAll(spillDirOf(file), label).replaceAll(file, label);
}

type Contract = ReturnType<typeof datasetContract>;

/** What the file holds before a row is read: Parquet's metadata, a CSV file's size. */
async function checkBeforeReading(
  conn: DuckDBConnection,
  contract: Contract,
  file: string,
  limits: UploadLimits,
): Promise<void> {
  if (contract.format === 'parquet') {
    await checkParquet(conn, file, limits);
    return;
  }
  const { size } = await stat(file);
  if (size > limits.decompressedBytes)
    throw new ContributionError(
      file,
      'decompressed-size-limit',
      `the file is ${size.toLocaleString('en-US')} bytes, more than ${formatBytes(limits.decompressedBytes)} (the decompressed size limit)`,
      { limit: { name: 'decompressedBytes', value: limits.decompressedBytes } },
    );
}

/** The per-row quarantine report (CSV `row;field;reason`), written when a row is quarantined. */
async function writeQuarantineReport(
  conn: DuckDBConnection,
  contract: Contract,
  quarantineFile: string,
  quarantined: number,
): Promise<void> {
  await rm(quarantineFile, { force: true });
  if (quarantined === 0) return;
  await conn.run(
    `COPY (SELECT row_number AS "row", field, reason FROM ${QUARANTINE_TABLE} WHERE dataset = ${quoteLiteral(contract.id)} ORDER BY row_number) ` +
      `TO ${quoteLiteral(quarantineFile)} (FORMAT csv, DELIMITER ';', HEADER true, QUOTE '"', ESCAPE '"')`,
  );
}

/** The years the accepted rows cover; null for a dataset without a period (a register). */
async function periodOf(conn: DuckDBConnection, contract: Contract): Promise<number[] | null> {
  const year = periodExpression(contract);
  if (!year) return null;
  const years = await queryRows<{ y: number | bigint }>(
    conn,
    `SELECT DISTINCT ${year} AS y FROM ${quoteIdent(contract.id)} WHERE ${year} IS NOT NULL ORDER BY y`,
  );
  return years.map((r) => Number(r.y));
}

/** A refusal of the file as a whole, or (any other error) null. */
function refusalOf(err: unknown, req: ValidationRequest): Refusal | null {
  const { file, label } = req;
  if (err instanceof ContributionError) {
    return {
      code: err.code,
      message: scrubPath(`${label}: ${err.detail}`, file, label),
      ...err.info,
    };
  }
  // DuckDB over its memory limit (or its spill space): the file costs more than it may.
  if (isOutOfMemory(err)) {
    return {
      code: 'memory-limit',
      message: `${label}: validating the file needs more than the validator's memory (${req.resources.memoryLimit}) and spill space (${req.resources.maxTempSize})`,
      limit: { name: 'memory', value: req.resources.memoryLimit },
    };
  }
  return null;
}

export async function validateFile(req: ValidationRequest): Promise<ValidationResult> {
  const { file, label, limits } = req;
  const contract = datasetContract(req.datasetId);
  const spill = spillDirOf(file);
  const scratch = await openBrokerDatabase(':memory:', {
    memoryLimit: req.resources.memoryLimit,
    threads: req.resources.threads,
    tempDirectory: spill,
  });
  try {
    await scratch.conn.run(
      `SET max_temp_directory_size = ${quoteLiteral(req.resources.maxTempSize)}`,
    );
    await writeRegionRows(scratch.conn, req.regions);
    await checkBeforeReading(scratch.conn, contract, file, limits);
    const report = await loadContribution(scratch.conn, contract, file, {
      regionTable: REGION_TABLE,
      pseudonymPattern: req.pseudonymPattern,
      limits,
      inspect: async (conn, staging, rows) => {
        if (contract.format === 'parquet')
          await checkFieldLengths(
            conn,
            file,
            staging,
            contract.columns.map(brokerColumnName),
            limits,
          );
        await refuseRawIdentifiers(
          conn,
          contract,
          staging,
          rows,
          (code, detail, info) => new ContributionError(file, code, detail, info),
        );
      },
    });
    if (req.quarantineFile)
      await writeQuarantineReport(scratch.conn, contract, req.quarantineFile, report.quarantined);
    return {
      ok: true,
      counts: {
        accepted: report.loaded,
        quarantined: report.quarantined,
        reasons: report.reasons,
        period: await periodOf(scratch.conn, contract),
      },
    };
  } catch (err) {
    const refusal = refusalOf(err, req);
    if (refusal) return { ok: false, refusal };
    const message = err instanceof Error ? err.message : String(err);
    throw new Error(scrubPath(message, file, label), { cause: err });
  } finally {
    scratch.close();
    await rm(spill, { recursive: true, force: true });
  }
}
