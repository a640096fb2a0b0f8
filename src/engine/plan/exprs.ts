/** The expressions every part of the planner shares: the reference year, dataset columns, cents, age. */
import { brokerColumnName, type DatasetContract } from '../../ingest/contracts.js';
import { bin, call, cast, col, param, type ExprNode } from '../nodes.js';
import { UNIT } from './output.js';

/** The reference year: the column of the years table every unit query starts from. */
export const YEAR: ExprNode = col('y', UNIT.year);

/** A column of a dataset by its definition name, under its broker name (`bsn` → `bsn_pseudonym`). */
export function column(alias: string, contract: DatasetContract, name: string): ExprNode {
  const c = contract.columns.find((x) => x.name === name);
  if (!c) throw new Error(`dataset ${contract.id} has no column ${name}`);
  return col(alias, brokerColumnName(c));
}

export const jan1 = (): ExprNode => call('make_date', YEAR, param(1), param(1));
export const dec31 = (): ExprNode => call('make_date', YEAR, param(12), param(31));
/** Whole cents, so that sums and comparisons are exact whatever the order of addition. */
export const cents = (e: ExprNode): ExprNode =>
  cast(call('round', bin('*', e, param(100))), 'BIGINT');
export const age = (person: string): ExprNode =>
  bin('-', YEAR, call('year', col(person, 'geboortedatum')));
