/** `samenzicht release audit ID`: re-audits a stored release. */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { reauditRelease } from '../../pipeline/reaudit.js';
import { DEFAULT_DATA_DIR } from './demo.js';

export function register(program: Command): void {
  const release = program.command('release').description('stored releases');
  release
    .command('audit <id>')
    .description('recompute the true values and audit the published figures again')
    .option('--data <DIR>', 'data directory', DEFAULT_DATA_DIR)
    .option('--json', 'print the whole audit report as JSON')
    .action(async (id: string, o: { data: string; json?: boolean }) => {
      const report = await reauditRelease(resolve(o.data), id);
      if (o.json) {
        process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      } else {
        process.stdout.write(
          `release ${id}: audit ${report.passed ? 'passed' : 'FAILED'} — ${report.checkedVariables} suppressed figures checked, ${report.lpSolves} LPs\n`,
        );
        for (const r of report.rules) {
          process.stdout.write(
            `  ${r.rule}: ${r.cells} figures, narrowest margin ${r.narrowestMargin ?? '–'}${r.passed ? '' : ' FAILED'}\n`,
          );
        }
        for (const f of report.failing.slice(0, 20)) {
          process.stdout.write(
            `  FAIL ${f.cells.join(' + ')}: interval [${f.lower}, ${f.upper}], needs width ${f.required}\n`,
          );
        }
      }
      if (!report.passed) process.exitCode = 1;
    });
}
