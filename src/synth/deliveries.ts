/**
 * The provider deliveries: each dataset written to its provider's folder in its contract's format,
 * with its defects, and a manifest per provider.
 */
import { writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { DATASETS, PROVIDERS, type ProviderId } from '../ingest/contracts.js';
import { sha256File } from '../ingest/sha256.js';
import { writeDataset, type DefectSpec, type OutputSpec } from './output.js';

export interface SynthFile {
  dataset: string;
  provider: ProviderId;
  /** Absolute path of the file. */
  path: string;
  rows: number;
  sha256: string;
}

/** A defect as [kind, field, rate]: the share of the file's rows with it. */
type Defect = [DefectSpec['kind'], string, number];

/**
 * How each dataset is ordered in its file and which defects it carries (none when not given);
 * its source table is named as the dataset.
 */
const OUTPUT: Record<string, Omit<OutputSpec, 'table' | 'defects'> & { defects?: Defect[] }> = {
  brp_personen: {
    view: true,
    orderBy: 'peiljaar, _pid',
    keepAs: 'brp_file',
    defects: [
      ['unknown_region_code', 'buurtcode', 0.005],
      ['missing_field', 'geslacht', 0.0005],
      ['missing_field', 'geboortedatum', 0.0005],
      ['impossible_date', 'geboortedatum', 0.0003],
      ['invalid_bsn', 'bsn', 0.0002],
    ],
  },
  bd_inkomen: {
    view: true,
    orderBy: 'jaar, _pid',
    defects: [
      ['invalid_bsn', 'bsn', 0.0005],
      ['missing_field', 'verzamelinkomen', 0.001],
    ],
  },
  bd_schulden: { orderBy: 'jaar, _pid' },
  politie_verdachten: {
    orderBy: 'registratienummer',
    defects: [
      ['unknown_region_code', 'pleeg_buurtcode', 0.005],
      ['impossible_date', 'pleegdatum', 0.001],
      ['invalid_bsn', 'bsn', 0.001],
      ['missing_field', 'delictklasse', 0.001],
    ],
    // March 2021 delivered twice: the provider's re-run of a monthly batch.
    duplicateWhere: `_o.pleegdatum BETWEEN DATE '2021-03-01' AND DATE '2021-03-31'`,
  },
  politie_ontmantelingen: {
    orderBy: 'zaaknummer',
    defects: [['unknown_region_code', 'buurtcode', 0.005]],
  },
  om_veroordelingen: { orderBy: 'vonnisdatum, parketnummer' },
  kvk_vestigingen: {
    orderBy: 'vestigingsnummer',
    defects: [
      ['unknown_region_code', 'buurtcode', 0.005],
      ['missing_field', 'sbi_code', 0.001],
    ],
  },
  kvk_bestuurders: { orderBy: 'kvk_nummer, bsn, startdatum' },
  kadaster_transacties: {
    orderBy: 'transactie_id',
    defects: [
      ['unknown_region_code', 'buurtcode', 0.005],
      ['impossible_date', 'transactiedatum', 0.001],
      ['missing_field', 'koopsom', 0.001],
    ],
  },
  kadaster_woningen: { orderBy: 'object_id' },
  fiu_meldingen: {
    orderBy: 'melding_id',
    defects: [['missing_field', 'bedrag', 0.001]],
  },
  uwv_uitkeringen: {
    orderBy: 'bsn, uitkeringssoort, startdatum',
    defects: [
      ['impossible_date', 'startdatum', 0.001],
      ['invalid_bsn', 'bsn', 0.0005],
    ],
  },
};

function outputSpec(id: string): OutputSpec {
  const out = OUTPUT[id];
  if (!out) throw new Error(`synth: no output spec for dataset ${id}`);
  const defects = (out.defects ?? []).map(([kind, field, rate]) => ({ kind, field, rate }));
  return { table: id, ...out, defects };
}

/**
 * Writes every dataset of the contracts under `<outDir>/providers/` (recording their defects in the
 * table `defects`), reporting each as done.
 */
export async function writeDeliveries(
  conn: DuckDBConnection,
  outDir: string,
  seed: number,
  done: (dataset: string) => void,
): Promise<SynthFile[]> {
  await conn.run(
    'CREATE TABLE defects (dataset VARCHAR, file VARCHAR, "row" BIGINT, field VARCHAR, kind VARCHAR)',
  );
  const files: SynthFile[] = [];
  for (const contract of DATASETS) {
    const spec = outputSpec(contract.id);
    const path = join(outDir, 'providers', contract.provider, contract.file);
    const rows = await writeDataset(conn, contract, spec, path, relative(outDir, path), seed);
    files.push({
      dataset: contract.id,
      provider: contract.provider,
      path,
      rows,
      sha256: await sha256File(path),
    });
    done(contract.id);
  }
  return files;
}

/** A manifest.json per provider: its files with rows and SHA-256. */
export async function writeManifests(
  outDir: string,
  files: readonly SynthFile[],
  generatedBy: string,
): Promise<void> {
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
}
