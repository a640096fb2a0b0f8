/**
 * `samenzicht sdc check CELLS.csv --relations RELATIONS.csv`: audit (or protect) any cell table.
 *
 * CELLS.csv (semicolon-separated, header, UTF-8):
 *   cell;value[;status][;contributors][;largest][;second_largest]
 *   - cell: a unique name; value: the true count or amount (non-negative);
 *   - status: `published` or `suppressed` (any value starting with `suppressed`). Without a status
 *     column the table is protected first (primary + secondary suppression) and the pattern printed;
 *   - contributors/largest/second_largest: for magnitude rules (default contributors = value).
 * RELATIONS.csv: `total;parts`, parts joined by `+` (e.g. `T;A+B+C`): total = Σ parts.
 * Exit code 0 when the audit passes, 1 when it fails (failing cells named), 2 on usage errors.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import {
  audit,
  DEFAULT_PROFILES,
  parseRuleProfile,
  protect,
  variableId,
  type AuditReport,
  type PublishedCell,
  type Relation,
  type RuleProfile,
} from '../../disclosure/index.js';
import type { ComputedCell } from '../../contracts/index.js';
import { UsageError } from '../errors.js';

interface CheckOptions {
  relations: string;
  kind: string;
  minFrequency?: string;
  safetyRange?: string;
  minRange?: string;
  p?: string;
  nk?: string;
  zero?: string;
  json?: boolean;
}

function readCsv(path: string): { header: string[]; rows: string[][] } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new UsageError(`cannot read ${path}`);
  }
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length === 0) throw new UsageError(`${path}: empty file (a header is required)`);
  const header = (lines[0] as string).split(';').map((h) => h.trim().toLowerCase());
  return { header, rows: lines.slice(1).map((l) => l.split(';').map((f) => f.trim())) };
}

function num(path: string, row: number, field: string, text: string | undefined): number {
  const x = Number(text);
  if (text === undefined || text === '' || !Number.isFinite(x) || x < 0) {
    throw new UsageError(
      `${path} row ${row}: field '${field}' must be a non-negative number, got '${text ?? ''}'`,
    );
  }
  return x;
}

const flagNumber = (name: string, text: string | undefined, dflt: number): number => {
  if (text === undefined) return dflt;
  const x = Number(text);
  if (!Number.isFinite(x) || x < 0)
    throw new UsageError(`--${name} '${text}' must be a non-negative number`);
  return x;
};

export function profileFromFlags(o: CheckOptions): RuleProfile {
  if (o.kind !== 'frequency' && o.kind !== 'magnitude') {
    throw new UsageError(`--kind '${o.kind}' must be 'frequency' or 'magnitude'`);
  }
  const base = o.kind === 'frequency' ? DEFAULT_PROFILES.count : DEFAULT_PROFILES.magnitude;
  let nk = base.nk;
  if (o.nk !== undefined) {
    const m = /^(\d+),(\d+(?:\.\d+)?)$/.exec(o.nk);
    if (!m) throw new UsageError(`--nk '${o.nk}' must be 'n,k', e.g. 2,85`);
    nk = { n: Number(m[1]), k: Number(m[2]) };
  }
  try {
    return parseRuleProfile('table', {
      ...base,
      roundingBase: 1,
      minFrequency: flagNumber('min-frequency', o.minFrequency, base.minFrequency),
      safetyRange: flagNumber('safety-range', o.safetyRange, base.safetyRange),
      minRange: flagNumber('min-range', o.minRange, base.minRange),
      pPercent: o.p === undefined ? base.pPercent : flagNumber('p', o.p, 0),
      nk,
      zeroPolicy: o.zero === undefined ? base.zeroPolicy : o.zero,
    });
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
}

interface CellTable {
  cells: ComputedCell[];
  /** Per cell its given status, or null when the table has no status column. */
  statuses: (string | null)[];
  names: Set<string>;
}

/** CELLS.csv as the engine's cells (one table, one year, each cell a region of its own). */
function readCells(cellsPath: string): CellTable {
  const { header, rows } = readCsv(cellsPath);
  const col = (name: string): number => header.indexOf(name);
  for (const need of ['cell', 'value']) {
    if (col(need) < 0)
      throw new UsageError(
        `${cellsPath}: header lacks column '${need}' (have: ${header.join(', ')})`,
      );
  }
  const seen = new Set<string>();
  const statuses: (string | null)[] = [];
  const cells: ComputedCell[] = rows.map((f, k) => {
    const row = k + 2;
    const name = f[col('cell')] ?? '';
    if (!name) throw new UsageError(`${cellsPath} row ${row}: field 'cell' is empty`);
    if (seen.has(name))
      throw new UsageError(`${cellsPath} row ${row}: field 'cell': duplicate '${name}'`);
    seen.add(name);
    const value = num(cellsPath, row, 'value', f[col('value')]);
    const opt = (field: string): number | null =>
      col(field) < 0 || f[col(field)] === '' ? null : num(cellsPath, row, field, f[col(field)]);
    const status = col('status') < 0 ? null : (f[col('status')] ?? '');
    if (status !== null && status !== 'published' && !status.startsWith('suppressed')) {
      throw new UsageError(
        `${cellsPath} row ${row}: field 'status' must be 'published' or 'suppressed', got '${status}'`,
      );
    }
    statuses.push(status);
    return {
      indicatorId: 'table',
      year: 0,
      regionLevel: 'gemeente',
      regionCode: name,
      parentCode: null,
      breakdown: '',
      value,
      numerator: value,
      denominator: null,
      contributors: opt('contributors') ?? value,
      largest: opt('largest'),
      secondLargest: opt('second_largest'),
      numeratorKey: 'table',
      denominatorKey: null,
    };
  });
  return { cells, statuses, names: seen };
}

