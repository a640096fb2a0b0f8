/**
 * `protect` and `audit`: disclosure control of a release, one independent part at a time.
 *
 * No variable and no relation crosses a year: a variable is one year's count (its id holds the
 * year), and the relations are the region hierarchy and the breakdowns of one indicator in one
 * year. So a year is a table of its own, and an attacker learns nothing about one year from the
 * figures of another: protecting and auditing each year alone is protecting and auditing the
 * whole. Explicit relations may join years, so with any the release is one part.
 *
 * Parts keep the model small (a national release has 2.26 M cells; one year is a fifth), and
 * large ones run in worker threads, one per core, each with its own heap: the whole model in one
 * heap spent 40 % of the stage in garbage collection. The merged result is in the input's order:
 * rows by cell, the audit's intervals and failures by variable id, as one table gives them.
 */
import { availableParallelism } from 'node:os';
import { getHeapStatistics } from 'node:v8';
import type { Worker } from 'node:worker_threads';
import { moduleEntry, startWorker } from '../process/child-entry.js';
import { variableId } from './model.js';
import { protectTable } from './protect.js';
import { auditTable, type AuditInput } from './audit.js';
import type { ComputedCell } from '../contracts/index.js';
import type {
  AuditInterval,
  AuditReport,
  AuditRuleReport,
  ProtectInput,
  ProtectResult,
  ProtectStats,
  PublishedCell,
} from './types.js';
import { RULES } from './audit-state.js';

/** A release of fewer cells is protected in this thread: a worker's start costs more. */
export const MIN_WORKER_CELLS = 50_000;

export interface ProtectOptions {
  /** Worker threads for the parts (default: one per core; 1 = all in this thread). */
  threads?: number;
  /** Fewer cells than this are protected in this thread (default MIN_WORKER_CELLS). */
  minWorkerCells?: number;
  /** Each worker's heap (default: this process's heap limit shared with this thread). */
  workerHeapMb?: number;
}

interface Part {
  year: number;
  /** Positions of the part's cells in the input. */
  indices: number[];
  input: ProtectInput;
}

export async function protect(
  input: ProtectInput,
  opts: ProtectOptions = {},
): Promise<ProtectResult> {
  const parts = splitByYear(input);
  if (parts.length <= 1) return protectTable(input);
  const threads = Math.min(opts.threads ?? availableParallelism(), parts.length);
  const results =
    threads >= 2 && input.cells.length >= (opts.minWorkerCells ?? MIN_WORKER_CELLS)
      ? await inWorkers(parts, threads, opts.workerHeapMb)
      : await inThread(parts);
  return mergeParts(input.cells.length, parts, results);
}

/**
 * `audit` one year at a time, in this thread: for the reason `protect` splits, the same findings
 * as one model over every year, in less time and memory (a reviewer's re-audit of the 1 % release:
 * 112 s and 4.35 GB, against 197 s and 5.28 GB). Error messages name rows by their place in the
 * caller's lists.
 */
export async function audit(input: AuditInput): Promise<AuditReport> {
  if ((input.relations?.length ?? 0) > 0) return auditTable(input);
  const cells = byYear(input.cells, (c) => c.year);
  const published = byYear(input.published, (r) => r.year);
  const earlier = byYear(input.earlier ?? [], (r) => r.year);
  // A year of rows without cells is a part too: its audit names the rows that have no cell.
  const years = [...new Set([...cells.keys(), ...published.keys()])].sort((a, b) => a - b);
  if (years.length <= 1) return auditTable(input);
  const reports: AuditReport[] = [];
  for (const year of years) {
    const rows = published.get(year) ?? [];
    const old = earlier.get(year) ?? [];
    reports.push(
      await auditTable({
        ...input,
        cells: pick(input.cells, cells.get(year) ?? []),
        published: pick(input.published, rows),
        earlier: pick(input.earlier ?? [], old),
        rowNumbers: { published: rows, earlier: old },
      }),
    );
  }
  return mergeAudit(reports);
}

/** The items at `positions`, in that order. */
const pick = <T>(items: readonly T[], positions: readonly number[]): T[] =>
  positions.map((i) => items[i] as T);

