/**
 * A run in a process of its own (issue #20): the broker (`samenzicht serve`, a process of its
 * own as operators run it) keeps answering while its run computes, a run process killed
 * mid-run (as the kernel kills one that runs out of memory) fails the run with the reason and
 * leaves the server serving, the restarted run gives the same cells, and a run process never
 * outlives its server.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrokerClient } from '../../src/client/http.js';
import { followRun } from '../../src/client/runs.js';
import { setUpParties, type DemoParties } from '../../src/demo/parties.js';
import type { Run } from '../../src/governance/index.js';
import { initInstance, runMemoryBudget } from '../../src/instance/index.js';
import { crashReason } from '../../src/pipeline/run-process.js';
import {
  HttpKeyholder,
  initKeyholder,
  readAccessToken,
  serveKeyholder,
} from '../../src/pseudonym/index.js';
import { loadRegionSet } from '../../src/regions/index.js';
import { synthesise } from '../../src/synth/index.js';
import { startBroker, type BrokerProcess } from '../product/broker-process.js';
import { deliverEveryDataset } from '../support/instances.js';
import { alive, liveChildrenOf, sleep, until } from '../support/proc.js';

/** Indicators of several kinds and sources, to every level: a run of some seconds. */
const INDICATORS = [
  'inwoners',
  'drugsverdachten_per_1000',
  'hennepkwekerijen',
  'problematische_schulden',
  'mediaan_verzamelinkomen',
];
const COMPUTING = new Set(['linkage', 'linkage-report', 'indicators', 'disclosure']);

let root: string;
let dataDir: string;
let broker: BrokerProcess;
let admin: BrokerClient;
let parties: DemoParties;
let keyholder: Awaited<ReturnType<typeof serveKeyholder>>;

/** The live run processes of the broker (under tsx the server has an esbuild child too). */
const runProcesses = () =>
  liveChildrenOf(broker.child.pid!).filter((pid) =>
    readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('run-child'),
  );

/**
 * Starts a run once the previous run's process has gone (it tidies up after its run is recorded,
 * and would otherwise be taken for this run's), and gives the run with its process.
 */
async function startRunInProcess(): Promise<{ started: Run; pid: number }> {
  await until('the previous run process to end', () => (runProcesses().length ? null : true));
  const started = await startRun();
  const pid = await until('the run process', () => runProcesses()[0] ?? null, 30_000);
  return { started, pid };
}

async function health(): Promise<{ status: number; ms: number }> {
  const t = performance.now();
  const res = await fetch(`${broker.url}/api/v1/health`);
  await res.arrayBuffer();
  return { status: res.status, ms: performance.now() - t };
}

/**
 * Until the run computes: its database exists from the start of linkage until its candidate is
 * recorded. Seen on disk at once, where the stage the API reports can lag behind: in a full
 * `npm test` beside a national bench one answer about the run took 43 s, and the run was a
 * candidate by then.
 */
async function untilComputing(id: string, pid: number): Promise<void> {
  const db = join(dataDir, 'broker', 'runs', id, 'broker.duckdb');
  await until(`run ${id} to compute`, () => {
    if (existsSync(db)) return true;
    if (!alive(pid)) throw new Error(`the process of run ${id} ended before it computed`);
    return null;
  });
}

const startRun = () =>
  admin.post<Run>('/runs', { indicators: INDICATORS, detail: 'all', breakdowns: true });

