/**
 * The demo: the whole Samenzicht flow on a synthetic Netherlands, with every party in its role.
 *
 *   synthetic registers (at the providers) → governance (organisations, signed agreement)
 *   → pseudonymisation at the providers → delivery, validation and loading at the broker
 *   → purpose-bound run: linkage and indicators → disclosure control and audit
 *   → candidate release → airlock (providers + board) → publication
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RegionSet } from '../regions/index.js';
import { synthesise } from '../synth/index.js';
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

export interface DemoOptions {
  scale: number;
  seed: number;
  dataDir: string;
  regions: RegionSet;
  progress: ProgressReporter;
  /** PostgreSQL for the governance state instead of SQLite in the data directory. */
  databaseUrl?: string;
  /** Also write the ground truth of every indicator (tests compare against it). */
  groundTruth?: boolean;
  /** Which indicators to publish, and which of them per wijk and buurt. */
  scope?: RunScope;
}

/**
 * The demo's default: every indicator per gemeente, veiligheidsregio and Nederland, without
 * breakdowns. `--detail` and `--breakdowns` publish more, at the cost of a longer disclosure audit.
 */
export const DEFAULT_SCOPE: RunScope = { detail: [], breakdowns: false };

export interface DemoResult {
  releaseId: string;
  releaseDir: string;
  layout: DataLayout;
  cells: number;
  published: number;
  suppressed: number;
}

/** Stages of `samenzicht demo`, counting the region set before and the server after the run. */
export const DEMO_STAGES = 9;

const DEMO_MARKER = '.samenzicht-demo';

export class DemoDirError extends Error {
  override name = 'DemoDirError';
}

/**
 * The demo starts from a clean data directory: one it made before is cleared (keys, state and
 * releases of a demo are throwaway); any other non-empty directory is refused, never deleted.
 */
export function prepareDemoDir(dir: string): void {
  mkdirSync(dir, { recursive: true });
  const entries = readdirSync(dir);
  if (entries.length > 0 && !entries.includes(DEMO_MARKER)) {
    throw new DemoDirError(
      `${dir} is not empty and was not made by the demo; choose an empty directory with --out`,
    );
  }
  for (const entry of entries) rmSync(join(dir, entry), { recursive: true, force: true });
  writeFileSync(
    join(dir, DEMO_MARKER),
    'Made by `samenzicht demo`; the next demo run clears it.\n',
  );
}

export async function runDemo(opts: DemoOptions): Promise<DemoResult> {
  const { progress, regions } = opts;
  const layout = dataLayout(opts.dataDir);
  prepareDemoDir(layout.root);

  const synth = await runStage(
    progress,
    `Synthetic registers at the providers (scale ${opts.scale}, seed ${opts.seed})`,
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
      'Purpose-bound run: linkage and indicators for every region and year',
      () =>
        runIndicators({
          conn: broker.conn,
          demo,
          layout,
          regions,
          ingest,
          deliveries,
          scope: opts.scope ?? DEFAULT_SCOPE,
        }),
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
    };
  } finally {
    await keyholder?.app.close();
    broker.close();
    await store.close();
  }
}
