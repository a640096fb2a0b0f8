/**
 * A run stacks a dataset's deliveries (appendToStack): the linked table holds, in delivery order,
 * exactly the rows of the years each delivery supplies (rows of other years, and rows without a
 * year, left out), as the re-delivery rule asks: a year comes from the newest delivery that
 * covers it.
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { YEARS } from '../../src/contracts/index.js';
import { appendToStack } from '../../src/pipeline/run.js';

type Row = { id: number; jaar: number | null };
const years: number[] = [...YEARS];

const delivery = fc.record({
  rows: fc.array(
    fc.record({
      id: fc.integer({ min: 0, max: 10_000 }),
      jaar: fc.option(fc.constantFrom(...years)),
    }),
    { maxLength: 40 },
  ),
  // null: a register without a period, taken whole
  years: fc.option(fc.subarray(years, { minLength: 1 })),
});

let db: DuckDBInstance;
let conn: DuckDBConnection;
beforeAll(async () => {
  db = await DuckDBInstance.create(':memory:');
  conn = await db.connect();
});
afterAll(() => {
  conn.closeSync();
  db.closeSync();
});

async function load(rows: readonly Row[]): Promise<void> {
  await conn.run('CREATE TABLE d (id INTEGER, jaar INTEGER)');
  for (const r of rows) await conn.run('INSERT INTO d VALUES ($1, $2)', [r.id, r.jaar]);
}

describe('stacking a dataset of several deliveries', () => {
  it('keeps exactly the rows of the years each delivery supplies, in delivery order', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(delivery, { minLength: 1, maxLength: 4 }), async (deliveries) => {
        await conn.run('DROP TABLE IF EXISTS stack');
        for (const [i, d] of deliveries.entries()) {
          await load(d.rows);
          await appendToStack(conn, {
            loaded: 'd',
            stack: 'stack',
            years: d.years ? `jaar IN (${d.years.join(', ')})` : null,
            first: i === 0,
          });
        }
        const got = (await conn.runAndReadAll('SELECT id, jaar FROM stack ORDER BY rowid'))
          .getRowObjects()
          .map((r) => ({ id: Number(r.id), jaar: r.jaar === null ? null : Number(r.jaar) }));
        const want = deliveries.flatMap((d) =>
          d.years ? d.rows.filter((r) => r.jaar !== null && d.years!.includes(r.jaar)) : d.rows,
        );
        expect(got).toEqual(want);
        // The delivery's own table is gone: the next one loads under the same name.
        const left = await conn.runAndReadAll(
          "SELECT count(*)::INTEGER AS n FROM duckdb_tables() WHERE table_name = 'd'",
        );
        expect(left.getRowObjects()[0]!.n).toBe(0);
      }),
      { numRuns: 60 },
    );
  });
});
