/**
 * The table model: published counts as variables, additive relations as equations.
 *
 * A variable is one published quantity: the numerator (or denominator) series `key` at one
 * year/region/breakdown. Cells of different indicators with equal keys share the variable, so a
 * suppression pattern is consistent across linked tables by construction (sdcTable #136).
 * Equations come from the cells themselves: a parent region equals the sum of the regions whose
 * parentCode names it, and a breakdown marginal equals the sum over the values of one breakdown
 * variable (`var=value`, several joined by `&`).
 */
import { canonicalBreakdown, cellKey, type ComputedCell } from '../contracts/index.js';

export interface Variable {
  id: string;
  truth: number;
  /** Indices (into the input cells) of the cells that publish this variable. */
  cells: number[];
}

/** parent − Σ children = residual (0 up to floating-point noise in the cells' truths). */
export interface Equation {
  parent: number;
  children: number[];
  residual: number;
}

export interface TableModel {
  vars: Variable[];
  equations: Equation[];
  /** For each variable, the equations it appears in (ascending). */
  varEquations: number[][];
  cellNum: (number | null)[];
  cellDen: (number | null)[];
  /** Relations skipped because the cells' truths do not add up (not an equality). */
  nonAdditive: number;
}

export function variableId(
  key: string,
  year: number,
  regionCode: string,
  breakdown: string,
): string {
  return cellKey(key, year, regionCode, breakdown);
}

export function cellLabel(c: {
  indicatorId: string;
  year: number;
  regionCode: string;
  breakdown: string;
}): string {
  return `${c.indicatorId}/${c.year}/${c.regionCode}${c.breakdown ? `/${c.breakdown}` : ''}`;
}

function breakdownParts(b: string, label: () => string): { name: string; part: string }[] {
  if (b === '') return [];
  return canonicalBreakdown(b)
    .split('&')
    .map((part) => {
      const eq = part.indexOf('=');
      if (eq <= 0 || eq === part.length - 1) {
        throw new Error(
          `cell ${label()}: breakdown '${b}' must be 'variable=value' (several joined by '&')`,
        );
      }
      return { name: part.slice(0, eq), part };
    });
}

