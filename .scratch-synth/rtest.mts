import { loadRegionSet, resolveRegionsDir } from '../src/regions/index.js';
import { geoArea } from 'd3-geo';
const t0 = Date.now();
const r = resolveRegionsDir({ cwd: '/work/main' });
console.log(r);
const s = await loadRegionSet(r.dir);
console.log(s.source.description, Date.now() - t0);
for (const l of ['nederland','veiligheidsregio','gemeente','wijk','buurt'] as const) {
  const fc = s.geoJson(l);
  const bad = fc?.features.filter(f => geoArea(f) >= 2*Math.PI).length;
  console.log(l, s.ofLevel(l).length, s.ofLevel(l).filter(x=>x.synthetic).length, fc?.features.length, bad, Date.now()-t0);
}
console.log(s.ancestors('BU03630000').map(x=>x.code), s.geoJson('buurt','GM0363')?.features.length);
const syn = await loadRegionSet(null);
console.log(syn.source.description, syn.ofLevel('buurt').length, syn.geoJson('gemeente')?.features.map(f=>geoArea(f)).slice(0,2));
