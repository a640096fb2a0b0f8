/**
 * The notes a release gives its readers about its data: how many records of each source were
 * left out and why (rounded, so that no exact input count is published), and years in which a
 * source delivered far fewer records than in its other years, which makes those years'
 * figures incomparable (e.g. a first year with a sixth of the later purchases).
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { datasetContract, periodExpression, type DatasetContract } from '../ingest/contracts.js';
import { REASONS } from '../ingest/validate.js';
import type { PublicNote } from '../public/index.js';

export interface SourceReport {
  dataset: string;
  rowsIn: number;
  quarantined: number;
  reasons: Record<string, number>;
}

/** Rows per year of each source table, as the broker holds them after validation. */
export type Coverage = Map<string, Map<number, number>>;

/** A year below this share of the median of the source's other years gets a note. */
export const LOW_COVERAGE = 0.5;

const REASON_WORDS: Record<string, { nl: string; en: string }> = {
  [REASONS.missing]: { nl: 'ontbrekende waarde', en: 'missing value' },
  [REASONS.type]: { nl: 'waarde van het verkeerde type', en: 'value of the wrong type' },
  [REASONS.date]: { nl: 'ongeldige of onmogelijke datum', en: 'invalid or impossible date' },
  [REASONS.year]: { nl: 'onmogelijk jaar', en: 'impossible year' },
  [REASONS.value]: {
    nl: 'waarde die het contract niet kent',
    en: 'value the contract does not allow',
  },
  [REASONS.region]: { nl: 'onbekende buurtcode', en: 'unknown buurt code' },
  [REASONS.pseudonym]: { nl: 'ongeldig pseudoniem', en: 'invalid pseudonym' },
  [REASONS.oneOf]: { nl: 'geen of twee identificaties', en: 'none or two identifiers' },
  [REASONS.duplicate]: { nl: 'dubbel geleverd', en: 'delivered twice' },
};

/** Two significant digits: enough to read, too coarse to be an exact input count. */
export function roughly(n: number): number {
  if (n < 10) return n;
  const magnitude = 10 ** (Math.floor(Math.log10(n)) - 1);
  return Math.round(n / magnitude) * magnitude;
}

const nl = (v: number, d = 0) =>
  v.toLocaleString('nl-NL', { minimumFractionDigits: d, maximumFractionDigits: d });
const en = (v: number, d = 0) =>
  v.toLocaleString('en-GB', { minimumFractionDigits: d, maximumFractionDigits: d });

function countWords(n: number): { nl: string; en: string } {
  if (n < 10) return { nl: 'minder dan 10', en: 'fewer than 10' };
  return { nl: `circa ${nl(roughly(n))}`, en: `about ${en(roughly(n))}` };
}

export function exclusionNotes(reports: readonly SourceReport[]): PublicNote[] {
  const out: PublicNote[] = [];
  for (const r of [...reports].sort((a, b) => a.dataset.localeCompare(b.dataset))) {
    if (r.quarantined === 0 || r.rowsIn === 0) continue;
    const c = datasetContract(r.dataset);
    const share = (100 * r.quarantined) / r.rowsIn;
    const reasons = Object.entries(r.reasons)
      .filter(([, n]) => n > 0)
      .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
      .map(([reason]) => REASON_WORDS[reason] ?? { nl: reason, en: reason });
    const count = countWords(r.quarantined);
    const pct =
      share < 0.1
        ? { nl: 'minder dan 0,1', en: 'less than 0.1' }
        : { nl: nl(share, 1), en: en(share, 1) };
    out.push({
      nl: `Niet meegeteld uit ${c.title} (${c.provider}): ${count.nl} records (${pct.nl}%), wegens ${reasons.map((x) => x.nl).join(', ')}.`,
      en: `Not counted from ${c.title} (${c.provider}): ${count.en} records (${pct.en}%), because of ${reasons.map((x) => x.en).join(', ')}.`,
    });
  }
  return out;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

/**
 * Years in which a source holds less than LOW_COVERAGE of the median of its other years, with
 * the indicators that read it: their figures of that year are not comparable with other years.
 */
export function coverageNotes(
  coverage: Coverage,
  years: readonly number[],
  indicators: readonly {
    id: string;
    title: { nl: string; en: string };
    sources: readonly string[];
  }[],
): PublicNote[] {
  const out: PublicNote[] = [];
  for (const [dataset, perYear] of [...coverage].sort(([a], [b]) => a.localeCompare(b))) {
    const c = datasetContract(dataset);
    for (const y of years) {
      const others = years.filter((x) => x !== y).map((x) => perYear.get(x) ?? 0);
      if (others.length === 0) continue;
      const typical = median(others);
      const n = perYear.get(y) ?? 0;
      if (typical === 0 || n >= LOW_COVERAGE * typical) continue;
      const share = Math.round((100 * n) / typical);
      const using = indicators.filter((i) => i.sources.includes(dataset));
      if (using.length === 0) continue;
      out.push({
        nl: `${c.title} (${c.provider}) bevat over ${y} ongeveer ${share}% van het gebruikelijke aantal records van de andere jaren. De cijfers over ${y} van ${using.map((i) => i.title.nl).join(', ')} zijn daardoor niet vergelijkbaar met die van andere jaren.`,
        en: `${c.title} (${c.provider}) holds about ${share}% of the usual number of records of the other years for ${y}. The ${y} figures of ${using.map((i) => i.title.en).join(', ')} are therefore not comparable with other years.`,
      });
    }
  }
  return out;
}

/**
 * What a source's rows are dated by: its period (the contract's), else, for a register, its
 * first required date (when an establishment or a benefit started).
 */
export function yearExpression(c: DatasetContract): string | null {
  const period = periodExpression(c);
  if (period) return period;
  const date = c.columns.find((x) => x.type === 'DATE' && !x.nullable);
  return date ? `year("${date.name}")` : null;
}

/** Rows per year of each loaded source (one GROUP BY per table). */
export async function sourceCoverage(
  conn: DuckDBConnection,
  datasets: readonly string[],
  years: readonly number[],
): Promise<Coverage> {
  const out: Coverage = new Map();
  const present = new Set(
    (await conn.runAndReadAll('SELECT table_name FROM duckdb_tables()'))
      .getRows()
      .map((r) => String(r[0])),
  );
  for (const dataset of datasets) {
    const expr = yearExpression(datasetContract(dataset));
    // A source that was not delivered has no table: nothing to say about its coverage.
    if (!expr || !present.has(dataset)) continue;
    const reader = await conn.runAndReadAll(
      `SELECT ${expr} AS y, count(*)::BIGINT AS n FROM "${dataset}" WHERE ${expr} BETWEEN ${Math.min(...years)} AND ${Math.max(...years)} GROUP BY 1`,
    );
    const perYear = new Map<number, number>();
    for (const [y, n] of reader.getRows()) perYear.set(Number(y), Number(n));
    out.set(dataset, perYear);
  }
  return out;
}
