/**
 * `samenzicht deliver` and `deliverFile` against a real broker (`createApp` on a temp data dir,
 * listening on loopback) and a real key holder service: pseudonymise at home, upload in chunks,
 * resume after a break from the broker's offset, and the broker's validation report.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { runCli, type CliResult } from '../support/cli.js';
import { BrokerClient } from '../../src/client/http.js';
import { deliverFile, type DeliveryReport } from '../../src/client/deliver.js';
import { setupDemoGovernance, type DemoGovernance } from '../support/demo-governance.js';
import { createApp } from '../../src/pipeline/serve.js';
import {
  HttpKeyholder,
  initKeyholder,
  readAccessToken,
  serveKeyholder,
} from '../../src/pseudonym/index.js';
import { loadRegionSet } from '../../src/regions/index.js';
import { openStore } from '../../src/store/index.js';
import { makeBsns } from '../pseudonym/helpers.js';
import { tempDir } from '../support/temp.js';

const root = tempDir('samenzicht-deliver-');
const dataDir = join(root, 'broker');
const khDir = join(root, 'keyholder');
const home = join(root, 'gemeente');
const ENV = ['SAMENZICHT_BROKER', 'SAMENZICHT_TOKEN', 'SAMENZICHT_KEYHOLDER_TOKEN'] as const;
const saved = Object.fromEntries(ENV.map((k) => [k, process.env[k]]));
let app: FastifyInstance;
let keyholderApp: FastifyInstance;
let keyholderUrl = '';
let url = '';
let demo: DemoGovernance;
let buurten: string[];
let client: BrokerClient;
let keyholder: HttpKeyholder;
const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

beforeAll(async () => {
  for (const k of ENV) delete process.env[k];
  const regions = await loadRegionSet(null);
  buurten = regions.ofLevel('buurt').map((r) => r.code);
  const store = await openStore({ dataDir });
  demo = await setupDemoGovernance(store);
  await store.close();
  ({ app } = await createApp({
    dataDir,
    regions,
    publicBaseUrl: 'http://127.0.0.1',
    logger: false,
  }));
  url = await app.listen({ port: 0, host: '127.0.0.1' });
  await initKeyholder(khDir, { transcryptors: 1 });
  ({ app: keyholderApp, url: keyholderUrl } = await serveKeyholder(khDir, 0));
  keyholder = new HttpKeyholder(
    [keyholderUrl],
    readAccessToken(join(khDir, 'provider-access.json')),
  );
  client = new BrokerClient({ baseUrl: url, token: demo.providers.gemeenten!.token });
});
afterAll(async () => {
  await app?.close();
  await keyholderApp?.close();
  for (const k of ENV) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
});

const BRP_HEADER = 'peiljaar;bsn;buurtcode;geboortedatum;geslacht;huishoudnummer';
const BAD_REGION = 'BU27182818';
const BAD_BSN = '123456789'; // fails the 11-proef: kept back at home

/**
 * A gemeente's BRP file (raw BSNs): `n` people in 2022 and 2023, plus one row with an invalid
 * BSN (kept back at home by the provider's tool) and one with an unknown buurt (quarantined by
 * the broker: row 2n+1 of the pseudonymised file).
 */
function writeBrp(name: string, n: number, seed: number): { file: string; bsns: string[] } {
  const bsns = makeBsns(n + 1, seed);
  const lines = [BRP_HEADER];
  for (const year of [2022, 2023])
    for (let i = 0; i < n; i++)
      lines.push(
        `${year};${bsns[i]};${buurten[i % buurten.length]};${String(1 + (i % 28)).padStart(2, '0')}-0${1 + (i % 9)}-19${40 + (i % 60)};${i % 2 ? 'M' : 'V'};H${seed}-${i}`,
      );
  lines.push(`2023;${BAD_BSN};${buurten[0]};01-01-1990;M;Hx`);
  lines.push(`2023;${bsns[n]};${BAD_REGION};01-01-1990;V;Hy`);
  mkdirSync(home, { recursive: true });
  const file = join(home, name);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return { file, bsns };
}

const storedOnBroker = (r: DeliveryReport) =>
  readFileSync(join(dataDir, 'contributions', r.dataset, `${r.sha256}.csv`));

async function brokerOffset(sha256: string): Promise<number | null> {
  const res = await client.request('GET', `/contributions/brp_personen/uploads/${sha256}`, {
    accept: [404],
  });
  const body = (await res.json()) as { offset: number };
  return res.status === 404 ? null : body.offset;
}

/** deliverFile of a BRP file as gemeenten, pseudonymised in `work`. */
const deliverBrp = (
  file: string,
  work: string,
  more: Partial<Parameters<typeof deliverFile>[0]> = {},
) => deliverFile({ client, dataset: 'brp_personen', file, keyholder, workDir: work, ...more });

