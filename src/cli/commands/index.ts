import type { Command } from 'commander';
import { register as registerDemo } from './demo.js';
import { register as registerSynth } from './synth.js';
import { register as registerPseudonym } from './pseudonym.js';
import { register as registerIndicators } from './indicators.js';
import { register as registerSdc } from './sdc.js';
import { register as registerRelease } from './release.js';
import { register as registerGovernance } from './governance.js';
import { register as registerRegions } from './regions.js';
import { register as registerInstance } from './instance.js';
import { register as registerRuns } from './runs.js';
import { register as registerDeliver } from './deliver.js';

/** Every capability's subcommands; each module exports `register(program)`. */
export function registerCommands(program: Command): void {
  for (const register of [
    registerDemo,
    registerSynth,
    registerPseudonym,
    registerIndicators,
    registerSdc,
    registerRelease,
    registerGovernance,
    registerRegions,
    registerInstance,
    registerRuns,
    registerDeliver,
  ]) {
    register(program);
  }
}