/** The sum of `f` over `items`. */
const sumOf = <T>(items: readonly T[], f: (x: T) => number): number =>
  items.reduce((s, x) => s + f(x), 0);

/** Positions of `items` per year, in their order. */
function byYear<T>(items: readonly T[], yearOf: (x: T) => number): Map<number, number[]> {
  const out = new Map<number, number[]>();
  items.forEach((x, i) => {
    const y = yearOf(x);
    const list = out.get(y);
    if (list) list.push(i);
    else out.set(y, [i]);
  });
  return out;
}

/** The input's years as parts, in ascending year; one part when explicit relations may join them. */
export function splitByYear(input: ProtectInput): Part[] {
  if ((input.relations?.length ?? 0) > 0)
    return [{ year: NaN, indices: input.cells.map((_, i) => i), input }];
  const cellsByYear = byYear(input.cells, (c) => c.year);
  const earlier = byYear(input.earlier ?? [], (r) => r.year);
  return [...cellsByYear.keys()]
    .sort((a, b) => a - b)
    .map((year) => {
      const indices = cellsByYear.get(year) as number[];
      const cells = pick(input.cells, indices);
      return {
        year,
        indices,
        input: {
          ...input,
          cells,
          earlier: pick(input.earlier ?? [], earlier.get(year) ?? []),
          cellKeys: input.cellKeys && keysOf(cells, input.cellKeys),
        },
      };
    });
}

/** The cell keys of a part's variables. */
function keysOf(
  cells: readonly ComputedCell[],
  all: ReadonlyMap<string, number>,
): ReadonlyMap<string, number> {
  const out = new Map<string, number>();
  const take = (key: string | null, c: ComputedCell): void => {
    if (key === null) return;
    const id = variableId(key, c.year, c.regionCode, c.breakdown);
    const k = all.get(id);
    if (k !== undefined) out.set(id, k);
  };
  for (const c of cells) {
    take(c.numeratorKey, c);
    take(c.denominatorKey, c);
  }
  return out;
}

async function inThread(parts: readonly Part[]): Promise<ProtectResult[]> {
  const out: ProtectResult[] = [];
  for (const p of parts) out.push(await protectTable(p.input));
  return out;
}

/** The parts over `threads` workers, the largest first; results in part order. A failure stops all. */
async function inWorkers(
  parts: readonly Part[],
  threads: number,
  workerHeapMb?: number,
): Promise<ProtectResult[]> {
  const entry = moduleEntry(import.meta.url, './protect-worker.js');
  const size = parts.map((p) => p.indices.length);
  const order = parts
    .map((_, k) => k)
    .sort((a, b) => (size[b] as number) - (size[a] as number) || a - b);
  const results: ProtectResult[] = new Array(parts.length);
  // The workers share this process's heap limit (the run's budget) with this thread, which
  // holds the cells and the merged rows: a third each with two workers.
  const heapMb = getHeapStatistics().heap_size_limit / 2 ** 20;
  const resourceLimits = {
    maxOldGenerationSizeMb: workerHeapMb ?? Math.floor(heapMb / (threads + 1)),
  };
  const workers = Array.from({ length: threads }, () =>
    startWorker(entry, { stdout: false, stderr: false, resourceLimits }),
  );
  let next = 0;
  const drain = async (worker: Worker): Promise<void> => {
    for (let k = order[next++]; k !== undefined; k = order[next++]) {
      const part = parts[k] as Part;
      results[k] = await solveIn(worker, part.input).catch((err: unknown) => {
        throw outOfMemory(err)
          ? new Error(
              `disclosure control of ${part.year} (${part.indices.length} cells) needs more than its worker's heap of ${resourceLimits.maxOldGenerationSizeMb} MiB (its share of the run's): give the run more memory (runMemoryLimit)`,
            )
          : err;
      });
    }
  };
  try {
    await Promise.all(workers.map(drain));
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return results;
}

const outOfMemory = (err: unknown): boolean =>
  (err as { code?: string } | null)?.code === 'ERR_WORKER_OUT_OF_MEMORY';

/** One part in `worker`: its result, or its error (a worker that stops without one is an error too). */
function solveIn(worker: Worker, input: ProtectInput): Promise<ProtectResult> {
  return new Promise<ProtectResult>((resolve, reject) => {
    const done = (): void => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
    };
    const onMessage = (m: { result?: ProtectResult; error?: string }): void => {
      done();
      if (m.result) resolve(m.result);
      else reject(new Error(m.error ?? 'disclosure worker: no result'));
    };
    const onError = (err: Error): void => {
      done();
      reject(err);
    };
    const onExit = (code: number): void => {
      done();
      reject(new Error(`disclosure worker stopped (exit code ${code}) before its part was done`));
    };
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
    worker.postMessage({ input });
  });
}

