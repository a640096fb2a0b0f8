/**
 * Synthetic Netherlands: a seeded population with five years of provider registers, written as
 * each provider would deliver them, with injected defects and ground truth. See
 * docs/synthetic-data.md for the model, the planted structure and the defects.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { DATASETS, PROVIDERS, type ProviderId } from '../ingest/contracts.js';
import { NATIONAL_CODE, buurtConversion, type RegionSet } from '../regions/index.js';
import { macros, modelSteps } from './model.js';
import { writeDataset, type OutputSpec } from './output.js';
import { sha256File } from '../ingest/sha256.js';
import { YEARS, checkScale, checkSeed, scaledPopulation } from './params.js';

export { CASH_INTENSIVE_SBI } from './model.js';
export {
  AreaError,
  NATIONWIDE,
  describeArea,
  parseAreaSpec,
  selectArea,
  type Area,
  type AreaSpec,
} from './area.js';
export { DEFECT_KINDS, type DefectKind } from './output.js';
export {
  YEARS,
  MIN_SCALE,
  MAX_SCALE,
  SynthParamError,
  checkScale,
  checkSeed,
  scaledPopulation,
} from './params.js';

export interface SynthFile {
  dataset: string;
  provider: ProviderId;
  /** Absolute path of the file. */
  path: string;
  rows: number;
  sha256: string;
}

export interface SynthResult {
  outDir: string;
  seed: number;
  scale: number;
  files: SynthFile[];
  /** Distinct persons in the population (residents in any year). */
  persons: number;
  years: number[];
  /** Rows listed in ground-truth/defects.csv. */
  defects: number;
  groundTruth: { defects: string; population: string; buurtConversion: string };
}

/**
 * Beside the ground truth: former buurt code → buurt of the region set, for the herindelingen of
 * the area (docs/synthetic-data.md, "Herindelingen"). The ground truth reads it; ingest derives
 * the same table from the region set (src/regions/herindelingen.ts).
 */
export const BUURT_CONVERSION_FILE = 'herindeling-buurten.csv';

export interface SynthOptions {
  scale: number;
  seed: number;
  outDir: string;
  regions: RegionSet;
  onProgress?: (stage: string, done: number, total: number) => void;
}

/** How each dataset is ordered in its file and which defects it carries. */
const OUTPUT: Record<string, OutputSpec> = {
  brp_personen: {
    table: 'brp_personen',
    view: true,
    orderBy: 'peiljaar, _pid',
    keepAs: 'brp_file',
    defects: [
      { kind: 'unknown_region_code', field: 'buurtcode', rate: 0.005 },
      { kind: 'missing_field', field: 'geslacht', rate: 0.0005 },
      { kind: 'missing_field', field: 'geboortedatum', rate: 0.0005 },
      { kind: 'impossible_date', field: 'geboortedatum', rate: 0.0003 },
      { kind: 'invalid_bsn', field: 'bsn', rate: 0.0002 },
    ],
  },
  bd_inkomen: {
    table: 'bd_inkomen',
    view: true,
    orderBy: 'jaar, _pid',
    defects: [
      { kind: 'invalid_bsn', field: 'bsn', rate: 0.0005 },
      { kind: 'missing_field', field: 'verzamelinkomen', rate: 0.001 },
    ],
  },
  bd_schulden: { table: 'bd_schulden', orderBy: 'jaar, _pid', defects: [] },
  politie_verdachten: {
    table: 'politie_verdachten',
    orderBy: 'registratienummer',
    defects: [
      { kind: 'unknown_region_code', field: 'pleeg_buurtcode', rate: 0.005 },
      { kind: 'impossible_date', field: 'pleegdatum', rate: 0.001 },
      { kind: 'invalid_bsn', field: 'bsn', rate: 0.001 },
      { kind: 'missing_field', field: 'delictklasse', rate: 0.001 },
    ],
    // March 2021 delivered twice: the provider's re-run of a monthly batch.
    duplicateWhere: `_o.pleegdatum BETWEEN DATE '2021-03-01' AND DATE '2021-03-31'`,
  },
  politie_ontmantelingen: {
    table: 'politie_ontmantelingen',
    orderBy: 'zaaknummer',
    defects: [{ kind: 'unknown_region_code', field: 'buurtcode', rate: 0.005 }],
  },
  om_veroordelingen: {
    table: 'om_veroordelingen',
    orderBy: 'vonnisdatum, parketnummer',
    defects: [],
  },
  kvk_vestigingen: {
    table: 'kvk_vestigingen',
    orderBy: 'vestigingsnummer',
    defects: [
      { kind: 'unknown_region_code', field: 'buurtcode', rate: 0.005 },
      { kind: 'missing_field', field: 'sbi_code', rate: 0.001 },
    ],
  },
  kvk_bestuurders: {
    table: 'kvk_bestuurders',
    orderBy: 'kvk_nummer, bsn, startdatum',
    defects: [],
  },
  kadaster_transacties: {
    table: 'kadaster_transacties',
    orderBy: 'transactie_id',
    defects: [
      { kind: 'unknown_region_code', field: 'buurtcode', rate: 0.005 },
      { kind: 'impossible_date', field: 'transactiedatum', rate: 0.001 },
      { kind: 'missing_field', field: 'koopsom', rate: 0.001 },
    ],
  },
  kadaster_woningen: { table: 'kadaster_woningen', orderBy: 'object_id', defects: [] },
  fiu_meldingen: {
    table: 'fiu_meldingen',
    orderBy: 'melding_id',
    defects: [{ kind: 'missing_field', field: 'bedrag', rate: 0.001 }],
  },
  uwv_uitkeringen: {
    table: 'uwv_uitkeringen',
    orderBy: 'bsn, uitkeringssoort, startdatum',
    defects: [
      { kind: 'impossible_date', field: 'startdatum', rate: 0.001 },
      { kind: 'invalid_bsn', field: 'bsn', rate: 0.0005 },
    ],
  },
};

