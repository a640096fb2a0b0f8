/**
 * `samenzicht pseudonymise`, `samenzicht keyholder init|serve`, `samenzicht keys init|rotate`.
 */
import { existsSync } from 'node:fs';
import { extname } from 'node:path';
import type { Command } from 'commander';
import { DuckDBInstance } from '@duckdb/node-api';
import { UsageError } from '../errors.js';
import {
  HttpKeyholder,
  InProcessKeyholder,
  initBrokerKeys,
  initKeyholder,
  pseudonymiseFile,
  PSEUDONYMISE_MEMORY_LIMIT,
  readAccessToken,
  rotateBrokerKeys,
  serveKeyholder,
  type IdentifierKind,
  type KeyholderApi,
} from '../../pseudonym/index.js';

const list = (s: string | undefined): string[] =>
  (s ?? '')
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);

function positiveInt(flag: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1)
    throw new UsageError(`${flag} must be a positive integer, got '${v}'`);
  return n;
}

export interface KeyFlags {
  keys?: string;
  keyholderUrl?: string;
  /** The provider's or broker's access token file from the key holder. */
  tokenFile?: string;
}

/** The key holder of `--keyholder-url` (+ token file or SAMENZICHT_KEYHOLDER_TOKEN) or `--keys DIR`. */
export function keyholderFrom(o: KeyFlags): KeyholderApi {
  if (o.keyholderUrl) {
    const token = o.tokenFile
      ? readAccessToken(o.tokenFile)
      : process.env.SAMENZICHT_KEYHOLDER_TOKEN;
    if (!token)
      throw new UsageError('--keyholder-url needs --token-file FILE or SAMENZICHT_KEYHOLDER_TOKEN');
    return new HttpKeyholder(list(o.keyholderUrl), token);
  }
  if (o.keys) return new InProcessKeyholder(o.keys);
  throw new UsageError('give --keys DIR (key holder directory) or --keyholder-url URL');
}

export function register(program: Command): void {
  registerPseudonymise(program);
  registerKeyholder(program);
  registerKeys(program);
}

function registerPseudonymise(program: Command): void {
  program
    .command('pseudonymise')
    .description('replace identifier columns by pseudonyms at the provider (CSV with ; or Parquet)')
    .requiredOption('--in <file>', 'the provider file')
    .requiredOption('--out <file>', 'the pseudonymised file (a manifest is written next to it)')
    .requiredOption(
      '--id-columns <list>',
      'identifier columns, e.g. bsn,kvk_nummer (optionally name:bsn|kvk)',
    )
    .option('--scheme <scheme>', 'keyed | pep', 'keyed')
    .option('--drop-columns <list>', 'direct identifiers to drop (name, address, e-mail, phone)')
    .option('--nullable-columns <list>', 'id columns that may be empty (kept empty, not rejected)')
    .option('--reject <file>', 'rows with a missing/invalid id (default: <in>.rejects.<ext>)')
    .option('--key-version <n>', 'K1 version (keyed) or PEP key set version (pep)')
    .option('--keys <dir>', 'key holder directory (in-process key holder)')
    .option('--keyholder-url <url>', 'key holder service url(s), comma-separated')
    .option('--token-file <file>', 'provider-access.json from the key holder')
    .option(
      '--memory-limit <size>',
      `DuckDB's memory cap, e.g. 2GB; beyond it it spills next to --out (default ${PSEUDONYMISE_MEMORY_LIMIT})`,
    )
    .action(pseudonymiseAction);
}

/** `--id-columns name[:bsn|kvk],…` into the column names and the kinds given. */
function parseIdColumns(text: string | undefined): {
  idColumns: string[];
  idKinds: Record<string, IdentifierKind>;
} {
  const idColumns: string[] = [];
  const idKinds: Record<string, IdentifierKind> = {};
  for (const spec of list(text)) {
    const [name, kind] = spec.split(':') as [string, string | undefined];
    if (kind !== undefined && kind !== 'bsn' && kind !== 'kvk') {
      throw new UsageError(`--id-columns ${spec}: kind must be bsn or kvk`);
    }
    idColumns.push(name);
    if (kind) idKinds[name] = kind;
  }
  return { idColumns, idKinds };
}

