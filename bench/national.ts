/**
 * `npm run bench -- national [--scale=S] [--area=AREA] [--keep=DIR] [--seed=N] [--no-rerun]
 * [--run-memory=SIZE] [--broker-heap=MB] [--repeat=N] [--sdc-indicators=ID,…] [--deliveries=N]`:
 * the product path (not the demo) at scale S (default 1.0) on the project's CBS region set
 * (issue #20).
 * --run-memory is the instance's run memory budget (the run process's heap and DuckDB's share,
 * src/instance/run-memory.ts; default 20GB), --broker-heap the server's own heap (default V8's),
 * --deliveries how many files the providers deliver at once (default 2, one per core).
 *
 * Untimed: synthetic registers into DIR/providers (DIR = --keep, else a temp dir removed at the
 * end; with --keep they are reused when scale, seed and area match), a broker instance
 * (`initInstance`) served by `samenzicht serve` in a CHILD process, so that its CPU time and
 * memory are its own (/proc/<pid>; a run is a process of the server's own, measured apart and
 * counted in the broker's), the parties and the agreement over HTTP, a key holder. While a run
 * computes, a probe asks the server for /api/v1/health every 100 ms: its longest answer is the
 * longest the server kept the API waiting.
 * Timed: deliver (pseudonymise at the provider = this process, upload, broker validation), the
 * run (split by its reported stage), review and publication. Then, on the run's database: the
 * engine against hand-written SQL, and our suppression against the smallest-sibling baseline;
 * and a re-run after one re-delivered dataset. The last line is the issue's summary line.
 */
