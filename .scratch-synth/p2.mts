import { DuckDBInstance } from '@duckdb/node-api';
import { macros } from '../src/synth/model.js';
const i = await DuckDBInstance.create(':memory:'); const c = await i.connect();
await c.run(macros(1));
await c.run(`CREATE TABLE gm AS SELECT * FROM read_csv('/tmp/gm.csv', header=true, columns={'gm_code':'VARCHAR','vr_code':'VARCHAR','inhabitants':'BIGINT','target':'BIGINT'})`);
const qs = [
 `CREATE OR REPLACE TABLE c AS SELECT gm_code, target, unnest(generate_series(1, (target * 0.6 + 20)::BIGINT)) AS k FROM gm WHERE target > 0`,
 `CREATE OR REPLACE TABLE s2 AS SELECT gm_code, target, k, rnd('hsize', gm_code || ':' || k) AS u FROM c`,
 `CREATE OR REPLACE TABLE s3 AS SELECT gm_code, target, k, hash(1, 'hsize', gm_code, k) AS u FROM c`,
 `CREATE OR REPLACE TABLE cum AS SELECT *, (sum(k) OVER (PARTITION BY gm_code ORDER BY k ROWS UNBOUNDED PRECEDING))::BIGINT AS cum_prev FROM c`,
 `CREATE OR REPLACE TABLE cum2 AS SELECT *, row_number() OVER (PARTITION BY gm_code, k < 100 ORDER BY k) FROM c`,
 `CREATE OR REPLACE TABLE cum3 AS SELECT *, count(*) FILTER (WHERE k < 100) OVER (PARTITION BY gm_code) FROM c`,
];
for (const q of qs) { const t = Date.now(); const cpu = process.cpuUsage(); await c.run(q); const d = process.cpuUsage(cpu); console.log(q.slice(0, 70), Date.now() - t, Math.round((d.user + d.system) / 1000)); }
