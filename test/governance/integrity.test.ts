/**
 * Integrity of releases: the digest over every file of a release folder, recorded at candidacy,
 * signed by each approval and recomputed at publication; and the restricted report.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  appendFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import type { FastifyInstance } from 'fastify';
import { GovernanceError, type IndicatorRef } from '../../src/governance/index.js';
import {
  approveAsDemo,
  setupDemoGovernance,
  type DemoGovernance,
} from '../support/demo-governance.js';
import {
  digestOfFiles,
  readReleaseRows,
  releaseDigest,
  releaseFileDigests,
  releaseFileDigestsAsync,
  verifyReleaseDigest,
  verifyReleaseDigestAsync,
} from '../../src/release/index.js';
import { readRowsPage } from '../../src/api/governance/report.js';
import { backends, testClock } from '../store/backends.js';
import { legacySqlite } from '../store/legacy.js';
import { buildApp, writeTestRelease } from './helpers.js';

const sha = (b: string | Buffer) => createHash('sha256').update(b).digest('hex');
const tmp: string[] = [];
const tmpDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'samenzicht-integrity-'));
  tmp.push(d);
  return d;
};
afterAll(() => {
  for (const d of tmp) rmSync(d, { recursive: true, force: true });
});

describe('releaseDigest', () => {
  it('is the sha256 of "<sha256>  <relative path>" lines over every file, sorted, restricted included', () => {
    const { dir, digest } = writeTestRelease(tmpDir(), 'rel-d');
    const files = [
      'cells.csv',
      'cells.parquet',
      'manifest.json',
      'restricted/audit.json',
      'restricted/cells.csv',
      'restricted/manifest.json',
    ];
    const lines = files.map((f) => `${sha(readFileSync(join(dir, f)))}  ${f}\n`).join('');
    expect(digest).toBe(sha(lines));
    expect(releaseFileDigests(dir).map((f) => f.path)).toEqual(files);
    expect(releaseFileDigests(dir)[0]).toEqual({
      path: 'cells.csv',
      sha256: sha(readFileSync(join(dir, 'cells.csv'))),
      bytes: readFileSync(join(dir, 'cells.csv')).length,
    });
    expect(digestOfFiles(releaseFileDigests(dir))).toBe(digest);
  });

  it('matches sha256sum on the command line', () => {
    const { dir, digest } = writeTestRelease(tmpDir(), 'rel-sh');
    const out = execFileSync(
      'bash',
      [
        '-c',
        "find . -type f | sed 's|^\\./||' | LC_ALL=C sort | xargs sha256sum | sha256sum | cut -d' ' -f1",
      ],
      { cwd: dir, encoding: 'utf8' },
    );
    expect(out.trim()).toBe(digest);
  });

  it('streams large files in chunks (sync and async agree) and sees a change of one byte', async () => {
    const { dir } = writeTestRelease(tmpDir(), 'rel-big');
    const big = Buffer.alloc(3 * 1024 * 1024 + 17, 0x61);
    writeFileSync(join(dir, 'restricted', 'audit.json'), big);
    const d1 = releaseDigest(dir);
    expect(releaseFileDigests(dir).find((f) => f.path === 'restricted/audit.json')).toEqual({
      path: 'restricted/audit.json',
      sha256: sha(big),
      bytes: big.length,
    });
    expect(digestOfFiles(await releaseFileDigestsAsync(dir))).toBe(d1);
    big[big.length - 1] = 0x62;
    writeFileSync(join(dir, 'restricted', 'audit.json'), big);
    expect(releaseDigest(dir)).not.toBe(d1);
  });

  it('does not follow symbolic links, and a missing folder throws', () => {
    const { dir, digest } = writeTestRelease(tmpDir(), 'rel-ln');
    symlinkSync('/etc/hostname', join(dir, 'link'));
    expect(releaseDigest(dir)).toBe(digest);
    expect(() => releaseDigest(join(dir, 'nope'))).toThrow(/does not exist or is not a folder/);
  });

  it('verifyReleaseDigest: ok, a plain mismatch, and the first file that differs when the list is known', async () => {
    const { dir, digest } = writeTestRelease(tmpDir(), 'rel-v');
    const recorded = releaseFileDigests(dir);
    expect(verifyReleaseDigest(dir, digest)).toEqual({ ok: true });
    expect(await verifyReleaseDigestAsync(dir, digest)).toEqual({ ok: true });
    appendFileSync(join(dir, 'cells.parquet'), 'x');
    const plain = verifyReleaseDigest(dir, digest);
    expect(plain.ok).toBe(false);
    if (!plain.ok) {
      expect(plain.reason).toBe(
        `the files of ${dir} have digest ${releaseDigest(dir).slice(0, 12)}, not ${digest.slice(0, 12)}`,
      );
    }
    const named = verifyReleaseDigest(dir, digest, recorded);
    expect(named.ok).toBe(false);
    if (!named.ok)
      expect(named.reason).toMatch(/: cells\.parquet changed \(sha256 \w{12}, was \w{12}\)$/);
    writeFileSync(
      join(dir, 'cells.parquet'),
      readFileSync(join(dir, 'cells.parquet')).subarray(0, -1),
    );
    expect(verifyReleaseDigest(dir, digest, recorded)).toEqual({ ok: true });
    writeFileSync(join(dir, 'restricted', 'extra.txt'), 'smuggled');
    const added = await verifyReleaseDigestAsync(dir, digest, recorded);
    expect(added.ok || added.reason).toMatch(/: restricted\/extra\.txt was added$/);
    unlinkSync(join(dir, 'restricted', 'extra.txt'));
    unlinkSync(join(dir, 'restricted', 'audit.json'));
    const missing = verifyReleaseDigest(dir, digest, recorded);
    expect(missing.ok || missing.reason).toMatch(/: restricted\/audit\.json is missing$/);
    expect(verifyReleaseDigest(join(dir, 'gone'), digest)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/does not exist/),
    });
    expect(verifyReleaseDigest(dir, 'xyz')).toMatchObject({ ok: false });
  });
});

describe('restricted cells, paged', () => {
  it('pages agree with readReleaseRows, across index marks, and past the end', async () => {
    const root = tmpDir();
    writeTestRelease(root, 'rel-p', 25_003);
    const file = join(root, 'releases', 'rel-p', 'restricted', 'cells.csv');
    const all = readReleaseRows(root, 'rel-p');
    expect(all).toHaveLength(25_003);
    for (const [offset, limit] of [
      [0, 5],
      [9_998, 5],
      [10_000, 1],
      [19_999, 3],
      [24_990, 100],
    ] as const) {
      const page = await readRowsPage(file, offset, limit);
      expect(page.total).toBe(25_003);
      expect(page.rows).toEqual(all.slice(offset, offset + limit));
    }
    expect(await readRowsPage(file, 25_003, 10)).toEqual({ total: 25_003, rows: [] });
    // A rewritten file is indexed again.
    writeTestRelease(root, 'rel-q', 4);
    const other = join(root, 'releases', 'rel-q', 'restricted', 'cells.csv');
    expect((await readRowsPage(other, 0, 10)).total).toBe(4);
    writeFileSync(other, `${readFileSync(other, 'utf8')}x,2025,gemeente,GM9,NL,,1,1,,published,\n`);
    expect((await readRowsPage(other, 0, 10)).total).toBe(5);
  });
});

const IND: IndicatorRef = {
  id: 'ontmantelingen',
  theme: 'drugs',
  sources: ['politie_ontmantelingen', 'kadaster_woningen'],
};

for (const backend of backends()) {
  describe(`release integrity in the airlock on ${backend.name}`, () => {
    afterAll(() => backend.cleanup());

    async function candidate(id = 'rel-1') {
      const store = await backend.open();
      const demo = await setupDemoGovernance(store, { now: testClock().now });
      const gov = demo.governance;
      const run = await gov.startRun(demo.broker.id, { indicators: [IND] });
      const { dir, digest } = writeTestRelease(store.dataDir, id);
      const rel = await gov.createCandidate(demo.broker.id, {
        runId: run.id,
        releaseId: id,
        digest,
        auditSummary: {},
      });
      return { store, demo, gov, rel, dir, digest, run };
    }

    it('records the digest and the files at candidacy, in the table and the audit trail', async () => {
      const { store, gov, rel, dir, digest } = await candidate();
      expect(gov.releasesDir).toBe(join(store.dataDir, 'releases'));
      expect(rel.digest).toBe(digest);
      const row = await store.db
        .selectFrom('releases')
        .select(['digest', 'digest_files'])
        .where('id', '=', rel.id)
        .executeTakeFirstOrThrow();
      expect(row.digest).toBe(digest);
      expect(JSON.parse(row.digest_files!)).toEqual(releaseFileDigests(dir));
      const [entry] = await gov.listAudit({ action: 'candidate' });
      expect(entry?.details).toMatchObject({ digest, files: releaseFileDigests(dir) });
    });

    it('refuses a malformed digest, and a digest that is not the one of the files on disk', async () => {
      const store = await backend.open();
      const demo = await setupDemoGovernance(store, { now: testClock().now });
      const gov = demo.governance;
      const run = await gov.startRun(demo.broker.id, { indicators: [IND] });
      await expect(
        gov.createCandidate(demo.broker.id, { runId: run.id, digest: 'abc', auditSummary: {} }),
      ).rejects.toThrow('digest must be a sha256: 64 hexadecimal characters');
      await expect(
        gov.createCandidate(demo.broker.id, {
          runId: run.id,
          releaseId: '../escape',
          digest: 'a'.repeat(64),
          auditSummary: {},
        }),
      ).rejects.toThrow(/release id '..\/escape'/);
      const { digest } = writeTestRelease(store.dataDir, 'rel-x');
      const wrong = 'c'.repeat(64);
      const err = await gov
        .createCandidate(demo.broker.id, {
          runId: run.id,
          releaseId: 'rel-x',
          digest: wrong,
          auditSummary: {},
        })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(GovernanceError);
      expect((err as GovernanceError).code).toBe('integrity');
      expect((err as GovernanceError).message).toBe(
        `candidate rel-x refused: the files of releases/rel-x/ have digest ${digest.slice(0, 12)}, not the submitted cccccccccccc`,
      );
      expect((await gov.listAudit({ action: 'integrity.refused' })).map((e) => e.details)).toEqual([
        expect.objectContaining({ stage: 'candidate', digest: wrong, actual: digest }),
      ]);
      expect(await gov.listReleases()).toEqual([]);
      // The run is still running: the same call with the right digest enters the airlock.
      const rel = await gov.createCandidate(demo.broker.id, {
        runId: run.id,
        releaseId: 'rel-x',
        digest: digest.toUpperCase(),
        auditSummary: {},
      });
      expect(rel.digest).toBe(digest);
    });

    it('an approval must sign the recorded digest', async () => {
      const { demo, gov, rel, digest } = await candidate();
      const chair = demo.board[0]!;
      await expect(gov.review(chair.id, rel.id, { decision: 'approve' })).rejects.toThrow(
        /an approval signs the content it approves: send the digest of release rel-1/,
      );
      const other = 'd'.repeat(64);
      const err = await gov
        .review(chair.id, rel.id, { decision: 'approve', digest: other })
        .catch((e: unknown) => e);
      expect((err as GovernanceError).code).toBe('conflict');
      expect((err as GovernanceError).message).toBe(
        `chair@board.demo.samenzicht.nl approved other content: the review signs digest dddddddddddd, but release rel-1 has digest ${digest.slice(0, 12)}; fetch the release and its report again`,
      );
      expect((await gov.getRelease(rel.id)).reviews).toEqual([]);
      const ok = await gov.review(chair.id, rel.id, { decision: 'approve', digest });
      expect(ok.reviews).toMatchObject([{ userId: chair.id, decision: 'approve', digest }]);
      const [approval] = await gov.listAudit({ action: 'approval' });
      expect(approval?.details).toEqual({ capacity: 'board', reason: '', digest });
      // A rejection may leave it out; given, it must match too.
      await expect(
        gov.review(demo.providers.kadaster!.id, rel.id, {
          decision: 'reject',
          reason: 'x',
          digest: other,
        }),
      ).rejects.toThrow(/approved other content/);
      const rejected = await gov.review(demo.providers.kadaster!.id, rel.id, {
        decision: 'reject',
        reason: 'x',
      });
      expect(rejected.reviews.find((r) => r.decision === 'reject')?.digest).toBeNull();
    });

    it('a file changed under an approved id is refused at publication, and logged', async () => {
      const { demo, gov, rel, dir, digest } = await candidate();
      await approveAsDemo(demo, rel.id);
      const parquet = join(dir, 'cells.parquet');
      const original = readFileSync(parquet);
      writeFileSync(parquet, 'PAR1 forged figures PAR1');
      const err = await gov.publish(demo.broker.id, rel.id).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(GovernanceError);
      expect((err as GovernanceError).code).toBe('integrity');
      const actual = releaseDigest(dir);
      expect((err as GovernanceError).message).toBe(
        `release rel-1 cannot be published: its files are not the approved content: releases/rel-1/ has digest ${actual.slice(0, 12)}, the recorded (and approved) one is ${digest.slice(0, 12)} (cells.parquet changed (sha256 ${sha(readFileSync(parquet)).slice(0, 12)}, was ${sha(original).slice(0, 12)}))`,
      );
      expect((await gov.getRelease(rel.id)).state).toBe('candidate');
      const refusals = await gov.listAudit({ action: 'integrity.refused' });
      expect(refusals.map((e) => [e.actor, e.subject, e.details])).toEqual([
        [
          demo.broker.id,
          'rel-1',
          expect.objectContaining({
            stage: 'publication',
            digest,
            actual,
            file: expect.stringMatching(/^cells\.parquet changed/),
          }),
        ],
      ]);
      expect(await gov.verifyReleaseFiles(rel.id)).toMatchObject({ ok: false });
      // A restricted file counts as much as a public one.
      writeFileSync(parquet, original);
      appendFileSync(join(dir, 'restricted', 'audit.json'), ' ');
      await expect(gov.publish(demo.broker.id, rel.id)).rejects.toThrow(
        /\(restricted\/audit\.json changed/,
      );
      writeFileSync(
        join(dir, 'restricted', 'audit.json'),
        readFileSync(join(dir, 'restricted', 'audit.json')).subarray(0, -1),
      );
      rmSync(dir, { recursive: true });
      await expect(gov.publish(demo.broker.id, rel.id)).rejects.toThrow(
        'release rel-1 cannot be published: its files are not the approved content: releases/rel-1/ does not exist',
      );
      writeTestRelease(gov.store.dataDir, 'rel-1');
      expect(await gov.verifyReleaseFiles(rel.id)).toEqual({ ok: true, digest });
      const pub = await gov.publish(demo.broker.id, rel.id);
      expect(pub.state).toBe('published');
      const [publication] = await gov.listAudit({ action: 'publication' });
      expect(publication?.details).toMatchObject({ digest });
      expect((await gov.verifyAuditTrail()).ok).toBe(true);
    });

    it('publication refuses an approval whose signed digest is not the recorded one', async () => {
      const { demo, gov, rel, digest } = await candidate();
      await approveAsDemo(demo, rel.id);
      // Forged in the database behind governance's back: a review that signed other content.
      const db = gov.store.db;
      const forger = await gov.createUser('system', {
        email: 'm3@board.demo.nl',
        name: 'M3',
        organisations: ['board'],
      });
      await db
        .insertInto('reviews')
        .values({
          release_id: rel.id,
          user_id: forger.id,
          capacity: 'board',
          decision: 'approve',
          reason: '',
          created_at: new Date().toISOString(),
          digest: 'e'.repeat(64),
        })
        .execute();
      await expect(gov.publish(demo.broker.id, rel.id)).rejects.toThrow(
        `release rel-1 cannot be published: approvals signed another digest than the recorded ${digest.slice(0, 12)}: ${forger.id} (board) signed eeeeeeeeeeee`,
      );
      const [refusal] = await gov.listAudit({ action: 'integrity.refused' });
      expect(refusal?.details).toMatchObject({
        stage: 'publication',
        approvals: [{ user: forger.id, digest: 'e'.repeat(64) }],
      });
    });

    it('the database keeps a recorded digest and the reviews as they are', async () => {
      const { demo, gov, rel } = await candidate();
      const db = gov.store.db;
      await expect(
        db
          .updateTable('releases')
          .set({ digest: 'f'.repeat(64) })
          .where('id', '=', rel.id)
          .execute(),
      ).rejects.toThrow(/a release digest never changes once recorded/);
      await expect(
        db.updateTable('releases').set({ digest_files: '[]' }).where('id', '=', rel.id).execute(),
      ).rejects.toThrow(/a release digest never changes once recorded/);
      await approveAsDemo(demo, rel.id);
      await expect(
        db
          .updateTable('reviews')
          .set({ digest: 'f'.repeat(64) })
          .where('release_id', '=', rel.id)
          .execute(),
      ).rejects.toThrow(/reviews are final/);
      await expect(
        db.deleteFrom('reviews').where('release_id', '=', rel.id).execute(),
      ).rejects.toThrow(/reviews are final/);
      await gov.publish(demo.broker.id, rel.id);
      await expect(
        sql`UPDATE releases SET digest_files = NULL WHERE id = ${rel.id}`.execute(db),
      ).rejects.toThrow(/immutable|never changes/);
    });
  });
}

describe('integrity and the restricted report over HTTP', () => {
  const sqlite = backends()[0]!;
  let demo: DemoGovernance;
  let app: FastifyInstance;
  let digest: string;
  const auth = (token: string) => ({ authorization: `Bearer ${token}` });

  beforeAll(async () => {
    const store = await sqlite.open();
    demo = await setupDemoGovernance(store);
    app = await buildApp({ store, governance: demo.governance });
    const gov = demo.governance;
    const run = await gov.startRun(demo.broker.id, {
      indicators: [{ id: 'bouwjaar_voor_1945', theme: 'vastgoed', sources: ['kadaster_woningen'] }],
    });
    ({ digest } = writeTestRelease(store.dataDir, 'rel-http', 12));
    await gov.createCandidate(demo.broker.id, {
      runId: run.id,
      releaseId: 'rel-http',
      digest,
      auditSummary: {},
    });
  });
  afterAll(async () => {
    await app.close();
    await sqlite.cleanup();
  });

  it('serves the restricted report (manifest, audit, file list) and logs the read', async () => {
    const res = await app.inject({
      method: 'GET',
      url: '/api/v1/airlock/releases/rel-http/report',
      headers: auth(demo.providers.kadaster!.token),
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers['x-release-digest']).toBe(digest);
    const body = res.json();
    expect(body).toMatchObject({
      release: { id: 'rel-http', state: 'candidate', digest, providers: ['kadaster'] },
      cells: { href: '/api/v1/airlock/releases/rel-http/report/cells', count: 12 },
      manifest: { id: 'rel-http', format: 'samenzicht-release/2' },
      audit: { passed: true, intervals: [{ cell: 'GM0002', lower: 0, upper: 14, truth: 7 }] },
    });
    expect(body.files.map((f: { path: string }) => f.path)).toContain('restricted/audit.json');
    const reads = await demo.governance.listAudit({ action: 'report.read' });
    expect(reads.map((e) => [e.actor, e.subject, e.details])).toEqual([
      [demo.providers.kadaster!.id, 'rel-http', { state: 'candidate', part: 'report' }],
    ]);
  });

  it('pages the internal cells with status and rule; limit at most 10,000', async () => {
    const get = (q: string) =>
      app.inject({
        method: 'GET',
        url: `/api/v1/airlock/releases/rel-http/report/cells${q}`,
        headers: auth(demo.board[0]!.token),
      });
    const first = await get('?offset=0&limit=3');
    expect(first.statusCode).toBe(200);
    expect(first.json()).toEqual({
      releaseId: 'rel-http',
      digest,
      total: 12,
      offset: 0,
      limit: 3,
      rows: [
        expect.objectContaining({ region_code: 'GM0000', status: 'published', rule: null }),
        expect.objectContaining({
          region_code: 'GM0001',
          value: 5,
          numerator: 5,
          denominator: null,
        }),
        expect.objectContaining({
          region_code: 'GM0002',
          status: 'suppressed-primary',
          rule: 'threshold',
          value: null,
          parent_code: 'NL',
        }),
      ],
    });
    const last = await get('?offset=10');
    expect(last.json()).toMatchObject({ total: 12, offset: 10, limit: 1000 });
    expect(last.json().rows.map((r: { region_code: string }) => r.region_code)).toEqual([
      'GM0010',
      'GM0011',
    ]);
    expect((await get('?limit=10001')).statusCode).toBe(400);
    expect((await get('?offset=-1')).statusCode).toBe(400);
    const reads = await demo.governance.listAudit({ action: 'report.read' });
    expect(reads.at(-1)?.details).toEqual({
      state: 'candidate',
      part: 'cells',
      offset: 10,
      limit: 1000,
    });
  });

  it('refuses the report to a provider of another release, a consumer and anonymous callers', async () => {
    const before = (await demo.governance.listAudit({ action: 'report.read' })).length;
    for (const part of ['report', 'report/cells']) {
      const url = `/api/v1/airlock/releases/rel-http/${part}`;
      const fiu = await app.inject({
        method: 'GET',
        url,
        headers: auth(demo.providers.fiu!.token),
      });
      expect(fiu.statusCode).toBe(403);
      expect(fiu.json()).toEqual({
        error: 'forbidden',
        message:
          'steward@fiu.demo.samenzicht.nl may not read the restricted report of rel-http: only the broker, the board and members of a provider whose data it uses (kadaster)',
      });
      const consumer = await app.inject({ method: 'GET', url, headers: auth(demo.consumer.token) });
      expect(consumer.statusCode).toBe(403);
      expect(consumer.json().error).toBe('role-forbidden');
      expect((await app.inject({ method: 'GET', url })).statusCode).toBe(401);
    }
    expect(await demo.governance.listAudit({ action: 'report.read' })).toHaveLength(before);
    const none = await app.inject({
      method: 'GET',
      url: '/api/v1/airlock/releases/no-such/report',
      headers: auth(demo.broker.token),
    });
    expect(none.statusCode).toBe(404);
  });

  it('publication over HTTP: 409 integrity for changed files, 200 once they are the approved ones', async () => {
    const gov = demo.governance;
    await approveAsDemo(demo, 'rel-http');
    const csv = join(gov.releasesDir, 'rel-http', 'cells.csv');
    const original = readFileSync(csv);
    writeFileSync(
      csv,
      `${original.toString('utf8')}bouwjaar_voor_1945,2025,gemeente,GM0999,NL,,3,3,,published\n`,
    );
    const publish = () =>
      app.inject({
        method: 'POST',
        url: '/api/v1/airlock/releases/rel-http/publish',
        headers: auth(demo.broker.token),
      });
    const refused = await publish();
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error).toBe('integrity');
    expect(refused.json().message).toMatch(
      /^release rel-http cannot be published: its files are not the approved content: .*\(cells\.csv changed/,
    );
    writeFileSync(csv, original);
    const ok = await publish();
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ state: 'published', digest });
    // A published release's report stays readable for its reviewers.
    const report = await app.inject({
      method: 'GET',
      url: '/api/v1/airlock/releases/rel-http/report',
      headers: auth(demo.broker.token),
    });
    expect(report.json().release.state).toBe('published');
  });
});

describe('migration 0002 on a state database from before digests', () => {
  it('adds the columns; old releases have no digest and cannot be approved or published', async () => {
    const { openStore } = await import('../../src/store/index.js');
    const dir = tmpDir();
    mkdirSync(dir, { recursive: true });
    const old = await legacySqlite(dir, '0001_governance');
    // A candidate as the old code wrote it (no digest columns yet).
    const now = new Date().toISOString();
    await sql`INSERT INTO runs (id, started_by, started_at, indicators, datasets, agreements, state)
      VALUES ('run-old', 'someone', ${now}, '[]', '[]', '[]', 'candidate')`.execute(old);
    await sql`INSERT INTO releases (id, run_id, state, indicators, datasets, providers, audit_summary, started_by, created_at)
      VALUES ('rel-old', 'run-old', 'candidate', '["ontmantelingen"]', '[]', '["kadaster"]', '{}', 'someone', ${now})`.execute(
      old,
    );
    await old.destroy();
    const store = await openStore({ dataDir: dir });
    const demo = await setupDemoGovernance(store);
    const gov = demo.governance;
    expect((await gov.getRelease('rel-old')).digest).toBeNull();
    await expect(
      gov.review(demo.board[0]!.id, 'rel-old', { decision: 'approve', digest: 'a'.repeat(64) }),
    ).rejects.toThrow(/has no recorded digest/);
    await store.close();
  });
});
