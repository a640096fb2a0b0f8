/** What each tally of the ground truth reads and adds to. */
import type { Lookups, Registers } from './registers.js';
import type { SeriesSet } from './series.js';

export interface TallyContext {
  registers: Registers;
  lookups: Lookups;
  series: SeriesSet;
}

/** Adds the units of one year to their series. */
export type Tally = (ctx: TallyContext, year: number) => void;
