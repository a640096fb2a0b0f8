/** `samenzicht regions import` and `samenzicht regions list`: the CBS region sets. */
import { existsSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { Command } from 'commander';
import {
  MAX_YEAR,
  MIN_YEAR,
  RegionImportError,
  SYNTHETIC_REGIONS,
  describeDir,
  importRegionDivision,
  listRegionSets,
  projectRegionsDir,
  resolveRegionsDir,
} from '../../regions/index.js';
import { UsageError } from '../errors.js';
import { parseRegionsOption } from '../options.js';

const kB = (n: number) => `${(n / 1024).toFixed(n < 10_240 ? 1 : 0)} kB`;

function parseYear(text: string | undefined): number {
  if (text === undefined) throw new UsageError('--year Y is required (the year of the division)');
  const year = Number(text);
  if (!/^\d{4}$/.test(text) || year < MIN_YEAR || year > MAX_YEAR) {
    throw new UsageError(`--year '${text}' must be a year from ${MIN_YEAR} to ${MAX_YEAR}`);
  }
  return year;
}

/** Where an import goes: `--data DIR`, else $SAMENZICHT_REGIONS, else the project's own data. */
export function importTargetDir(option: string | undefined, env = process.env): string {
  const chosen = option ?? env.SAMENZICHT_REGIONS;
  if (chosen === SYNTHETIC_REGIONS) {
    throw new UsageError(
      `cannot import into the synthetic country; give --data DIR (SAMENZICHT_REGIONS is '${SYNTHETIC_REGIONS}')`,
    );
  }
  if (chosen !== undefined && chosen !== '') {
    const dir = resolve(chosen);
    if (existsSync(dir) && !statSync(dir).isDirectory())
      throw new UsageError(`--data ${chosen} is not a directory`);
    return dir;
  }
  return projectRegionsDir();
}

export function register(program: Command): void {
  const regions = program
    .command('regions')
    .description('CBS region sets: list them, import a newer CBS/PDOK division');
  registerImport(regions);
  registerList(regions);
}

type ImportResult = Awaited<ReturnType<typeof importRegionDivision>>;

/** What an import did, and whether demo and serve will now load it. */
function importReport(
  result: ImportResult,
  input: string,
  year: number,
  dataDir: string,
): string[] {
  const { meta } = result;
  const lines = [
    `imported ${basename(input)} (${kB(result.inputBytes)}) as the ${year} division: ` +
      `${meta.counts.gemeente} gemeenten, ${meta.counts.wijk} wijken, ${meta.counts.buurt} buurten, ` +
      `${meta.veiligheidsregios.length} veiligheidsregio's; stored ${kB(result.bytes)} (Brotli)`,
  ];
  if (meta.skippedWater > 0)
    lines.push(`left out ${meta.skippedWater} water parts (field water = JA)`);
  if (meta.fromTable.table)
    lines.push(
      `from ${meta.fromTable.table}: the veiligheidsregio of ${meta.fromTable.veiligheidsregio} and the inhabitants of ${meta.fromTable.inhabitants} gemeenten`,
    );
  if (result.gemeentenWithoutWijken.length > 0)
    lines.push(
      `${result.gemeentenWithoutWijken.length} gemeenten have no wijken in the file and get synthetic ones: ${result.gemeentenWithoutWijken.slice(0, 10).join(', ')}${result.gemeentenWithoutWijken.length > 10 ? ', …' : ''}`,
    );
  const newest = listRegionSets(dataDir)[0];
  let used = false;
  try {
    used = resolveRegionsDir({ env: process.env }).dir === dataDir;
  } catch {
    used = false;
  }
  if (newest && newest.files[0] !== result.path) {
    lines.push(
      `note: ${describeDir(dataDir)} has a newer set (${newest.year}), which demo and serve load first`,
    );
  } else if (used) {
    lines.push(`demo and serve now use this ${year} division`);
  } else {
    lines.push(
      `to use it: --regions ${dataDir} (or SAMENZICHT_REGIONS=${dataDir}) with demo, serve or synth`,
    );
  }
  return lines;
}

async function importAction(file: string, o: { year?: string; data?: string; force?: boolean }) {
  const year = parseYear(o.year);
  const input = resolve(file);
  if (!existsSync(input) || !statSync(input).isFile())
    throw new UsageError(`${file} does not exist or is not a file`);
  const dataDir = importTargetDir(o.data);
  let result;
  try {
    result = await importRegionDivision({ file: input, year, dataDir, force: o.force });
  } catch (err) {
    // The file is wrong, not the program: one line naming file, feature and field.
    if (err instanceof RegionImportError) throw new UsageError(err.message);
    throw err;
  }
  process.stdout.write(`${result.path}\n`);
  for (const l of importReport(result, input, year, dataDir)) process.stderr.write(`${l}\n`);
}

function registerImport(regions: Command): void {
  regions
    .command('import <FILE>')
    .description(
      'add a CBS/PDOK division (GeoJSON or TopoJSON of gemeenten, wijken and buurten, WGS84) for one year',
    )
    .option('--year <Y>', 'the year of the division (required)')
    .option(
      '--data <DIR>',
      "region directory to store it in (default: $SAMENZICHT_REGIONS, else the project's src/regions/cbs-files)",
    )
    .option('--force', 'replace an earlier import of the same year')
    .action(importAction);
}

function registerList(regions: Command): void {
  regions
    .command('list')
    .description('the region sets the loader can use, the one it picks first')
    .option('--regions <DIR>', `region directory or '${SYNTHETIC_REGIONS}' (default as demo)`)
    .action((o: { regions?: string }) => {
      const where = parseRegionsOption(o.regions);
      if (where.dir === null) {
        process.stdout.write(`synthetic country (--regions ${SYNTHETIC_REGIONS})\n`);
        return;
      }
      process.stdout.write(`${describeDir(where.dir)} (from ${where.how})\n`);
      listRegionSets(where.dir).forEach((s, i) => {
        const files = s.files.map((f) => basename(f)).join(', ');
        process.stdout.write(
          `${i === 0 ? '* ' : '  '}${s.year} ${s.kind === 'import' ? 'imported' : 'CBS base'}: ${files}\n`,
        );
      });
    });
}