import { once } from 'node:events';
import { CLK_TCK, childrenOf, cpuSeconds, statusBytes, treeCpuSeconds } from './proc.js';
import {
  createReadStream,
  createWriteStream,
  existsSync,
  linkSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statfsSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { basename, join, relative, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { loadRegionSet, resolveRegionsDir, type RegionSet } from '../src/regions/index.js';
import { YEARS, selectArea, synthesise, type Area } from '../src/synth/index.js';
import {
  initInstance,
  brokerDatabasePath,
  NATIONAL_RUN_MEMORY,
  runMemoryBudget,
} from '../src/instance/index.js';
import { BrokerClient, BrokerError } from '../src/client/http.js';
import { deliverFile } from '../src/client/deliver.js';
import { DATASETS, PROVIDERS } from '../src/ingest/contracts.js';
import {
  initKeyholder,
  KEYHOLDER_FILE,
  serveKeyholderForProviders,
  type KeyholderApi,
} from '../src/pseudonym/index.js';
import type { Run } from '../src/governance/index.js';
import { readPublicManifest } from '../src/release/index.js';
import { DEMO_ADMIN, DEMO_BROKER, reviewAndPublish, setUpParties } from '../src/demo/parties.js';
import type { DemoParties } from '../src/demo/parties.js';
import { CATALOGUE, computeIndicators, prepareRegionLookup } from '../src/engine/index.js';
import { inScope, profilesOf } from '../src/pipeline/compute.js';
import type { ComputedCell } from '../src/contracts/index.js';
import { protect } from '../src/disclosure/index.js';
import { startBroker, type BrokerProcess } from '../test/product/broker-process.js';
import { flag, positiveFlag } from './_flags.js';
import { HAND, nationalFromHand, sameNationalValues } from './engine.js';

const GiB = 2 ** 30;
const MARKER = 'national-bench.json';
const DEFAULT_SEED = 2023;
/**
 * The suppression comparison's default: a ratio with its breakdown by sex (a 2-D table). On the
 * count families tried at scale 0.02 (jeugdige_drugsverdachten(+_pct), hennepkwekerijen(+per
 * 10,000 woningen)) both strategies chose the same cells; here they differ.
 */
const DEFAULT_SDC_FAMILY = ['problematische_schulden'];

const now = () => performance.now() / 1000;

/** How the run process splits its budget (src/instance/run-memory.ts). */
function runMemoryText(limit: string): string {
  const b = runMemoryBudget(limit);
  return `heap ${b.heapMb} MiB, DuckDB ${b.duckdbMemoryLimit}`;
}
const fmt = (x: number, d = 1) => x.toFixed(d);

// ---------------------------------------------------------------------------------------------

/**
 * The peak RSS of a process per stage. Writing 5 to clear_refs resets VmHWM (allowed for our own
 * processes), so each stage's peak is exact; where that is refused, VmRSS is sampled every 200 ms.
 */
class PeakMeter {
  readonly mode: 'clear_refs' | 'sampled 200 ms';
  private sampled = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(readonly pid: number) {
    this.mode = this.clear() ? 'clear_refs' : 'sampled 200 ms';
    if (this.mode !== 'clear_refs') {
      this.timer = setInterval(() => {
        this.sampled = Math.max(this.sampled, statusBytes(pid, 'VmRSS'));
      }, 200);
      this.timer.unref();
    }
  }

  private clear(): boolean {
    try {
      writeFileSync(`/proc/${this.pid}/clear_refs`, '5');
      return true;
    } catch {
      return false;
    }
  }

  /** The peak since the last call (or since the start), then starts a new period. */
  take(): number {
    if (this.mode === 'clear_refs') {
      const peak = statusBytes(this.pid, 'VmHWM');
      this.clear();
      return peak;
    }
    const rss = statusBytes(this.pid, 'VmRSS');
    const peak = Math.max(this.sampled, rss);
    this.sampled = rss;
    return peak;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }
}

/**
 * The peak RSS per stage of the server's run process, which comes and goes (a child of it). It is
 * sampled every 200 ms (VmHWM, reset per stage by clear_refs where allowed, so a child's peak
 * between two samples still counts); a child's last 200 ms before it ends can be missed.
 */
class RunProcessPeakMeter {
  private readonly peaks = new Map<number, number>();
  private readonly timer: NodeJS.Timeout;

  constructor(readonly parent: number) {
    this.timer = setInterval(() => this.sample(), 200);
    this.timer.unref();
  }

  /** The run processes among the children (under tsx the server also has an esbuild child). */
  private runs(): number[] {
    return childrenOf(this.parent).filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('run-child');
      } catch {
        return false;
      }
    });
  }

  private sample(): void {
    for (const pid of this.runs()) {
      const hwm = Math.max(statusBytes(pid, 'VmHWM'), statusBytes(pid, 'VmRSS'));
      if (hwm > 0) this.peaks.set(pid, Math.max(this.peaks.get(pid) ?? 0, hwm));
    }
  }

  /** The peak since the last call, summed over the run processes seen (one at a time). */
  take(): number {
    this.sample();
    const peak = [...this.peaks.values()].reduce((a, b) => a + b, 0);
    this.peaks.clear();
    for (const pid of this.runs()) {
      try {
        writeFileSync(`/proc/${pid}/clear_refs`, '5');
      } catch {
        // refused, or the child has gone: its VmHWM then stays its peak since it started
      }
    }
    return peak;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

interface StageRow {
  stage: string;
  wall: number;
  /** CPU of the server and its run process. */
  brokerCpu: number;
  /** Peak RSS of the server plus that of its run process: both are the broker's. */
  brokerPeak: number;
  serverPeak: number;
  runPeak: number;
  benchCpu: number;
  benchPeak: number;
}

interface Mark {
  t: number;
  brokerCpu: number;
  benchCpu: number;
}

/**
 * Stage rows of the broker (the server, a child of this process, and its run process) and of this
 * process (the providers' side).
 */
class Meters {
  readonly broker: PeakMeter;
  readonly runs: RunProcessPeakMeter;
  readonly bench: PeakMeter;
  constructor(readonly brokerPid: number) {
    this.broker = new PeakMeter(brokerPid);
    this.runs = new RunProcessPeakMeter(brokerPid);
    this.bench = new PeakMeter(process.pid);
  }
  begin(): Mark {
    this.broker.take();
    this.runs.take();
    this.bench.take();
    return {
      t: now(),
      brokerCpu: treeCpuSeconds(this.brokerPid),
      benchCpu: cpuSeconds(process.pid),
    };
  }
  end(stage: string, m: Mark): StageRow {
    const serverPeak = this.broker.take();
    const runPeak = this.runs.take();
    return {
      stage,
      wall: now() - m.t,
      brokerCpu: treeCpuSeconds(this.brokerPid) - m.brokerCpu,
      brokerPeak: serverPeak + runPeak,
      serverPeak,
      runPeak,
      benchCpu: cpuSeconds(process.pid) - m.benchCpu,
      benchPeak: this.bench.take(),
    };
  }
  stop(): void {
    this.broker.stop();
    this.runs.stop();
    this.bench.stop();
  }
}

/** Several consecutive rows as one (sums of times, maxima of peaks). */
function combine(stage: string, rows: readonly StageRow[]): StageRow {
  return {
    stage,
    wall: rows.reduce((a, r) => a + r.wall, 0),
    brokerCpu: rows.reduce((a, r) => a + r.brokerCpu, 0),
    brokerPeak: Math.max(0, ...rows.map((r) => r.brokerPeak)),
    serverPeak: Math.max(0, ...rows.map((r) => r.serverPeak)),
    runPeak: Math.max(0, ...rows.map((r) => r.runPeak)),
    benchCpu: rows.reduce((a, r) => a + r.benchCpu, 0),
    benchPeak: Math.max(0, ...rows.map((r) => r.benchPeak)),
  };
}

function printTable(rows: readonly StageRow[]): void {
  const w = Math.max(22, ...rows.map((r) => r.stage.length));
  const head = [
    'stage'.padEnd(w),
    'wall s',
    'broker CPU s',
    'broker peak RSS GiB',
    '(server',
    '+ run)',
    'bench peak RSS GiB',
    'bench CPU s',
  ];
  console.log(head.join(' | '));
  console.log(head.map((h) => '-'.repeat(h.length)).join('-|-'));
  for (const r of rows) {
    console.log(
      [
        r.stage.padEnd(w),
        fmt(r.wall).padStart(6),
        fmt(r.brokerCpu).padStart(12),
        fmt(r.brokerPeak / GiB, 2).padStart(19),
        fmt(r.serverPeak / GiB, 2).padStart(7),
        fmt(r.runPeak / GiB, 2).padStart(6),
        fmt(r.benchPeak / GiB, 2).padStart(18),
        fmt(r.benchCpu).padStart(11),
      ].join(' | '),
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Untimed preparation.

interface Registers {
  scale: number;
  seed: number;
  area: string;
  /** Per dataset in year order: a register with a year column is delivered a year at a time. */
  files: { dataset: string; provider: string; path: string; rows: number }[];
  persons: number;
}

const sqlString = (s: string) => `'${s.replaceAll("'", "''")}'`;

/**
 * A register with a year column (the BRP's peiljaar, the Belastingdienst's jaar) as one file per
 * year, as those registers are delivered: a year comes from the newest delivery that covers it
 * (docs/operations.md §6), and at scale 1 the BRP of five years (87.5 M rows, 8.8 GB once
 * pseudonymised) is over the default upload limits in one file.
 */
async function splitByYear(dir: string, files: Registers['files']): Promise<Registers['files']> {
  const db = await DuckDBInstance.create(':memory:', { threads: '2', memory_limit: '4GB' });
  const conn = await db.connect();
  const out: Registers['files'] = [];
  try {
    for (const f of files) {
      const contract = DATASETS.find((d) => d.id === f.dataset)!;
      const year = contract.columns.find((c) => c.name === contract.period && c.type === 'INTEGER');
      if (!year || /-\d{4}\.[a-z]+$/.test(f.path)) {
        out.push(f);
        continue;
      }
      const path = join(dir, f.path);
      const csv = contract.format !== 'parquet';
      const source = csv
        ? `read_csv(${sqlString(path)}, delim = ';', quote = '"', escape = '"', header = true, all_varchar = true, auto_detect = false, columns = {${contract.columns.map((c) => `${sqlString(c.name)}: 'VARCHAR'`).join(', ')}})`
        : `read_parquet(${sqlString(path)})`;
      const years = await conn.runAndReadAll(
        `SELECT ${year.name}::INTEGER AS y, count(*)::BIGINT AS n FROM ${source} GROUP BY 1 ORDER BY 1`,
      );
      for (const [y, n] of years.getRows() as [number, bigint][]) {
        const part = f.path.replace(/(\.[a-z]+)$/, `-${y}$1`);
        const options = csv ? "DELIMITER ';', HEADER true" : 'FORMAT parquet';
        await conn.run(
          `COPY (SELECT * FROM ${source} WHERE ${year.name}::INTEGER = ${y}) TO ${sqlString(join(dir, part))} (${options})`,
        );
        out.push({ ...f, path: part, rows: Number(n) });
      }
      rmSync(path);
    }
  } finally {
    conn.closeSync();
    db.closeSync();
  }
  return out;
}

/**
 * The synthetic registers in DIR/providers: reused when DIR's marker has the same scale, seed and
 * area and every file is there (scale 1.0 takes minutes), else generated afresh.
 */
async function prepareRegisters(
  dir: string,
  o: { scale: number; seed: number; area: Area },
): Promise<Registers> {
  const markerFile = join(dir, MARKER);
  if (existsSync(markerFile)) {
    const m = JSON.parse(readFileSync(markerFile, 'utf8')) as Registers;
    const same = m.scale === o.scale && m.seed === o.seed && m.area === o.area.spec;
    if (same && m.files.every((f) => existsSync(join(dir, f.path)))) {
      console.log(
        `registers: reusing ${dir}/providers (scale ${m.scale}, seed ${m.seed}, area ${m.area})`,
      );
      // Registers kept before they were split by year.
      const files = await splitByYear(dir, m.files);
      if (files.length === m.files.length) return m;
      const split = { ...m, files };
      writeFileSync(markerFile, `${JSON.stringify(split, null, 2)}\n`);
      return split;
    }
    console.log(
      `registers: ${dir} holds scale ${m.scale}, seed ${m.seed}, area ${m.area}: generating afresh`,
    );
  }
  // Stale outputs of other registers would only fill the disk (deliver would not reuse them).
  for (const d of ['providers', 'ground-truth', 'outbox', 'rerun', MARKER])
    rmSync(join(dir, d), { recursive: true, force: true });
  const t = now();
  const r = await synthesise({
    scale: o.scale,
    seed: o.seed,
    outDir: dir,
    regions: o.area.regions,
  });
  const reg: Registers = {
    scale: o.scale,
    seed: o.seed,
    area: o.area.spec,
    files: await splitByYear(
      dir,
      r.files.map((f) => ({
        dataset: f.dataset,
        provider: f.provider,
        path: relative(dir, f.path),
        rows: f.rows,
      })),
    ),
    persons: r.persons,
  };
  writeFileSync(markerFile, `${JSON.stringify(reg, null, 2)}\n`);
  console.log(
    `registers: generated in ${fmt(now() - t)} s (untimed): ${r.persons.toLocaleString('en')} persons, ${reg.files.reduce((a, f) => a + f.rows, 0).toLocaleString('en')} rows in ${reg.files.length} files`,
  );
  return reg;
}

/**
 * The key holder in DIR/keyholder, kept with --keep: reused pseudonymised outputs are only valid
 * under the K1 they were made with, so a new key holder clears the outboxes.
 */
async function startKeyholder(dir: string) {
  const khDir = join(dir, 'keyholder');
  if (!existsSync(join(khDir, KEYHOLDER_FILE))) {
    rmSync(khDir, { recursive: true, force: true });
    for (const d of ['outbox', 'rerun']) rmSync(join(dir, d), { recursive: true, force: true });
    await initKeyholder(khDir);
  }
  const { served: server, keys } = await serveKeyholderForProviders(khDir);
  return { server, keys };
}

/** Earlier instances of this bench in a kept DIR: throwaway, and at scale 1 many GB each. */
function removeOldInstances(dir: string): void {
  const old = readdirSync(dir).filter((e) => e.startsWith('instance-'));
  for (const e of old) rmSync(join(dir, e), { recursive: true, force: true });
  if (old.length > 0) console.log(`removed ${old.length} earlier instance dir(s) of this bench`);
}

interface Broker {
  dataDir: string;
  process: BrokerProcess;
  admin: BrokerClient;
}

/** `initInstance`, then `samenzicht serve --data …` as a child process. */
async function startInstance(
  dir: string,
  o: { regions: RegionSet; area: Area; runMemory: string; heapMb: number | null },
): Promise<Broker> {
  const dataDir = join(dir, `instance-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  const init = await initInstance({
    dataDir,
    regions: {
      dir: o.regions.source.dir!,
      year: o.regions.year,
      ...(o.area.nationwide ? {} : { area: o.area.spec }),
    },
    runMemoryLimit: o.runMemory,
    admin: { ...DEMO_ADMIN, organisationId: DEMO_BROKER.id, organisationName: DEMO_BROKER.name },
  });
  // A run's cells live in its own process, whose heap comes from the run memory budget; the
  // server's heap is V8's default unless --broker-heap says otherwise.
  const nodeOptions = [
    process.env.NODE_OPTIONS ?? '',
    o.heapMb ? `--max-old-space-size=${o.heapMb}` : '',
  ]
    .join(' ')
    .trim();
  const proc = await startBroker(dataDir, {
    ...(nodeOptions ? { NODE_OPTIONS: nodeOptions } : {}),
    DATABASE_URL: undefined,
  });
  return {
    dataDir,
    process: proc,
    admin: new BrokerClient({ baseUrl: proc.url, token: init.token }),
  };
}

// ---------------------------------------------------------------------------------------------
// Timed stages.

interface Delivery {
  row: StageRow;
  started: number;
  /** When the first upload began (the e2e clock starts there). */
  firstUpload: number;
  providerSide: number;
  reused: number;
  files: number;
  loaded: number;
  quarantined: number;
}

/** One deliverFile per file; the provider side (hash, pseudonymise) timed apart (summed). */
async function deliverAll(
  meters: Meters,
  parties: DemoParties,
  keys: KeyholderApi,
  jobs: readonly { dataset: string; file: string; workDir: string }[],
  stage: string,
  parallel = 1,
): Promise<Delivery> {
  const mark = meters.begin();
  let firstUpload = NaN;
  let providerSide = 0;
  let reused = 0;
  let loaded = 0;
  let quarantined = 0;
  const deliverOne = async (j: (typeof jobs)[number]) => {
    const t0 = now();
    let uploadAt = NaN;
    const report = await deliverFile({
      client: parties.providerFor(j.dataset).client,
      dataset: j.dataset,
      file: j.file,
      keyholder: keys,
      workDir: j.workDir,
      onProgress: (phase) => {
        if (phase === 'upload' && Number.isNaN(uploadAt)) uploadAt = now();
      },
    });
    if (!(firstUpload <= uploadAt)) firstUpload = uploadAt;
    providerSide += uploadAt - t0;
    if (report.provider.reused) reused++;
    loaded += report.loaded;
    quarantined += report.quarantined;
  };
  // `parallel` deliveries at a time, in the jobs' order: one provider's pseudonymisation (this
  // process) overlaps another's upload and validation (the broker's).
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) await deliverOne(jobs[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(parallel, jobs.length) }, worker));
  return {
    row: meters.end(stage, mark),
    started: mark.t,
    firstUpload,
    providerSide,
    reused,
    files: jobs.length,
    loaded,
    quarantined,
  };
}

/**
 * GET /runs/:id, again after a reset connection: when the broker's event loop is busy for
 * seconds (it was, while runs computed in the server's thread), its keep-alive timer fires
 * before it reads the waiting request and closes the socket under it (ECONNRESET). A GET can be
 * repeated; count them (none are expected now that a run is a process of its own).
 */
async function pollRun(admin: BrokerClient, id: string, polls: { resets: number }): Promise<Run> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await admin.get<Run>(`/runs/${encodeURIComponent(id)}`);
    } catch (err) {
      if (!(err instanceof BrokerError) || err.status !== 0 || attempt >= 5) throw err;
      polls.resets++;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

/**
 * POST /runs, then GET /runs/:id every 250 ms; a row per stage the run reports (linkage,
 * indicators, disclosure, release), from the poll that first saw it. A stage that began and
 * ended between two polls counts in the one before.
 */
interface Probe {
  answers: number;
  failures: number;
  /** The longest answer in seconds, and the run's stage when it was asked. */
  longest: number;
  longestIn: string;
}

/**
 * GET /api/v1/health every 100 ms (after the previous answer) until stopped: how long the server
 * keeps the API waiting while a run computes. A failed request counts as a failure, and as an
 * answer as long as it took.
 */
function probeHealth(url: string, stage: () => string) {
  const probe: Probe = { answers: 0, failures: 0, longest: 0, longestIn: '' };
  let running = true;
  const loop = (async () => {
    while (running) {
      const asked = stage();
      const t = now();
      try {
        const res = await fetch(`${url}/api/v1/health`);
        await res.arrayBuffer();
        if (res.status !== 200) probe.failures++;
      } catch {
        probe.failures++;
      }
      const took = now() - t;
      probe.answers++;
      if (took > probe.longest) {
        probe.longest = took;
        probe.longestIn = asked;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return probe;
    },
  };
}

async function timedRun(meters: Meters, admin: BrokerClient, label: string) {
  const rows: StageRow[] = [];
  const polls = { resets: 0, longest: 0 };
  let mark = meters.begin();
  let current = 'linkage'; // a run starts by loading its inputs
  const started = await admin.post<Run>('/runs', { detail: 'all', breakdowns: true });
  const prober = probeHealth(admin.baseUrl, () => current);
  let run: Run = started;
  for (;;) {
    const t = now();
    run = await pollRun(admin, started.id, polls);
    polls.longest = Math.max(polls.longest, now() - t);
    const stage = run.state === 'running' ? (run.stage ?? current) : null;
    if (stage !== current) {
      rows.push(meters.end(`${label}: ${current}`, mark));
      if (stage === null) break;
      mark = meters.begin();
      current = stage;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  const probe = await prober.stop();
  if (run.state !== 'candidate' || !run.releaseId)
    throw new Error(`run ${run.id} ended ${run.state}: ${run.error ?? ''}`);
  return { run, rows, total: combine(label, rows), polls, probe };
}

/** The run process's own account of its memory, from the server's log (src/pipeline/run-child.ts). */
function runMemoryLine(log: string, runId: string): string {
  const line = log.split('\n').find((l) => l.startsWith(`samenzicht run ${runId}:`));
  return line
    ? `run process: ${line.slice(line.indexOf(':') + 2)}`
    : 'run process: no memory line in the log';
}

/** The server's longest wait during a run, as the probe saw it. */
function probeLine(p: Probe): string {
  return `server during the run: ${p.answers} GET /api/v1/health (every 100 ms), longest answer ${fmt(p.longest * 1000, 0)} ms (in ${p.longestIn || '–'}), ${p.failures} failed`;
}

async function timedPublish(
  meters: Meters,
  parties: DemoParties,
  releaseId: string,
  stage: string,
) {
  const mark = meters.begin();
  const r = await reviewAndPublish(parties, releaseId);
  return { row: meters.end(stage, mark), approvals: r.approvals };
}

/** The disk left where `dir` lies. */
const freeBytes = (dir: string) => {
  const fs = statfsSync(dir);
  return fs.bavail * fs.bsize;
};

/**
 * The run renames its database to broker/broker.duckdb just after the candidate is recorded; a
 * hard link keeps that file (the inode) for the side-by-side when a later run renames over it.
 */
async function snapshotBrokerDatabase(dataDir: string): Promise<string> {
  const db = brokerDatabasePath(dataDir);
  for (let i = 0; i < 240 && !existsSync(db); i++) await new Promise((r) => setTimeout(r, 250));
  if (!existsSync(db)) throw new Error(`${db}: the run left no broker database`);
  const snap = join(dataDir, 'side-by-side.duckdb');
  for (const [from, to] of [
    [db, snap],
    [`${db}.wal`, `${snap}.wal`],
  ] as const) {
    if (!existsSync(from)) continue;
    try {
      linkSync(from, to);
    } catch {
      copyFileSync(from, to);
    }
  }
  return snap;
}

/**
 * Kadaster's register again with new dwellings (every tenth row again under a new object_id):
 * counts only grow, so the differencing audit against the first release cannot refuse the run.
 * Streamed: at scale 1 the register has millions of rows.
 */
async function newDwellings(from: string, to: string): Promise<number> {
  mkdirSync(join(to, '..'), { recursive: true });
  const out = createWriteStream(to);
  const write = async (line: string) => {
    if (!out.write(`${line}\n`)) await once(out, 'drain');
  };
  let added = 0;
  for (const pass of [0, 1]) {
    let i = -1;
    for await (const line of createInterface({
      input: createReadStream(from),
      crlfDelay: Infinity,
    })) {
      if (line === '') continue;
      i++;
      if (pass === 0) await write(line);
      else if (i > 0 && (i - 1) % 10 === 0) {
        await write(line.replace(/^([^;]+);/, '$1N;'));
        added++;
      }
    }
  }
  out.end();
  await once(out, 'finish');
  return added;
}

// ---------------------------------------------------------------------------------------------
// Side by side on the run's database.

const timedMs = async <T>(fn: () => Promise<T>): Promise<[T, number]> => {
  const t = performance.now();
  const r = await fn();
  return [r, performance.now() - t];
};

/** HAND joins the hierarchy on the delivered code; the broker maps former codes as the engine does. */
const onBrokerTables = (sql: string) =>
  sql.replaceAll(
    'JOIN region_hierarchy h ON h.buurt_code = p.buurtcode',
    'JOIN region_lookup h ON h.delivered_code = p.buurtcode',
  );

async function engineVersusHand(conn: DuckDBConnection, years: number[], repeat: number) {
  console.log(
    `\nengine (cells, zero-filled) vs hand-written SQL (query + rows into JS), best of ${repeat}, same database:`,
  );
  console.log('indicator                                    engine ms   hand ms   ratio  check');
  await prepareRegionLookup(conn);
  for (const [id, raw] of Object.entries(HAND)) {
    const sql = onBrokerTables(raw);
    let engine = Infinity;
    let hand = Infinity;
    let cells: ComputedCell[] = [];
    for (let i = 0; i < repeat; i++) {
      const [c, te] = await timedMs(() => computeIndicators(conn, { years, indicators: [id] }));
      cells = c;
      engine = Math.min(engine, te);
      const [, th] = await timedMs(async () => (await conn.runAndReadAll(sql)).getRowObjectsJS());
      hand = Math.min(hand, th);
    }
    const national = await nationalFromHand(conn, sql);
    const same = sameNationalValues(id, years, cells, national);
    console.log(
      `${id.padEnd(44)} ${fmt(engine, 0).padStart(9)} ${fmt(hand, 0).padStart(9)} ${fmt(engine / hand, 2).padStart(7)}  ${same ? 'same national values' : 'MISMATCH'}`,
    );
  }
}

/** Our suppression (optimiser) against the smallest-sibling baseline of src/disclosure, both audited. */
async function suppressionVersusBaseline(
  conn: DuckDBConnection,
  years: number[],
  family: string[],
  published: ReadonlySet<string> | null,
) {
  const defs = CATALOGUE.filter((d) => family.includes(d.id));
  if (defs.length !== family.length)
    throw new Error(`--sdc-indicators: unknown id in ${family.join(',')}`);
  // The run's cells of the family, in the run's scope (every level, breakdowns, the area).
  const scope = { detail: 'all' as const, ...(published ? { regions: published } : {}) };
  const cells = (await computeIndicators(conn, { years, indicators: family })).filter((c) =>
    inScope(scope, c.indicatorId, c.regionLevel, c.regionCode),
  );
  console.log(
    `\nsuppression on the run's cells of ${family.join(' + ')} (${cells.length} cells, all years, levels and breakdowns; no earlier release), both audited:`,
  );
  console.log('strategy            time s  primary  secondary  loss (cost)  loss (value)  audit');
  const results: Record<string, { secondary: number; cost: number }> = {};
  for (const strategy of ['optimal', 'smallest-sibling'] as const) {
    const [res, ms] = await timedMs(() => protect({ cells, profiles: profilesOf(defs), strategy }));
    const s = res.stats;
    results[strategy] = { secondary: s.secondaryCells, cost: s.secondaryCost };
    console.log(
      `${strategy.padEnd(18)} ${fmt(ms / 1000, 2).padStart(7)} ${String(s.primaryCells).padStart(8)} ${String(s.secondaryCells).padStart(10)} ${fmt(s.secondaryCost, 0).padStart(12)} ${fmt(s.secondaryValue, 0).padStart(13)}  ${res.audit.passed ? 'passed' : 'FAILED'}`,
    );
  }
  const o = results.optimal!;
  const b = results['smallest-sibling']!;
  console.log(
    `loss ratio (ours / baseline): cost ${b.cost > 0 ? fmt(o.cost / b.cost, 2) : '–'}, secondary cells ${b.secondary > 0 ? fmt(o.secondary / b.secondary, 2) : '–'} (target: cost ≤ 1.00)`,
  );
}

async function sideBySide(
  file: string,
  spill: string,
  o: { years: number[]; repeat: number; family: string[]; published: ReadonlySet<string> | null },
) {
  // Read-only: the same tables the run computed on, untouched by the comparison.
  const instance = await DuckDBInstance.create(file, {
    access_mode: 'READ_ONLY',
    temp_directory: spill,
    memory_limit: '8GB',
  });
  const conn = await instance.connect();
  try {
    await engineVersusHand(conn, o.years, o.repeat);
    await suppressionVersusBaseline(conn, o.years, o.family, o.published);
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

// ---------------------------------------------------------------------------------------------

export async function run(flags: string[]): Promise<void> {
  const scale = positiveFlag('national', flags, 'scale', 1);
  const seed = positiveFlag('national', flags, 'seed', DEFAULT_SEED);
  const heapMb = flag(flags, 'broker-heap')
    ? positiveFlag('national', flags, 'broker-heap', 0)
    : null;
  const repeat = positiveFlag('national', flags, 'repeat', scale >= 0.1 ? 1 : 3);
  // The heap of the server's runs before they had a process of their own (--broker-heap 12288):
  // a re-run at national scale with every level and breakdown needs more than 5.7 GB.
  const runMemory = flag(flags, 'run-memory') ?? NATIONAL_RUN_MEMORY;
  const rerun = !flags.includes('--no-rerun');
  const family = (flag(flags, 'sdc-indicators') ?? DEFAULT_SDC_FAMILY.join(',')).split(',');
  const keep = flag(flags, 'keep');
  const deliveries = positiveFlag('national', flags, 'deliveries', 2);
  const dir = keep ? resolve(keep) : mkdtempSync(join(tmpdir(), 'bench-national-'));
  mkdirSync(dir, { recursive: true });

  const regionsDir = resolveRegionsDir({}).dir!;
  const regions = await loadRegionSet(regionsDir);
  const area = selectArea(regions, flag(flags, 'area') ?? 'NL');
  console.log(
    `national: scale ${scale}, seed ${seed}, area ${area.spec} (${area.name}), regions ${regions.source.description}; dir ${dir}${keep ? ' (kept)' : ' (removed at the end)'}; load average ${loadavg()
      .map((l) => fmt(l, 2))
      .join(' ')}`,
  );

  let broker: Broker | null = null;
  let keyholder: Awaited<ReturnType<typeof startKeyholder>> | null = null;
  let meters: Meters | null = null;
  try {
    const registers = await prepareRegisters(dir, { scale, seed, area });
    if (keep) removeOldInstances(dir);
    keyholder = await startKeyholder(dir);
    broker = await startInstance(dir, { regions, area, runMemory, heapMb });
    const parties = await setUpParties(broker.admin);
    meters = new Meters(broker.process.child.pid!);
    console.log(
      `broker: pid ${broker.process.child.pid} (samenzicht serve, heap ${heapMb ? `${heapMb} MB` : "V8's default"}; run memory ${runMemory}: ${runMemoryText(runMemory)}) at ${broker.process.url}; peak RSS per stage by ${meters.broker.mode}; CLK_TCK ${CLK_TCK}`,
    );

    // Timed: deliver, run, publish.
    const order = PROVIDERS.flatMap((p) => DATASETS.filter((d) => d.provider === p));
    const jobs = order.flatMap((d) => {
      const files = registers.files.filter((x) => x.dataset === d.id);
      if (files.length === 0) throw new Error(`no register for ${d.id}`);
      return files.map((f) => ({
        dataset: d.id,
        file: join(dir, f.path),
        // A file's own outbox: a year's output must not overwrite another year's.
        workDir: join(dir, 'outbox', d.provider, basename(f.path).replace(/\.[a-z]+$/, '')),
      }));
    });
    const delivery = await deliverAll(meters, parties, keyholder.keys, jobs, 'deliver', deliveries);
    const first = await timedRun(meters, broker.admin, 'run');
    const publish = await timedPublish(meters, parties, first.run.releaseId!, 'publish');
    const e2e = now() - delivery.firstUpload;
    const snapshot = await snapshotBrokerDatabase(broker.dataDir);
    // DuckDB's file does not shrink: its size is the most the run's tables took on disk.
    const brokerDbBytes = statSync(snapshot).size;

    console.log(
      `\ndeliver: ${delivery.files} files, ${deliveries} at a time, ${delivery.loaded.toLocaleString('en')} rows loaded, ${delivery.quarantined.toLocaleString('en')} quarantined; pseudonymised outputs ${delivery.reused === delivery.files ? 'reused' : delivery.reused === 0 ? 'made afresh' : `reused for ${delivery.reused} of ${delivery.files}`}; provider side (hash + pseudonymise) ${fmt(delivery.providerSide)} s of ${fmt(delivery.row.wall)} s`,
    );
    console.log(
      `run ${first.run.id}: ${first.run.indicators.length} indicators; polls every 250 ms, longest answer ${fmt(first.polls.longest)} s, ${first.polls.resets} reset connection(s) retried`,
    );
    console.log(probeLine(first.probe));
    console.log(runMemoryLine(broker.process.log(), first.run.id));
    console.log(
      `broker database after the run: ${fmt(brokerDbBytes / GiB, 2)} GiB (the linked inputs; free disk ${fmt(freeBytes(dir) / GiB)} GiB)`,
    );
    const main = [delivery.row, ...first.rows, first.total, publish.row];
    printTable(main);
    const totals = combine('total', [delivery.row, first.total, publish.row]);
    console.log('');
    printTable([totals]);
    const peak = Math.max(totals.brokerPeak, totals.benchPeak);
    console.log(
      `overall peak RSS: broker ${fmt(totals.brokerPeak / GiB, 2)} GiB (server ${fmt(totals.serverPeak / GiB, 2)} + run process ${fmt(totals.runPeak / GiB, 2)}, each its own peak), bench ${fmt(totals.benchPeak / GiB, 2)} GiB`,
    );

    const manifest = readPublicManifest(broker.dataDir, first.run.releaseId!);
    const by = manifest.cells.byStatus;
    console.log(
      `\nrelease ${first.run.releaseId}: ${manifest.cells.count.toLocaleString('en')} cells, ${(by.published ?? 0).toLocaleString('en')} published, ${(by.confidential ?? 0).toLocaleString('en')} confidential${Object.keys(by).some((k) => k !== 'published' && k !== 'confidential') ? ` (${JSON.stringify(by)})` : ''}; ${publish.approvals} approvals`,
    );

    // The re-delivery of one dataset and today's full re-run (incremental runs: issue #20 part 3).
    if (rerun) {
      const d = DATASETS.find((x) => x.id === 'kadaster_woningen')!;
      const source = join(dir, registers.files.find((f) => f.dataset === d.id)!.path);
      const v2 = join(dir, 'rerun', d.file);
      const added = await newDwellings(source, v2);
      const again = await deliverAll(
        meters,
        parties,
        keyholder.keys,
        [{ dataset: d.id, file: v2, workDir: join(dir, 'rerun', 'outbox') }],
        `rerun: deliver ${d.id}`,
      );
      const second = await timedRun(meters, broker.admin, 'rerun: run');
      const publish2 = await timedPublish(meters, parties, second.run.releaseId!, 'rerun: publish');
      console.log(
        `\none-dataset re-run: ${d.id} again with ${added.toLocaleString('en')} new dwellings (a full re-run today; the incremental run is future work); run ${second.run.id}: longest poll answer ${fmt(second.polls.longest)} s, ${second.polls.resets} reset connection(s) retried`,
      );
      console.log(probeLine(second.probe));
      console.log(runMemoryLine(broker.process.log(), second.run.id));
      printTable([again.row, ...second.rows, second.total, publish2.row]);
      console.log(
        `one-dataset re-run: ${fmt(again.row.wall + second.total.wall)} s wall (re-deliver ${fmt(again.row.wall)} s + run ${fmt(second.total.wall)} s), then publish ${fmt(publish2.row.wall)} s`,
      );
    }

    await broker.process.stop();
    meters.stop();
    await sideBySide(snapshot, join(dir, 'side-by-side-spill'), {
      years: (first.run.scope?.years as number[] | undefined) ?? [...YEARS],
      repeat,
      family,
      published: area.nationwide ? null : area.published,
    });
    rmSync(join(dir, 'side-by-side-spill'), { recursive: true, force: true });

    console.log(
      `\ne2e clock: from the first upload (${fmt(delivery.firstUpload - delivery.started)} s into deliver, after the first dataset's provider side) to publication${keep ? `; kept in ${dir}` : ''}; load average ${loadavg()
        .map((l) => fmt(l, 2))
        .join(' ')}`,
    );
    console.log(`national e2e: ${fmt(e2e)} s wall, ${fmt(peak / GiB, 2)} GiB peak`);
  } catch (err) {
    if (broker)
      console.error(`broker log (last 3000 chars):\n${broker.process.log().slice(-3000)}`);
    throw err;
  } finally {
    meters?.stop();
    await broker?.process.stop();
    await keyholder?.server.app.close();
    if (!keep) rmSync(dir, { recursive: true, force: true });
  }
}
