/** A provider file that cannot be pseudonymised; nothing is written. */
export class PseudonymiseError extends Error {
  override name = 'PseudonymiseError';
}
