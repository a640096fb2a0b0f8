/** The one published release the api and odata benches serve: the web fixture at national size. */
import { buildFixture } from '../test/web/fixture.js';

export const BENCH_RELEASE = 'r2026-03';

/** The fixture with `gemeenten` gemeenten (8 wijken of 4 buurten each), its release and rows. */
export function benchRelease(gemeenten: number, indicators: number) {
  const fixture = buildFixture({
    gemeenten,
    wijkenPerGemeente: 8,
    buurtenPerWijk: 4,
    indicators,
    releases: [BENCH_RELEASE],
  });
  const release = fixture.releases.find((r) => r.id === BENCH_RELEASE);
  const rows = fixture.rows.get(BENCH_RELEASE) ?? [];
  if (!release) throw new Error('fixture lacks its release');
  return { fixture, release, rows };
}
