/**
 * The provider deliveries: each dataset written to its provider's folder in its contract's format,
 * with its defects, and a manifest per provider.
 */
import { writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { DATASETS, PROVIDERS, type ProviderId } from '../ingest/contracts.js';
import { sha256File } from '../ingest/sha256.js';
import { writeDataset, type OutputSpec } from './output.js';

export interface SynthFile {
  dataset: string;
  provider: ProviderId;
  /** Absolute path of the file. */
  path: string;
  rows: number;
  sha256: string;
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
