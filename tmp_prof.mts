import { existsSync } from 'node:fs';
import { loadRegionSet, resolveRegionsDir } from './src/regions/index.js';
import { synthesise } from './src/synth/index.js';
import { openBrokerDatabase } from './src/engine/session.js';
import { hierarchyOf, loadSynthAsBroker, computeIndicators, explain } from './src/engine/index.js';
import { compileSelect } from './src/engine/sql.js';
import { seriesQuery, groupCountQuery } from './src/engine/plan.js';
import { getIndicator } from './src/indicators/index.js';
const file = '/tmp/prof-001.duckdb';
const fresh = !existsSync(file);
const db = await openBrokerDatabase(file);
if (fresh) {
  const regions = await loadRegionSet(resolveRegionsDir({}).dir, { seed: 1 });
  await synthesise({ scale: 0.01, seed: 1, outDir: '/tmp/prof-synth', regions });
  await loadSynthAsBroker(db.conn, '/tmp/prof-synth', hierarchyOf(regions));
}
const t = async (label: string, f: () => Promise<unknown>) => { const s = Date.now(); await f(); console.log(label, Date.now() - s, 'ms'); };
const years = [2019, 2020, 2021, 2022, 2023];
for (const id of ['jeugdwerkloosheid', 'fiu_gemeld_bedrag']) {
  const d = getIndicator(id);
  await t(`${id} compute`, () => computeIndicators(db.conn, { years, indicators: [id] }));
  const q = d.denominator ? compileSelect(groupCountQuery([d.numerator, d.denominator], []), years) : compileSelect(seriesQuery(d.numerator, []), years);
  await t(`${id} query`, () => db.conn.runAndReadAll(q.sql, q.params as any));
  await t(`${id} query again`, () => db.conn.runAndReadAll(q.sql, q.params as any));
  const r = await db.conn.runAndReadAll('EXPLAIN ANALYZE ' + q.sql, q.params as any);
  if (process.env.PLAN) console.log(r.getRowsJS().map(x => x[1]).join('\n'));
}
await t('regions', () => db.conn.runAndReadAll('SELECT DISTINCT buurt_code, wijk_code, gemeente_code, veiligheidsregio_code FROM region_hierarchy'));
db.close();
