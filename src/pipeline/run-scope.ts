/** What a run publishes, and what the compute step of a run takes and gives. */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { ComputedCell, Run } from '../contracts/index.js';
import type { Governance } from '../governance/index.js';
import type { IngestReport } from '../ingest/index.js';
import type { ResolvedIndicator } from '../indicators/index.js';
import type { LinkageReport } from '../pseudonym/index.js';
import type { RegionSet } from '../regions/index.js';
import type { ReleaseManifest } from '../release/index.js';
import type { Coverage } from './data-notes.js';

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

/**
 * One delivery the run read, as the release manifest describes it: its ingest report, with `file`
 * the path of the stored contribution relative to the data directory.
 */
export interface RunInputReport extends IngestReport {
  /** Rows the provider kept back at home (missing or invalid identifier), when it said. */
  keptBackByProvider: number;
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

/** The computed figures of a run, before disclosure control: what the candidate is made from. */
export interface ComputedRun {
  readonly opts: RunIndicatorsOptions;
  readonly run: Run;
  /** The run's years, ascending. */
  readonly years: readonly number[];
  readonly definitions: readonly ResolvedIndicator[];
  /** The datasets the definitions read, sorted. */
  readonly datasets: readonly string[];
  readonly cells: ComputedCell[];
  readonly linkage: LinkageReport;
  readonly coverage: Coverage;
}

export interface CandidateRelease {
  id: string;
  dir: string;
  cells: number;
  published: number;
  suppressed: number;
  auditPassed: boolean;
  /** The sha256 of the candidate's public cells.csv (`publicCellsFile`): equal inputs give an equal hash. */
  cellsHash: string;
}
