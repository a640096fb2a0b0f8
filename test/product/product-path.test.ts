/**
 * The product path end to end, on SQLite and on PostgreSQL, each party in its role over HTTP:
 * `init` and `serve` (a process of its own), the administrator registers the parties and the
 * agreement, seven providers pseudonymise at home and `deliver`, the broker runs, the providers
 * and the board review, the broker publishes, and a consumer reads REST and OData. Then a crash
 * mid-run, a re-delivery and a second release, and an indicator added as a file.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrokerClient, readTokenFile } from '../../src/client/http.js';
import { deliverFile } from '../../src/client/deliver.js';
import { followRun } from '../../src/client/runs.js';
import { DATASETS } from '../../src/ingest/contracts.js';
import { loadCatalogue } from '../../src/indicators/index.js';
import { loadRegionSet, type RegionSet } from '../../src/regions/index.js';
import { synthesise } from '../../src/synth/index.js';
import {
  HttpKeyholder,
  initKeyholder,
  readAccessToken,
  serveKeyholder,
} from '../../src/pseudonym/index.js';
import { reviewAndPublish, setUpParties, type DemoParties } from '../../src/demo/parties.js';
import type { AuditEntry, Release, Run, User } from '../../src/governance/index.js';
import { readManifest } from '../../src/release/index.js';
import { DEFAULT_PROFILES } from '../../src/disclosure/index.js';
import { postgresUrl } from '../store/backends.js';
import {
  expectPublishedWithinRounding,
  truthKey,
  type FigureLike,
  readGroundTruth,
  writeIndicatorGroundTruth,
} from '../support/truth/index.js';
import { rebindParties, runCli, startBroker, type BrokerProcess } from './broker-process.js';
import { deliverEveryDataset, initArgs } from '../support/instances.js';
import { hierarchyOf } from '../support/engine-fixture.js';

/** An indicator an analyst adds as a file: residents of 65 and over, per region. */
const OUDEREN = {
  id: 'ouderen',
  title: { nl: 'Inwoners van 65 jaar en ouder', en: 'Residents aged 65 and over' },
  description: {
    nl: 'Aantal ingezetenen van 65 jaar en ouder volgens de BRP.',
    en: 'Number of residents aged 65 and over registered in the BRP.',
  },
  theme: 'context',
  kind: 'count',
  unit: { nl: 'personen', en: 'persons' },
  numerator: {
    dataset: 'brp_personen',
    time: { type: 'year', col: 'peiljaar' },
    region: { type: 'column', col: 'buurtcode', basis: 'residence' },
    where: [{ age: { min: 65, max: 200 } }],
    measure: { type: 'count' },
  },
  levels: ['nederland', 'veiligheidsregio', 'gemeente', 'wijk', 'buurt'],
  years: [2019, 2020, 2021, 2022, 2023],
  breakdowns: [],
  disclosure: 'count',
  methodology: {
    nl: 'Alle personen in de BRP-levering met peiljaar gelijk aan het jaar en leeftijd 65 of meer.',
    en: 'All persons in the BRP delivery with peiljaar equal to the year, aged 65 or more.',
  },
  regionBasis: {
    nl: 'Woonbuurt volgens de BRP op 1 januari van het jaar (peiljaar).',
    en: 'Buurt of residence in the BRP on 1 January of the year (peiljaar).',
  },
};

let root: string;
let regions: RegionSet;
let synthDir: string;
let truthFile: string;
let catalogueDir: string;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'samenzicht-product-'));
  regions = await loadRegionSet(null);
  synthDir = join(root, 'providers');
  const synth = await synthesise({ scale: 0.004, seed: 41, outDir: synthDir, regions });
  truthFile = join(root, 'truth.csv');
  await writeIndicatorGroundTruth({
    synthDir: synth.outDir,
    regions: hierarchyOf(regions),
    outFile: truthFile,
  });
  catalogueDir = join(root, 'catalogue');
  mkdirSync(catalogueDir);
  writeFileSync(join(catalogueDir, 'ouderen.json'), JSON.stringify(OUDEREN, null, 2));
}, 300_000);

afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A fresh PostgreSQL database on the tests' server, as an operator would create one. */
async function freshDatabase(): Promise<string> {
  const base = postgresUrl();
  const name = `samenzicht_product_${randomBytes(4).toString('hex')}`;
  const client = new pg.Client({ connectionString: base });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(base);
  url.pathname = `/${name}`;
  return url.toString();
}

const follow = (client: BrokerClient, id: string) => followRun(client, id, { intervalMs: 100 });

interface PublicCells {
  cells: FigureLike[];
  page: { next: string | null };
}

async function publicCells(url: string, release: string): Promise<FigureLike[]> {
  const out: FigureLike[] = [];
  let next: string | null = `${url}/api/v1/releases/${release}/cells?limit=10000`;
  while (next) {
    const res = await fetch(next);
    expect(res.status).toBe(200);
    const body = (await res.json()) as PublicCells;
    out.push(...body.cells);
    next = body.page.next;
  }
  return out;
}

