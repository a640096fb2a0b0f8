import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalBreakdown, cellKey } from '../../src/contracts/index.js';
import { cellKeyExpr } from '../../src/engine/plan.js';
import { cast, col, select, table } from '../../src/engine/nodes.js';
import { compileSelect } from '../../src/engine/sql.js';

let instance: DuckDBInstance;
let conn: DuckDBConnection;
beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:');
  conn = await instance.connect();
});
afterAll(() => {
  conn.closeSync();
  instance.closeSync();
});

const code = fc.stringMatching(/^(NL01|VR\d{2}|GM\d{4}|WK\d{6}|BU\d{8})$/);
const breakdown = fc.oneof(
  fc.constant(''),
  fc
    .tuple(
      fc.constantFrom('geslacht', 'leeftijd'),
      fc.stringMatching(/^[a-z0-9-]{1,8}( [a-z]{1,5})?$/),
    )
    .map(([name, value]) => `${name}=${value}`),
);
const cell = fc.record({ year: fc.integer({ min: 1990, max: 2100 }), regionCode: code, breakdown });

describe('cellKey', () => {
  it('joins series, year, region and a canonical breakdown with |', () => {
    expect(cellKey('inwoners', 2021, 'GM0392', '')).toBe('inwoners|2021|GM0392|');
    expect(cellKey(null, 2021, 'GM0392', 'geslacht=vrouw')).toBe('2021|GM0392|geslacht=vrouw');
    expect(cellKey('x', 2021, 'BU1', 'b=2 & a=1')).toBe(cellKey('x', 2021, 'BU1', 'a=1&b=2'));
    expect(canonicalBreakdown(' a=1 ')).toBe('a=1');
  });

  it("agrees with the engine's SQL key on random cells (DuckDB)", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(cell, { minLength: 1, maxLength: 20 }), async (cells) => {
        await conn.run(
          'CREATE OR REPLACE TEMP TABLE t (i INTEGER, year INTEGER, code VARCHAR, bd VARCHAR)',
        );
        const appender = await conn.createAppender('t');
        cells.forEach((c, i) => {
          appender.appendInteger(i);
          appender.appendInteger(c.year);
          appender.appendVarchar(c.regionCode);
          appender.appendVarchar(c.breakdown);
          appender.endRow();
        });
        appender.closeSync();
        const q = compileSelect(
          select({
            columns: [
              { expr: col('t', 'i'), alias: 'i' },
              {
                expr: cellKeyExpr(
                  cast(col('t', 'year'), 'VARCHAR'),
                  col('t', 'code'),
                  col('t', 'bd'),
                ),
                alias: 'k',
              },
            ],
            from: table('t', 't'),
          }),
          [],
        );
        const rows = (
          await conn.runAndReadAll(`${q.sql} ORDER BY i`, q.params as never)
        ).getRowsJS();
        expect(rows.map((r) => r[1])).toEqual(
          cells.map((c) => cellKey(null, c.year, c.regionCode, c.breakdown)),
        );
      }),
      { numRuns: 50 },
    );
  });
});
