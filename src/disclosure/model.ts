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

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** An explicit additive relation between variables (ids as from `variableId`): total = Σ parts. */
export interface Relation {
  total: string;
  parts: string[];
}

export function buildModel(
  cells: readonly ComputedCell[],
  relations: readonly Relation[] = [],
): TableModel {
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

  const ids = [...truths.keys()].sort(cmp);
  const index = new Map<string, number>();
  const vars: Variable[] = ids.map((id, k) => {
    index.set(id, k);
    const t = truths.get(id) as { truth: number; cells: number[] };
    return { id, truth: t.truth, cells: t.cells.sort((a, b) => a - b) };
  });
  const cellNum = cellNumId.map((id) => (id === null ? null : (index.get(id) as number)));
  const cellDen = cellDenId.map((id) => (id === null ? null : (index.get(id) as number)));

  const equations: Equation[] = [];
  const seen = new Set<string>();
  let nonAdditive = 0;
  const addEquation = (parent: number | null, children: (number | null)[]): void => {
    if (parent === null || children.length === 0 || children.some((c) => c === null)) return;
    const kids = [...new Set(children as number[])].sort((a, b) => a - b);
    if (kids.length !== children.length || kids.includes(parent)) return;
    const key = `${parent}:${kids.join(',')}`;
    if (seen.has(key)) return;
    seen.add(key);
    const sum = kids.reduce((s, k) => s + (vars[k] as Variable).truth, 0);
    const p = (vars[parent] as Variable).truth;
    if (Math.abs(sum - p) > 1e-6 * Math.max(1, Math.abs(p))) {
      nonAdditive++;
      return;
    }
    equations.push({ parent, children: kids, residual: p - sum });
  };

  // Region hierarchy: per (indicator, year, breakdown), parentCode → children.
  const byTable = new Map<string, number[]>();
  cells.forEach((c, i) => {
    const k = `${c.indicatorId}\u0000${c.year}\u0000${canonicalBreakdown(c.breakdown)}`;
    const list = byTable.get(k);
    if (list) list.push(i);
    else byTable.set(k, [i]);
  });
  for (const k of [...byTable.keys()].sort(cmp)) {
    const list = byTable.get(k) as number[];
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
      addEquation(
        cellNum[p] ?? null,
        ch.map((i) => cellNum[i] ?? null),
      );
      addEquation(
        cellDen[p] ?? null,
        ch.map((i) => cellDen[i] ?? null),
      );
    }
  }

  // Breakdown marginals: per (indicator, year, region), marginal = Σ over one variable's values.
  // Only indicators published with a breakdown can have such relations.
  const withBreakdown = new Set<string>();
  for (const c of cells) if (c.breakdown !== '') withBreakdown.add(c.indicatorId);
  const byRegion = new Map<string, number[]>();
  cells.forEach((c, i) => {
    if (!withBreakdown.has(c.indicatorId)) return;
    const k = `${c.indicatorId}\u0000${c.year}\u0000${c.regionCode}`;
    const list = byRegion.get(k);
    if (list) list.push(i);
    else byRegion.set(k, [i]);
  });
  for (const k of [...byRegion.keys()].sort(cmp)) {
    const list = byRegion.get(k) as number[];
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
      addEquation(
        cellNum[p] ?? null,
        g.members.map((i) => cellNum[i] ?? null),
      );
      addEquation(
        cellDen[p] ?? null,
        g.members.map((i) => cellDen[i] ?? null),
      );
    }
  }

  relations.forEach((r, k) => {
    const resolve = (id: string): number => {
      const v = index.get(id);
      if (v === undefined) throw new Error(`relation ${k + 1}: no cell publishes '${id}'`);
      return v;
    };
    const before = nonAdditive;
    addEquation(resolve(r.total), r.parts.map(resolve));
    if (nonAdditive > before) {
      throw new Error(
        `relation ${k + 1}: '${r.total}' is not the sum of its ${r.parts.length} parts`,
      );
    }
  });

  const varEquations: number[][] = vars.map(() => []);
  equations.forEach((e, q) => {
    (varEquations[e.parent] as number[]).push(q);
    for (const c of e.children) (varEquations[c] as number[]).push(q);
  });
  return { vars, equations, varEquations, cellNum, cellDen, nonAdditive };
}
