/**
 * The synthetic population and its registers as DuckDB SQL, one step per concern (model/). All
 * randomness is `hash(seed, stream, key...)`: a pure function of the seed and the row's identity,
 * so a run is reproducible however DuckDB schedules its threads. Weights and prices are integers
 * wherever they feed a cumulative sum, so no floating-point summation order can change a result.
 */
import { FIRST_YEAR, LAST_YEAR } from './params.js';
import { modelContext, type ModelContext, type ModelStep } from './model/context.js';
import { regionsStep } from './model/regions.js';
import { householdsStep } from './model/households.js';
import { personsStep } from './model/persons.js';
import { incomeStep } from './model/income.js';
import { crimeStep } from './model/crime.js';
import { businessesStep } from './model/businesses.js';
import { propertyStep } from './model/property.js';
import { fiuStep } from './model/fiu.js';
import { benefitsStep } from './model/benefits.js';

export type { ModelStep } from './model/context.js';
export { CASH_INTENSIVE_SBI } from './model/sbi.js';
export { macros } from './model/random.js';

/** In this order: each step reads the tables of the steps before it. */
const STEPS: readonly ((ctx: ModelContext) => ModelStep)[] = [
  regionsStep,
  householdsStep,
  personsStep,
  incomeStep,
  crimeStep,
  businessesStep,
  propertyStep,
  fiuStep,
  benefitsStep,
];

export function modelSteps(): ModelStep[] {
  const ctx = modelContext(FIRST_YEAR, LAST_YEAR);
  return STEPS.map((s) => s(ctx));
}
