/**
 * `samenzicht init`: a new broker instance (configuration, state database, broker key, first
 * administrator). `samenzicht serve --data DIR` then runs it (src/cli/commands/demo.ts).
 */
import { existsSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { GovernanceError, withChannel } from '../../governance/index.js';
import { initInstance, InstanceError, type InitOptions } from '../../instance/index.js';
import { CatalogueFileError, IndicatorDefinitionError } from '../../indicators/index.js';
import { RegionsDirError } from '../../regions/index.js';
import { AreaError } from '../../synth/index.js';
import { UsageError } from '../errors.js';

interface InitFlags {
  data: string;
  database?: string;
  regions?: string;
  regionsYear?: string;
  area?: string;
  scheme: string;
  keyholderUrl?: string;
  keyholderTokenFile?: string;
  catalogue: string[];
  adminEmail: string;
  adminName?: string;
  organisation?: string;
  organisationName?: string;
  tokenFile?: string;
  runMemory?: string;
}

const collect = (v: string, acc: string[]) => [...acc, v];

export function register(program: Command): void {
  program
    .command('init')
    .description(
      'create a broker instance: configuration, state database, broker key and a first administrator (prints its one-time token)',
    )
    .requiredOption('--data <DIR>', 'new or empty directory for the instance')
    .option(
      '--database <URL>',
      'PostgreSQL for the state (default $DATABASE_URL, else SQLite in --data)',
    )
    .option(
      '--regions <DIR>',
      "CBS region directory ('project' = the shipped one, 'synthetic' = generated test country)",
      'project',
    )
    .option('--regions-year <YEAR>', 'which division of the region directory (default its newest)')
    .option('--area <AREA>', 'a regional instance: VRxx or GMxxxx,GMxxxx (default all of it)')
    .option('--scheme <keyed|pep>', 'how providers pseudonymise', 'keyed')
    .option('--keyholder-url <URL>', 'transcryptor URL(s), comma-separated (scheme pep)')
    .option('--keyholder-token-file <FILE>', "the key holder's broker-access.json (scheme pep)")
    .option(
      '--catalogue <DIR>',
      "the instance's own indicator definitions (repeatable)",
      collect,
      [],
    )
    .requiredOption('--admin-email <EMAIL>', "the first administrator's email")
    .option('--admin-name <NAME>', "the administrator's name", 'Administrator')
    .option('--organisation <ID>', 'id of the broker organisation', 'broker')
    .option('--organisation-name <NAME>', 'its name', 'Broker (neutral party)')
    .option('--token-file <FILE>', 'write the token to FILE (mode 0600) instead of printing it')
    .option(
      '--run-memory <SIZE>',
      "a run's memory budget, its JavaScript heap and DuckDB's (which spills beyond its share) together (default 8GB)",
    )
    .action(initAction);
}

/** The flags as `initInstance` options; the checks a flag alone allows come first. */
function initOptions(o: InitFlags): InitOptions {
  const dataDir = resolve(o.data);
  if (o.scheme !== 'keyed' && o.scheme !== 'pep')
    throw new UsageError(`--scheme '${o.scheme}': use keyed or pep`);
  const scheme = o.scheme;
  if (o.tokenFile && existsSync(o.tokenFile))
    throw new UsageError(`--token-file ${o.tokenFile} exists; the token is written to a new file`);
  let year: number | undefined;
  if (o.regionsYear !== undefined) {
    year = Number(o.regionsYear);
    if (!/^\d{4}$/.test(o.regionsYear))
      throw new UsageError(`--regions-year '${o.regionsYear}' is not a year`);
  }
  const regionsDir =
    o.regions === 'project' || o.regions === 'synthetic' ? o.regions : resolve(o.regions!);
  const databaseUrl = o.database ?? process.env.DATABASE_URL;
  return {
    dataDir,
    ...(databaseUrl ? { databaseUrl } : {}),
    regions: {
      dir: regionsDir,
      ...(year !== undefined ? { year } : {}),
      ...(o.area ? { area: o.area } : {}),
    },
    scheme,
    ...(o.keyholderUrl && o.keyholderTokenFile
      ? {
          keyholder: {
            urls: o.keyholderUrl.split(',').map((s) => s.trim()),
            tokenFile: resolve(o.keyholderTokenFile),
          },
        }
      : {}),
    catalogue: o.catalogue.map((d) => resolve(d)),
    ...(o.runMemory ? { runMemoryLimit: o.runMemory } : {}),
    admin: {
      email: o.adminEmail,
      name: o.adminName ?? 'Administrator',
      organisationId: o.organisation ?? 'broker',
      organisationName: o.organisationName ?? 'Broker (neutral party)',
    },
  };
}

async function initAction(o: InitFlags): Promise<void> {
  const options = initOptions(o);
  let result;
  try {
    // Done on the broker's host, not through its API: the audit trail says so.
    result = await withChannel('host', () => initInstance(options));
  } catch (err) {
    if (
      err instanceof InstanceError ||
      err instanceof GovernanceError ||
      err instanceof RegionsDirError ||
      err instanceof AreaError ||
      err instanceof CatalogueFileError ||
      err instanceof IndicatorDefinitionError
    )
      throw new UsageError(err.message);
    throw err;
  }
  const say = (s: string) => process.stderr.write(`${s}\n`);
  say(`instance created in ${options.dataDir}`);
  say(`  state database: ${result.config.database}`);
  say(`  region set: ${result.regionSet}`);
  say(`  catalogue: ${result.indicators} indicators`);
  say(`  pseudonymisation: ${result.config.scheme}`);
  say(`  administrator: ${result.admin.email} (organisation ${result.admin.organisation})`);
  if (o.tokenFile) {
    writeFileSync(o.tokenFile, `${result.token}\n`, { mode: 0o600, flag: 'wx' });
    say(`  the administrator's token is in ${o.tokenFile} (mode 0600)`);
  } else {
    say("  the administrator's API token (shown once; it is stored only as a hash):");
    process.stdout.write(`${result.token}\n`);
  }
  say(
    `  the token expires on ${result.tokenExpiresAt.slice(0, 10)}; make a new one before then with \`samenzicht tokens create\``,
  );
  say(`next: samenzicht serve --data ${o.data}`);
}
