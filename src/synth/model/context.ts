/**
 * What the steps of the model share: the years of the run as SQL, and how a step is assembled from
 * its statements.
 */

/** One stage of the model: SQL run as one batch, reported as `stage` in the progress. */
export interface ModelStep {
  stage: string;
  sql: string;
}

/** The years of the run, as the steps' SQL uses them. */
export interface ModelContext {
  firstYear: number;
  lastYear: number;
  /** A relation with one column `year`: every year of the run. */
  years: string;
  /** The last day of the run, as a DATE literal. */
  lastDay: string;
}

export function modelContext(firstYear: number, lastYear: number): ModelContext {
  return {
    firstYear,
    lastYear,
    years: `(SELECT unnest(range(${firstYear}, ${lastYear + 1})) AS year)`,
    lastDay: `DATE '${lastYear}-12-31'`,
  };
}

/** A step of statements (each one table or view, with its comments), run in this order. */
export function step(stage: string, statements: readonly string[]): ModelStep {
  return { stage, sql: `\n${statements.map((s) => s.trim()).join('\n\n')}\n` };
}

export const sqlList = (xs: readonly string[]) => `[${xs.map((x) => `'${x}'`).join(', ')}]`;
