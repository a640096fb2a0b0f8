import { DuckDBInstance } from '@duckdb/node-api';
import { writeFileSync } from 'node:fs';
import { loadRegionSet } from '../src/regions/index.js';
import { macros, modelSteps } from '../src/synth/model.js';
const scale = 0.1;
const s = await loadRegionSet('/work/shared/data/regions');
const gm = ['gm_code,vr_code,inhabitants,target', ...s.ofLevel('gemeente').map(g => `${g.code},${g.parentCode},${g.inhabitants},${Math.round(g.inhabitants! * scale)}`)];
const bu = ['buurt_code,wijk_code,gm_code', ...s.ofLevel('buurt').map(b => { const a = s.ancestors(b.code); return `${b.code},${a[0]!.code},${a[1]!.code}`; })];
writeFileSync('/tmp/gm.csv', gm.join('\n')); writeFileSync('/tmp/bu.csv', bu.join('\n'));
const i = await DuckDBInstance.create(':memory:'); const c = await i.connect();
await c.run(macros(1));
await c.run(`CREATE TABLE gm AS SELECT * FROM read_csv('/tmp/gm.csv', header=true, columns={'gm_code':'VARCHAR','vr_code':'VARCHAR','inhabitants':'BIGINT','target':'BIGINT'})`);
await c.run(`CREATE TABLE buurt_in AS SELECT * FROM read_csv('/tmp/bu.csv', header=true, columns={'buurt_code':'VARCHAR','wijk_code':'VARCHAR','gm_code':'VARCHAR'})`);
const steps = modelSteps();
const upto = Number(process.argv[2] ?? 2);
for (const st of steps.slice(0, upto)) {
  for (const stmt of st.sql.split(/;\s*\n/).filter(x => x.trim())) {
    const t = Date.now(); const cpu = process.cpuUsage();
    await c.run(stmt);
    const d = process.cpuUsage(cpu);
    console.log(st.stage, stmt.trim().split('\n')[0]!.slice(0, 60), Date.now() - t, 'cpu', Math.round((d.user + d.system) / 1000));
  }
}
