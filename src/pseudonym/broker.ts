/**
 * The broker's stage of the pseudonymisation and its key rotation.
 *
 * Contributions arrive with stage-1 values (`ZS1:…`). The broker turns them into its final
 * pseudonyms (`ZS:…`) and keeps, in `pseudonym_vault`, which delivered stage-1 value became which
 * final pseudonym. Both are broker-side, K2/domain-bound data (no raw id, no K1), and the vault
 * lets `keys rotate` recompute every final pseudonym under a new broker key without any raw id
 * and without asking providers to deliver again.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { keyedStage2Batch } from './keyed.js';
import type { KeyholderApi } from './keyholder.js';
import {
  addBrokerKeyVersion,
  brokerK2,
  readBrokerKeys,
  setCurrentBrokerKeyVersion,
  retireBrokerKeyVersions,
  type BrokerKeyFile,
} from './keystore.js';
import { type Scheme } from './labels.js';
import { pepCiphertext, pepDecrypter } from './pep.js';
import { lit, q } from './sql.js';

export interface BrokerPseudonymiser {
  scheme: Scheme;
  /** Broker key version (K2 version, or PEP broker-domain version) of the final pseudonyms. */
  version: number;
  /** Full-match regex of the delivered (stage-1) values this pseudonymiser accepts. */
  stage1Pattern: string;
  /** Full-match regex of the final pseudonyms it produces. */
  finalPattern: string;
  /** Maps delivered stage-1 values to final pseudonyms, position by position. */
  finalise(values: readonly string[]): Promise<string[]>;
  /** Synchronous variant (keyed only; PEP needs the transcryptors). */
  finaliseSync?: (values: readonly string[]) => string[];
}

/** Delivered values: keyed under K1 `version`; pep under key set `version`, any broker domain. */
export function stage1Pattern(scheme: Scheme, version: number): string {
  return scheme === 'keyed'
    ? `ZS1:keyed:k1v${version}:[A-Za-z0-9_-]{43}`
    : `ZS1:pep:g${version}d[0-9]+:[A-Za-z0-9_-]{86}==`;
}

export function finalPattern(scheme: Scheme, version: number): string {
  return `ZS:${scheme}:v${version}:[A-Za-z0-9_-]{43}`;
}

export function keyedBrokerPseudonymiser(
  keys: BrokerKeyFile,
  version = keys.current,
): BrokerPseudonymiser {
  const finaliseSync = keyedStage2Batch(brokerK2(keys, version), keys.acceptK1Version);
  return {
    scheme: 'keyed',
    version,
    stage1Pattern: stage1Pattern('keyed', keys.acceptK1Version),
    finalPattern: finalPattern('keyed', version),
    finaliseSync,
    finalise: async (values) => finaliseSync(values),
  };
}

export async function pepBrokerPseudonymiser(
  keys: BrokerKeyFile,
  keyholder: KeyholderApi,
  version = keys.current,
): Promise<BrokerPseudonymiser> {
  const pub = await keyholder.pepPublic();
  if (pub.version !== keys.acceptPepVersion) {
    throw new Error(
      `the transcryptors hold PEP key set version ${pub.version}, the broker accepts version ${keys.acceptPepVersion}`,
    );
  }
  const shares = await keyholder.pepSessionKeyShares(pub.version, version);
  const decrypt = await pepDecrypter(pub, shares, version);
  return {
    scheme: 'pep',
    version,
    stage1Pattern: stage1Pattern('pep', pub.version),
    finalPattern: finalPattern('pep', version),
    async finalise(values) {
      // Values delivered into an older broker domain (before a rotation) are moved to this one.
      const parsed = values.map((v) => pepCiphertext(v, pub.version));
      const cts = parsed.map((p) => p.ciphertext);
      const olderDomains = new Set(parsed.map((p) => p.domain).filter((d) => d !== version));
      for (const d of olderDomains) {
        const at = parsed.flatMap((p, i) => (p.domain === d ? [i] : []));
        const moved = await keyholder.pepTranscrypt(
          at.map((i) => cts[i] as string),
          pub.version,
          d,
          version,
        );
        at.forEach((i, j) => (cts[i] = moved[j] as string));
      }
      return cts.map(decrypt);
    },
  };
}

/** The broker pseudonymiser for a scheme from the broker key directory. */
export async function brokerPseudonymiser(opts: {
  scheme: Scheme;
  keysDir: string;
  keyholder?: KeyholderApi;
  version?: number;
}): Promise<BrokerPseudonymiser> {
  const keys = readBrokerKeys(opts.keysDir);
  if (opts.scheme === 'keyed') return keyedBrokerPseudonymiser(keys, opts.version);
  if (!opts.keyholder) throw new Error('scheme pep needs the transcryptors (a keyholder client)');
  return pepBrokerPseudonymiser(keys, opts.keyholder, opts.version);
}

export const VAULT_TABLE = 'pseudonym_vault';
export const VAULT_COLUMNS_TABLE = 'pseudonym_columns';

