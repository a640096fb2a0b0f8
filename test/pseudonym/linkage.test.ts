import { describe, expect, it } from 'vitest';
import { DuckDBInstance } from '@duckdb/node-api';
import { linkageReport } from '../../src/pseudonym/index.js';

describe('linkageReport', () => {
  it('counts every row per identifier column: matched, unmatched, missing, duplicates, uncovered years', async () => {
    const db = await DuckDBInstance.create(':memory:');
    const conn = await db.connect();
    await conn.run(`CREATE TABLE brp_personen AS SELECT * FROM (VALUES
      (2021, 'ZS:keyed:v1:a'), (2021, 'ZS:keyed:v1:b'), (2022, 'ZS:keyed:v1:a')) t(peiljaar, bsn_pseudonym)`);
    await conn.run(`CREATE TABLE kvk_vestigingen AS SELECT * FROM (VALUES
      ('V1', 'ZS:keyed:v1:k1', DATE '2019-05-01', NULL::DATE),
      ('V2', 'ZS:keyed:v1:k1', DATE '2015-01-01', DATE '2016-12-31'),
      ('V3', 'ZS:keyed:v1:k2', DATE '2018-01-01', DATE '2020-06-30')) t(vestigingsnummer, kvk_nummer_pseudonym, startdatum, einddatum)`);
    await conn.run(`CREATE TABLE kadaster_transacties AS SELECT * FROM (VALUES
      ('T1', DATE '2021-03-01', 'ZS:keyed:v1:a', NULL),
      ('T2', DATE '2022-03-01', 'ZS:keyed:v1:b', NULL),
      ('T3', DATE '2021-03-01', NULL, 'ZS:keyed:v1:k1'),
      ('T4', DATE '2021-03-01', NULL, 'ZS:keyed:v1:k2'),
      ('T5', DATE '2024-03-01', 'ZS:keyed:v1:a', NULL),
      ('T5', DATE '2021-03-01', NULL, 'ZS:keyed:v1:k1')) t(transactie_id, transactiedatum, koper_bsn_pseudonym, koper_kvk_nummer_pseudonym)`);
    const r = await linkageReport(conn, ['kadaster_transacties']);
    const d = r.datasets[0]!;
    expect({ dataset: d.dataset, rows: d.rows, duplicates: d.duplicates }).toEqual({
      dataset: 'kadaster_transacties',
      rows: 6,
      duplicates: 1,
    });
    expect(d.columns).toEqual([
      {
        column: 'koper_bsn_pseudonym',
        kind: 'bsn',
        register: 'brp_personen (same peiljaar)',
        withPseudonym: 3,
        missing: 3,
        distinctPseudonyms: 2,
        matchedRows: 1, // a in 2021
        unmatchedRows: 2, // b moved out before 2022; a in 2024 (no register that year)
        matchedDistinct: 1,
        unmatchedDistinct: 2,
        yearsWithoutRegister: [2024],
      },
      {
        column: 'koper_kvk_nummer_pseudonym',
        kind: 'kvk',
        register: 'kvk_vestigingen (registered in that year)',
        withPseudonym: 3,
        missing: 3,
        distinctPseudonyms: 2,
        matchedRows: 2, // k1 twice (V1 open since 2019)
        unmatchedRows: 1, // k2 deregistered in 2020
        matchedDistinct: 1,
        unmatchedDistinct: 1,
        yearsWithoutRegister: [],
      },
    ]);
    await expect(linkageReport(conn, ['bd_inkomen'])).rejects.toThrow(
      "broker table 'bd_inkomen' does not exist",
    );
    conn.closeSync();
    db.closeSync();
  });
});
