/** The validated catalogue, looked up by id. */
import { datasetContract } from '../ingest/contracts.js';
import { loadCatalogue } from './files.js';
import { methodologyText } from './methodology.js';
import type { ResolvedIndicator } from './schema.js';

/** The shipped indicators, validated at import: a bad file fails here, naming file and field. */
export const CATALOGUE: readonly ResolvedIndicator[] = Object.freeze(loadCatalogue());

const byId = new Map(CATALOGUE.map((d) => [d.id, d]));

export function getIndicator(id: string): ResolvedIndicator {
  const d = byId.get(id);
  if (!d) throw new Error(`unknown indicator '${id}' (known: ${[...byId.keys()].join(', ')})`);
  return d;
}

/** The public description of an indicator, as the API lists it (`GET /api/v1/indicators`). */
export function describeIndicator(d: ResolvedIndicator) {
  return {
    id: d.id,
    title: d.title,
    description: d.description,
    theme: d.theme,
    kind: d.kind,
    unit: d.unit,
    sources: d.sources.map((dataset) => ({ dataset, provider: datasetContract(dataset).provider })),
    // What counts, what is left out, how rounding works, where a unit is counted: one text.
    methodology: methodologyText(d),
    regionBasis: d.regionBasis,
    levels: d.levels,
    years: d.years,
    breakdowns: d.breakdowns,
    disclosure: d.disclosure,
  };
}
