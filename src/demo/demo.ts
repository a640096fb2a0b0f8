/**
 * The demo: the whole Samenzicht flow on a synthetic Netherlands, run as a script over the
 * product path, each party in its role and over HTTP, as a real instance is used:
 *
 *   synthetic registers (at the providers) → `init` of a broker instance, which then serves
 *   → organisations, users and the signed agreement through the API
 *   → each provider pseudonymises at home (key holder service) and delivers over HTTP
 *   → a run on the stored contributions: linkage, indicators, disclosure control and audit
 *   → candidate release → airlock (providers + board, over HTTP) → publication
 *
 * Nothing outside src/demo knows about the demo.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { RegionSet } from '../regions/index.js';
import { describeArea, selectArea, synthesise, type Area } from '../synth/index.js';
import { BrokerClient } from '../client/http.js';
import { followRun } from '../client/runs.js';
import { deliverFile } from '../client/deliver.js';
import { DATASETS, PROVIDERS } from '../ingest/contracts.js';
import { initInstance, NATIONAL_RUN_MEMORY } from '../instance/index.js';
import {
  HttpKeyholder,
  initKeyholder,
  serveKeyholder,
  serveKeyholderForProviders,
} from '../pseudonym/index.js';
import type { Run } from '../governance/index.js';
import { RUN_NOTES } from '../contracts/index.js';
import { createApp } from '../pipeline/serve.js';
import { dataLayout, type DataLayout } from './layout.js';
import { runStage, type ProgressReporter, type StageHandle } from '../pipeline/progress.js';
import type { RunScope } from '../pipeline/compute.js';
import { readPublicManifest } from '../release/index.js';
import {
  DEMO_ADMIN,
  DEMO_BROKER,
  reviewAndPublish,
  setUpParties,
  type DemoParties,
} from './parties.js';
import { adminTokenFile, DEMO_MARKER, prepareDemoDir } from './directory.js';

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
  /**
   * Also write the ground truth of every indicator (tests compare against it), once the synthetic
   * registers are written. The computation is test support: test/support/truth's
   * `writeDemoGroundTruth`.
   */
  groundTruth?: (input: {
    synthDir: string;
    regions: RegionSet;
    outFile: string;
  }) => Promise<unknown>;
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
  if (area.syntheticSubAreas.length > 0) notes.push(syntheticSubAreasNote(area.syntheticSubAreas));
  return { ...scope, ...(area.nationwide ? {} : { regions: area.published }), notes };
}

type RunNote = NonNullable<RunScope['notes']>[number];

/**
 * One note for every gemeente whose wijken and buurten are generated: the whole country has 23 of
 * them, and a run takes at most RUN_NOTES.maxItems notes. Too many names for one note become
 * their number.
 */
function syntheticSubAreasNote(gemeenten: readonly { name: string }[]): RunNote {
  const names = gemeenten.map((g) => g.name);
  const note = (nl: string, en: string): RunNote => ({
    nl: `De wijken en buurten van ${nl} zijn gegenereerd: de meegeleverde CBS-indeling heeft ze niet.`,
    en: `The wijken and buurten of ${en} are generated: the shipped CBS division does not have them.`,
  });
  const listed = note(
    new Intl.ListFormat('nl', { type: 'conjunction' }).format(names),
    new Intl.ListFormat('en', { type: 'conjunction' }).format(names),
  );
  if (Math.max(listed.nl.length, listed.en.length) <= RUN_NOTES.maxChars) return listed;
  return note(`${names.length} gemeenten`, `${names.length} gemeenten`);
}

/** Stages of `samenzicht demo`, counting the region set before and the server after the run. */
export const DEMO_STAGES = 9;

type Broker = Awaited<ReturnType<typeof startBroker>>;
type ServedKeyholder = Awaited<ReturnType<typeof serveKeyholder>>;