describe('a run in its own process', () => {
  let first: Run;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'samenzicht-run-process-'));
    const regions = await loadRegionSet(null);
    const synth = join(root, 'providers');
    await synthesise({ scale: 0.004, seed: 43, outDir: synth, regions });
    dataDir = join(root, 'instance');
    const init = await initInstance({
      dataDir,
      regions: { dir: 'synthetic' },
      admin: { email: 'beheer@broker.test', name: 'Beheerder' },
    });
    broker = await startBroker(dataDir, { DATABASE_URL: '' });
    admin = new BrokerClient({ baseUrl: broker.url, token: init.token });
    parties = await setUpParties(admin);
    const khDir = join(root, 'keyholder');
    await initKeyholder(khDir);
    keyholder = await serveKeyholder(khDir, 0);
    const keys = new HttpKeyholder(
      [keyholder.url],
      readAccessToken(join(khDir, 'provider-access.json')),
    );
    await deliverEveryDataset({
      parties,
      synthDir: synth,
      keyholder: keys,
      outbox: join(root, 'outbox'),
    });
  }, 300_000);

  afterAll(async () => {
    if (broker && process.env.SAMENZICHT_TEST_BROKER_LOG) process.stderr.write(broker.log());
    await keyholder?.app.close();
    await broker?.stop();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('leaves the server answering while the run computes, and reports its stages', async () => {
    const { started, pid } = await startRunInProcess();
    expect(pid).not.toBe(broker.child.pid);
    const stages = new Set<string>();
    const answers: { status: number; ms: number; stage: string }[] = [];
    let run = started;
    while (run.state === 'running') {
      const [h, r] = await Promise.all([health(), admin.get<Run>(`/runs/${started.id}`)]);
      run = r;
      if (r.state === 'running' && r.stage) {
        stages.add(r.stage);
        answers.push({ ...h, stage: r.stage });
      }
      await sleep(20);
    }
    first = run;
    const longest = Math.max(...answers.map((a) => a.ms));
    console.log(
      `run ${run.id}: stages ${[...stages].join(' → ')}; ${answers.length} health answers while it ran, the longest in ${longest.toFixed(0)} ms`,
    );
    expect(first.state, first.error ?? '').toBe('candidate');
    expect(first.cellsHash).toMatch(/^[0-9a-f]{64}$/);
    // Progress came through from the run process, stage after stage.
    expect(stages.size, [...stages].join(', ')).toBeGreaterThanOrEqual(3);
    // The API answered during the computing stages, every time.
    const computing = answers.filter((a) => COMPUTING.has(a.stage));
    expect(computing.length).toBeGreaterThan(5);
    expect(computing.every((a) => a.status === 200)).toBe(true);
    // The run process has ended with its run; its scratch folder (linked microdata) is gone.
    await until('the run process to end', () => (alive(pid) ? null : true), 10_000);
    expect(existsSync(join(dataDir, 'broker', 'runs', started.id))).toBe(false);
  });

  it('a run process killed mid-run fails the run with the reason; the server serves on and the restart gives the same cells', async () => {
    const { started, pid } = await startRunInProcess();
    // Seen at the start of linkage (polled every 20 ms), the kill lands long before the run
    // could be a candidate: that needs every computing stage and the release written.
    await untilComputing(started.id, pid);
    process.kill(pid, 'SIGKILL');
    const failed = await until('the run to fail', async () => {
      const r = await admin.get<Run>(`/runs/${started.id}`);
      return r.state === 'running' ? null : r;
    });
    expect(failed.state).toBe('failed');
    expect(failed.error).toMatch(/^the run process was killed \(SIGKILL\): out of memory\?/);
    expect((await health()).status).toBe(200);
    expect(existsSync(join(dataDir, 'broker', 'runs', started.id))).toBe(false);
    const { entries } = await admin.get<{ entries: { action: string; subject: string }[] }>(
      '/audit',
      { limit: 10000 },
    );
    expect(entries.some((e) => e.action === 'run.failed' && e.subject === started.id)).toBe(true);

    await admin.post(`/runs/${started.id}/restart`);
    const again = await followRun(admin, started.id, { intervalMs: 100 });
    expect(again.state, again.error ?? '').toBe('candidate');
    expect(again.attempts).toBe(2);
    expect(again.cellsHash).toBe(first.cellsHash);
  });

  it('a run process does not outlive its server: kill -9 the broker, the run process goes too', async () => {
    const { started, pid } = await startRunInProcess();
    // Held mid-run (SIGSTOP), so that it cannot finish before the kill on a fast or a loaded
    // machine. Once the broker is gone the kernel hangs up on the stopped, orphaned process and
    // continues it, and its own watches (src/process/exit-with-parent.ts, tested on their own in
    // test/process) end it too: either way it must go.
    process.kill(pid, 'SIGSTOP');
    expect((await admin.get<Run>(`/runs/${started.id}`)).state).toBe('running');
    expect(alive(pid)).toBe(true);
    await broker.kill();
    try {
      process.kill(pid, 'SIGCONT');
    } catch {
      // already gone
    }
    await until('the orphaned run process to exit', () => (alive(pid) ? null : true), 5_000);
    // The next start marks the run interrupted, as after any crash.
    broker = await startBroker(dataDir, { DATABASE_URL: '' });
    admin = new BrokerClient({ baseUrl: broker.url, token: admin.token! });
    expect((await admin.get<Run>(`/runs/${started.id}`)).state).toBe('interrupted');
  });

  it('stopping the server stops its run and marks it interrupted', async () => {
    const { started, pid } = await startRunInProcess();
    await broker.stop();
    expect(alive(pid)).toBe(false);
    broker = await startBroker(dataDir, { DATABASE_URL: '' });
    admin = new BrokerClient({ baseUrl: broker.url, token: admin.token! });
    const run = await admin.get<Run>(`/runs/${started.id}`);
    expect(run.state).toBe('interrupted');
    const { entries } = await admin.get<{
      entries: { action: string; subject: string; actor: string }[];
    }>('/audit', { limit: 10000 });
    expect(
      entries.filter((e) => e.action === 'run.interrupted' && e.subject === started.id),
    ).toEqual([expect.objectContaining({ actor: 'system' })]);
  });
});

describe('why a run process ended', () => {
  const budget = runMemoryBudget('4GB');
  it('names a kill, a full heap and an error', () => {
    expect(crashReason(null, 'SIGKILL', '', budget)).toBe(
      'the run process was killed (SIGKILL): out of memory? (run memory budget 4GB)',
    );
    expect(
      crashReason(
        null,
        'SIGABRT',
        'FATAL ERROR: Ineffective mark-compacts near heap limit Allocation failed - JavaScript heap out of memory\n',
        budget,
      ),
    ).toMatch(/^the run process ran out of JavaScript heap \(2288 MiB, .*runMemoryLimit/);
    expect(
      crashReason(
        1,
        null,
        'file:///x.js:1\n\nTypeError: x is not a function\n    at y\n\nNode.js v20',
        budget,
      ),
    ).toBe('the run process exited with code 1: TypeError: x is not a function');
  });
});
