/**
 * The named predicates definitions may call, by name. Adding one is a module beside these, one
 * line in NAMED_PREDICATES and one in NAMED_PREDICATE_SCHEMAS (which keeps zod's types exact).
 */
import { z } from 'zod';
import type { NamedPredicate, PredicateCheckContext, PredicateCompileContext } from './named.js';
import { UNEXPLAINED_PURCHASE } from './unexplained-purchase.js';
import type { ExprNode } from '../../engine/nodes.js';

export type { NamedPredicate, PredicateCheckContext, PredicateCompileContext } from './named.js';
export type { UnexplainedPurchase } from './unexplained-purchase.js';

/** A named predicate with its argument type erased: the schema union has checked the arguments. */
interface Entry {
  bind(args: unknown, field: string): Omit<BoundPredicate, 'name'>;
  readonly lookups: NamedPredicate<unknown>['lookups'];
}

function entry<Args>(def: NamedPredicate<Args>): Entry {
  return {
    bind: (args, field) => ({
      check: (ctx) => def.check(args as Args, field, ctx),
      compile: (ctx) => def.compile(args as Args, ctx),
    }),
    lookups: def.lookups,
  };
}

const NAMED_PREDICATES: Readonly<Record<string, Entry>> = {
  unexplainedPurchase: entry(UNEXPLAINED_PURCHASE),
};

/** The zod schemas of the calls, for the predicate union of `../schema.ts`. */
export const NAMED_PREDICATE_SCHEMAS = [
  z.object({ unexplainedPurchase: UNEXPLAINED_PURCHASE.schema }).strict(),
] as const;

/** A call of a named predicate, as a definition writes it (`{ "unexplainedPurchase": {…} }`). */
export type NamedPredicateCall = z.infer<(typeof NAMED_PREDICATE_SCHEMAS)[number]>;

/** A named predicate call with its arguments bound. */
export interface BoundPredicate {
  readonly name: string;
  check(ctx: PredicateCheckContext): void;
  compile(ctx: PredicateCompileContext): ExprNode;
}

/**
 * The named predicate a validated predicate calls, or null for a generic one. `field` names the
 * predicate in its definition (errors name the call, e.g. `numerator.where[0].unexplainedPurchase`).
 */
export function namedPredicateOf(p: object, field = ''): BoundPredicate | null {
  for (const [name, def] of Object.entries(NAMED_PREDICATES)) {
    if (name in p) {
      const args = (p as Record<string, unknown>)[name];
      return { name, ...def.bind(args, `${field}.${name}`) };
    }
  }
  return null;
}

/** Per dataset, the column lists the named predicates look rows up by. */
export function namedPredicateLookups(): Record<string, string[][]> {
  const out: Record<string, string[][]> = {};
  for (const def of Object.values(NAMED_PREDICATES)) {
    for (const [dataset, lists] of Object.entries(def.lookups ?? {}))
      (out[dataset] ??= []).push(...lists.map((l) => [...l]));
  }
  return out;
}
