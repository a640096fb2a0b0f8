import { DuckDBInstance } from '@duckdb/node-api';
const i = await DuckDBInstance.create(':memory:'); const c = await i.connect();
const d = process.argv[2]; 
for (const sql of process.argv.slice(3)) { const r = await c.runAndReadAll(sql.replaceAll('$D', d)); console.log(r.getRowObjectsJS()); }
