/**
 * Zoekgebieden ("kansrijke zoekgebieden"), from published figures only: the wijken and buurten of
 * a gemeente (or of every gemeente of a veiligheidsregio) where indicators of at least two themes
 * are unusually high together.
 *
 * It reads nothing but published cells, the public rule profiles and the public region set, and
 * every figure it returns is a published one or computed from published ones, so it adds no
 * disclosure risk. Confidential cells are never tested and nothing is inferred about them.
 *
 * Method (docs/indicators.md, "Zoekgebieden"), per (area, indicator) of a share or rate whose
 * area, gemeente and Nederland cells (year, breakdown '') are published:
 *  1. the excess over the gemeente and over Nederland is an exact one-sided binomial test of the
 *     area's numerator x out of its denominator n against the reference proportion p;
 *  2. published counts are rounded (true = published ± h, h = floor(roundingBase / 2), or the cell
 *     key's maximum noise D): the test takes the least significant counts, x − h, n + h and the
 *     largest reference proportion (x_r + h) / (n_r − h);
 *  3. the two p-values combine to the larger one (the excess must hold against both);
 *  4. Benjamini–Hochberg over all tests of the request controls the false discovery rate at q;
 *  5. score = themes with a significant excess + m / (1 + m), m = the mean over the significant
 *     signals of min(10, log2(area rate / larger reference rate)); a zoekgebied has ≥ 2 themes.
 */
import {
  isRatioKind,
  NATIONAL_CODE,
  type Zoekgebied,
  type ZoekgebiedSignal,
} from '../contracts/index.js';
import { DEFAULT_PROFILES, type RuleProfile } from '../disclosure/index.js';
import { benjaminiHochberg, binomialUpperTail } from './significance.js';
import type { PublicCell } from './surface.js';

export { benjaminiHochberg, binomialLogPmf, binomialUpperTail } from './significance.js';

export const ZOEKGEBIED_LEVELS = ['wijk', 'buurt'] as const;
export type ZoekgebiedLevel = (typeof ZOEKGEBIED_LEVELS)[number];

/** Context figures (inwoners, woningen) describe an area; they are no sign of ondermijning. */
const UNTESTED_THEMES: readonly string[] = ['context'];

export const DEFAULT_FDR = 0.05;
/** Themes an area needs for a zoekgebied. */
export const MIN_THEMES = 2;
/** A single signal's log2 ratio counts at most this much in the excess (a reference of 0: this). */
export const MAX_LOG2_RATIO = 10;

export const ZOEKGEBIEDEN_CAUTION = {
  nl: 'Let op: de zoekgebieden brengen enkel een patroon in beeld. Een hoge score is geen bewijs van ondermijning en zegt niets over personen of bedrijven in het gebied. Gebruik ze als start van een gesprek met partners die het gebied kennen.',
  en: 'Note: the search areas only show a pattern. A high score is no proof of organised crime and says nothing about the people or businesses in the area. Use them to start a conversation with partners who know the area.',
} as const;

