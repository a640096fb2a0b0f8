import type { Command } from 'commander';

/**
 * Every capability's subcommands. Add one import and one call per capability module; each
 * module exports `register(program)`.
 */
export function registerCommands(_program: Command): void {
  // registered below as the capabilities land
}
