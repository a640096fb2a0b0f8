/**
 * The real public server (`buildPublicServer` of src/pipeline/serve.ts, with its helmet headers,
 * paging, redirects and open data routes) over the fixture: every published and withdrawn
 * fixture release is written as real release files (`writeTestRelease`, with the release each revises and its notes) into a temporary data
 * directory, the regions form a real RegionSet with the fixture's boxes as geometry, and the
 * release states, reviews and approved digests stand in for governance.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Geometry } from 'geojson';
import type { ReleaseStateLookup } from '../../src/api/releases/catalog.js';
import { buildPublicServer, publicReleaseState } from '../../src/pipeline/serve.js';
import { buildRegionSet, type GeometryProvider } from '../../src/regions/set.js';
import type { RegionLevel, RegionSet } from '../../src/regions/index.js';
import { writeTestRelease } from '../public/helpers.js';
import { boxPolygon, fixtureAudit, type Fixture } from './fixture.js';
import { freePort, type FixtureServer } from './server.js';

/** The fixture's regions as a RegionSet, each box a counter-clockwise polygon (RFC 7946). */
export function fixtureRegionSet(f: Fixture): RegionSet {
  const geometry: Partial<Record<RegionLevel, GeometryProvider>> = {};
  for (const level of ['veiligheidsregio', 'gemeente', 'wijk', 'buurt'] as const) {
    geometry[level] = () => {
      const out = new Map<string, Geometry>();
      for (const r of f.regions) {
        if (r.level !== level || !r.box) continue;
        out.set(r.code, boxPolygon(r.box));
      }
      return out;
    };
  }
  return buildRegionSet(
    2023,
    { kind: 'synthetic', dir: null, description: 'the dashboard test fixture' },
    f.regions.map(({ code, name, level, parentCode, synthetic, population }) => ({
      code,
      name,
      level,
      parentCode,
      synthetic,
      inhabitants: population,
    })),
    geometry,
  );
}

export async function startRealServer(
  f: Fixture,
  opts: { webDir?: string } = {},
): Promise<FixtureServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'web-real-server-'));
  try {
    const digests = new Map<string, string>();
    for (const rel of f.releases) {
      if (rel.state === 'candidate') continue;
      const rows = f.rows.get(rel.id);
      if (!rows) continue;
      digests.set(
        rel.id,
        await writeTestRelease(dataDir, rel.id, rows, {
          createdAt: rel.createdAt,
          indicators: rel.indicators,
          rules: Object.fromEntries(rel.indicators.map((i) => [i, f.profiles[i]])) as never,
          audit: fixtureAudit(rows),
          previousRelease: rel.previousRelease,
          notes: f.manifests.get(rel.id)?.notes ?? [],
        }),
      );
    }
    const stateOf: ReleaseStateLookup = async (id) => {
      const rel = f.releases.find((r) => r.id === id);
      if (!rel) return null;
      return publicReleaseState(
        { ...rel, digest: digests.get(id) ?? rel.digest },
        rel.withdrawnReason,
      );
    };
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const app = await buildPublicServer({
      dataDir,
      regions: fixtureRegionSet(f),
      stateOf,
      publicBaseUrl: url,
      indicators: f.indicators,
      webDir: opts.webDir ?? null,
    });
    await app.listen({ port, host: '127.0.0.1' });
    return {
      app,
      url,
      close: async () => {
        await app.close();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
}
