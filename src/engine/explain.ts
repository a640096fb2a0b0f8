/**
 * explain(id): what an indicator is, which datasets it reads, and the exact SQL the engine runs
 * (DuckDB by default; PostgreSQL with the `postgres` dialect).
 */
import { datasetContract } from '../ingest/contracts.js';
import { getIndicator, type ResolvedIndicator } from '../indicators/index.js';
import { baseOf, groupCountQuery, seriesKey, seriesQuery } from './plan.js';
import { compileSelect } from './sql.js';
import { DUCKDB, type Dialect } from './dialect.js';
import type { Value } from './nodes.js';

export interface ExplainedQuery {
  role: 'numerator' | 'denominator' | 'numerator+denominator';
  /** Key of each count series the query computes (n_0, n_1, … in a grouped query). */
  seriesKey: string;
  sql: string;
  params: Value[];
}

export interface Explanation {
  definition: ResolvedIndicator;
  sources: { dataset: string; provider: string; title: string }[];
  queries: ExplainedQuery[];
}

/** `indicator` is a catalogue id, or a loaded definition (e.g. from a file not in the catalogue). */
export function explain(
  indicator: string | ResolvedIndicator,
  years?: number[],
  dialect: Dialect = DUCKDB,
): Explanation {
  const definition = typeof indicator === 'string' ? getIndicator(indicator) : indicator;
  const yearList = years ?? definition.years;
  const queries: ExplainedQuery[] = [];
  const { numerator: num, denominator: den } = definition;
  if (
    den &&
    num.measure.type === 'count' &&
    den.measure.type === 'count' &&
    baseOf(num) === baseOf(den)
  ) {
    // Same rows: the engine counts both in one query (n_0 = numerator, n_1 = denominator).
    const q = compileSelect(groupCountQuery([num, den], definition.breakdowns), yearList, dialect);
    queries.push({
      role: 'numerator+denominator',
      seriesKey: `${seriesKey(num)},${seriesKey(den)}`,
      sql: q.sql,
      params: q.params,
    });
    return { definition, sources: sourcesOf(definition), queries };
  }
  const parts = [
    ['numerator', definition.numerator] as const,
    ['denominator', definition.denominator] as const,
  ];
  for (const [role, series] of parts) {
    if (!series) continue;
    const q = compileSelect(seriesQuery(series, definition.breakdowns), yearList, dialect);
    queries.push({ role, seriesKey: seriesKey(series), sql: q.sql, params: q.params });
  }
  return { definition, sources: sourcesOf(definition), queries };
}

function sourcesOf(definition: ResolvedIndicator) {
  return definition.sources.map((d) => {
    const c = datasetContract(d);
    return { dataset: d, provider: c.provider, title: c.title };
  });
}