/** RELATIONS.csv over the cells read: every name must be one of them. */
function readRelations(path: string, names: Set<string>): Relation[] {
  const rel = readCsv(path);
  if (rel.header[0] !== 'total' || rel.header[1] !== 'parts') {
    throw new UsageError(`${path}: header must be 'total;parts'`);
  }
  const id = (name: string, row: number, field: string): string => {
    if (!names.has(name))
      throw new UsageError(`${path} row ${row}: field '${field}': unknown cell '${name}'`);
    return variableId('table', 0, name, '');
  };
  return rel.rows.map((f, k) => ({
    total: id(f[0] ?? '', k + 2, 'total'),
    parts: (f[1] ?? '').split('+').map((p) => id(p.trim(), k + 2, 'parts')),
  }));
}

/** The cells as published under the statuses given (suppressed ones keep no value). */
function givenPattern(table: CellTable): PublishedCell[] {
  return table.cells.map((c, i) => {
    const sup = table.statuses[i] !== 'published';
    return {
      indicator_id: c.indicatorId,
      year: c.year,
      region_level: c.regionLevel,
      region_code: c.regionCode,
      parent_code: null,
      breakdown: '',
      value: sup ? null : c.value,
      numerator: sup ? null : c.numerator,
      denominator: null,
      status: sup ? 'suppressed-secondary' : 'published',
      rule: sup ? 'given' : null,
    };
  });
}

/** Without statuses the table is protected first (and the pattern printed), else audited as given. */
async function protectOrAudit(
  table: CellTable,
  profile: RuleProfile,
  relations: Relation[],
  out: (line: string) => void,
): Promise<{ report: AuditReport; cells: PublishedCell[] }> {
  const { cells } = table;
  const profiles = { table: profile };
  try {
    if (table.statuses.every((s) => s === null)) {
      const res = await protect({ cells, profiles, relations });
      out(
        `protected: ${res.stats.primaryCells} primary, ${res.stats.secondaryCells} secondary suppressions (cost ${res.stats.secondaryCost})`,
      );
      for (const c of res.cells)
        if (c.status !== 'published') out(`  ${c.region_code}: ${c.status} (${c.rule})`);
      return { report: res.audit, cells: res.cells };
    }
    const published = givenPattern(table);
    return { report: await audit({ cells, published, profiles, relations }), cells: published };
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
}

function printAudit(report: AuditReport, out: (line: string) => void): void {
  out(
    `audit: ${report.passed ? 'PASSED' : 'FAILED'} (${report.checkedVariables} suppressed cells checked)`,
  );
  for (const r of report.rules) {
    out(
      `  ${r.rule}: ${r.cells} cells, narrowest margin ${r.narrowestMargin === null ? '-' : r.narrowestMargin.toFixed(2)}`,
    );
  }
  for (const u of report.publishedUnsafe) out(`  unsafe cell published: ${u}`);
  for (const f of report.failing) {
    out(
      `  FAIL ${f.cells.join(', ')}: attacker interval [${f.lower}, ${f.upper}], needs width ${f.required}`,
    );
  }
}

export async function sdcCheck(
  cellsPath: string,
  o: CheckOptions,
  out: (line: string) => void,
): Promise<{ report: AuditReport; cells: PublishedCell[] }> {
  const profile = profileFromFlags(o);
  const table = readCells(cellsPath);
  const relations = readRelations(o.relations, table.names);
  const result = await protectOrAudit(table, profile, relations, out);
  if (o.json) out(JSON.stringify(result.report, null, 2));
  else printAudit(result.report, out);
  return result;
}

export function register(program: Command): void {
  const sdc = program.command('sdc').description('disclosure control on plain cell tables');
  sdc
    .command('check')
    .description(
      'audit a cell table (or protect it when it has no status column); see docs/disclosure-control.md',
    )
    .argument('<cells>', 'CSV: cell;value[;status][;contributors][;largest][;second_largest]')
    .requiredOption('--relations <file>', "CSV 'total;parts' with parts joined by '+'")
    .option('--kind <kind>', 'frequency or magnitude', 'frequency')
    .option('--min-frequency <n>', 'unsafe below this count / number of contributors')
    .option('--safety-range <pct>', 'required interval width, percent of the cell value')
    .option('--min-range <w>', 'required interval width floor for frequency-unsafe cells')
    .option('--p <pct>', 'p%-rule (magnitude)')
    .option('--nk <n,k>', '(n,k)-dominance (magnitude)')
    .option('--zero <policy>', 'safe or unsafe')
    .option('--json', 'print the full audit report as JSON')
    .action(async (file: string, o: CheckOptions) => {
      const { report } = await sdcCheck(file, o, (l) => process.stdout.write(`${l}\n`));
      if (!report.passed) process.exitCode = 1;
    });
}