async function countRows(conn: DuckDBConnection, table: string): Promise<number> {
  return Number(
    (await conn.runAndReadAll(`SELECT count(*) FROM ${q(table)}`)).getColumnsJS()[0]?.[0] ?? 0,
  );
}

async function ensureVault(conn: DuckDBConnection): Promise<void> {
  await conn.run(
    `CREATE TABLE IF NOT EXISTS ${VAULT_TABLE} (delivered VARCHAR NOT NULL, broker VARCHAR NOT NULL, scheme VARCHAR NOT NULL, broker_version INTEGER NOT NULL)`,
  );
  await conn.run(
    `CREATE TABLE IF NOT EXISTS ${VAULT_COLUMNS_TABLE} (table_name VARCHAR NOT NULL, column_name VARCHAR NOT NULL)`,
  );
}

/** Values are mapped in pages so that a national run never holds 17.6 M strings in JS at once. */
const PAGE = 50_000;

/**
 * Runs `select` (first column: the values to map, then `passThrough` more VARCHAR columns) into
 * a numbered temp table, maps the first column page by page with `map`, and appends rows
 * (mapped, ...pass-through, value) to `target`. Returns the number of values mapped.
 */
async function mapInPages(
  conn: DuckDBConnection,
  select: string,
  passThrough: number,
  map: (values: string[]) => Promise<string[]>,
  target: string,
  page = PAGE,
): Promise<number> {
  await conn.run(
    `CREATE OR REPLACE TEMP TABLE map_pending AS SELECT row_number() OVER () AS rn, * FROM (${select})`,
  );
  const total = Number(
    (await conn.runAndReadAll('SELECT count(*) FROM map_pending')).getColumnsJS()[0]?.[0] ?? 0,
  );
  for (let at = 0; at < total; at += page) {
    const cols = (
      await conn.runAndReadAll(
        `SELECT * EXCLUDE (rn) FROM map_pending WHERE rn > ${at} AND rn <= ${at + page} ORDER BY rn`,
      )
    ).getColumnsJS() as string[][];
    const values = cols[0] ?? [];
    const mapped = await map(values);
    if (mapped.length !== values.length) {
      throw new Error(`pseudonymiser returned ${mapped.length} of ${values.length} values`);
    }
    const app = await conn.createAppender(target);
    for (let i = 0; i < values.length; i++) {
      app.appendVarchar(mapped[i] as string);
      for (let k = 1; k <= passThrough; k++) app.appendVarchar((cols[k] as string[])[i] as string);
      app.appendVarchar(values[i] as string);
      app.endRow();
    }
    app.closeSync();
  }
  await conn.run('DROP TABLE map_pending');
  return total;
}

export interface FinaliseReport {
  table: string;
  columns: string[];
  /** Distinct delivered values finalised now (values already in the vault are reused). */
  newValues: number;
  scheme: Scheme;
  version: number;
}

/**
 * Replaces, in place, the stage-1 values of `columns` in `table` (as loaded from a contribution)
 * by final broker pseudonyms, records them in the vault, and registers the columns for rotation.
 * Throws when a non-empty value is left that is not a final pseudonym of this version.
 */
export async function finaliseTable(
  conn: DuckDBConnection,
  table: string,
  columns: readonly string[],
  p: BrokerPseudonymiser,
  opts: { pageSize?: number } = {},
): Promise<FinaliseReport> {
  await ensureVault(conn);
  const base = { table, scheme: p.scheme, version: p.version };
  if (columns.length === 0) return { ...base, columns: [], newValues: 0 };
  const union = columns.map((c) => `SELECT ${q(c)} AS v FROM ${q(table)}`).join(' UNION ALL ');
  await conn.run('CREATE OR REPLACE TEMP TABLE finalise_map (b VARCHAR, a VARCHAR)');
  const newValues = await mapInPages(
    conn,
    `SELECT DISTINCT v FROM (${union}) u WHERE v IS NOT NULL AND v <> '' AND v NOT LIKE 'ZS:%' ` +
      `AND NOT EXISTS (SELECT 1 FROM ${VAULT_TABLE} w WHERE w.delivered = u.v AND w.broker_version = ${p.version} AND w.scheme = '${p.scheme}')`,
    0,
    (values) => p.finalise(values),
    'finalise_map',
    opts.pageSize,
  );
  await conn.run(
    `INSERT INTO ${VAULT_TABLE} SELECT a, b, '${p.scheme}', ${p.version} FROM finalise_map`,
  );
  await conn.run('DROP TABLE finalise_map');
  // One rewrite of the table instead of an UPDATE per column: DuckDB's UPDATE of a VARCHAR
  // column took 8–16 s for 200–300 k rows here, the rewrite well under a second (side by side).
  // The vault holds each delivered value once per version, so the joins keep every row once.
  const vault = `(SELECT delivered, broker FROM ${VAULT_TABLE} WHERE broker_version = ${p.version} AND scheme = '${p.scheme}')`;
  const rowsBefore = await countRows(conn, table);
  await conn.run('BEGIN TRANSACTION');
  try {
    await conn.run(
      `CREATE OR REPLACE TABLE ${q(table)} AS SELECT t.* REPLACE (${columns
        .map((c, i) => `coalesce(m${i}.broker, t.${q(c)}) AS ${q(c)}`)
        .join(', ')}) FROM ${q(table)} t ${columns
        .map((c, i) => `LEFT JOIN ${vault} m${i} ON t.${q(c)} = m${i}.delivered`)
        .join(' ')} ORDER BY t.rowid`,
    );
    const rowsAfter = await countRows(conn, table);
    if (rowsAfter !== rowsBefore) {
      throw new Error(`${table}: ${rowsBefore} rows before finalising, ${rowsAfter} after`);
    }
    await conn.run('COMMIT');
  } catch (e) {
    await conn.run('ROLLBACK');
    throw e;
  }
  for (const c of columns) {
    await conn.run(
      `INSERT INTO ${VAULT_COLUMNS_TABLE} SELECT ${lit(table)}, ${lit(c)} ` +
        `WHERE NOT EXISTS (SELECT 1 FROM ${VAULT_COLUMNS_TABLE} WHERE table_name = ${lit(table)} AND column_name = ${lit(c)})`,
    );
    const left = (
      await conn.runAndReadAll(
        `SELECT count(*) AS n FROM ${q(table)} WHERE ${q(c)} IS NOT NULL AND ${q(c)} <> '' AND NOT regexp_full_match(${q(c)}, '${p.finalPattern}')`,
      )
    ).getColumnsJS()[0]?.[0];
    if (Number(left) > 0) {
      throw new Error(
        `${table}.${c}: ${Number(left)} value(s) are not pseudonyms of the agreed scheme and version`,
      );
    }
  }
  return { ...base, columns: [...columns], newValues };
}