export const ZOEKGEBIEDEN_METHOD = {
  nl: 'Per wijk of buurt en per indicator met teller en noemer (percentages en cijfers per 1.000 of 10.000; aantallen, sommen, gemiddelden en medianen worden niet getoetst, en ook contextcijfers niet) toetst een exacte eenzijdige binomiale toets of het gepubliceerde aandeel hoger is dan dat van de gemeente en dan dat van Nederland. De afronding telt behoudend mee: de kleinste mogelijke teller, de grootste mogelijke noemer en het grootste mogelijke referentie-aandeel (gepubliceerd ± de helft van de afrondingsbasis). De grootste van de twee p-waarden telt: het verschil moet tegenover beide gelden. Over alle toetsen van de vraag beperkt Benjamini–Hochberg het aandeel valse ontdekkingen tot q (standaard 0,05); de q-waarde is de aangepaste p-waarde. Score = het aantal thema\u2019s met minstens één significant verhoogd cijfer + m/(1+m), met m het gemiddelde van log2(aandeel gebied / grootste referentie-aandeel) over de significante cijfers (per cijfer hoogstens 10), zodat het deel achter de komma alleen gelijke aantallen thema\u2019s ordent. Een zoekgebied heeft significant verhoogde cijfers in minstens twee thema\u2019s. Alleen gepubliceerde cijfers; geheime cijfers worden niet getoetst en niet afgeleid. Gebieden zonder toetsbaar cijfer staan niet in de lijst. Let op: een cijfer dat gebeurtenissen telt in plaats van personen (zoals meldingen per 1.000 inwoners) varieert meer dan de binomiale toets aanneemt; daar zijn de p-waarden te klein.',
  en: 'For each wijk or buurt and each indicator with a numerator and denominator (percentages and rates per 1,000 or 10,000; counts, sums, means and medians are not tested, nor are context figures), an exact one-sided binomial test asks whether the published share is higher than that of the gemeente and than that of Nederland. Rounding is taken into account conservatively: the smallest possible numerator, the largest possible denominator and the largest possible reference share (published ± half the rounding base). The larger of the two p-values counts: the excess must hold against both. Over all tests of the request, Benjamini–Hochberg keeps the false discovery rate at q (default 0.05); the q-value is the adjusted p-value. Score = the number of themes with at least one significant excess + m/(1+m), m being the mean of log2(area share / larger reference share) over the significant signals (at most 10 per signal), so the fraction only orders equal theme counts. A zoekgebied has significant excesses in at least two themes. Published figures only; confidential figures are neither tested nor inferred. Areas without a testable figure are not listed. Note: a figure that counts events rather than persons (such as reports per 1,000 residents) varies more than the binomial test assumes; its p-values are too small there.',
} as const;

// ── the zoekgebieden ─────────────────────────────────────────────────────────────────────────

export interface ZoekgebiedenRegion {
  code: string;
  name: string;
  level: string;
  parentCode: string | null;
}

/** The part of the public region set this needs (a RegionSet fits). */
export interface ZoekgebiedenRegions {
  get(code: string): ZoekgebiedenRegion | undefined;
  childrenOf(code: string): ZoekgebiedenRegion[];
}

export interface ZoekgebiedenIndicator {
  id: string;
  theme: string;
  kind: string;
}

/** How an indicator's published counts may differ from the true ones (its public rule profile). */
export type CountProtection = Pick<RuleProfile, 'roundingBase'> &
  Partial<Pick<RuleProfile, 'method' | 'cellKey'>>;

export interface ZoekgebiedenInput {
  /** A gemeente (GMxxxx) or a veiligheidsregio (VRxx: all its gemeenten). */
  scope: string;
  year: number;
  levels?: readonly ZoekgebiedLevel[];
  /** False discovery rate (0 < q < 1). */
  q?: number;
  regions: ZoekgebiedenRegions;
  indicators: readonly ZoekgebiedenIndicator[];
  /** The public manifest's rule profiles per indicator. */
  rules: Readonly<Record<string, CountProtection>>;
  /** The public cells of one region (any indicator, year, breakdown). */
  cellsOf: (code: string) => readonly PublicCell[];
}

// The answer's shapes are the public API contract's: one declaration for server and dashboard.
export type { Zoekgebied, ZoekgebiedSignal } from '../contracts/index.js';

export interface ZoekgebiedenResult {
  scope: { code: string; name: string; level: 'gemeente' | 'veiligheidsregio' };
  year: number;
  q: number;
  /** (area, indicator) tests in the false discovery rate's family. */
  tested: number;
  areas: Zoekgebied[];
}

export class ZoekgebiedenScopeError extends Error {
  override name = 'ZoekgebiedenScopeError';
}

