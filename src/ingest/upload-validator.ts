/**
 * Validation of an upload through the API: the same contract checks as the run's ingest
 * (`loadContribution`), plus the limits, the encoding, raw identifiers, the per-row quarantine
 * report and the period the accepted rows cover (file-validation.ts), in a validator process with
 * capped memory and time (validation-pool.ts): the broker's server shares its machine with runs,
 * and no file may take it down.
 *
 * A file refused as a whole is a `ContributionRefused` (413 over a limit, 422 otherwise) with a
 * machine-readable reason, naming the file by its label, the row and the field; never a path.
 */
import { basename } from 'node:path';
import { ContributionRefused } from '../governance/errors.js';
import type { ValidateFn, ValidationCounts } from '../governance/types.js';
import { stage1Pattern } from '../pseudonym/broker.js';
import type { Scheme } from '../pseudonym/labels.js';
import type { RegionSet } from '../regions/index.js';
import { datasetContract } from './contracts.js';
import { scrubPath } from './file-validation.js';
import {
  uploadLimits,
  validatorResources,
  type UploadLimits,
  type ValidatorResources,
} from './limits.js';
import { REFUSALS, type Refusal } from './refusal.js';
import { regionRows, type RegionRows } from './regions-table.js';
import { validatorPool, ValidatorLimitError, type ValidatorReport } from './validation-pool.js';

/** Header of the quarantine report. */
export const QUARANTINE_HEADER = 'row;field;reason';

export interface UploadValidatorOptions {
  /** Content limits (defaults UPLOAD_LIMITS); lower them to test or to protect a small host. */
  limits?: Partial<UploadLimits>;
  /** The validator process's memory, threads and time (defaults VALIDATOR_RESOURCES). */
  resources?: Partial<ValidatorResources>;
  /** Told how each validation went (its process, time and peak memory). */
  onReport?: (r: ValidatorReport) => void;
}

/** The refusal as the governance layer throws it (and the API answers it). */
export function refusalError(r: Refusal): ContributionRefused {
  const { code, message, ...detail } = r;
  return new ContributionRefused(code, REFUSALS[code], message, detail);
}

export function uploadValidator(
  regions: RegionSet,
  scheme: Scheme = 'keyed',
  keyVersion = 1,
  options: UploadValidatorOptions = {},
): ValidateFn {
  const limits = uploadLimits(options.limits);
  const resources = validatorResources(options.resources);
  const pool = validatorPool(resources);
  let rows: RegionRows | null = null;
  return async (file, datasetId, opts = {}): Promise<ValidationCounts> => {
    datasetContract(datasetId);
    const label = opts.label ?? basename(file);
    rows ??= regionRows(regions);
    let result;
    try {
      result = await pool.run(
        {
          file,
          datasetId,
          label,
          ...(opts.quarantineFile ? { quarantineFile: opts.quarantineFile } : {}),
          pseudonymPattern: stage1Pattern(scheme, keyVersion),
          regions: rows,
          limits,
          resources,
        },
        options.onReport,
      );
    } catch (err) {
      if (err instanceof ValidatorLimitError)
        throw refusalError({
          code: err.limit === 'time' ? 'time-limit' : 'memory-limit',
          message: `${label}: ${err.message}`,
          limit:
            err.limit === 'time'
              ? { name: 'time', value: resources.timeoutMs }
              : { name: 'memory', value: resources.memoryLimit },
        });
      if (err instanceof Error) err.message = scrubPath(err.message, file, label);
      throw err;
    }
    if (!result.ok) throw refusalError(result.refusal);
    return result.counts;
  };
}