const byVariable = (a: AuditInterval, b: AuditInterval): number =>
  a.variable < b.variable ? -1 : a.variable > b.variable ? 1 : 0;

function mergeRules(reports: readonly AuditReport[]): AuditRuleReport[] {
  return RULES.flatMap((rule) => {
    const found = reports.flatMap((r) => r.rules.filter((x) => x.rule === rule));
    if (found.length === 0) return [];
    const margins = found.map((x) => x.narrowestMargin).filter((m) => m !== null);
    return [
      {
        rule,
        cells: sumOf(found, (x) => x.cells),
        passed: found.every((x) => x.passed),
        narrowestMargin: margins.length ? Math.min(...margins) : null,
        intervals: found.flatMap((x) => x.intervals).sort(byVariable),
      },
    ];
  });
}

function mergeAudit(reports: readonly AuditReport[]): AuditReport {
  const sum = (f: (r: AuditReport) => number): number => sumOf(reports, f);
  const publishedUnsafe = reports.flatMap((r) => r.publishedUnsafe).sort();
  const failing = reports.flatMap((r) => r.failing).sort(byVariable);
  return {
    passed: reports.every((r) => r.passed),
    checkedVariables: sum((r) => r.checkedVariables),
    lpSolves: sum((r) => r.lpSolves),
    closedFormSolves: sum((r) => r.closedFormSolves),
    witnessIntervals: sum((r) => r.witnessIntervals),
    components: sum((r) => r.components),
    revisedEarlierValues: sum((r) => r.revisedEarlierValues),
    publishedUnsafe,
    rules: mergeRules(reports),
    failing,
  };
}

/** Counts add up over parts; the rounds are the most any part needed; timings are summed. */
function mergeStats(stats: readonly ProtectStats[]): ProtectStats {
  const sum = (f: (s: ProtectStats) => number): number => sumOf(stats, f);
  const suppressedByRule: Record<string, number> = {};
  for (const s of stats) {
    for (const [rule, n] of Object.entries(s.suppressedByRule))
      suppressedByRule[rule] = (suppressedByRule[rule] ?? 0) + n;
  }
  return {
    cells: sum((s) => s.cells),
    variables: sum((s) => s.variables),
    equations: sum((s) => s.equations),
    nonAdditiveRelations: sum((s) => s.nonAdditiveRelations),
    primaryCells: sum((s) => s.primaryCells),
    secondaryCells: sum((s) => s.secondaryCells),
    suppressedByRule,
    secondaryCost: sum((s) => s.secondaryCost),
    secondaryValue: sum((s) => s.secondaryValue),
    auditRounds: Math.max(...stats.map((s) => s.auditRounds)),
    timings: {
      primaryMs: sum((s) => s.timings.primaryMs),
      secondaryMs: sum((s) => s.timings.secondaryMs),
      auditMs: sum((s) => s.timings.auditMs),
      publishMs: sum((s) => s.timings.publishMs),
    },
  };
}

function mergeParts(
  n: number,
  parts: readonly Part[],
  results: readonly ProtectResult[],
): ProtectResult {
  const cells: PublishedCell[] = new Array(n);
  parts.forEach((p, k) => {
    const rows = (results[k] as ProtectResult).cells;
    p.indices.forEach((i, j) => (cells[i] = rows[j] as PublishedCell));
  });
  return {
    cells,
    audit: mergeAudit(results.map((r) => r.audit)),
    stats: mergeStats(results.map((r) => r.stats)),
  };
}
