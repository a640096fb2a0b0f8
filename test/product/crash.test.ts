/**
 * A broker killed with SIGKILL (a crash: power, OOM killer) in the middle of a delivery or of a
 * publication loses nothing and publishes nothing half: a delivery resumes from the bytes the
 * broker kept, and a publication either happened (once, audited, served) or did not happen at
 * all (still a candidate, nothing served), wherever the kill fell.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrokerClient, readTokenFile } from '../../src/client/http.js';
import { deliverFile, type DeliveryReport } from '../../src/client/deliver.js';
import { followRun } from '../../src/client/runs.js';
import { datasetContract } from '../../src/ingest/contracts.js';
import { loadRegionSet } from '../../src/regions/index.js';
import { synthesise } from '../../src/synth/index.js';
import {
  HttpKeyholder,
  initKeyholder,
  readAccessToken,
  serveKeyholder,
} from '../../src/pseudonym/index.js';
import { setUpParties, type DemoParties } from '../../src/demo/parties.js';
import type { AuditEntry, Release, Run } from '../../src/governance/index.js';
import { runCli, startBroker, rebindParties, type BrokerProcess } from './broker-process.js';
import { initArgs } from '../support/instances.js';

const DATASET = 'brp_personen';
const CHUNK = 64 * 1024;

let root: string;
let dataDir: string;
let tokenFile: string;
let broker: BrokerProcess;
let admin: BrokerClient;
let parties: DemoParties;
let keyholder: Awaited<ReturnType<typeof serveKeyholder>>;
let keys: HttpKeyholder;
let providerFile: string;

/** Kills the broker and starts it again on the same data; every client follows it. */
async function crashAndRestart(): Promise<void> {
  await broker.kill();
  broker = await startBroker(dataDir, { DATABASE_URL: '' });
  admin = new BrokerClient({ baseUrl: broker.url, token: readTokenFile(tokenFile) });
  parties = rebindParties(parties, broker.url);
}

const incomingLeftovers = () => {
  const dir = join(dataDir, 'contributions', '.incoming');
  return existsSync(dir) ? readdirSync(dir) : [];
};

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'samenzicht-crash-'));
  const regions = await loadRegionSet(null);
  const synth = await synthesise({
    scale: 0.002,
    seed: 7,
    outDir: join(root, 'providers'),
    regions,
  });
  const contract = datasetContract(DATASET);
  providerFile = join(synth.outDir, 'providers', contract.provider, contract.file);
  dataDir = join(root, 'broker');
  tokenFile = join(root, 'admin.token');
  const init = await runCli(initArgs({ dataDir, adminEmail: 'beheer@broker.test', tokenFile }), {
    DATABASE_URL: '',
  });
  expect(init.code, init.stderr).toBe(0);
  broker = await startBroker(dataDir, { DATABASE_URL: '' });
  admin = new BrokerClient({ baseUrl: broker.url, token: readTokenFile(tokenFile) });
  parties = await setUpParties(admin);
  const khDir = join(root, 'keyholder');
  await initKeyholder(khDir);
  keyholder = await serveKeyholder(khDir, 0);
  keys = new HttpKeyholder([keyholder.url], readAccessToken(join(khDir, 'provider-access.json')));
}, 300_000);

afterAll(async () => {
  await keyholder?.app.close();
  await broker?.stop();
  rmSync(root, { recursive: true, force: true });
});

