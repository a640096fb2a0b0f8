import { CATALOGUE } from '../engine/index.js';
import { DEFAULT_PROFILES } from '../disclosure/index.js';
import { datasetContract } from '../ingest/contracts.js';
import type { IndicatorMeta } from '../api/meta/routes.js';

/** The public description of every indicator in the catalogue (API and release manifests). */
export function indicatorMetadata(): IndicatorMeta[] {
  return CATALOGUE.map((d) => ({
    id: d.id,
    title: d.title,
    description: d.description,
    theme: d.theme,
    kind: d.kind,
    unit: d.unit.nl,
    units: d.unit,
    sources: d.sources.map((s) => ({ dataset: s, provider: datasetContract(s).provider })),
    methodology: d.methodology,
    regionBasis: d.regionBasis,
    levels: [...d.levels],
    years: [...d.years],
    disclosure: { profile: d.disclosure, ...DEFAULT_PROFILES[d.disclosure] },
  }));
}