describe.each(['sqlite', 'postgres'] as const)('the product path on %s', (backend) => {
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  let broker: BrokerProcess;
  let admin: BrokerClient;
  let parties: DemoParties;
  let keyholder: Awaited<ReturnType<typeof serveKeyholder>>;
  let keys: HttpKeyholder;
  let first: Run;
  let crashed: { before: string; after: Run };
  let release1: Release;

  beforeAll(async () => {
    dataDir = join(root, `instance-${backend}`);
    env = backend === 'postgres' ? { DATABASE_URL: await freshDatabase() } : { DATABASE_URL: '' };
    const tokenFile = join(root, `admin-${backend}.token`);
    const init = await runCli(
      initArgs({
        dataDir,
        catalogue: catalogueDir,
        adminEmail: 'beheer@broker.test',
        tokenFile,
      }),
      env,
    );
    expect(init.code, init.stderr).toBe(0);
    broker = await startBroker(dataDir, env);
    admin = new BrokerClient({ baseUrl: broker.url, token: readTokenFile(tokenFile) });
    parties = await setUpParties(admin);

    const khDir = join(root, `keyholder-${backend}`);
    await initKeyholder(khDir);
    keyholder = await serveKeyholder(khDir, 0);
    keys = new HttpKeyholder([keyholder.url], readAccessToken(join(khDir, 'provider-access.json')));
    await deliverEveryDataset({
      parties,
      synthDir,
      keyholder: keys,
      outbox: join(root, `outbox-${backend}`),
    });

    // The broker runs with the CLI, as an operator would; it follows the run to its candidate.
    const ran = await runCli(
      ['run', '--broker', broker.url, '--token-file', tokenFile, '--json'],
      env,
    );
    expect(ran.code, ran.stderr).toBe(0);
    first = JSON.parse(ran.stdout) as Run;

    // A crash during the computation: the same inputs again, killed in the indicators stage.
    const started = await admin.post<Run>('/runs', {});
    for (;;) {
      const r = await admin.get<Run>(`/runs/${started.id}`);
      if (r.stage === 'indicators' || r.state !== 'running') break;
      await new Promise((res) => setTimeout(res, 20));
    }
    await broker.kill();
    broker = await startBroker(dataDir, env);
    admin = new BrokerClient({ baseUrl: broker.url, token: admin.token! });
    parties = rebindParties(parties, broker.url);
    const interrupted = await admin.get<Run>(`/runs/${started.id}`);
    await admin.post(`/runs/${started.id}/restart`);
    crashed = { before: interrupted.state, after: await follow(admin, started.id) };

    release1 = (await reviewAndPublish(parties, first.releaseId!)).release;
  }, 900_000);

  afterAll(async () => {
    // The broker's own log, for a failure that happened inside it.
    if (broker && process.env.SAMENZICHT_TEST_BROKER_LOG) process.stderr.write(broker.log());
    await keyholder?.app.close();
    await broker?.stop();
  });

  it('runs every indicator the agreement allows, for the years in the data', () => {
    expect(first.state).toBe('candidate');
    const ids = first.indicators.map((i) => i.id);
    expect(ids).toContain('ouderen');
    expect(ids).toHaveLength(loadCatalogue([catalogueDir]).length);
    expect((first.scope as { years: number[] }).years).toEqual([2019, 2020, 2021, 2022, 2023]);
    expect(first.inputs).toHaveLength(DATASETS.length);
  });

  it('a run killed mid-computation is marked interrupted, restarts, and gives the same cells', () => {
    expect(crashed.before).toBe('interrupted');
    expect(crashed.after.state).toBe('candidate');
    expect(crashed.after.attempts).toBe(2);
    expect(crashed.after.cellsHash).toBe(first.cellsHash);
  });

  it('every published figure equals the ground truth; the added indicator too', async () => {
    expect(release1.state).toBe('published');
    const cells = await publicCells(broker.url, release1.id);
    const catalogue = loadCatalogue([catalogueDir]);
    const shipped = cells.filter((c) => c.indicator_id !== 'ouderen');
    const published = shipped.filter((c) => c.status === 'published');
    expect(published.length).toBeGreaterThan(500);
    expect(expectPublishedWithinRounding(shipped, truthFile, catalogue)).toBe(published.length);
    // The file-defined indicator: the residents of 65+ are the shipped inwoners' 65+ breakdown.
    const truth = new Map(readGroundTruth(truthFile).map((t) => [truthKey(t), t]));
    // Breakdowns exist down to gemeente level; below it the check would have nothing to compare.
    const ouderen = cells.filter(
      (c) =>
        c.indicator_id === 'ouderen' &&
        c.status === 'published' &&
        ['nederland', 'veiligheidsregio', 'gemeente'].includes(c.region_level),
    );
    expect(ouderen.length).toBeGreaterThan(20);
    expect(
      cells.filter((c) => c.indicator_id === 'ouderen' && c.region_level === 'buurt').length,
    ).toBeGreaterThan(0);
    const half = DEFAULT_PROFILES.count.roundingBase / 2;
    for (const c of ouderen) {
      const t = truth.get(truthKey({ ...c, indicator_id: 'inwoners', breakdown: 'leeftijd=65+' }));
      expect(Math.abs(c.value! - t!.value!), `${c.year} ${c.region_code}`).toBeLessThanOrEqual(
        half,
      );
    }
  });

  it('a consumer reads the same figures through OData', async () => {
    const res = await fetch(
      `${broker.url}/odata/v4/Observations?$filter=${encodeURIComponent("Measure eq 'inwoners' and Breakdown eq 'T001'")}`,
    );
    expect(res.status).toBe(200);
    const obs = (
      (await res.json()) as { value: { Value: number | null; Perioden: string; RegioS: string }[] }
    ).value;
    const rest = new Map(
      (await publicCells(broker.url, release1.id))
        .filter((c) => c.indicator_id === 'inwoners' && c.breakdown === '')
        .map((c) => [`${c.year}JJ00|${c.region_code}`, c.value]),
    );
    expect(obs.length).toBe(rest.size);
    for (const o of obs)
      expect(o.Value, `${o.Perioden} ${o.RegioS}`).toBe(rest.get(`${o.Perioden}|${o.RegioS}`));
  });

  it('the audit trail verifies and names each actor', async () => {
    const board = parties.board[0]!.client;
    expect((await board.get<{ ok: boolean }>('/audit/verify')).ok).toBe(true);
    const { entries } = await board.get<{ entries: AuditEntry[] }>('/audit', { limit: 10000 });
    const { users } = await admin.get<{ users: User[] }>('/users');
    const email = new Map(users.map((u) => [u.id, u.email]));
    const did = (action: string, subject?: string) =>
      new Set(
        entries
          .filter((e) => e.action === action && (subject === undefined || e.subject === subject))
          .map((e) => email.get(e.actor) ?? e.actor),
      );
    const stewards = Object.values(parties.providers).map((p) => p.email);
    expect([...did('upload')].sort()).toEqual([...stewards].sort());
    expect([...did('approval', release1.id)].sort()).toEqual(
      [...stewards, parties.board[0]!.email, parties.board[1]!.email].sort(),
    );
    expect([...did('publication', release1.id)]).toEqual(['beheer@broker.test']);
    expect(did('run.interrupted').has('system')).toBe(true);
    expect([...did('run.restarted')]).toEqual(['beheer@broker.test']);
  });

  it('a re-delivery of one dataset gives a new version, a second release, and its changes', async () => {
    // Kadaster delivers its register of dwellings again, now with the new dwellings of a
    // building programme (one in ten buurten' dwellings has a new neighbour): a register is
    // replaced whole by its newest delivery.
    const d = DATASETS.find((x) => x.id === 'kadaster_woningen')!;
    const lines = readFileSync(join(synthDir, 'providers', d.provider, d.file), 'utf8')
      .split('\n')
      .filter((l) => l !== '');
    const built = lines
      .slice(1)
      .filter((_, i) => i % 10 === 0)
      .map((l) => l.replace(/^([^;]+);/, '$1N;'));
    const more = join(root, `kadaster_woningen-v2-${backend}.csv`);
    writeFileSync(more, [...lines, ...built].join('\n') + '\n');
    const report = await deliverFile({
      client: parties.providerFor(d.id).client,
      dataset: d.id,
      file: more,
      keyholder: keys,
      workDir: join(root, `outbox-${backend}-v2`),
    });
    expect(report.version).toBe(2);
    const t0 = Date.now();
    const second = await follow(admin, (await admin.post<Run>('/runs', {})).id);
    console.log(`second run: ${Date.now() - t0} ms`);
    expect(second.state, second.error ?? '').toBe('candidate');
    const input = second.inputs.filter((i) => i.dataset === d.id);
    expect(input.map((i) => i.contribution)).toEqual([report.contribution]);
    const manifest = readManifest(dataDir, second.releaseId!);
    expect(manifest.previousRelease).toBe(release1.id);
    const release2 = (await reviewAndPublish(rebindParties(parties, broker.url), second.releaseId!))
      .release;
    expect(release2.state).toBe('published');

    // The differencing audit covered the first release: nothing it withheld is opened now.
    const before = new Map(
      (await publicCells(broker.url, release1.id)).map((c) => [truthKey(c), c]),
    );
    const after = await publicCells(broker.url, release2.id);
    for (const c of after) {
      if (before.get(truthKey(c))?.status === 'confidential')
        expect(c.status, truthKey(c)).not.toBe('published');
    }
    // The release comparison names what changed: the dwellings, not the residents.
    const res = await fetch(
      `${broker.url}/api/v1/releases/${release2.id}/changes?from=${release1.id}`,
    );
    expect(res.status).toBe(200);
    const changes = (await res.json()) as {
      summary: { indicators: { indicator: string; changed: number }[] };
    };
    const changed = (id: string) =>
      changes.summary.indicators.find((i) => i.indicator === id)?.changed ?? 0;
    expect(changed('woningen')).toBeGreaterThan(0);
    expect(changed('inwoners')).toBe(0);
  }, 600_000);
});
