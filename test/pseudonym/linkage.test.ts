import { describe, expect, it } from 'vitest';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import fc from 'fast-check';
import { YEARS } from '../../src/contracts/index.js';
import { linkageReport } from '../../src/pseudonym/index.js';

const P = (i: number) => `'ZS:keyed:v1:p${i}'`;
const sqlOr = (v: number | null) => (v === null ? 'NULL' : P(v));
const values = (rows: string[]) => (rows.length ? `VALUES ${rows.join(', ')}` : null);

/** A small broker: the two registers and kadaster_transacties, with repeats and gaps. */
const broker = fc.record({
  brp: fc.array(fc.record({ y: fc.constantFrom(...YEARS), p: fc.nat(6) }), { maxLength: 20 }),
  kvk: fc.array(
    fc.record({
      p: fc.nat(4),
      start: fc.integer({ min: 2015, max: 2024 }),
      length: fc.option(fc.nat(4)),
    }),
    { maxLength: 8 },
  ),
  transacties: fc.array(
    fc.record({
      id: fc.nat(12),
      y: fc.integer({ min: 2017, max: 2025 }),
      bsn: fc.option(fc.nat(8)),
      kvk: fc.option(fc.nat(5)),
    }),
    { minLength: 1, maxLength: 30 },
  ),
});
type Broker = typeof broker extends fc.Arbitrary<infer T> ? T : never;

async function create(conn: DuckDBConnection, b: Broker): Promise<void> {
  const brp = values(b.brp.map((r) => `(${r.y}, ${P(r.p)})`));
  await conn.run(
    brp
      ? `CREATE OR REPLACE TABLE brp_personen AS SELECT * FROM (${brp}) t(peiljaar, bsn_pseudonym)`
      : 'CREATE OR REPLACE TABLE brp_personen (peiljaar INTEGER, bsn_pseudonym VARCHAR)',
  );
  const kvk = values(
    b.kvk.map(
      (r, i) =>
        `('V${i}', ${P(r.p)}, DATE '${r.start}-03-01', ${r.length === null ? 'NULL::DATE' : `DATE '${r.start + r.length}-09-30'`})`,
    ),
  );
  await conn.run(
    kvk
      ? `CREATE OR REPLACE TABLE kvk_vestigingen AS SELECT * FROM (${kvk}) t(vestigingsnummer, kvk_nummer_pseudonym, startdatum, einddatum)`
      : 'CREATE OR REPLACE TABLE kvk_vestigingen (vestigingsnummer VARCHAR, kvk_nummer_pseudonym VARCHAR, startdatum DATE, einddatum DATE)',
  );
  const rows = b.transacties.map(
    (r) => `('T${r.id}', DATE '${r.y}-06-01', ${sqlOr(r.bsn)}::VARCHAR, ${sqlOr(r.kvk)}::VARCHAR)`,
  );
  await conn.run(
    `CREATE OR REPLACE TABLE kadaster_transacties AS SELECT * FROM (${values(rows)}) t(transactie_id, transactiedatum, koper_bsn_pseudonym, koper_kvk_nummer_pseudonym)`,
  );
}

/** The report's rules, row by row in JavaScript. */
function expected(b: Broker) {
  const intervals = {
    bsn: b.brp.map((r) => ({ p: r.p, y0: r.y, y1: r.y })),
    kvk: b.kvk.map((r) => ({
      p: r.p,
      y0: r.start,
      y1: r.length === null ? 9999 : r.start + r.length,
    })),
  };
  const column = (kind: 'bsn' | 'kvk') => {
    const reg = intervals[kind];
    const linked = b.transacties.filter((r) => r[kind] !== null);
    const matched = (r: Broker['transacties'][number]) =>
      reg.some((x) => x.p === r[kind] && x.y0 <= r.y && r.y <= x.y1);
    const yes = linked.filter(matched);
    const no = linked.filter((r) => !matched(r));
    const distinct = (rs: typeof linked) => new Set(rs.map((r) => r[kind])).size;
    return {
      withPseudonym: linked.length,
      missing: b.transacties.length - linked.length,
      distinctPseudonyms: distinct(linked),
      matchedRows: yes.length,
      unmatchedRows: no.length,
      matchedDistinct: distinct(yes),
      unmatchedDistinct: distinct(no),
      yearsWithoutRegister: [...new Set(linked.map((r) => r.y))]
        .filter((y) => !reg.some((x) => x.y0 <= y && y <= x.y1))
        .sort((a, c) => a - c),
    };
  };
  return {
    rows: b.transacties.length,
    duplicates: b.transacties.length - new Set(b.transacties.map((r) => r.id)).size,
    columns: [column('bsn'), column('kvk')],
  };
}

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

  it('gives the same exact counts in any number of partitions (property)', async () => {
    const db = await DuckDBInstance.create(':memory:');
    const conn = await db.connect();
    try {
      await fc.assert(
        fc.asyncProperty(broker, fc.integer({ min: 1, max: 7 }), async (b, rowsPerPartition) => {
          await create(conn, b);
          const want = expected(b);
          for (const opts of [{}, { rowsPerPartition }]) {
            const d = (await linkageReport(conn, ['kadaster_transacties'], opts)).datasets[0]!;
            expect({
              rows: d.rows,
              duplicates: d.duplicates,
              columns: d.columns.map(({ column: _c, kind: _k, register: _r, ...n }) => n),
            }).toEqual(want);
          }
        }),
        { numRuns: 60 },
      );
    } finally {
      conn.closeSync();
      db.closeSync();
    }
  });
});
