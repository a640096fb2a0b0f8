/**
 * Release fixtures for the public API tests: real release files written by `writeRelease`, and a
 * stand-in for governance's state lookup (the airlock is tested in test/governance), with the
 * digest of the files as they were approved.
 */
import { openBrokerDatabase } from '../../src/engine/session.js';
import type { IndicatorMeta, ReleaseState } from '../../src/contracts/index.js';
import type { ReleaseStateLookup } from '../../src/api/releases/catalog.js';
import { DEFAULT_PROFILES, type RuleProfile } from '../../src/disclosure/index.js';
import {
  releaseDigest,
  releasesDir,
  writeRelease,
  type ReleaseManifest,
  type ReleaseRow,
} from '../../src/release/index.js';
import { join } from 'node:path';

export interface TestReleaseOptions {
  createdAt?: string;
  indicators?: string[];
  rules?: Record<string, RuleProfile>;
  audit?: Record<string, unknown> & { passed: boolean; rules: never[] | unknown[] };
  inputs?: ReleaseManifest['inputs'];
  /** The release this one revises, and notes (the dashboard's release page shows both). */
  previousRelease?: string | null;
  notes?: ReleaseManifest['notes'];
}

/** Writes a release with real files; returns the digest an approval would sign. */
export async function writeTestRelease(
  dataDir: string,
  id: string,
  rows: ReleaseRow[],
  o: TestReleaseOptions = {},
): Promise<string> {
  const indicators = o.indicators ?? [...new Set(rows.map((r) => r.indicator_id))];
  const db = await openBrokerDatabase();
  try {
    await writeRelease(db.conn, dataDir, {
      manifest: {
        id,
        format: 'samenzicht-release/2',
        createdAt: o.createdAt ?? '2026-01-01T00:00:00.000Z',
        codeVersion: 'test',
        regionSet: { year: 2023, kind: 'synthetic', source: 'synthetic test country' },
        years: [...new Set(rows.map((r) => r.year))].sort(),
        indicators: indicators.map((i) => ({
          id: i,
          levels: [...new Set(rows.filter((r) => r.indicator_id === i).map((r) => r.region_level))],
        })),
        rules: o.rules ?? Object.fromEntries(indicators.map((i) => [i, DEFAULT_PROFILES.count])),
        inputs: o.inputs ?? [],
        previousRelease: o.previousRelease ?? null,
        notes: o.notes ?? [],
      },
      rows,
      audit: (o.audit ?? { passed: true, rules: [] }) as never,
    });
  } finally {
    db.close();
  }
  return releaseDigest(join(releasesDir(dataDir), id));
}

export interface TestState {
  status: ReleaseState;
  publishedAt: string | null;
  withdrawnReason?: string;
  digest: string | null;
}

export function stateLookup(states: Map<string, TestState>): ReleaseStateLookup {
  return async (id) => {
    const s = states.get(id);
    if (!s) return null;
    return {
      status: s.status,
      publishedAt: s.publishedAt,
      withdrawnReason: s.withdrawnReason ?? null,
      reviews: [],
      digest: s.digest,
    };
  };
}

/**
 * An indicator whose every text is `text`, at every level, without sources; `over` sets what a
 * test is about (theme, kind, unit, years).
 */
export function textIndicator(
  id: string,
  text: { nl: string; en: string },
  over: Pick<IndicatorMeta, 'theme' | 'kind' | 'unit' | 'units' | 'years'>,
): IndicatorMeta {
  return {
    id,
    title: text,
    description: text,
    theme: over.theme,
    kind: over.kind,
    unit: over.unit,
    units: over.units,
    regionBasis: text,
    sources: [],
    methodology: text,
    levels: ['nederland', 'veiligheidsregio', 'gemeente', 'wijk', 'buurt'],
    years: over.years,
    disclosure: {},
  };
}