/** `init` of a broker instance on the demo's directory, then its API on a free local port. */
async function startBroker(opts: DemoOptions, area: Area, layout: DataLayout) {
  const init = await initInstance({
    dataDir: layout.root,
    ...(opts.databaseUrl ? { databaseUrl: opts.databaseUrl } : {}),
    regions: {
      dir: opts.regions.source.dir ?? 'synthetic',
      year: opts.regions.year,
      ...(area.nationwide ? {} : { area: area.spec }),
    },
    allowEntries: [DEMO_MARKER],
    // The whole country with every level and breakdown needs a national budget
    // (docs/operations.md, Runs); an area fits the default.
    ...(area.nationwide ? { runMemoryLimit: NATIONAL_RUN_MEMORY } : {}),
    admin: {
      ...DEMO_ADMIN,
      organisationId: DEMO_BROKER.id,
      organisationName: DEMO_BROKER.name,
    },
  });
  const server = await createApp({
    dataDir: layout.root,
    regions: area.regions,
    publicBaseUrl: 'http://127.0.0.1',
    ...(opts.databaseUrl ? { databaseUrl: opts.databaseUrl } : {}),
  });
  await server.app.listen({ port: 0, host: '127.0.0.1' });
  const port = (server.app.server.address() as AddressInfo).port;
  const admin = new BrokerClient({ baseUrl: `http://127.0.0.1:${port}`, token: init.token });
  // So that the demo's broker can be tried with the CLI afterwards (`--token-file`).
  writeFileSync(adminTokenFile(layout.root), `${init.token}\n`, { mode: 0o600 });
  return { ...init, server, admin };
}

/** The registers at the providers' premises, and the ground truth when asked for. */
async function synthesiseRegisters(
  opts: DemoOptions,
  area: Area,
  layout: DataLayout,
  stage: StageHandle,
) {
  const result = await synthesise({
    scale: opts.scale,
    seed: opts.seed,
    outDir: join(layout.root, 'synthetic'),
    regions: area.regions,
    onProgress: (what, done, total) => stage.update(done, total, what),
  });
  if (opts.groundTruth) {
    await opts.groundTruth({
      synthDir: result.outDir,
      regions: area.regions,
      outFile: join(layout.groundTruth, 'indicators.csv'),
    });
  }
  return result;
}

/** A key holder of its own, served over HTTP, and the providers' access to it. */
async function startKeyholder(layout: DataLayout) {
  const keyholderDir = join(layout.keyholder, 'keyholder');
  await initKeyholder(keyholderDir);
  return serveKeyholderForProviders(keyholderDir);
}

/** Each provider delivers each of its datasets, pseudonymised at home, over HTTP. */
async function deliverAll(
  parties: DemoParties,
  keys: HttpKeyholder,
  layout: DataLayout,
  stage: StageHandle,
) {
  const datasets = PROVIDERS.flatMap((p) => DATASETS.filter((d) => d.provider === p));
  let loaded = 0;
  let quarantined = 0;
  let keptBack = 0;
  for (const [i, d] of datasets.entries()) {
    stage.update(i, datasets.length, `${d.provider}: ${d.id}`);
    const premises = join(layout.providerPremises, d.provider);
    const report = await deliverFile({
      client: parties.providerFor(d.id).client,
      dataset: d.id,
      file: join(premises, d.file),
      keyholder: keys,
      workDir: join(premises, 'outbox'),
    });
    loaded += report.loaded;
    quarantined += report.quarantined;
    keptBack += report.provider.keptBack;
  }
  stage.update(datasets.length, datasets.length, 'done');
  return { files: datasets.length, loaded, quarantined, keptBack };
}

