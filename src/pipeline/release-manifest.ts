/** The manifest of a candidate release: what it holds, what it was made from, and its notes. */
import { datasetContract } from '../ingest/contracts.js';
import { regionBasis } from '../regions/index.js';
import type { ReleaseManifest } from '../release/index.js';
import { codeVersion } from '../version.js';
import { indicatorMetadata } from './indicator-meta.js';
import { coverageNotes, exclusionNotes } from './data-notes.js';
import { profilesOf } from './profiles.js';
import type { ComputedRun, RunInputReport } from './run-scope.js';

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

/** The indicators of the run with the levels they have figures at (none at Nederland for an area). */
function indicatorsOf(c: ComputedRun): ReleaseManifest['indicators'] {
  const levelsOf = new Map<string, Set<string>>();
  for (const cell of c.cells) {
    let s = levelsOf.get(cell.indicatorId);
    if (!s) levelsOf.set(cell.indicatorId, (s = new Set()));
    s.add(cell.regionLevel);
  }
  return indicatorMetadata(c.opts.catalogue)
    .filter((m) => c.definitions.some((d) => d.id === m.id))
    .map((m) => ({
      ...m,
      levels: m.levels.filter((l) => levelsOf.get(m.id)?.has(l) ?? false),
      breakdowns: c.opts.scope.breakdowns === false ? [] : (m.breakdowns ?? []),
    }));
}

function inputsOf(inputs: readonly RunInputReport[]): ReleaseManifest['inputs'] {
  return inputs.map((r) => ({
    dataset: r.dataset,
    provider: datasetContract(r.dataset).provider,
    file: r.file,
    sha256: r.sha256,
    rows: r.rowsIn,
    loaded: r.loaded,
    quarantined: r.quarantined,
    keptBackByProvider: r.keptBackByProvider,
    quarantineReasons: r.reasons,
  }));
}

export interface ManifestParts {
  id: string;
  createdAt: Date;
  /** The id of the release published before, if any. */
  previousRelease: string | null;
}

/** The manifest of the candidate made of `c` (its cell counts are added on write). */
export function candidateManifest(
  c: ComputedRun,
  parts: ManifestParts,
): Omit<ReleaseManifest, 'cells'> {
  const { opts, years, definitions } = c;
  // Every year on the region set's division (the engine maps former codes of herindelingen).
  const basis = regionBasis(opts.regions, years[0]!);
  return {
    id: parts.id,
    format: 'samenzicht-release/2',
    createdAt: parts.createdAt.toISOString(),
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
    years: [...years],
    indicators: indicatorsOf(c),
    rules: profilesOf(definitions),
    inputs: inputsOf(opts.inputs),
    linkage: c.linkage,
    previousRelease: parts.previousRelease,
    notes: [
      ...(opts.scope.notes ?? []),
      ...releaseNotes(opts.scheme),
      basis.note,
      ...exclusionNotes(opts.inputs.filter((r) => c.datasets.includes(r.dataset))),
      ...coverageNotes(c.coverage, years, definitions),
    ],
  };
}
