/**
 * The demo: the whole Samenzicht flow on a synthetic Netherlands, with every party in its role.
 *
 *   synthetic registers (at the providers) → governance (organisations, signed agreement)
 *   → pseudonymisation at the providers → delivery, validation and loading at the broker
 *   → purpose-bound run: linkage and indicators → disclosure control and audit
 *   → candidate release → airlock (providers + board) → publication
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { RegionSet } from '../regions/index.js';
import { describeArea, selectArea, synthesise, type Area } from '../synth/index.js';
import { writeIndicatorGroundTruth } from '../indicators/index.js';
import { openBrokerDatabase } from '../engine/session.js';
import { openStore } from '../store/index.js';
import { setupDemoGovernance } from '../governance/index.js';
import { dataLayout, type DataLayout } from './layout.js';
import { runStage, type ProgressReporter } from './progress.js';
import { deliverAll } from './deliver.js';
import { ingestAll } from './ingest.js';
import { runIndicators, type RunScope } from './compute.js';
import { passAirlock } from './airlock.js';
import { readPublicCells } from '../release/index.js';

export interface DemoOptions {
  scale: number;
  seed: number;
  dataDir: string;
  /** The whole region set; the run uses the part `area` selects. */
  regions: RegionSet;
  /**
   * The part of the Netherlands that is generated and published: `NL`, `VRxx` or
   * `GMxxxx,GMxxxx,…` (see src/synth/area.ts). Default `NL`: the whole region set. The command's
   * default is DEMO_DEFAULTS.area.
   */
  area?: string;
  progress: ProgressReporter;
  /** PostgreSQL for the governance state instead of SQLite in the data directory. */
  databaseUrl?: string;
  /** Also write the ground truth of every indicator (tests compare against it). */
  groundTruth?: boolean;
  /** Which indicators to publish, and which of them per wijk and buurt. */
  scope?: RunScope;
}

/**
 * The demo's default scope: every indicator at every level down to buurt, with the breakdowns by
 * sex and age group. `--detail none` and `--no-breakdowns` publish less (a shorter audit).
 */
export const DEFAULT_SCOPE: RunScope = { detail: 'all', breakdowns: true };

/**
 * What `samenzicht demo` (and so `npm start`) runs without options: Haarlem and Heemstede at their
 * full population (190,455 inhabitants), with their real CBS wijken (12) and buurten (53, about
 * 3,600 inhabitants each), every level and the breakdowns. About 30 s to the dashboard on 2
 * cores, and DEMO_TARGETS met with margin. See docs/synthetic-data.md ("The demo's area") for
 * why, and for the other areas measured.
 */
export const DEMO_DEFAULTS = {
  area: 'GM0392,GM0397',
  /** Scale of an area: its full population. */
  scale: 1,
  /** Scale with `--area NL`: 1% of the country (the whole country at 1.0 takes hours). */
  nationwideScale: 0.01,
  seed: 2023,
  scope: DEFAULT_SCOPE,
} as const;

export interface DemoResult {
  releaseId: string;
  releaseDir: string;
  layout: DataLayout;
  cells: number;
  published: number;
  suppressed: number;
  /** The area the run covered. */
  area: Area;
}

/**
 * What a run on an area publishes: the regions it covers wholly (its gemeenten, wijken and
 * buurten, a whole veiligheidsregio, Nederland only for the whole country), and notes that say
 * so. The engine computes every region of the hierarchy, including the partial veiligheidsregio
 * and Nederland the area needs as parents; those would be figures of a fraction of a population.
 */
export function areaScope(scope: RunScope, area: Area): RunScope {
  if (area.nationwide && area.syntheticSubAreas.length === 0) return scope;
  const notes = [...(scope.notes ?? [])];
  if (!area.nationwide) {
    notes.push({
      nl: `Demo met synthetische gegevens voor ${area.name}: alleen de gemeenten, wijken en buurten van dit gebied hebben cijfers${area.wholeRegions.length > 0 ? ' (en de veiligheidsregio die het geheel beslaat)' : ''}; er is geen landelijk cijfer.`,
      en: `Demo with synthetic data for ${area.name}: only the gemeenten, wijken and buurten of this area have figures${area.wholeRegions.length > 0 ? ' (and the veiligheidsregio it covers whole)' : ''}; there is no national figure.`,
    });
  }
  for (const g of area.syntheticSubAreas) {
    notes.push({
      nl: `De wijken en buurten van ${g.name} zijn gegenereerd: de meegeleverde CBS-indeling heeft ze niet.`,
      en: `The wijken and buurten of ${g.name} are generated: the shipped CBS division does not have them.`,
    });
  }
  return { ...scope, ...(area.nationwide ? {} : { regions: area.published }), notes };
}

