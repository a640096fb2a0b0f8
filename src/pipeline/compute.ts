/**
 * A purpose-bound run: governance admits the indicators, the engine computes them from the linked
 * microdata, disclosure control protects them against everything published before, and the result
 * is written as a candidate release that enters the airlock. An audit failure stops it here.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { computeIndicators } from '../engine/index.js';
import type { ResolvedIndicator } from '../indicators/index.js';
import {
  DEFAULT_PROFILES,
  protect,
  type PublishedCell,
  type RuleProfile,
} from '../disclosure/index.js';
import { datasetContract } from '../ingest/contracts.js';
import { linkageReport } from '../pseudonym/index.js';
import type { Governance } from '../governance/index.js';
import { regionBasis, type RegionSet } from '../regions/index.js';
import {
  hashPublicCells,
  listReleaseIds,
  newReleaseId,
  readManifest,
  readReleaseRows,
  releaseDigest,
  writeRelease,
  type ReleaseManifest,
  type ReleaseRow,
} from '../release/index.js';
import { toPublicCell } from '../public/index.js';
import { codeVersion } from '../version.js';
import { indicatorMetadata } from './indicator-meta.js';
import { coverageNotes, exclusionNotes, sourceCoverage } from './data-notes.js';

/** Levels every indicator is published at; wijk and buurt only for the run's detail indicators. */
export const OVERVIEW_LEVELS: readonly string[] = ['nederland', 'veiligheidsregio', 'gemeente'];

/**
 * What a run publishes. The disclosure audit costs about a millisecond per suppressed figure, and
 * most wijk and buurt figures of a small population are suppressed, so a run chooses which
 * indicators go down to wijk and buurt.
 */
export interface RunScope {
  /** Indicators of the run (default: the whole catalogue). */
  indicators?: string[];
  /** Indicators also published per wijk and buurt, or 'all'. */
  detail: readonly string[] | 'all';
  /** Publish the breakdowns (sex, age group) of the indicators that define them (default true). */
  breakdowns?: boolean;
  /**
   * The regions that get figures (default: all). A run on part of the country leaves out the
   * regions it covers partly (a veiligheidsregio, Nederland): their figures would be of a fraction.
   */
  regions?: ReadonlySet<string>;
  /** Notes on the run's coverage for the release, in both languages. */
  notes?: ReleaseManifest['notes'];
}

export function inScope(
  scope: RunScope,
  indicatorId: string,
  level: string,
  regionCode?: string,
): boolean {
  if (regionCode !== undefined && scope.regions && !scope.regions.has(regionCode)) return false;
  return (
    OVERVIEW_LEVELS.includes(level) || scope.detail === 'all' || scope.detail.includes(indicatorId)
  );
}

export class AuditFailedError extends Error {
  override name = 'AuditFailedError';
}

export interface CandidateRelease {
  id: string;
  dir: string;
  cells: number;
  published: number;
  suppressed: number;
  auditPassed: boolean;
  /** hashPublicCells of the candidate: equal inputs give an equal hash. */
  cellsHash: string;
}

/** The notes every release carries, in both languages of the dashboard. */
function releaseNotes(scheme: string): ReleaseManifest['notes'] {
  return [
    {
      nl: 'Totalen tellen niet altijd op: aantallen zijn na de geheimhouding afgerond.',
      en: 'Totals may not add up: counts are rounded after suppression.',
    },
    {
      nl: 'Een geheim cijfer is leeg in cells.csv en "." in de CSV van de API (CBS-conventie).',
      en: 'A confidential figure is empty in cells.csv and "." in the CBS-style CSV of the API.',
    },
    {
      nl: `Pseudonimisering bij de leveranciers: ${scheme === 'pep' ? 'polymorf (PEP)' : 'sleutel-HMAC in twee stappen'}.`,
      en: `Pseudonymisation at the providers: ${scheme === 'pep' ? 'polymorphic (PEP)' : 'two-stage keyed HMAC'}.`,
    },
  ];
}

