/**
 * Runs the pseudonym subcommands as the real CLI does (same register(), same error mapping), in a
 * child process. Used by the tests to start `keyholder serve` as its own process.
 */
import { Command } from 'commander';
import { register } from '../../src/cli/commands/pseudonym.js';

const program = new Command('samenzicht').exitOverride();
register(program);
try {
  await program.parseAsync(process.argv);
} catch (e) {
  process.stderr.write(`samenzicht: ${(e as Error).message}\n`);
  process.exitCode = (e as Error).name === 'UsageError' ? 2 : 1;
}