export interface RotationReport {
  fromVersion: number;
  toVersion: number;
  values: number;
  columns: { table: string; column: string; rowsUpdated: number }[];
}

/**
 * `samenzicht keys rotate`: a new broker key version; every final pseudonym in every registered
 * column is recomputed from the vault's stage-1 values, in one transaction; then the new version
 * becomes current and the old K2 is retired. Linkage is unchanged: equal before, equal after.
 */
export async function rotateBrokerKeys(
  conn: DuckDBConnection,
  opts: { keysDir: string; keyholder?: KeyholderApi; pageSize?: number },
): Promise<RotationReport> {
  await ensureVault(conn);
  const before = readBrokerKeys(opts.keysDir);
  const { keys, version } = addBrokerKeyVersion(opts.keysDir);
  const schemes = ((
    await conn.runAndReadAll(`SELECT DISTINCT scheme FROM ${VAULT_TABLE} ORDER BY 1`)
  ).getColumnsJS()[0] ?? []) as Scheme[];
  let values = 0;
  // rotate_map: b = new final, a = old final, d = delivered stage-1 value.
  await conn.run('CREATE OR REPLACE TEMP TABLE rotate_map (b VARCHAR, a VARCHAR, d VARCHAR)');
  for (const scheme of schemes) {
    let p: BrokerPseudonymiser;
    if (scheme === 'keyed') p = keyedBrokerPseudonymiser(keys, version);
    else if (opts.keyholder) p = await pepBrokerPseudonymiser(keys, opts.keyholder, version);
    else throw new Error('the vault holds pep pseudonyms: rotation needs the transcryptors');
    values += await mapInPages(
      conn,
      `SELECT delivered, broker FROM ${VAULT_TABLE} WHERE scheme = '${scheme}'`,
      1,
      (delivered) => p.finalise(delivered),
      'rotate_map',
      opts.pageSize,
    );
  }
  const cols = (
    await conn.runAndReadAll(
      `SELECT table_name, column_name FROM ${VAULT_COLUMNS_TABLE} ORDER BY 1, 2`,
    )
  ).getRowsJS() as [string, string][];
  const report: RotationReport = {
    fromVersion: before.current,
    toVersion: version,
    values,
    columns: [],
  };
  await conn.run('BEGIN TRANSACTION');
  try {
    await conn.run(
      'CREATE OR REPLACE TEMP TABLE rotate_pairs AS SELECT DISTINCT a, b FROM rotate_map',
    );
    for (const [t, c] of cols) {
      const res = await conn.run(
        `UPDATE ${q(t)} SET ${q(c)} = m.b FROM rotate_pairs m WHERE ${q(t)}.${q(c)} = m.a`,
      );
      report.columns.push({ table: t, column: c, rowsUpdated: Number(res.rowsChanged) });
    }
    await conn.run(
      `UPDATE ${VAULT_TABLE} SET broker = m.b, broker_version = ${version} FROM rotate_map m WHERE ${VAULT_TABLE}.delivered = m.d`,
    );
    await conn.run('COMMIT');
  } catch (e) {
    await conn.run('ROLLBACK');
    throw e;
  }
  await conn.run('DROP TABLE rotate_map; DROP TABLE rotate_pairs;');
  setCurrentBrokerKeyVersion(opts.keysDir, version);
  retireBrokerKeyVersions(opts.keysDir, version);
  return report;
}