export function profilesOf(
  indicators: readonly { id: string; disclosure: string }[],
): Record<string, RuleProfile> {
  return Object.fromEntries(
    indicators.map((d) => [d.id, DEFAULT_PROFILES[d.disclosure as keyof typeof DEFAULT_PROFILES]]),
  );
}

/**
 * Rows of the releases published before (withdrawn ones too: their figures were out), for the
 * differencing audit. A candidate that was never published is no threat, and leaving it out
 * keeps a rerun on the same inputs identical.
 */
async function earlierRows(
  governance: Governance,
  dataDir: string,
  indicators: Set<string>,
): Promise<{ rows: PublishedCell[]; latest: string | null }> {
  const out = new Set(
    (await governance.listReleases({ states: ['published', 'withdrawn'] })).map((r) => r.id),
  );
  const ids = listReleaseIds(dataDir).filter((id) => out.has(id));
  const rows: PublishedCell[] = [];
  for (const id of ids) {
    for (const r of readReleaseRows(dataDir, id)) if (indicators.has(r.indicator_id)) rows.push(r);
  }
  return { rows, latest: ids.at(-1) ?? null };
}

/** One delivery the run read, as the release manifest describes it. */
export interface RunInputReport {
  dataset: string;
  /** Path of the stored contribution, relative to the data directory. */
  file: string;
  sha256: string;
  rowsIn: number;
  loaded: number;
  quarantined: number;
  /** Rows the provider kept back at home (missing or invalid identifier), when it said. */
  keptBackByProvider: number;
  reasons: Record<string, number>;
}

export interface RunIndicatorsOptions {
  conn: DuckDBConnection;
  governance: Governance;
  /** The broker user the run is done by. */
  actor: string;
  /** The run, already started (purpose-bound) by `governance.startRun`; else one is started. */
  runId?: string;
  dataDir: string;
  regions: RegionSet;
  catalogue: readonly ResolvedIndicator[];
  years: readonly number[];
  inputs: readonly RunInputReport[];
  scheme: string;
  scope: RunScope;
  onProgress?: (stage: string, done: number, total: number, what: string) => void;
}

