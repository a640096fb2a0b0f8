/**
 * `samenzicht run`: start a run on the broker and follow it to its candidate release;
 * `samenzicht runs list|show|restart`. All over the API, as the logged-in broker user.
 */
import type { Command } from 'commander';
import type { BrokerClient } from '../../client/http.js';
import { followRun } from '../../client/runs.js';
import type { Run } from '../../governance/index.js';
import { UsageError } from '../errors.js';
import {
  brokerOptions,
  connect,
  seg,
  withBroker,
  type BrokerCliOptions,
} from './broker-client-options.js';

type ClientFlags = BrokerCliOptions;
const clientOptions = brokerOptions;

const list = (s: string | undefined) =>
  s === undefined
    ? undefined
    : s
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean);

function years(text: string | undefined): number[] | undefined {
  if (text === undefined) return undefined;
  const m = /^(\d{4})(?:-(\d{4}))?$/.exec(text.trim());
  if (!m) throw new UsageError(`--years '${text}': give a year or a range, e.g. 2019-2023`);
  const from = Number(m[1]);
  const to = Number(m[2] ?? m[1]);
  if (to < from) throw new UsageError(`--years '${text}': the range runs backwards`);
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

export function runLine(r: Run): string {
  const where =
    r.state === 'running'
      ? `${r.stage ?? 'starting'}${r.progress ? ` ${r.progress.done}/${r.progress.total} ${r.progress.what}` : ''}`
      : r.state === 'candidate'
        ? `release ${r.releaseId} (cells ${r.cellsHash?.slice(0, 12)})`
        : (r.error ?? '');
  return `${r.id}  ${r.state}  indicators ${r.indicators.length}  inputs ${r.inputs.length}  ${where}`;
}

/** Follows the run, printing each new line, to the state that decides the exit code. */
function followPrinting(c: BrokerClient, id: string): Promise<Run> {
  let last = '';
  return followRun(c, id, {
    onUpdate: (r) => {
      const line = runLine(r);
      if (line !== last) process.stderr.write(`${line}\n`);
      last = line;
    },
  });
}

async function finish(c: BrokerClient, run: Run, o: ClientFlags & { follow: boolean }) {
  const r = o.follow ? await withBroker(o, () => followPrinting(c, run.id)) : run;
  process.stdout.write(o.json ? `${JSON.stringify(r)}\n` : `${runLine(r)}\n`);
  if (o.follow && r.state !== 'candidate') process.exitCode = 1;
}

export function register(program: Command): void {
  clientOptions(
    program
      .command('run')
      .description(
        'compute the indicators the agreements allow from the stored contributions; the result enters the airlock',
      )
      .option('--indicators <IDS>', 'only these indicators (comma-separated)')
      .option('--detail <IDS>', "indicators also per wijk and buurt (default 'all')")
      .option('--no-breakdowns', 'leave out the breakdowns by sex and age group')
      .option(
        '--years <RANGE>',
        'the years (default: every year the dated sources have rows in), e.g. 2019-2023',
      )
      .option('--no-follow', 'return once the run has started'),
  ).action(
    async (
      o: ClientFlags & {
        indicators?: string;
        detail?: string;
        breakdowns: boolean;
        years?: string;
        follow: boolean;
      },
    ) => {
      const c = connect(o);
      const detail = o.detail === undefined || o.detail === 'all' ? undefined : list(o.detail);
      const body = {
        ...(o.indicators ? { indicators: list(o.indicators) } : {}),
        ...(detail ? { detail } : {}),
        ...(o.breakdowns === false ? { breakdowns: false } : {}),
        ...(o.years ? { years: years(o.years) } : {}),
      };
      const run = await withBroker(o, () => c.post<Run>('/runs', body));
      await finish(c, run, o);
    },
  );

  const runs = program.command('runs').description('runs on the broker');
  clientOptions(runs.command('list').description('runs, newest first')).action(
    async (o: ClientFlags) => {
      const all = await withBroker(o, async (c) => (await c.get<{ runs: Run[] }>('/runs')).runs);
      if (o.json) return void process.stdout.write(`${JSON.stringify(all)}\n`);
      for (const r of all) process.stdout.write(`${runLine(r)}\n`);
    },
  );
  clientOptions(runs.command('show <id>').description('one run')).action(
    async (id: string, o: ClientFlags) => {
      const r = await withBroker(o, (c) => c.get<Run>(`/runs/${seg(id)}`));
      process.stdout.write(o.json ? `${JSON.stringify(r)}\n` : `${runLine(r)}\n`);
    },
  );
  clientOptions(
    runs
      .command('restart <id>')
      .description('restart an interrupted or failed run on the same inputs')
      .option('--no-follow', 'return once the run has restarted'),
  ).action(async (id: string, o: ClientFlags & { follow: boolean }) => {
    const c = connect(o);
    const run = await withBroker(o, () => c.post<Run>(`/runs/${seg(id)}/restart`));
    await finish(c, run, o);
  });
}