/** Published counts are true ± this (rounding to the base, halves up; or the cell key's noise). */
function halfWidth(rule: CountProtection | undefined): number {
  if (rule?.method === 'cell-key' && rule.cellKey) return rule.cellKey.D;
  return Math.floor((rule?.roundingBase ?? DEFAULT_PROFILES.ratio.roundingBase) / 2);
}

interface Counts {
  cell: PublicCell;
  x: number;
  n: number;
}

/** The published total cells of one region and year, by indicator, with usable counts. */
function publishedShares(cells: readonly PublicCell[], year: number): Map<string, Counts> {
  const out = new Map<string, Counts>();
  for (const c of cells) {
    // Status decides, not the figures: a non-published cell is never read.
    if (c.status !== 'published' || c.year !== year || c.breakdown !== '') continue;
    const x = c.numerator;
    const n = c.denominator;
    // A numerator above its denominator counts events, not units: no binomial share.
    if (x === null || n === null || !(n > 0) || x < 0 || x > n) continue;
    out.set(c.indicator_id, { cell: c, x, n });
  }
  return out;
}

/** The largest proportion the true reference counts allow. */
function largestProportion(r: Counts, h: number): number {
  const n = r.n - h;
  return n > 0 ? Math.min(1, (r.x + h) / n) : 1;
}

const round = (v: number, digits: number): number => Number(v.toFixed(digits));
const sig = (v: number): number => (v === 0 ? 0 : Number(v.toPrecision(6)));

function gemeentenOf(
  regions: ZoekgebiedenRegions,
  scope: ZoekgebiedenRegion,
): ZoekgebiedenRegion[] {
  if (scope.level === 'gemeente') return [scope];
  return regions
    .childrenOf(scope.code)
    .filter((r) => r.level === 'gemeente')
    .sort((a, b) => (a.code < b.code ? -1 : 1));
}

interface Test {
  area: ZoekgebiedenRegion & { level: ZoekgebiedLevel; gemeente: string };
  indicator: ZoekgebiedenIndicator;
  counts: Counts;
  gemeente: Counts;
  nederland: Counts;
  pValue: number;
}

/** The wijken and buurten of a gemeente that the request's levels test. */
function areasOf(
  regions: ZoekgebiedenRegions,
  gm: ZoekgebiedenRegion,
  levels: ReadonlySet<string>,
): Test['area'][] {
  const wijken = regions.childrenOf(gm.code).filter((r) => r.level === 'wijk');
  const areas: Test['area'][] = [];
  for (const w of wijken) {
    if (levels.has('wijk')) areas.push({ ...w, level: 'wijk', gemeente: gm.code });
    if (!levels.has('buurt')) continue;
    for (const b of regions.childrenOf(w.code)) {
      if (b.level === 'buurt') areas.push({ ...b, level: 'buurt', gemeente: gm.code });
    }
  }
  return areas;
}

/** One test per (area, indicator) whose area, gemeente and Nederland cells are published. */
function runTests(
  input: ZoekgebiedenInput,
  scope: ZoekgebiedenRegion,
  levels: ReadonlySet<string>,
): Test[] {
  const candidates = input.indicators.filter(
    (i) => isRatioKind(i.kind) && !UNTESTED_THEMES.includes(i.theme),
  );
  const nederland = publishedShares(input.cellsOf(NATIONAL_CODE), input.year);
  const tests: Test[] = [];
  for (const gm of gemeentenOf(input.regions, scope)) {
    const gemeente = publishedShares(input.cellsOf(gm.code), input.year);
    for (const area of areasOf(input.regions, gm, levels)) {
      const own = publishedShares(input.cellsOf(area.code), input.year);
      for (const indicator of candidates) {
        const counts = own.get(indicator.id);
        const g = gemeente.get(indicator.id);
        const nl = nederland.get(indicator.id);
        // Both references are needed: the excess must hold against each.
        if (!counts || !g || !nl) continue;
        const h = halfWidth(input.rules[indicator.id]);
        // The least significant true counts the published ones allow.
        const x = Math.max(0, counts.x - h);
        const n = counts.n + h;
        const pValue = Math.max(
          binomialUpperTail(x, n, largestProportion(g, h)),
          binomialUpperTail(x, n, largestProportion(nl, h)),
        );
        tests.push({ area, indicator, counts, gemeente: g, nederland: nl, pValue });
      }
    }
  }
  return tests;
}