/** Each cell's index by its identity (`cellKey`), to find the cell of a release row. */
export function cellIndex(cells: readonly ComputedCell[]): Map<string, number> {
  const index = new Map<string, number>();
  cells.forEach((c, i) => index.set(cellKey(c.indicatorId, c.year, c.regionCode, c.breakdown), i));
  return index;
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** An explicit additive relation between variables (ids as from `variableId`): total = Σ parts. */
export interface Relation {
  total: string;
  parts: string[];
}

/** Variables by id: the truth and the cells that publish each; each cell's numerator and denominator id. */
interface VariableIds {
  truths: Map<string, { truth: number; cells: number[] }>;
  cellNumId: (string | null)[];
  cellDenId: (string | null)[];
}

/** Validates each cell and names the variables behind it; linked cells must agree on a truth. */
function collectVariables(cells: readonly ComputedCell[]): VariableIds {
  const truths = new Map<string, { truth: number; cells: number[] }>();
  const cellNumId: (string | null)[] = [];
  const cellDenId: (string | null)[] = [];
  const note = (id: string, truth: number, i: number): void => {
    const v = truths.get(id);
    if (!v) {
      truths.set(id, { truth, cells: [i] });
      return;
    }
    if (Math.abs(v.truth - truth) > 1e-9 * Math.max(1, Math.abs(truth))) {
      const first = cells[v.cells[0] ?? i] as ComputedCell;
      throw new Error(
        `linked cells disagree on ${id}: ${cellLabel(first)} has ${v.truth}, ${cellLabel(cells[i] as ComputedCell)} has ${truth}`,
      );
    }
    v.cells.push(i);
  };
  cells.forEach((c, i) => {
    // Labels only for errors: building one per cell costs more than the rest of this loop.
    const label = (): string => cellLabel(c);
    breakdownParts(c.breakdown, label); // validates the format
    if (c.numerator !== null) {
      if (!Number.isFinite(c.numerator))
        throw new Error(`cell ${label()}: numerator is not a finite number`);
      if (c.numerator < 0) throw new Error(`cell ${label()}: numerator ${c.numerator} is negative`);
      const id = variableId(c.numeratorKey, c.year, c.regionCode, c.breakdown);
      cellNumId.push(id);
      note(id, c.numerator, i);
    } else cellNumId.push(null);
    if (c.denominator !== null && c.denominatorKey !== null) {
      if (!Number.isFinite(c.denominator) || c.denominator < 0) {
        throw new Error(
          `cell ${label()}: denominator ${c.denominator} is not a non-negative number`,
        );
      }
      const id = variableId(c.denominatorKey, c.year, c.regionCode, c.breakdown);
      cellDenId.push(id);
      note(id, c.denominator, i);
    } else cellDenId.push(null);
  });
  return { truths, cellNumId, cellDenId };
}

/** Cell indices grouped by `key`, groups in sorted key order. */
function groupCells(
  cells: readonly ComputedCell[],
  key: (c: ComputedCell) => string | null,
): number[][] {
  const groups = new Map<string, number[]>();
  cells.forEach((c, i) => {
    const k = key(c);
    if (k === null) return;
    const list = groups.get(k);
    if (list) list.push(i);
    else groups.set(k, [i]);
  });
  return [...groups.keys()].sort(cmp).map((k) => groups.get(k) as number[]);
}

/** The equations of a model under construction; duplicates and non-additive relations are skipped. */
class EquationSet {
  readonly equations: Equation[] = [];
  /** Relations skipped because the cells' truths do not add up. */
  nonAdditive = 0;
  private readonly seen = new Set<string>();

  constructor(
    private readonly vars: readonly Variable[],
    private readonly cellNum: readonly (number | null)[],
    private readonly cellDen: readonly (number | null)[],
  ) {}

  add(parent: number | null, children: (number | null)[]): void {
    if (parent === null || children.length === 0 || children.some((c) => c === null)) return;
    const kids = [...new Set(children as number[])].sort((a, b) => a - b);
    if (kids.length !== children.length || kids.includes(parent)) return;
    const key = `${parent}:${kids.join(',')}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    const sum = kids.reduce((s, k) => s + (this.vars[k] as Variable).truth, 0);
    const p = (this.vars[parent] as Variable).truth;
    if (Math.abs(sum - p) > 1e-6 * Math.max(1, Math.abs(p))) {
      this.nonAdditive++;
      return;
    }
    this.equations.push({ parent, children: kids, residual: p - sum });
  }

  /** Cell `p` is the sum of cells `members`: for numerators, and for denominators. */
  addCells(p: number, members: readonly number[]): void {
    const { cellNum, cellDen } = this;
    this.add(
      cellNum[p] ?? null,
      members.map((i) => cellNum[i] ?? null),
    );
    this.add(
      cellDen[p] ?? null,
      members.map((i) => cellDen[i] ?? null),
    );
  }
}

/** Region hierarchy: per (indicator, year, breakdown), parentCode → children. */
function addRegionRelations(cells: readonly ComputedCell[], eqs: EquationSet): void {
  const tables = groupCells(
    cells,
    (c) => `${c.indicatorId}\u0000${c.year}\u0000${canonicalBreakdown(c.breakdown)}`,
  );
  for (const list of tables) {
    const byCode = new Map<string, number>();
    const kids = new Map<string, number[]>();
    for (const i of list) {
      const c = cells[i] as ComputedCell;
      byCode.set(c.regionCode, i);
      if (c.parentCode !== null) {
        const l = kids.get(c.parentCode);
        if (l) l.push(i);
        else kids.set(c.parentCode, [i]);
      }
    }
    for (const parentCode of [...kids.keys()].sort(cmp)) {
      const p = byCode.get(parentCode);
      if (p === undefined) continue;
      const ch = (kids.get(parentCode) as number[]).sort((a, b) =>
        cmp((cells[a] as ComputedCell).regionCode, (cells[b] as ComputedCell).regionCode),
      );
      eqs.addCells(p, ch);
    }
  }
}

/**
 * Breakdown marginals: per (indicator, year, region), marginal = Σ over one variable's values.
 * Only indicators published with a breakdown can have such relations.
 */
function addBreakdownRelations(cells: readonly ComputedCell[], eqs: EquationSet): void {
  const withBreakdown = new Set<string>();
  for (const c of cells) if (c.breakdown !== '') withBreakdown.add(c.indicatorId);
  const regions = groupCells(cells, (c) =>
    withBreakdown.has(c.indicatorId)
      ? `${c.indicatorId}\u0000${c.year}\u0000${c.regionCode}`
      : null,
  );
  for (const list of regions) {
    const byBreakdown = new Map<string, number>();
    const groups = new Map<string, { marginal: string; members: number[] }>();
    for (const i of list) {
      const c = cells[i] as ComputedCell;
      const canon = canonicalBreakdown(c.breakdown);
      byBreakdown.set(canon, i);
      const parts = breakdownParts(c.breakdown, () => cellLabel(c));
      parts.forEach((p, j) => {
        const marginal = parts
          .filter((_, q) => q !== j)
          .map((q) => q.part)
          .join('&');
        const gk = `${marginal}\u0000${p.name}`;
        const g = groups.get(gk);
        if (g) g.members.push(i);
        else groups.set(gk, { marginal, members: [i] });
      });
    }
    for (const gk of [...groups.keys()].sort(cmp)) {
      const g = groups.get(gk) as { marginal: string; members: number[] };
      const p = byBreakdown.get(g.marginal);
      if (p === undefined) continue;
      eqs.addCells(p, g.members);
    }
  }
}

/** Explicit relations: each must resolve to published variables and add up. */
function addExplicitRelations(
  relations: readonly Relation[],
  index: ReadonlyMap<string, number>,
  eqs: EquationSet,
): void {
  relations.forEach((r, k) => {
    const resolve = (id: string): number => {
      const v = index.get(id);
      if (v === undefined) throw new Error(`relation ${k + 1}: no cell publishes '${id}'`);
      return v;
    };
    const before = eqs.nonAdditive;
    eqs.add(resolve(r.total), r.parts.map(resolve));
    if (eqs.nonAdditive > before) {
      throw new Error(
        `relation ${k + 1}: '${r.total}' is not the sum of its ${r.parts.length} parts`,
      );
    }
  });
}

export function buildModel(
  cells: readonly ComputedCell[],
  relations: readonly Relation[] = [],
): TableModel {
  const { truths, cellNumId, cellDenId } = collectVariables(cells);
  const ids = [...truths.keys()].sort(cmp);
  const index = new Map<string, number>();
  const vars: Variable[] = ids.map((id, k) => {
    index.set(id, k);
    const t = truths.get(id) as { truth: number; cells: number[] };
    return { id, truth: t.truth, cells: t.cells.sort((a, b) => a - b) };
  });
  const cellNum = cellNumId.map((id) => (id === null ? null : (index.get(id) as number)));
  const cellDen = cellDenId.map((id) => (id === null ? null : (index.get(id) as number)));

  const eqs = new EquationSet(vars, cellNum, cellDen);
  addRegionRelations(cells, eqs);
  addBreakdownRelations(cells, eqs);
  addExplicitRelations(relations, index, eqs);

  const { equations } = eqs;
  const varEquations: number[][] = vars.map(() => []);
  equations.forEach((e, q) => {
    (varEquations[e.parent] as number[]).push(q);
    for (const c of e.children) (varEquations[c] as number[]).push(q);
  });
  return { vars, equations, varEquations, cellNum, cellDen, nonAdditive: eqs.nonAdditive };
}