describe('deliverFile', () => {
  it("pseudonymises at home, uploads, and returns the broker's validation report", async () => {
    const { file, bsns } = writeBrp('brp-1.csv', 20, 1);
    const work = join(home, 'work-1');
    const phases: string[] = [];
    const r = await deliverBrp(file, work, {
      onProgress: (phase) => {
        if (phases.at(-1) !== phase) phases.push(phase);
      },
    });
    expect(phases).toEqual(['hash', 'pseudonymise', 'upload', 'validate']);
    expect(r).toMatchObject({
      dataset: 'brp_personen',
      version: 1,
      loaded: 40,
      quarantined: 1,
      reasons: { 'unknown region code': 1 },
      period: [2022, 2023],
      quarantineUrl: `${url}/api/v1/contributions/${r.contribution}/quarantine`,
      provider: {
        rowsIn: 42,
        keptBack: 1,
        keptBackReasons: { 'bsn: fails the 11-proef': 1 },
        rejectFile: join(work, 'brp_personen.rejects.csv'),
        pseudonymisedFile: join(work, 'brp_personen.csv'),
        reused: false,
      },
      upload: { resumedFrom: 0, chunks: 1, alreadyDelivered: false },
    });
    const local = readFileSync(join(work, 'brp_personen.csv'));
    expect(r.bytes).toBe(local.length);
    expect(r.sha256).toBe(sha(local));
    expect(r.upload.bytesSent).toBe(local.length);
    expect(storedOnBroker(r).equals(local)).toBe(true);
    // No raw BSN left home; the kept-back row stays at home with its reason.
    for (const bsn of [...bsns, BAD_BSN]) expect(local.toString()).not.toContain(bsn);
    expect(readFileSync(r.provider.rejectFile, 'utf8')).toContain(BAD_BSN);

    const { contributions } = await client.get<{
      contributions: { id: string; sha256: string; version: number; period: number[] }[];
    }>('/contributions');
    expect(contributions.find((c) => c.id === r.contribution)).toMatchObject({
      sha256: r.sha256,
      version: 1,
      period: [2022, 2023],
    });
    const q = await fetch(r.quarantineUrl!, {
      headers: { authorization: `Bearer ${demo.providers.gemeenten!.token}` },
    });
    expect(q.status).toBe(200);
    expect(await q.text()).toBe('row;field;reason\n41;buurtcode;unknown region code\n');
  });

  it("a delivery broken off after the first chunk resumes from the broker's offset", async () => {
    const { file } = writeBrp('brp-2.csv', 150, 2);
    const work = join(home, 'work-2');
    const chunkBytes = 4096;
    const stop = new Error('the line went down');
    const first = deliverBrp(file, work, {
      chunkBytes,
      onProgress: (phase, done) => {
        if (phase === 'upload' && done > 0) throw stop;
      },
    });
    await expect(first).rejects.toBe(stop);
    const local = readFileSync(join(work, 'brp_personen.csv'));
    expect(local.length).toBeGreaterThan(3 * chunkBytes);
    expect(await brokerOffset(sha(local))).toBe(chunkBytes);

    const r = await deliverBrp(file, work, {
      chunkBytes,
    });
    expect(r.provider.reused).toBe(true);
    expect(r.upload).toEqual({
      resumedFrom: chunkBytes,
      bytesSent: local.length - chunkBytes,
      chunks: Math.ceil((local.length - chunkBytes) / chunkBytes),
      alreadyDelivered: false,
    });
    expect(r).toMatchObject({ version: 2, loaded: 300, quarantined: 1, period: [2022, 2023] });
    expect(storedOnBroker(r).equals(local)).toBe(true);
    expect(await brokerOffset(sha(local))).toBeNull();

    // Once more: the broker already holds it; the report is that contribution's, nothing is sent.
    const again = await deliverBrp(file, work, {
      chunkBytes,
    });
    expect(again).toMatchObject({
      contribution: r.contribution,
      version: 2,
      upload: { resumedFrom: 0, bytesSent: 0, chunks: 0, alreadyDelivered: true },
    });
  });

  it("a chunk that fails on the network is retried from the broker's offset", async () => {
    const { file } = writeBrp('brp-3.csv', 60, 3);
    const work = join(home, 'work-3');
    let puts = 0;
    const flaky = new BrokerClient({ baseUrl: url, token: demo.providers.gemeenten!.token });
    const real = flaky.request.bind(flaky);
    // Every second PUT fails before it reaches the broker.
    flaky.request = async (method, path, o) => {
      if (method === 'PUT' && puts++ % 2 === 1)
        throw new (await import('../../src/client/http.js')).BrokerError(0, 'unreachable', 'reset');
      return real(method, path, o);
    };
    const r = await deliverFile({
      client: flaky,
      dataset: 'brp_personen',
      file,
      keyholder,
      workDir: work,
      chunkBytes: 2048,
      retryDelayMs: () => 0,
    });
    const local = readFileSync(join(work, 'brp_personen.csv'));
    expect(r.upload.bytesSent).toBe(local.length);
    expect(storedOnBroker(r).equals(local)).toBe(true);
    expect(r.loaded).toBe(120);
  });

  it('refuses an unknown dataset and a missing file, naming them', async () => {
    const common = { client, keyholder, workDir: join(home, 'work-x') };
    await expect(
      deliverFile({ ...common, dataset: 'brp', file: join(home, 'brp-1.csv') }),
    ).rejects.toThrow(/^unknown dataset 'brp' \(known: brp_personen, /);
    await expect(
      deliverFile({ ...common, dataset: 'brp_personen', file: join(home, 'nope.csv') }),
    ).rejects.toThrow(`${join(home, 'nope.csv')}: file not found`);
  });
});

const cli = (args: string[], env: Record<string, string> = {}) => runCli(args, env);

describe('samenzicht deliver', () => {
  const tokenFile = () => {
    const f = join(root, 'gemeenten.token');
    writeFileSync(f, `${demo.providers.gemeenten!.token}\n`, { mode: 0o600 });
    return f;
  };
  const flags = () => [
    '--broker',
    url,
    '--token-file',
    tokenFile(),
    '--keyholder-url',
    keyholderUrl,
    '--keyholder-token-file',
    join(khDir, 'provider-access.json'),
  ];
  /** `samenzicht deliver --dataset DATASET FILE` with the broker and key holder flags. */
  const deliver = (dataset: string, file: string, ...more: string[]) =>
    cli(['deliver', '--dataset', dataset, file, ...flags(), ...more]);

  it('prints progress on stderr and the validation report on stdout', async () => {
    const { file } = writeBrp('brp-cli.csv', 30, 4);
    const work = join(home, 'work-cli');
    const r = await deliver('brp_personen', file, '--work', work, '--chunk-mib', '0.001');
    expect(r.code).toBe(0);
    expect(r.err).toMatch(
      /^brp_personen: checksum of the input …\nbrp_personen: pseudonymising at home …\nbrp_personen: upload 0% \(0 bytes of \d+\.\d KiB\)\n/,
    );
    expect(r.err).toContain('brp_personen: upload 100%');
    expect(r.err).toContain('brp_personen: the broker validates the rows …');
    const { contributions } = await client.get<{
      contributions: { id: string; version: number; sha256: string }[];
    }>('/contributions');
    const c = contributions.at(-1)!;
    const local = readFileSync(join(work, 'brp_personen.csv'));
    expect(c.sha256).toBe(sha(local));
    const lines = r.out.trimEnd().split('\n');
    expect(lines[0]).toBe(`brp_personen: contribution ${c.id}, version ${c.version}`);
    expect(lines.slice(2)).toEqual([
      `  at home      62 rows; 1 kept back (missing or invalid identifier) in ${join(work, 'brp_personen.rejects.csv')}`,
      '                 1  bsn: fails the 11-proef',
      '  loaded       60',
      '  quarantined  1',
      '                 1  unknown region code',
      '  period       2022, 2023',
      `  quarantine   ${url}/api/v1/contributions/${c.id}/quarantine`,
      expect.stringMatching(/^ {2}upload {7}\d+\.\d KiB sent in \d+ chunks$/),
    ]);

    const json = await deliver('brp_personen', file, '--work', work, '--json');
    expect(json.code).toBe(0);
    expect(JSON.parse(json.out)).toMatchObject({
      contribution: c.id,
      upload: { alreadyDelivered: true },
      provider: { reused: true },
    });
  });

  it('bad input is one line naming it (exit 2)', async () => {
    const { file } = writeBrp('brp-bad.csv', 2, 9);
    const one = (r: CliResult) => {
      expect(r.code).toBe(2);
      expect(r.out).toBe('');
      expect(r.err.trim().split('\n')).toHaveLength(1);
      return r.err.trim();
    };
    expect(one(await deliver('brp', file))).toMatch(
      /^samenzicht: --dataset 'brp': unknown dataset \(known: brp_personen, /,
    );
    expect(one(await deliver('brp_personen', join(home, 'missing.csv')))).toBe(
      `samenzicht: ${join(home, 'missing.csv')}: file not found`,
    );
    expect(
      one(
        await cli([
          'deliver',
          '--dataset',
          'brp_personen',
          file,
          '--broker',
          url,
          '--token-file',
          tokenFile(),
        ]),
      ),
    ).toBe(
      'samenzicht: say which key holder: --keyholder-url URL --keyholder-token-file FILE (or --keys DIR)',
    );
    // A dataset of another provider: the broker's refusal, one line.
    writeFileSync(
      join(home, 'kadaster_woningen.csv'),
      `object_id;buurtcode;bouwjaar\nW1;${buurten[0]};1931\n`,
    );
    expect(
      one(
        await deliver(
          'kadaster_woningen',
          join(home, 'kadaster_woningen.csv'),
          '--work',
          join(home, 'work-k'),
        ),
      ),
    ).toBe(
      "samenzicht: steward@gemeenten.demo.samenzicht.nl does not belong to provider 'kadaster' that delivers kadaster_woningen",
    );
  });
});
