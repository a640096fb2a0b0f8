import type { Command } from 'commander';
import { register as registerPseudonym } from './pseudonym.js';
import { register as registerSynth } from './synth.js';
import { register as registerGovernance } from './governance.js';
import { register as registerIndicators } from './indicators.js';
import { register as registerDemo } from './demo.js';
import { register as registerSdc } from './sdc.js';

/**
 * Every capability's subcommands. Add one import and one call per capability module; each
 * module exports `register(program)`.
 */
export function registerCommands(_program: Command): void {
  // registered below as the capabilities land
  registerPseudonym(_program);
  registerSynth(_program);
  registerGovernance(_program);
  registerIndicators(_program);
  registerDemo(_program);
  registerSdc(_program);
}