/** Stages of `samenzicht demo`, counting the region set before and the server after the run. */
export const DEMO_STAGES = 9;

const DEMO_MARKER = '.samenzicht-demo';

export class DemoDirError extends Error {
  override name = 'DemoDirError';
}

/**
 * Whether the demo may use `dir` (created if missing): empty, or made by an earlier demo. Clears
 * nothing, so the command can check it before any other work. Returns the entries.
 */
export function checkDemoDir(dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  const entries = readdirSync(dir);
  if (entries.length > 0 && !entries.includes(DEMO_MARKER)) {
    throw new DemoDirError(
      `${dir} is not empty and was not made by the demo; choose an empty directory with --out`,
    );
  }
  return entries;
}

/**
 * The demo starts from a clean data directory: one it made before is cleared (keys, state and
 * releases of a demo are throwaway); any other non-empty directory is refused, never deleted.
 */
export function prepareDemoDir(dir: string): void {
  const entries = checkDemoDir(dir);
  for (const entry of entries) rmSync(join(dir, entry), { recursive: true, force: true });
  writeFileSync(
    join(dir, DEMO_MARKER),
    'Made by `samenzicht demo`; the next demo run clears it.\n',
  );
}

export async function runDemo(opts: DemoOptions): Promise<DemoResult> {
  const { progress } = opts;
  const area = selectArea(opts.regions, opts.area ?? 'NL');
  const regions = area.regions;
  const layout = dataLayout(opts.dataDir);
  prepareDemoDir(layout.root);
  for (const line of describeArea(area, opts.scale)) progress.info(line);

  const synth = await runStage(
    progress,
    `Synthetic registers at the providers (${area.nationwide ? 'Nederland' : area.name}, scale ${opts.scale}, seed ${opts.seed})`,
    async (stage) => {
      const result = await synthesise({
        scale: opts.scale,
        seed: opts.seed,
        outDir: join(layout.root, 'synthetic'),
        regions,
        onProgress: (what, done, total) => stage.update(done, total, what),
      });
      if (opts.groundTruth) {
        await writeIndicatorGroundTruth({
          synthDir: result.outDir,
          regions: regions.ofLevel('buurt').map((b) => {
            const chain = new Map(regions.ancestors(b.code).map((r) => [r.level, r.code]));
            return {
              buurt_code: b.code,
              wijk_code: chain.get('wijk')!,
              gemeente_code: chain.get('gemeente')!,
              veiligheidsregio_code: chain.get('veiligheidsregio')!,
            };
          }),
          outFile: join(layout.groundTruth, 'indicators.csv'),
        });
      }
      return result;
    },
    (r) =>
      `${r.persons.toLocaleString('en')} persons, ${r.files.length} files, ${r.defects} injected defects`,
  );

  const store = await openStore({ dataDir: layout.root, databaseUrl: opts.databaseUrl });
  const broker = await openBrokerDatabase(layout.brokerDatabase);
  let keyholder: Awaited<ReturnType<typeof deliverAll>>['keyholder'] | null = null;
  try {
    const demo = await runStage(
      progress,
      'Governance: organisations, board and the signed agreement',
      () => setupDemoGovernance(store, { progress: (m) => progress.info(m) }),
      (d) => `agreement ${d.agreementId} active`,
    );

    const deliveries = await runStage(
      progress,
      'Pseudonymisation at each provider (keyed HMAC-SHA256 via the key holder)',
      (stage) => deliverAll({ layout, onProgress: (d, t, w) => stage.update(d, t, w) }),
      (d) => `${d.files.length} contributions; ${d.rejected} rows kept back by the providers`,
    );
    keyholder = deliveries.keyholder;
    if (synth.files.length !== deliveries.files.length) {
      throw new Error(
        `${synth.files.length} registers generated but ${deliveries.files.length} delivered`,
      );
    }

    const ingest = await runStage(
      progress,
      'Delivery at the broker: validation, quarantine, broker pseudonyms, DuckDB',
      (stage) =>
        ingestAll({
          conn: broker.conn,
          demo,
          regions,
          layout,
          deliveries,
          onProgress: (d, t, w) => stage.update(d, t, w),
        }),
      (r) =>
        `${r.loaded.toLocaleString('en')} rows loaded, ${r.quarantined} quarantined with their reason`,
    );

    const run = await runStage(
      progress,
      area.nationwide
        ? 'Purpose-bound run: linkage and indicators for every region and year'
        : `Purpose-bound run: linkage and indicators for every region of ${area.name} and year`,
      async () => {
        const r = await runIndicators({
          conn: broker.conn,
          demo,
          layout,
          regions,
          ingest,
          deliveries,
          scope: areaScope(opts.scope ?? DEFAULT_SCOPE, area),
        });
        return r;
      },
      (r) => `${r.indicators.length} indicators, ${r.cells.length.toLocaleString('en')} cells`,
    );

    const candidate = await runStage(
      progress,
      'Disclosure control and audit; the candidate release enters the airlock',
      () => run.protectAndWrite(),
      (c) =>
        `${c.published.toLocaleString('en')} figures published, ${c.suppressed.toLocaleString('en')} suppressed; audit passed`,
    );

    await runStage(
      progress,
      'Airlock: each provider and a board quorum approve; publication',
      () => passAirlock(demo, candidate.id),
      (r) => `${r.approvals} approvals; ${candidate.id} published`,
    );

    writeFileSync(join(layout.root, 'LATEST_RELEASE'), `${candidate.id}\n`);
    return {
      releaseId: candidate.id,
      releaseDir: candidate.dir,
      layout,
      cells: candidate.cells,
      published: candidate.published,
      suppressed: candidate.suppressed,
      area,
    };
  } finally {
    await keyholder?.app.close();
    broker.close();
    await store.close();
  }
}