/** A run of the scope through the API, followed until its candidate release is in the airlock. */
async function runToCandidate(broker: Broker, scope: RunScope, stage: StageHandle): Promise<Run> {
  const started = await broker.admin.post<Run>('/runs', {
    ...(scope.indicators ? { indicators: scope.indicators } : {}),
    detail: scope.detail === 'all' ? 'all' : [...scope.detail],
    breakdowns: scope.breakdowns ?? true,
    ...(scope.regions ? { regions: [...scope.regions].sort() } : {}),
    ...(scope.notes?.length ? { notes: scope.notes } : {}),
  });
  const ended = await followRun(broker.admin, started.id, {
    intervalMs: 250,
    onUpdate: (r) => {
      if (r.progress)
        stage.update(r.progress.done, r.progress.total, `${r.stage}: ${r.progress.what}`);
    },
  });
  if (ended.state !== 'candidate')
    throw new Error(`run ${ended.id} ended ${ended.state}: ${ended.error ?? ''}`);
  return ended;
}

export async function runDemo(opts: DemoOptions): Promise<DemoResult> {
  const { progress } = opts;
  const area = selectArea(opts.regions, opts.area ?? 'NL');
  const layout = dataLayout(opts.dataDir);
  prepareDemoDir(layout.root);
  for (const line of describeArea(area, opts.scale)) progress.info(line);

  // The broker instance first: the directory is empty but for the demo's marker.
  const broker = await runStage(
    progress,
    'Broker instance: init (state database, broker key, first administrator) and serve',
    () => startBroker(opts, area, layout),
    (i) =>
      `${i.admin.baseUrl}, administrator ${i.config.database === 'postgres' ? 'in PostgreSQL' : 'in SQLite'}`,
  );

  let keyholder: ServedKeyholder | null = null;
  try {
    const synth = await runStage(
      progress,
      `Synthetic registers at the providers (${area.nationwide ? 'Nederland' : area.name}, scale ${opts.scale}, seed ${opts.seed})`,
      (stage) => synthesiseRegisters(opts, area, layout, stage),
      (r) =>
        `${r.persons.toLocaleString('en')} persons, ${r.files.length} files, ${r.defects} injected defects`,
    );

    const parties = await runStage(
      progress,
      'Governance over the API: organisations, users with their own tokens, the signed agreement',
      () => setUpParties(broker.admin, { say: (m) => progress.info(m) }),
      (p) => `agreement ${p.agreement.id} ${p.agreement.status}`,
    );

    const delivered = await runStage(
      progress,
      'Each provider pseudonymises at home (key holder service) and delivers over HTTP',
      async (stage) => {
        const started = await startKeyholder(layout);
        keyholder = started.served;
        return deliverAll(parties, started.keys, layout, stage);
      },
      (d) =>
        `${d.files} contributions; ${d.loaded.toLocaleString('en')} rows loaded, ${d.quarantined} quarantined with their reason, ${d.keptBack} kept back by the providers`,
    );
    if (synth.files.length !== delivered.files) {
      throw new Error(`${synth.files.length} registers generated but ${delivered.files} delivered`);
    }

    const scope = areaScope(opts.scope ?? DEFAULT_SCOPE, area);
    const run = await runStage(
      progress,
      area.nationwide
        ? 'Run on the stored contributions: linkage, indicators, disclosure control and audit'
        : `Run on the stored contributions for ${area.name}: linkage, indicators, disclosure control and audit`,
      (stage) => runToCandidate(broker, scope, stage),
      (r) => `${r.indicators.length} indicators; candidate ${r.releaseId} in the airlock`,
    );
    const releaseId = run.releaseId!;

    await runStage(
      progress,
      'Airlock over the API: each provider and a board quorum approve; publication',
      () => reviewAndPublish(parties, releaseId),
      (r) => `${r.approvals} approvals; ${releaseId} published`,
    );

    writeFileSync(join(layout.root, 'LATEST_RELEASE'), `${releaseId}\n`);
    const manifest = readPublicManifest(layout.root, releaseId);
    return {
      releaseId,
      releaseDir: join(layout.releases, releaseId),
      layout,
      cells: manifest.cells.count,
      published: manifest.cells.byStatus.published ?? 0,
      suppressed: manifest.cells.byStatus.confidential ?? 0,
      area,
    };
  } finally {
    await (keyholder as ServedKeyholder | null)?.app.close();
    await broker.server.close();
  }
}
