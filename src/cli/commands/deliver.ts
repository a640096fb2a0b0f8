/**
 * `samenzicht deliver`: a provider delivers one file to the broker. Pseudonymised at home (the
 * rows with a missing or invalid identifier stay at home, in the work directory), uploaded in
 * chunks that resume where the broker stands after a break, then the broker's validation report:
 * rows loaded, quarantined per reason, the period, the version, and where the per-row quarantine
 * report is read.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Command } from 'commander';
import {
  deliverFile,
  DeliveryError,
  type DeliveryPhase,
  type DeliveryReport,
} from '../../client/deliver.js';
import { DATASETS } from '../../ingest/contracts.js';
import {
  PseudonymiseError,
  UndeclaredIdentifierError,
  type KeyholderApi,
} from '../../pseudonym/index.js';
import { UsageError } from '../errors.js';
import {
  brokerOptions,
  cliError,
  connect,
  print,
  type BrokerCliOptions,
} from './broker-client-options.js';
import { keyholderFrom } from './pseudonym.js';

interface DeliverFlags extends BrokerCliOptions {
  dataset: string;
  keyholderUrl?: string;
  keyholderTokenFile?: string;
  keys?: string;
  scheme: string;
  work?: string;
  chunkMib?: string;
}

const size = (n: number) =>
  n < 1024
    ? `${n} bytes`
    : n < 1024 ** 2
      ? `${(n / 1024).toFixed(1)} KiB`
      : n < 1024 ** 3
        ? `${(n / 1024 ** 2).toFixed(1)} MiB`
        : `${(n / 1024 ** 3).toFixed(2)} GiB`;

/** Progress on stderr: a line per phase, and the upload in steps of 10% (in place on a terminal). */
function progressPrinter(dataset: string, out: NodeJS.WriteStream = process.stderr) {
  const tty = Boolean(out.isTTY);
  let lastPhase: DeliveryPhase | null = null;
  let lastStep = -1;
  let open = false;
  const end = () => {
    if (open) out.write('\n');
    open = false;
  };
  const line = (s: string, inPlace: boolean) => {
    if (tty && inPlace) {
      out.write(`\r${s}`);
      open = true;
    } else {
      end();
      out.write(`${s}\n`);
    }
  };
  return {
    update(phase: DeliveryPhase, done: number, total: number) {
      const pct = total > 0 ? Math.floor((100 * done) / total) : 100;
      if (phase === 'upload') {
        const step = Math.floor(pct / 10);
        if (phase === lastPhase && step === lastStep && !tty) return;
        lastStep = step;
        line(`${dataset}: upload ${pct}% (${size(done)} of ${size(total)})`, true);
      } else if (phase !== lastPhase && done < total) {
        const what = {
          hash: 'checksum of the input',
          pseudonymise: 'pseudonymising at home',
          validate: 'the broker validates the rows',
        }[phase];
        line(`${dataset}: ${what} …`, false);
      }
      lastPhase = phase;
    },
    end,
  };
}

function reportLines(r: DeliveryReport): string[] {
  const p = r.provider;
  const reasons = Object.entries(r.reasons).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const kept = Object.entries(p.keptBackReasons).sort((a, b) => b[1] - a[1]);
  return [
    `${r.dataset}: contribution ${r.contribution}, version ${r.version}${r.upload.alreadyDelivered ? ' (delivered earlier)' : ''}`,
    `  file         ${size(r.bytes)}, sha256 ${r.sha256}`,
    `  at home      ${p.rowsIn} rows; ${p.keptBack} kept back (missing or invalid identifier)${p.keptBack > 0 ? ` in ${p.rejectFile}` : ''}`,
    ...kept.map(([k, n]) => `                 ${n}  ${k}`),
    `  loaded       ${r.loaded}`,
    `  quarantined  ${r.quarantined}`,
    ...reasons.map(([k, n]) => `                 ${n}  ${k}`),
    `  period       ${r.period === null ? 'none (a register: replaced whole by a new delivery)' : r.period.length === 0 ? 'no rows loaded' : r.period.join(', ')}`,
    `  quarantine   ${r.quarantineUrl ?? 'no row quarantined'}`,
    `  upload       ${r.upload.resumedFrom > 0 ? `resumed at ${size(r.upload.resumedFrom)}, ` : ''}${size(r.upload.bytesSent)} sent in ${r.upload.chunks} ${r.upload.chunks === 1 ? 'chunk' : 'chunks'}${p.reused ? ' (pseudonymised file reused)' : ''}`,
  ];
}