/**
 * What the default demo must show (checked by test/pipeline/demo-default.test.ts and printed by
 * `npm run bench -- demo`): the share of published figures among the figures that can occur
 * (published + confidential; not-applicable left out), of the totals (no breakdown), per
 * indicator and level.
 */
export const DEMO_TARGETS: readonly {
  indicator: string;
  level: 'gemeente' | 'buurt';
  min: number;
}[] = [
  { indicator: 'inwoners', level: 'gemeente', min: 0.9 },
  { indicator: 'drugsverdachten_per_1000', level: 'gemeente', min: 0.9 },
  { indicator: 'onverklaarbare_woningaankopen', level: 'gemeente', min: 0.9 },
  { indicator: 'problematische_schulden', level: 'gemeente', min: 0.9 },
  { indicator: 'inwoners', level: 'buurt', min: 0.9 },
  { indicator: 'problematische_schulden', level: 'buurt', min: 0.9 },
];

export interface ShareCount {
  published: number;
  confidential: number;
  notApplicable: number;
}

/** published / (published + confidential); null when no figure can occur. */
export const shareOf = (c: ShareCount): number | null =>
  c.published + c.confidential === 0 ? null : c.published / (c.published + c.confidential);

/**
 * Counts by status per `indicator|level` from a release's public cells.csv: of the totals, or
 * (`breakdowns: true`) of the breakdown cells only.
 */
export function publishedShares(
  releaseDir: string,
  opts: { breakdowns?: boolean } = {},
): Map<string, ShareCount> {
  const out = new Map<string, ShareCount>();
  const cells = readPublicCells(dirname(dirname(releaseDir)), basename(releaseDir));
  for (const cell of cells) {
    if ((cell.breakdown !== '') !== (opts.breakdowns ?? false)) continue;
    const key = `${cell.indicator_id}|${cell.region_level}`;
    const c = out.get(key) ?? { published: 0, confidential: 0, notApplicable: 0 };
    if (cell.status === 'published') c.published++;
    else if (cell.status === 'confidential') c.confidential++;
    else c.notApplicable++;
    out.set(key, c);
  }
  return out;
}

const LEVEL_COLUMNS = ['nederland', 'veiligheidsregio', 'gemeente', 'wijk', 'buurt'] as const;

/**
 * The share table as text: one row per indicator, one column per level (published % of the
 * totals, '–' where the level has no figure); targets marked with their minimum.
 */
export function formatShareTable(
  shares: Map<string, ShareCount>,
  indicators: readonly string[],
): string {
  const levels = LEVEL_COLUMNS.filter((l) => indicators.some((i) => shares.has(`${i}|${l}`)));
  const width = Math.max(...indicators.map((i) => i.length), 'indicator'.length);
  const cell = (i: string, l: string) => {
    const c = shares.get(`${i}|${l}`);
    const s = c ? shareOf(c) : null;
    const target = DEMO_TARGETS.find((t) => t.indicator === i && t.level === l);
    const text = s === null ? '–' : `${(100 * s).toFixed(1)}%`;
    return `${text}${target ? (s !== null && s >= target.min ? ' ✓' : ' ✗') : '  '}`.padStart(
      Math.max(l.length, 9),
    );
  };
  const head = ['indicator'.padEnd(width), ...levels.map((l) => l.padStart(Math.max(l.length, 9)))];
  const rows = indicators.map((i) => [i.padEnd(width), ...levels.map((l) => cell(i, l))]);
  return [head, ...rows].map((r) => r.join('  ')).join('\n');
}