async function pseudonymiseAction(o: KeyFlags & Record<string, string | undefined>) {
  const scheme = o.scheme;
  if (scheme !== 'keyed' && scheme !== 'pep')
    throw new UsageError(`--scheme must be keyed or pep, got '${scheme}'`);
  const inFile = o.in as string;
  if (!existsSync(inFile)) throw new UsageError(`--in ${inFile}: file not found`);
  const { idColumns, idKinds } = parseIdColumns(o.idColumns);
  const ext = extname(inFile) || '.csv';
  const manifest = await pseudonymiseFile({
    inFile,
    outFile: o.out as string,
    scheme,
    idColumns,
    idKinds,
    dropColumns: list(o.dropColumns),
    nullableColumns: list(o.nullableColumns),
    rejectFile: o.reject ?? `${inFile.slice(0, inFile.length - ext.length)}.rejects${ext}`,
    keys: keyholderFrom(o),
    keyVersion: positiveInt('--key-version', o.keyVersion),
    ...(o.memoryLimit ? { memoryLimit: o.memoryLimit } : {}),
  });
  process.stdout.write(
    `${manifest.outFile}: ${manifest.rowsOut} of ${manifest.rowsIn} rows pseudonymised (${manifest.distinctIds} distinct ${manifest.distinctIds === 1 ? 'identifier' : 'identifiers'}, ${manifest.scheme}, key version ${manifest.keyVersion}), ${manifest.rowsRejected} rejected\n`,
  );
}

function registerKeyholder(program: Command): void {
  const kh = program
    .command('keyholder')
    .description('the key holder and PEP transcryptor service');
  kh.command('init')
    .description(
      'create K1, the PEP key set and the n transcryptor shares (secret files mode 0600)',
    )
    .requiredOption('--dir <dir>', 'directory for the key files')
    .option('--transcryptors <n>', 'number of PEP transcryptors', '3')
    .action(async (o: { dir: string; transcryptors: string }) => {
      const n = positiveInt('--transcryptors', o.transcryptors) as number;
      try {
        const pub = await initKeyholder(o.dir, { transcryptors: n });
        process.stdout.write(
          `key holder initialised in ${o.dir}: K1 version ${pub.k1Version}, PEP key set version ${pub.pep.version} with ${n} transcryptors\n`,
        );
      } catch (e) {
        if ((e as Error).message.includes('already exists'))
          throw new UsageError((e as Error).message);
        throw e;
      }
    });
  kh.command('serve')
    .description('serve the roles found in --dir over HTTP on 127.0.0.1')
    .requiredOption('--dir <dir>', 'key holder directory')
    .option('--port <port>', 'port (0 = any free port)', '8461')
    .action(async (o: { dir: string; port: string }) => {
      const port = Number(o.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw new UsageError(`--port must be 0..65535, got '${o.port}'`);
      const { app, url } = await serveKeyholder(o.dir, port);
      process.stdout.write(`keyholder listening on ${url}\n`);
      await new Promise<void>((resolve) => {
        const stop = () => void app.close().then(() => resolve());
        process.once('SIGTERM', stop);
        process.once('SIGINT', stop);
      });
    });
}

function registerKeys(program: Command): void {
  const keys = program.command('keys').description('the broker key (K2 / PEP broker domain)');
  keys
    .command('init')
    .description('create the broker key file (mode 0600)')
    .requiredOption('--dir <dir>', 'broker key directory')
    .option('--accept-k1-version <n>', 'K1 version the broker links on', '1')
    .action((o: { dir: string; acceptK1Version: string }) => {
      const k = initBrokerKeys(o.dir, {
        acceptK1Version: positiveInt('--accept-k1-version', o.acceptK1Version),
      });
      process.stdout.write(`broker keys initialised in ${o.dir}: version ${k.current}\n`);
    });
  keys
    .command('rotate')
    .description('new broker key; re-pseudonymise every stored contribution without raw ids')
    .requiredOption('--dir <dir>', 'broker key directory')
    .requiredOption('--db <file>', 'the broker DuckDB database')
    .option('--keyholder-url <url>', 'transcryptor url(s), for pep pseudonyms')
    .option('--token-file <file>', 'broker-access.json from the key holder')
    .option('--keys <dir>', 'key holder directory (in-process transcryptors, demo)')
    .action(async (o: KeyFlags & { dir: string; db: string }) => {
      if (!existsSync(o.db)) throw new UsageError(`--db ${o.db}: database not found`);
      const keyholder = o.keyholderUrl || o.keys ? keyholderFrom(o) : undefined;
      const instance = await DuckDBInstance.create(o.db);
      const conn = await instance.connect();
      try {
        const r = await rotateBrokerKeys(conn, { keysDir: o.dir, keyholder });
        process.stdout.write(
          `broker key rotated from version ${r.fromVersion} to ${r.toVersion}: ${r.values} delivered values, ` +
            `${r.columns.map((c) => `${c.table}.${c.column} (${c.rowsUpdated} rows)`).join(', ') || 'no columns'}\n`,
        );
      } finally {
        conn.closeSync();
        instance.closeSync();
      }
    });
}
