/**
 * The `samenzicht` command. Each capability registers its own subcommands from
 * `src/cli/commands/<capability>.ts`; this file only wires them and maps errors to exit codes.
 */
import { Command, CommanderError } from 'commander';
import { UsageError } from './errors.js';
import { registerCommands } from './commands/index.js';

export async function main(argv: string[]): Promise<number> {
  const program = new Command('samenzicht')
    .description('Samenzicht: one government on problems no single body can solve')
    .exitOverride()
    .showHelpAfterError(false)
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  registerCommands(program);
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // commander already printed its one-line message (or the help text).
      return err.exitCode === 0 ? 0 : 2;
    }
    if (err instanceof UsageError) {
      process.stderr.write(`samenzicht: ${err.message}\n`);
      return 2;
    }
    process.stderr.write(`samenzicht: ${err instanceof Error ? err.message : String(err)}\n`);
    if (process.env.SAMENZICHT_DEBUG && err instanceof Error)
      process.stderr.write(`${err.stack}\n`);
    return 1;
  }
}
