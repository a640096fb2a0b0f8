/**
 * Length caps on every governance input. The route schemas (src/api/governance/) use these
 * numbers as `maxLength`, and the governance functions check them again, so a direct caller (the
 * CLI's local commands, the demo, a script) cannot store more than the API accepts either.
 */
import { LIMITS } from '../contracts/index.js';
import { GovernanceError } from './errors.js';

/** The caps are a contract (src/contracts/limits.ts): the request schemas use the same numbers. */
export { LIMITS };

/** Refuses a string longer than `max` characters (400 `invalid`); returns it unchanged. */
export function capped(s: string, field: string, max: number): string {
  if (typeof s !== 'string') throw new GovernanceError('invalid', `${field} must be text`);
  if (s.length > max)
    throw new GovernanceError(
      'invalid',
      `${field} is ${s.length} characters long; at most ${max} are accepted`,
    );
  return s;
}

/** `capped` for an optional value. */
export function cappedOptional(
  s: string | undefined,
  field: string,
  max: number,
): string | undefined {
  return s === undefined ? undefined : capped(s, field, max);
}

/** Refuses a list with more than `maxItems` items, or an item longer than `maxLength`. */
export function cappedList(
  list: readonly string[] | undefined,
  field: string,
  maxItems: number,
  maxLength: number = LIMITS.id,
): readonly string[] {
  const items = list ?? [];
  if (!Array.isArray(items)) throw new GovernanceError('invalid', `${field} must be a list`);
  if (items.length > maxItems)
    throw new GovernanceError(
      'invalid',
      `${field} has ${items.length} items; at most ${maxItems} are accepted`,
    );
  items.forEach((item, i) => capped(item, `${field}[${i}]`, maxLength));
  return items;
}

/** A password within the accepted lengths (8..1024 characters). */
export function checkPasswordLength(password: string): string {
  capped(password, 'password', LIMITS.passwordMax);
  if (password.length < LIMITS.passwordMin)
    throw new GovernanceError(
      'invalid',
      `a password needs at least ${LIMITS.passwordMin} characters`,
    );
  return password;
}

/** The caps of an agreement draft (`createAgreement`). */
export function checkAgreementLengths(input: {
  id?: string;
  title: string;
  purpose: string;
  legalBasis: string;
  parties: readonly string[];
  datasets: readonly string[];
  themes: readonly string[];
  indicators?: readonly string[];
}): void {
  cappedOptional(input.id, 'agreement id', LIMITS.id);
  capped(input.title, 'title', LIMITS.name);
  capped(input.purpose, 'purpose', LIMITS.reason);
  capped(input.legalBasis, 'legalBasis', LIMITS.reason);
  cappedList(input.parties, 'parties', LIMITS.listItems);
  cappedList(input.datasets, 'datasets', LIMITS.listItems);
  cappedList(input.themes, 'themes', LIMITS.listItems);
  cappedList(input.indicators, 'indicators', LIMITS.indicatorItems);
}

/** The caps of a review (`review`). */
export function checkReviewLengths(input: {
  reason?: string;
  capacity?: string;
  digest?: string;
}): void {
  cappedOptional(input.reason, 'reason', LIMITS.reason);
  cappedOptional(input.capacity, 'capacity', LIMITS.id);
  cappedOptional(input.digest, 'digest', 64);
}
