/** Errors with a code the API maps to an HTTP status; messages are meant for the user. */
export type GovernanceErrorCode =
  | 'invalid' // 400
  | 'unauthenticated' // 401
  | 'forbidden' // 403
  | 'not_found' // 404
  | 'conflict' // 409
  | 'too_large' // 413
  | 'unprocessable' // 422: well-formed request, content that cannot be taken in (a refused file)
  | 'locked' // 429: too many failed logins; retry after `LoginLocked.retryAfterSeconds`
  | 'purpose' // 403: purpose binding refused
  | 'integrity'; // 409: the release files are not the content that was recorded and approved

export class GovernanceError extends Error {
  override name = 'GovernanceError';
  constructor(
    readonly code: GovernanceErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** A run or release would use a dataset for an indicator that no active agreement permits. */
export class PurposeBindingError extends GovernanceError {
  override name = 'PurposeBindingError';
  constructor(
    readonly indicatorId: string,
    readonly datasetId: string,
    /** What is missing, e.g. `theme 'drugs'` or `an active agreement covering dataset 'x'`. */
    readonly missing: string,
    message: string,
  ) {
    super('purpose', message);
  }
}

/** Login refused while an account or a client address is locked out after failed logins. */
export class LoginLocked extends GovernanceError {
  override name = 'LoginLocked';
  constructor(
    /** Whole seconds until the lock ends (the `retry-after` header). */
    readonly retryAfterSeconds: number,
    message: string,
  ) {
    super('locked', message);
  }
}

/**
 * A contribution file refused as a whole (ingest's validator): 413 over a limit, 422 otherwise,
 * with a machine-readable `reason` (e.g. `raw-identifier`, `field-length-limit`) and where in the
 * file: the field, the row, the limit. The message names the file by its label, never a path.
 */
export class ContributionRefused extends GovernanceError {
  override name = 'ContributionRefused';
  constructor(
    readonly reason: string,
    readonly status: 413 | 422,
    message: string,
    readonly detail: {
      field?: string;
      row?: number;
      rows?: number;
      limit?: { name: string; value: number | string };
    } = {},
  ) {
    super(status === 413 ? 'too_large' : 'unprocessable', message);
  }
}