export function register(program: Command): void {
  brokerOptions(
    program
      .command('deliver')
      .description(
        'deliver a file to the broker: pseudonymise at home, upload resumably, print the validation report',
      )
      .argument(
        '<file>',
        "the provider's file (CSV with ; or Parquet, as the dataset contract says)",
      )
      .requiredOption('--dataset <name>', `the dataset, e.g. ${DATASETS[0]?.id}`)
      .option('--keyholder-url <url>', 'key holder service url(s), comma-separated')
      .option(
        '--keyholder-token-file <file>',
        'provider-access.json from the key holder (or set SAMENZICHT_KEYHOLDER_TOKEN)',
      )
      .option('--keys <dir>', 'key holder directory (in-process key holder, single-machine demo)')
      .option('--scheme <scheme>', 'keyed | pep', 'keyed')
      .option(
        '--work <dir>',
        'where the pseudonymised file and the kept-back rows stay (default: <dir of FILE>/pseudonymised)',
      )
      .option('--chunk-mib <n>', 'upload chunk size in MiB', '8'),
  ).action(deliverAction);
}

/** The key holder of the flags; a missing one is named in `deliver`'s own flags. */
function deliveryKeyholder(o: DeliverFlags): KeyholderApi {
  if (o.keyholderUrl && !o.keyholderTokenFile && !process.env.SAMENZICHT_KEYHOLDER_TOKEN)
    throw new UsageError(
      '--keyholder-url needs --keyholder-token-file FILE (or SAMENZICHT_KEYHOLDER_TOKEN)',
    );
  try {
    return keyholderFrom({
      ...(o.keyholderUrl !== undefined ? { keyholderUrl: o.keyholderUrl } : {}),
      ...(o.keyholderTokenFile !== undefined ? { tokenFile: o.keyholderTokenFile } : {}),
      ...(o.keys !== undefined ? { keys: o.keys } : {}),
    });
  } catch (err) {
    if (err instanceof UsageError) {
      throw new UsageError(
        o.keyholderUrl || o.keys
          ? err.message
          : 'say which key holder: --keyholder-url URL --keyholder-token-file FILE (or --keys DIR)',
      );
    }
    throw new UsageError((err as Error).message);
  }
}

async function deliverAction(file: string, o: DeliverFlags): Promise<void> {
  const dataset = DATASETS.find((d) => d.id === o.dataset);
  if (!dataset)
    throw new UsageError(
      `--dataset '${o.dataset}': unknown dataset (known: ${DATASETS.map((d) => d.id).join(', ')})`,
    );
  if (!existsSync(file) || !statSync(file).isFile())
    throw new UsageError(`${file}: file not found`);
  if (o.scheme !== 'keyed' && o.scheme !== 'pep')
    throw new UsageError(`--scheme must be keyed or pep, got '${o.scheme}'`);
  const chunkMib = Number(o.chunkMib);
  if (!Number.isFinite(chunkMib) || chunkMib <= 0 || chunkMib > 1024)
    throw new UsageError(`--chunk-mib must be a number of MiB from 0 to 1024, got '${o.chunkMib}'`);
  const keyholder = deliveryKeyholder(o);
  const client = connect(o);
  const progress = progressPrinter(dataset.id);
  let report: DeliveryReport;
  try {
    report = await deliverFile({
      client,
      dataset: dataset.id,
      file,
      keyholder,
      scheme: o.scheme,
      workDir: o.work ?? join(dirname(file), 'pseudonymised'),
      chunkBytes: Math.round(chunkMib * 1024 * 1024),
      onProgress: (phase, done, total) => progress.update(phase, done, total),
    });
  } catch (err) {
    progress.end();
    if (
      err instanceof DeliveryError ||
      err instanceof PseudonymiseError ||
      err instanceof UndeclaredIdentifierError
    )
      throw new UsageError(err.message);
    throw cliError(err, client.baseUrl);
  }
  progress.end();
  if (o.json) print(JSON.stringify(report, null, 2));
  else for (const l of reportLines(report)) print(l);
}