describe('a broker killed mid-delivery', () => {
  let report: DeliveryReport;
  let killedAt = 0;

  beforeAll(async () => {
    const deliver = (onProgress?: (phase: string, done: number) => void) =>
      deliverFile({
        client: parties.providerFor(DATASET).client,
        dataset: DATASET,
        file: providerFile,
        keyholder: keys,
        workDir: join(root, 'outbox'),
        chunkBytes: CHUNK,
        attempts: 1,
        ...(onProgress ? { onProgress } : {}),
      });
    // Killed while chunk 4 is on its way: the delivery fails, the broker keeps what it had.
    await expect(
      deliver((phase, done) => {
        if (phase === 'upload' && done >= 3 * CHUNK && killedAt === 0) {
          killedAt = done;
          void broker.kill();
        }
      }),
    ).rejects.toThrow();
    expect(killedAt).toBeGreaterThan(0);
    await crashAndRestart();
    report = await deliver();
  }, 300_000);

  it('resumes from the bytes the broker had received, not from the start', () => {
    expect(report.upload.resumedFrom).toBeGreaterThanOrEqual(3 * CHUNK);
    expect(report.upload.resumedFrom).toBeLessThanOrEqual(killedAt + CHUNK);
    expect(report.upload.alreadyDelivered).toBe(false);
  });

  it('the contribution is whole: every row loaded or quarantined, and no partial file remains', async () => {
    const { contributions } = await parties.providerFor(DATASET).client.get<{
      contributions: {
        datasetId: string;
        rows: number;
        accepted: number;
        quarantined: number;
        sha256: string;
      }[];
    }>('/contributions');
    const mine = contributions.filter((c) => c.datasetId === DATASET);
    expect(mine).toHaveLength(1);
    expect(mine[0]!.sha256).toBe(report.sha256);
    expect(mine[0]!.accepted + mine[0]!.quarantined).toBe(mine[0]!.rows);
    expect(mine[0]!.rows).toBeGreaterThan(1000);
    expect(incomingLeftovers()).toEqual([]);
  });
});

describe('a broker killed mid-publication', () => {
  let candidate: Release;
  const outcomes: string[] = [];

  beforeAll(async () => {
    const started = await admin.post<Run>('/runs', {});
    const run = await followRun(admin, started.id, { intervalMs: 100 });
    expect(run.state, JSON.stringify(run)).toBe('candidate');
    const path = `/airlock/releases/${run.releaseId!}`;
    candidate = await admin.get<Release>(path);
    for (const org of candidate.providers) {
      const p = parties.providers[org]!;
      await p.client.post(`${path}/reviews`, { decision: 'approve', digest: candidate.digest });
    }
    for (const b of parties.board.slice(0, 2))
      await b.client.post(`${path}/reviews`, { decision: 'approve', digest: candidate.digest });
    // The kill lands ever later after the request: before, during or after its transaction.
    for (const delayMs of [0, 1, 3, 8, 20, 60]) {
      const sent = admin.request('POST', `${path}/publish`).catch(() => null);
      await new Promise((r) => setTimeout(r, delayMs));
      await crashAndRestart();
      await sent;
      const state = (await admin.get<Release>(path)).state;
      outcomes.push(state);
      expect(['candidate', 'published'], `after a kill at ${delayMs} ms`).toContain(state);
      if (state === 'published') break;
    }
    if (outcomes.at(-1) !== 'published') {
      await admin.post(`${path}/publish`);
      outcomes.push('published');
    }
  }, 600_000);

  it('the release is published exactly once, and the audit trail says so once', async () => {
    expect(outcomes.at(-1)).toBe('published');
    const { entries } = await admin.get<{ entries: AuditEntry[] }>('/audit', {
      action: 'publication',
    });
    expect(entries.filter((e) => e.subject === candidate.id)).toHaveLength(1);
    const verified = await admin.get<{ ok: boolean }>('/audit/verify');
    expect(verified.ok).toBe(true);
  });

  it('the public API serves it whole, and nothing half-written is left', async () => {
    const res = await fetch(`${broker.url}/api/v1/releases/${candidate.id}`);
    expect(res.status).toBe(200);
    const cells = await fetch(`${broker.url}/api/v1/releases/${candidate.id}/cells?limit=1`);
    expect(cells.status).toBe(200);
    const releases = readdirSync(join(dataDir, 'releases'));
    expect(releases.filter((f) => f.startsWith('.tmp'))).toEqual([]);
    expect(
      existsSync(join(dataDir, 'broker', 'runs'))
        ? readdirSync(join(dataDir, 'broker', 'runs'))
        : [],
    ).toEqual([]);
  });
});