/** An area's signals, and the capped log2 excess of each significant one. */
interface AreaSignals {
  area: Test['area'];
  signals: ZoekgebiedSignal[];
  logs: number[];
}

/** The tests as signals per area, each significant when its q-value is at most q. */
function signalsByArea(tests: readonly Test[], q: number): AreaSignals[] {
  const qValues = benjaminiHochberg(tests.map((t) => t.pValue));
  const byArea = new Map<string, AreaSignals>();
  tests.forEach((t, i) => {
    const share = t.counts.x / t.counts.n;
    const reference = Math.max(t.gemeente.x / t.gemeente.n, t.nederland.x / t.nederland.n);
    const qValue = qValues[i]!;
    const significant = qValue <= q;
    let entry = byArea.get(t.area.code);
    if (!entry) byArea.set(t.area.code, (entry = { area: t.area, signals: [], logs: [] }));
    entry.signals.push({
      indicator: t.indicator.id,
      theme: t.indicator.theme,
      value: t.counts.cell.value,
      numerator: t.counts.x,
      denominator: t.counts.n,
      gemeenteValue: t.gemeente.cell.value,
      nederlandValue: t.nederland.cell.value,
      ratio: reference > 0 ? round(share / reference, 4) : null,
      pValue: sig(t.pValue),
      qValue: sig(qValue),
      significant,
    });
    if (significant) {
      const log2 = reference > 0 ? Math.log2(share / reference) : MAX_LOG2_RATIO;
      entry.logs.push(Math.min(MAX_LOG2_RATIO, Math.max(0, log2)));
    }
  });
  return [...byArea.values()];
}

/** An area's score from its significant themes and mean excess. */
function scored({ area, signals, logs }: AreaSignals): Zoekgebied {
  const themes = [...new Set(signals.filter((s) => s.significant).map((s) => s.theme))].sort();
  const m = logs.length > 0 ? logs.reduce((a, b) => a + b, 0) / logs.length : 0;
  return {
    code: area.code,
    name: area.name,
    level: area.level,
    parent: area.parentCode,
    gemeente: area.gemeente,
    // The fraction m / (1 + m) < 1 only orders areas with the same number of themes.
    score: round(themes.length + m / (1 + m), 6),
    themeCount: themes.length,
    themes,
    excess: round(m, 4),
    flagged: themes.length >= MIN_THEMES,
    signals,
  };
}

/** The zoekgebieden of a gemeente or veiligheidsregio in one year, ranked by score then code. */
export function findZoekgebieden(input: ZoekgebiedenInput): ZoekgebiedenResult {
  const q = input.q ?? DEFAULT_FDR;
  if (!(q > 0 && q < 1)) throw new RangeError(`q must lie strictly between 0 and 1, got ${q}`);
  const scope = input.regions.get(input.scope);
  if (!scope || (scope.level !== 'gemeente' && scope.level !== 'veiligheidsregio')) {
    throw new ZoekgebiedenScopeError(`'${input.scope}' is no gemeente or veiligheidsregio`);
  }
  const tests = runTests(input, scope, new Set<string>(input.levels ?? ZOEKGEBIED_LEVELS));
  const areas = signalsByArea(tests, q).map(scored);
  areas.sort((a, b) => b.score - a.score || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  return {
    scope: { code: scope.code, name: scope.name, level: scope.level },
    year: input.year,
    q,
    tested: tests.length,
    areas,
  };
}