const q = (s: string) => `'${s.replaceAll("'", "''")}'`;

function csvLine(values: (string | number)[]): string {
  return values
    .map((v) =>
      typeof v === 'string' && /[",\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : String(v),
    )
    .join(',');
}

/** Generates the synthetic Netherlands into `outDir`: providers/<provider>/ and ground-truth/. */
export async function synthesise(opts: SynthOptions): Promise<SynthResult> {
  const scale = checkScale(opts.scale);
  const seed = checkSeed(opts.seed);
  const { outDir, regions } = opts;
  const steps = modelSteps();
  const total = 1 + steps.length + DATASETS.length + 1;
  let done = 0;
  const progress = (stage: string) => opts.onProgress?.(stage, ++done, total);

  await mkdir(join(outDir, 'ground-truth'), { recursive: true });
  for (const p of PROVIDERS) await mkdir(join(outDir, 'providers', p), { recursive: true });
  const work = await mkdtemp(join(outDir, '.synth-work-'));
  const instance = await DuckDBInstance.create(':memory:', {
    // DuckDB's limit covers its buffer pool, not writer buffers or the allocator's slack: at
    // scale 1.0, 6 GB gave a peak RSS of 9.4 GiB, over the 8 GiB budget.
    memory_limit: '4GB',
    temp_directory: join(work, 'spill'),
    preserve_insertion_order: 'true',
  });
  const conn = await instance.connect();
  try {
    // Region set → two small CSVs read by DuckDB (the only input of the model).
    const gmLines = ['gm_code,vr_code,inhabitants,target'];
    for (const g of regions.ofLevel('gemeente')) {
      const inh = g.inhabitants ?? 0;
      gmLines.push(csvLine([g.code, g.parentCode ?? '', inh, scaledPopulation(inh, scale)]));
    }
    const buurtLines = ['buurt_code,wijk_code,gm_code'];
    for (const b of regions.ofLevel('buurt')) {
      const chain = regions.ancestors(b.code);
      const wijk = chain.find((r) => r.level === 'wijk');
      const gm = chain.find((r) => r.level === 'gemeente');
      if (!wijk || !gm) throw new Error(`region set: buurt ${b.code} lacks a wijk or gemeente`);
      buurtLines.push(csvLine([b.code, wijk.code, gm.code]));
    }
    const gemeentenWithoutBuurt = regions
      .ofLevel('gemeente')
      .filter((g) =>
        regions.childrenOf(g.code).every((w) => regions.childrenOf(w.code).length === 0),
      );
    if (gemeentenWithoutBuurt.length > 0) {
      throw new Error(`region set: gemeente ${gemeentenWithoutBuurt[0]!.code} has no buurten`);
    }
    const convLines = [
      'former_buurt_code,former_gemeente_code,current_buurt_code,current_gemeente_code,last_year',
    ];
    for (const c of buurtConversion(regions)) {
      convLines.push(
        csvLine([
          c.formerBuurtCode,
          c.formerGemeenteCode,
          c.currentBuurtCode,
          c.currentGemeenteCode,
          c.lastYear,
        ]),
      );
    }
    const conversionPath = join(outDir, 'ground-truth', BUURT_CONVERSION_FILE);
    await writeFile(conversionPath, `${convLines.join('\n')}\n`);
    await writeFile(join(work, 'gm.csv'), `${gmLines.join('\n')}\n`);
    await writeFile(join(work, 'buurt.csv'), `${buurtLines.join('\n')}\n`);
    await conn.run(macros(seed));
    await conn.run(`CREATE TABLE gm AS SELECT * FROM read_csv(${q(join(work, 'gm.csv'))}, header = true,
      columns = {'gm_code': 'VARCHAR', 'vr_code': 'VARCHAR', 'inhabitants': 'BIGINT', 'target': 'BIGINT'})`);
    await conn.run(`CREATE TABLE buurt_in AS SELECT * FROM read_csv(${q(join(work, 'buurt.csv'))}, header = true,
      columns = {'buurt_code': 'VARCHAR', 'wijk_code': 'VARCHAR', 'gm_code': 'VARCHAR'})`);
    await conn.run(`CREATE TABLE buurt_conv AS SELECT current_buurt_code AS buurt_code, former_buurt_code AS former_code, last_year
      FROM read_csv(${q(conversionPath)}, header = true, columns = {'former_buurt_code': 'VARCHAR', 'former_gemeente_code': 'VARCHAR',
        'current_buurt_code': 'VARCHAR', 'current_gemeente_code': 'VARCHAR', 'last_year': 'INTEGER'})`);
    progress('region set');

    for (const step of steps) {
      await conn.run(step.sql);
      progress(step.stage);
    }
    const persons = Number(
      (await conn.runAndReadAll('SELECT count(*) FROM persons')).getRowsJS()[0]?.[0] ?? 0,
    );
    // Planted unknown codes must really be unknown.
    const clash = await conn.runAndReadAll(
      `SELECT buurt_code FROM buurt WHERE buurt_code LIKE 'BU____9999' LIMIT 1`,
    );
    if (clash.currentRowCount > 0) {
      throw new Error(
        `region set holds buurt ${String(clash.getRowsJS()[0]?.[0])}, which the generator reserves as an unknown code`,
      );
    }
    // Free what the writers no longer need (py and inc feed the BRP and income views).
    await conn.run('DROP TABLE tx; DROP TABLE crime_py; DROP TABLE reg; DROP TABLE hh_money;');

    await conn.run(
      'CREATE TABLE defects (dataset VARCHAR, file VARCHAR, "row" BIGINT, field VARCHAR, kind VARCHAR)',
    );
    const files: SynthFile[] = [];
    for (const contract of DATASETS) {
      const spec = OUTPUT[contract.id];
      if (!spec) throw new Error(`synth: no output spec for dataset ${contract.id}`);
      const path = join(outDir, 'providers', contract.provider, contract.file);
      const rows = await writeDataset(conn, contract, spec, path, relative(outDir, path), seed);
      files.push({
        dataset: contract.id,
        provider: contract.provider,
        path,
        rows,
        sha256: await sha256File(path),
      });
      progress(contract.id);
    }

    await conn.run('DROP VIEW py; DROP VIEW inc;');

    const defectsPath = join(outDir, 'ground-truth', 'defects.csv');
    await conn.run(`COPY (SELECT dataset, file, "row", field, kind FROM defects ORDER BY dataset, "row", kind)
      TO ${q(defectsPath)} (FORMAT csv, HEADER true)`);
    const defects = Number(
      (await conn.runAndReadAll('SELECT count(*) FROM defects')).getRowsJS()[0]?.[0] ?? 0,
    );

    // Residents: BRP rows not listed in defects.csv (all listed BRP defects are rows ingest
    // quarantines), counted per year at every level of the region set.
    const populationPath = join(outDir, 'ground-truth', 'population.csv');
    await conn.run(`COPY (
      WITH r AS (
        SELECT f.peiljaar::INTEGER AS year, f.buurtcode FROM brp_file f
        WHERE f._rn NOT IN (SELECT "row" FROM defects WHERE dataset = 'brp_personen')
      ), j AS (SELECT r.year, b.buurt_code, b.wijk_code, b.gm_code, b.vr_code FROM r
        LEFT JOIN buurt_conv c ON c.former_code = r.buurtcode
        JOIN buurt b ON b.buurt_code = coalesce(c.buurt_code, r.buurtcode))
      SELECT * FROM (
      SELECT year, 'nederland' AS region_level, '${NATIONAL_CODE}' AS region_code, count(*) AS residents FROM j GROUP BY ALL
      UNION ALL SELECT year, 'veiligheidsregio', vr_code, count(*) FROM j GROUP BY ALL
      UNION ALL SELECT year, 'gemeente', gm_code, count(*) FROM j GROUP BY ALL
      UNION ALL SELECT year, 'wijk', wijk_code, count(*) FROM j GROUP BY ALL
      UNION ALL SELECT year, 'buurt', buurt_code, count(*) FROM j GROUP BY ALL)
      ORDER BY year, CASE region_level WHEN 'nederland' THEN 0 WHEN 'veiligheidsregio' THEN 1 WHEN 'gemeente' THEN 2 WHEN 'wijk' THEN 3 ELSE 4 END, region_code
    ) TO ${q(populationPath)} (FORMAT csv, HEADER true)`);

    const generatedBy = `samenzicht synth (seed ${seed}, scale ${scale})`;
    for (const provider of PROVIDERS) {
      const mine = files.filter((f) => f.provider === provider);
      const manifest = {
        provider,
        generatedBy,
        files: mine.map((f) => ({
          dataset: f.dataset,
          file: relative(join(outDir, 'providers', provider), f.path),
          rows: f.rows,
          sha256: f.sha256,
        })),
      };
      await writeFile(
        join(outDir, 'providers', provider, 'manifest.json'),
        `${JSON.stringify(manifest, null, 2)}\n`,
      );
    }
    progress('ground truth');
    return {
      outDir,
      seed,
      scale,
      files,
      persons,
      years: [...YEARS],
      defects,
      groundTruth: {
        defects: defectsPath,
        population: populationPath,
        buurtConversion: conversionPath,
      },
    };
  } finally {
    conn.closeSync();
    instance.closeSync();
    await rm(work, { recursive: true, force: true });
  }
}
