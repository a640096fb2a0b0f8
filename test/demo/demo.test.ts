/**
 * The walking skeleton end to end: the demo at a tiny scale on the synthetic country, every
 * published figure checked against the ground truth computed independently from the raw files,
 * and no raw BSN anywhere on the broker's side.
 */
import { cpSync, existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mkdtempSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { runDemo, type DemoResult } from '../../src/demo/index.js';
import { RecordingProgress } from '../../src/pipeline/progress.js';
import { brokerSide } from '../../src/demo/layout.js';
import { reauditRelease } from '../../src/pipeline/reaudit.js';
import { loadRegionSet } from '../../src/regions/index.js';
import {
  readManifest,
  readReleaseRows,
  RELEASE_FILES,
  type ReleaseRow,
} from '../../src/release/index.js';
import { PUBLIC_CELL_COLUMNS } from '../../src/public/index.js';
import { CATALOGUE } from '../../src/engine/index.js';
import {
  expectPublishedWithinRounding,
  readGroundTruth,
  writeDemoGroundTruth,
} from '../support/truth/index.js';
import { openBrokerDatabase, queryRows } from '../../src/engine/session.js';

let result: DemoResult;
let dataDir: string;
const progress = new RecordingProgress();

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'samenzicht-demo-'));
  const regions = await loadRegionSet(null);
  result = await runDemo({
    scale: 0.01,
    seed: 7,
    dataDir,
    regions,
    progress,
    groundTruth: writeDemoGroundTruth,
    // Every kind of indicator (count, rate, percentage, sum, mean, median); three down to buurt.
    scope: {
      indicators: [
        'inwoners',
        'drugsverdachten_per_1000',
        'jeugdige_drugsverdachten_pct',
        'hennepkwekerijen',
        'onverklaarbare_woningaankopen',
        'fiu_gemeld_bedrag',
        'fiu_gemiddeld_bedrag',
        'mediaan_verzamelinkomen',
      ],
      detail: ['drugsverdachten_per_1000', 'hennepkwekerijen', 'mediaan_verzamelinkomen'],
    },
  });
}, 600_000);

function filesUnder(path: string): string[] {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path).flatMap((f) => filesUnder(join(path, f)));
}

