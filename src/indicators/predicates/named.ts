/**
 * A named predicate: a domain rule a definition calls by name (`{ "unexplainedPurchase": {…} }`).
 * It brings its own argument schema, its checks against the dataset contracts and its meaning as an
 * expression, so the loader and the engine's compiler stay generic: they lend it the contexts below.
 */
import type { z } from 'zod';
import type { ExprNode } from '../../engine/nodes.js';
import type { DatasetContract } from '../../ingest/contracts.js';

/** What the loader lends a named predicate to check its arguments. */
export interface PredicateCheckContext {
  /** The dataset of the row the predicate tests. */
  readonly dataset: DatasetContract;
  /** Fails unless the tested dataset has `col` (of one of `type`, when given). */
  column(col: string, field: string, type?: string[]): void;
  /** Another dataset the predicate reads: checked, and counted among the indicator's sources. */
  uses(dataset: string, field: string): DatasetContract;
  fail(field: string, detail: string): never;
}

/** What the compiler lends a named predicate to build its expression. */
export interface PredicateCompileContext {
  /** A column of the row the predicate tests. */
  row(col: string): ExprNode;
  /** A column of a table the predicate reads itself, under the alias it gave that table. */
  column(alias: string, dataset: DatasetContract, col: string): ExprNode;
  /** The reference year. */
  readonly year: ExprNode;
  /** An amount in euros as whole cents (exact sums and comparisons). */
  cents(e: ExprNode): ExprNode;
}

export interface NamedPredicate<Args> {
  readonly schema: z.ZodType<Args>;
  /** `field` names the predicate in the definition (e.g. `numerator.where[0].unexplainedPurchase`). */
  check(args: Args, field: string, ctx: PredicateCheckContext): void;
  compile(args: Args, ctx: PredicateCompileContext): ExprNode;
  /** Column lists of other datasets the predicate looks rows up by (indexed on PostgreSQL). */
  readonly lookups?: Readonly<Record<string, readonly (readonly string[])[]>>;
}
