import { geography, cellsForYear, catalogue, rng } from './bench/sdc.ts';
import { protect, DEFAULT_PROFILES, buildModel } from './src/disclosure/index.js';
const geo = geography(0.1, rng(42));
const series = catalogue(2).slice(1);
const cells = cellsForYear(2019, geo, series);
const m = buildModel(cells);
try { await protect({ cells, profiles: { telling_1: DEFAULT_PROFILES.count } }); console.log('ok'); }
catch (e) {
  const msg = String(e); console.log(msg.slice(0, 300));
  const id = 'cnt1|2019|VR10|';
  const v = m.vars.findIndex(x => x.id === id);
  for (const q of m.varEquations[v]!) { const e = m.equations[q]!; console.log([e.parent, ...e.children].map(k => m.vars[k]!.id + '=' + m.vars[k]!.truth).join('  ')); }
}