describe('demo end to end', () => {
  it('writes the public and the restricted release files and reports every stage', () => {
    for (const f of Object.values(RELEASE_FILES))
      expect(existsSync(join(result.releaseDir, f)), f).toBe(true);
    expect(progress.stages.map((s) => s.title)).toHaveLength(6);
    const manifest = readManifest(dataDir, result.releaseId);
    // The run reads only the sources of its indicators (purpose binding, data minimisation).
    const sources = new Set(
      manifest.indicators.flatMap((i) => CATALOGUE.find((d) => d.id === i.id)!.sources),
    );
    expect(manifest.inputs.map((i) => i.dataset).sort()).toEqual([...sources].sort());
    for (const input of manifest.inputs) {
      expect(input.loaded + input.quarantined, input.dataset).toBe(input.rows);
      expect(input.sha256).toMatch(/^[0-9a-f]{64}$/);
    }
    expect(manifest.codeVersion).toMatch(/^\d+\.\d+\.\d+/);
    const levels = new Set(
      readReleaseRows(dataDir, result.releaseId).map((r) => `${r.indicator_id}|${r.region_level}`),
    );
    expect(levels.has('drugsverdachten_per_1000|buurt')).toBe(true);
    expect(levels.has('inwoners|gemeente')).toBe(true);
    expect(levels.has('inwoners|wijk')).toBe(false);
  });

  it('the public parquet file holds the public cells: public columns and statuses only', async () => {
    const db = await openBrokerDatabase();
    const parquet = join(result.releaseDir, RELEASE_FILES.cellsParquet);
    const columns = await queryRows<{ column_name: string }>(
      db.conn,
      `SELECT column_name FROM (DESCRIBE SELECT * FROM read_parquet('${parquet}'))`,
    );
    const [counts] = await queryRows<{
      n: bigint;
      published: bigint;
      confidential: bigint;
      other: bigint;
    }>(
      db.conn,
      `SELECT count(*) AS n, count(*) FILTER (WHERE status = 'published') AS published,
         count(*) FILTER (WHERE status = 'confidential' AND value IS NULL AND numerator IS NULL AND denominator IS NULL) AS confidential,
         count(*) FILTER (WHERE status NOT IN ('published', 'confidential', 'not-applicable')) AS other
       FROM read_parquet('${parquet}')`,
    );
    db.close();
    expect(columns.map((c) => c.column_name)).toEqual([...PUBLIC_CELL_COLUMNS]);
    const rows = readReleaseRows(dataDir, result.releaseId);
    expect(Number(counts!.n)).toBe(rows.length);
    expect(Number(counts!.published)).toBe(rows.filter((r) => r.status === 'published').length);
    expect(Number(counts!.confidential)).toBe(
      rows.filter((r) => r.status.startsWith('suppressed')).length,
    );
    expect(Number(counts!.other)).toBe(0);
  });

  it('the restricted report is readable by the broker only', () => {
    const dir = join(result.releaseDir, 'restricted');
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    for (const f of [
      RELEASE_FILES.restrictedCells,
      RELEASE_FILES.restrictedManifest,
      RELEASE_FILES.audit,
    ]) {
      expect(statSync(join(result.releaseDir, f)).mode & 0o777, f).toBe(0o600);
    }
  });

  it('every published figure equals the ground truth within its rounding', () => {
    const rows = readReleaseRows(dataDir, result.releaseId);
    const published = rows.filter((r) => r.status === 'published');
    expect(published.length).toBeGreaterThan(500);
    const truthFile = join(result.layout.groundTruth, 'indicators.csv');
    expect(expectPublishedWithinRounding(rows, truthFile, CATALOGUE)).toBe(published.length);
  });

  it('medians: published for Nederland and every veiligheidsregio; small groups confidential', () => {
    const rows = readReleaseRows(dataDir, result.releaseId).filter(
      (r) => r.indicator_id === 'mediaan_verzamelinkomen' && r.breakdown === '',
    );
    const truth = new Map(
      readGroundTruth(join(result.layout.groundTruth, 'indicators.csv'))
        .filter((t) => t.indicatorId === 'mediaan_verzamelinkomen')
        .map((t) => [`${t.year}|${t.regionCode}|${t.breakdown}`, t]),
    );
    const top = rows.filter(
      (r) => r.region_level === 'nederland' || r.region_level === 'veiligheidsregio',
    );
    expect(top.length).toBeGreaterThan(5);
    for (const r of top) expect(r.status, `${r.year} ${r.region_code}`).toBe('published');
    // Any group of fewer than 10 units (small buurten, breakdowns) stays confidential.
    let small = 0;
    for (const r of readReleaseRows(dataDir, result.releaseId)) {
      if (r.indicator_id !== 'mediaan_verzamelinkomen') continue;
      const t = truth.get(`${r.year}|${r.region_code}|${r.breakdown}`)!;
      if (t.contributors > 0 && t.contributors < 10) {
        small++;
        expect(r.status, `${r.year} ${r.region_code} ${r.breakdown}`).not.toBe('published');
      }
    }
    expect(small).toBeGreaterThan(0);
  });

  it('a suppressed figure publishes nothing, and names its rule', () => {
    const rows: ReleaseRow[] = readReleaseRows(dataDir, result.releaseId);
    const suppressed = rows.filter((r) => r.status.startsWith('suppressed'));
    expect(suppressed.length).toBeGreaterThan(0);
    for (const r of suppressed) {
      expect([r.value, r.numerator, r.denominator]).toEqual([null, null, null]);
      expect(r.rule).toBeTruthy();
    }
  });

  it('a re-audit from the broker data passes; the same release with one unsafe figure shown fails', async () => {
    const report = await reauditRelease(dataDir, result.releaseId);
    expect(report.passed).toBe(true);
    expect(report.checkedVariables).toBeGreaterThan(100);

    // A copy in which one count suppressed by the frequency rule is published at its true value.
    const copy = mkdtempSync(join(tmpdir(), 'samenzicht-tampered-'));
    cpSync(dataDir, copy, { recursive: true });
    const truth = new Map(
      readGroundTruth(join(result.layout.groundTruth, 'indicators.csv')).map((t) => [
        `${t.indicatorId}|${t.year}|${t.regionCode}|${t.breakdown}`,
        t,
      ]),
    );
    const file = join(copy, 'releases', result.releaseId, RELEASE_FILES.restrictedCells);
    const lines = readFileSync(file, 'utf8').split('\n');
    const k = lines.findIndex((l) => /^hennepkwekerijen,.*,suppressed-primary,frequency$/.test(l));
    expect(k).toBeGreaterThan(0);
    const f = (lines[k] as string).split(',');
    const t = truth.get(`${f[0]}|${f[1]}|${f[3]}|${f[5]}`)!;
    lines[k] = [...f.slice(0, 6), t.value, t.value, '', 'published', ''].join(',');
    writeFileSync(file, lines.join('\n'));
    const tampered = await reauditRelease(copy, result.releaseId);
    expect(tampered.passed).toBe(false);
    expect(tampered.publishedUnsafe).toHaveLength(1);
    expect(tampered.publishedUnsafe[0]).toContain(f[3] as string);
  });

  it('no raw BSN reaches the broker storage, logs or outputs', () => {
    const brp = readFileSync(
      join(result.layout.providerPremises, 'gemeenten', 'brp_personen.csv'),
      'latin1',
    );
    const bsns = new Set<string>();
    for (const line of brp.split('\n').slice(1)) {
      const bsn = line.split(';')[1];
      if (bsn && /^\d{9}$/.test(bsn)) bsns.add(bsn);
    }
    expect(bsns.size).toBeGreaterThan(1000);
    const files = brokerSide(result.layout).flatMap(filesUnder);
    expect(files.length).toBeGreaterThan(10);
    // A BSN is stored as a token of its own (CSV, JSON, DuckDB and SQLite strings are delimited).
    // Digits inside longer tokens (hex hashes, base64 pseudonyms, 12-digit vestigingsnummers) are
    // random and would match one of the generated BSNs by chance now and then.
    const token = /(?<![0-9A-Za-z_+/=-])\d{9}(?![0-9A-Za-z_+/=-])/g;
    const leaks = (file: string) =>
      (readFileSync(file, 'latin1').match(token) ?? []).filter((t) => bsns.has(t));
    const brpFile = join(result.layout.providerPremises, 'gemeenten', 'brp_personen.csv');
    expect(leaks(brpFile).length).toBeGreaterThan(1000); // the scan does find them where they are
    const hits = files.filter((file) => leaks(file).length > 0);
    expect(hits).toEqual([]);
  });
});