export async function runIndicators(opts: RunIndicatorsOptions) {
  const { conn, governance, actor, scope, catalogue } = opts;
  const YEARS = [...opts.years].sort((a, b) => a - b);
  if (YEARS.length === 0) throw new Error('a run needs at least one year with data');
  for (const id of [...(scope.indicators ?? []), ...(scope.detail === 'all' ? [] : scope.detail)]) {
    if (!catalogue.some((d) => d.id === id)) throw new Error(`unknown indicator '${id}'`);
  }
  const definitions = catalogue.filter((d) => !scope.indicators || scope.indicators.includes(d.id));
  const run = opts.runId
    ? await governance.getRun(opts.runId)
    : await governance.startRun(actor, {
        indicators: definitions.map((d) => ({ id: d.id, theme: d.theme, sources: [...d.sources] })),
      });
  const datasets = [...new Set(definitions.flatMap((d) => d.sources))].sort();
  const linkage = await linkageReport(conn, datasets);
  const coverage = await sourceCoverage(conn, datasets, YEARS);
  // One indicator at a time: out-of-scope cells are dropped before the next is computed, and
  // DuckDB's intermediates stay those of one indicator (all at once spilled > 60 GB at scale 1).
  const cells: Awaited<ReturnType<typeof computeIndicators>> = [];
  let done = 0;
  for (const d of definitions) {
    opts.onProgress?.('indicators', done++, definitions.length, d.id);
    for (const c of await computeIndicators(conn, {
      indicators: [d.id],
      years: YEARS,
      catalogue,
    })) {
      if (!inScope(scope, c.indicatorId, c.regionLevel, c.regionCode)) continue;
      if (scope.breakdowns === false && c.breakdown !== '') continue;
      cells.push(c);
    }
  }

  /** Disclosure control, the release files and the candidate in the airlock. */
  async function protectAndWrite(): Promise<CandidateRelease> {
    opts.onProgress?.('disclosure', 0, 1, `${cells.length} cells`);
    const earlier = await earlierRows(
      governance,
      opts.dataDir,
      new Set(definitions.map((d) => d.id)),
    );
    const result = await protect({
      cells,
      profiles: profilesOf(definitions),
      earlier: earlier.rows,
    });
    const rows: ReleaseRow[] = result.cells;
    const createdAt = new Date();
    // The id is public, so it derives from the public cells only.
    const cellsHash = hashPublicCells(rows.map(toPublicCell));
    const id = newReleaseId(createdAt, cellsHash);
    opts.onProgress?.('release', 0, 1, 'writing the candidate release');
    const meta = indicatorMetadata(catalogue);
    // The levels each indicator has figures at (a run on an area has no Nederland figure).
    const levelsOf = new Map<string, Set<string>>();
    for (const c of cells) {
      let s = levelsOf.get(c.indicatorId);
      if (!s) levelsOf.set(c.indicatorId, (s = new Set()));
      s.add(c.regionLevel);
    }
    // Every year on the region set's division (the engine maps former codes of herindelingen).
    const basis = regionBasis(opts.regions, YEARS[0]!);
    const manifest: Omit<ReleaseManifest, 'cells'> = {
      id,
      format: 'samenzicht-release/2',
      createdAt: createdAt.toISOString(),
      codeVersion: codeVersion(),
      regionSet: {
        year: opts.regions.year,
        kind: opts.regions.source.kind,
        source: opts.regions.source.description,
        basis: basis.basis,
        herindelingen: basis.herindelingen.map((h) => ({
          year: h.year,
          code: h.code,
          name: h.name,
          former: [...h.former],
        })),
      },
      years: YEARS,
      indicators: meta
        .filter((m) => definitions.some((d) => d.id === m.id))
        .map((m) => ({
          ...m,
          levels: m.levels.filter((l) => levelsOf.get(m.id)?.has(l) ?? false),
          breakdowns: scope.breakdowns === false ? [] : (m.breakdowns ?? []),
        })),
      rules: profilesOf(definitions),
      inputs: opts.inputs.map((r) => ({
        dataset: r.dataset,
        provider: datasetContract(r.dataset).provider,
        file: r.file,
        sha256: r.sha256,
        rows: r.rowsIn,
        loaded: r.loaded,
        quarantined: r.quarantined,
        keptBackByProvider: r.keptBackByProvider,
        quarantineReasons: r.reasons,
      })),
      linkage,
      previousRelease: earlier.latest ? readManifest(opts.dataDir, earlier.latest).id : null,
      notes: [
        ...(scope.notes ?? []),
        ...releaseNotes(opts.scheme),
        basis.note,
        ...exclusionNotes(opts.inputs.filter((r) => datasets.includes(r.dataset))),
        ...coverageNotes(coverage, YEARS, definitions),
      ],
    };
    const audit = { ...result.audit, stats: result.stats };
    if (!result.audit.passed) {
      const failing = result.audit.failing
        .slice(0, 5)
        .map((f) => `${f.cells.join('+')} [${f.lower}, ${f.upper}]`);
      throw new AuditFailedError(
        `the disclosure audit failed for ${result.audit.failing.length} figure(s), e.g. ${failing.join('; ')}; the release is refused`,
      );
    }
    const written = await writeRelease(conn, opts.dataDir, { manifest, rows, audit });
    await governance.createCandidate(actor, {
      runId: run.id,
      releaseId: id,
      cellsHash,
      digest: releaseDigest(written.dir),
      auditSummary: {
        passed: result.audit.passed,
        checkedVariables: result.audit.checkedVariables,
        suppressedByRule: result.stats.suppressedByRule,
        informationLoss: result.stats.secondaryCost,
      },
    });
    return {
      id,
      dir: written.dir,
      cells: rows.length,
      published: written.publicManifest.cells.byStatus.published,
      suppressed: written.publicManifest.cells.byStatus.confidential,
      auditPassed: result.audit.passed,
      cellsHash,
    };
  }

  return { run, indicators: definitions, cells, linkage, protectAndWrite };
}
