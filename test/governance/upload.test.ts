import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, utimesSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { GovernanceError, receiveUpload } from '../../src/governance/index.js';
import { setupDemoGovernance, type DemoGovernance } from '../support/demo-governance.js';
import {
  DATASETS,
  datasetContract,
  datasetSchema,
  periodExpression,
  uploadValidator,
} from '../../src/ingest/index.js';
import { loadRegionSet, type RegionSet } from '../../src/regions/index.js';
import type { Store } from '../../src/store/index.js';
import { backends } from '../store/backends.js';
import { buildApp } from './helpers.js';
import { tempDir } from '../support/temp.js';

const root = tempDir('samenzicht-upload-');
const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

function chunks(n: number, size: number, failAfter?: number): Readable {
  let i = 0;
  return new Readable({
    read() {
      if (failAfter !== undefined && i === failAfter) {
        this.destroy(new Error('socket hang up'));
        return;
      }
      if (i++ < n) this.push(Buffer.alloc(size, 67));
      else this.push(null);
    },
  });
}

describe('receiveUpload', () => {
  it('streams to a temporary file and checks the sha256', async () => {
    const dir = join(root, 'ok');
    const r = await receiveUpload(chunks(4, 1000), {
      incomingDir: dir,
      maxBytes: 4000,
      expectedSha256: sha(Buffer.alloc(4000, 67)),
    });
    expect(r.bytes).toBe(4000);
    expect(readFileSync(r.tempPath)).toEqual(Buffer.alloc(4000, 67));
  });

  it('stops at the size limit even without a declared length, and removes the partial file', async () => {
    const dir = join(root, 'big');
    const err = await receiveUpload(chunks(10, 1000), {
      incomingDir: dir,
      maxBytes: 4500,
      expectedSha256: 'a'.repeat(64),
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GovernanceError);
    expect((err as GovernanceError).code).toBe('too_large');
    expect((err as Error).message).toBe('upload exceeds the limit of 4500 bytes');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a stream that breaks off mid-way leaves nothing', async () => {
    const dir = join(root, 'broken');
    await expect(
      receiveUpload(chunks(10, 1000, 3), {
        incomingDir: dir,
        maxBytes: 1e6,
        expectedSha256: 'a'.repeat(64),
      }),
    ).rejects.toThrow('upload interrupted after 3000 bytes: socket hang up');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuses a malformed checksum before reading', async () => {
    await expect(
      receiveUpload(chunks(1, 1), {
        incomingDir: join(root, 'x'),
        maxBytes: 10,
        expectedSha256: 'abc',
      }),
    ).rejects.toThrow('the sha256 checksum must be 64 hexadecimal characters');
  });
});

// ------------------------------------------------------------------ resumable uploads over HTTP

const PSEUDONYM_PREFIX = 'ZS1:keyed:k1v1:';
/** A stage-1 keyed pseudonym as the provider's tool writes it (43 base64url characters). */
const pseudonym = (i: number | string) =>
  `${PSEUDONYM_PREFIX}${createHash('sha256').update(`person ${i}`).digest('base64url')}`;
const BRP_HEADER = 'peiljaar;bsn_pseudonym;buurtcode;geboortedatum;geslacht;huishoudnummer';
const auth = (token: string) => ({ authorization: `Bearer ${token}` });

interface Http {
  store: Store;
  demo: DemoGovernance;
  app: FastifyInstance;
}
const backend = backends()[0]!;
let regions: RegionSet;
let buurten: string[];
let a: Http;
let b: Http;

async function broker(): Promise<Http> {
  const store = await backend.open();
  const demo = await setupDemoGovernance(store);
  const app = await buildApp({
    store,
    governance: demo.governance,
    validate: uploadValidator(regions),
    maxUploadBytes: 1_000_000,
  });
  return { store, demo, app };
}

beforeAll(async () => {
  regions = await loadRegionSet(null);
  buurten = regions.ofLevel('buurt').map((r) => r.code);
  a = await broker();
  b = await broker();
});
afterAll(async () => {
  await a.app.close();
  await b.app.close();
  await backend.cleanup();
});

/** A pseudonymised BRP file: `n` people in `years`, tagged so that every file is distinct. */
function brp(tag: string, n: number, years: number[] = [2021]): Buffer {
  const lines = [BRP_HEADER];
  for (const y of years)
    for (let i = 0; i < n; i++)
      lines.push(
        `${y};${pseudonym(`${tag}-${i}`)};${buurten[i % buurten.length]};0${1 + (i % 9)}-03-19${50 + (i % 50)};${i % 2 ? 'M' : 'V'};H${tag}-${i}`,
      );
  return Buffer.from(`${lines.join('\n')}\n`);
}

const put = (
  h: Http,
  dataset: string,
  body: Buffer,
  headers: Record<string, string>,
  token = h.demo.providerUserFor(dataset).token,
) =>
  h.app.inject({
    method: 'PUT',
    url: `/api/v1/contributions/${dataset}`,
    headers: { ...auth(token), 'content-type': 'application/octet-stream', ...headers },
    payload: body,
  });

/** Uploads `file` in chunks cut at `cuts` (byte offsets); returns every answer. */
async function chunked(h: Http, dataset: string, file: Buffer, cuts: number[]) {
  const bounds = [0, ...cuts, file.length];
  const answers = [];
  for (let i = 0; i + 1 < bounds.length; i++) {
    answers.push(
      await put(h, dataset, file.subarray(bounds[i], bounds[i + 1]), {
        'x-content-sha256': sha(file),
        'upload-length': String(file.length),
        'upload-offset': String(bounds[i]),
      }),
    );
  }
  return answers;
}

const status = (h: Http, dataset: string, file: Buffer, token?: string) =>
  h.app.inject({
    method: 'GET',
    url: `/api/v1/contributions/${dataset}/uploads/${sha(file)}`,
    headers: auth(token ?? h.demo.providerUserFor(dataset).token),
  });

const comparable = (c: Record<string, unknown>) => {
  const { id: _id, createdAt: _at, uploadedBy: _by, quarantineUrl, ...rest } = c;
  return { ...rest, hasQuarantine: quarantineUrl !== null };
};
const incomingOf = (h: Http) => join(h.store.dataDir, 'contributions', '.incoming');
const incomingFiles = (h: Http) =>
  existsSync(incomingOf(h)) ? readdirSync(incomingOf(h)).sort() : [];

describe('resumable upload (PUT with upload-length and upload-offset)', () => {
  it('a file in three chunks gives the same contribution and stored bytes as in one request', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 12 }),
        fc.tuple(
          fc.double({ min: 0, max: 1, noNaN: true }),
          fc.double({ min: 0, max: 1, noNaN: true }),
        ),
        fc.boolean(),
        async (n, [u, v], withBadRow) => {
          const tag = `p${run++}`;
          let file = brp(tag, n);
          if (withBadRow)
            file = Buffer.concat([file, Buffer.from(`2021;x;BU00000000;1-1-1;M;H\n`)]);
          const cuts = [
            Math.floor(Math.min(u, v) * file.length),
            Math.floor(Math.max(u, v) * file.length),
          ];
          const single = await put(a, 'brp_personen', file, { 'x-content-sha256': sha(file) });
          expect(single.statusCode).toBe(201);
          const answers = await chunked(b, 'brp_personen', file, cuts);
          expect(answers.slice(0, -1).map((r) => [r.statusCode, r.json()])).toEqual(
            cuts.map((c) => [202, { offset: c, length: file.length }]),
          );
          const last = answers.at(-1)!;
          expect(last.statusCode).toBe(201);
          expect(last.headers['upload-offset']).toBe(String(file.length));
          expect(comparable(last.json())).toEqual(comparable(single.json()));
          expect(last.json()).toMatchObject({
            rows: n + (withBadRow ? 1 : 0),
            accepted: n,
            quarantined: withBadRow ? 1 : 0,
            period: [2021],
            version: run,
          });
          const stored = (h: Http) =>
            readFileSync(
              join(h.store.dataDir, 'contributions', 'brp_personen', `${sha(file)}.csv`),
            );
          expect(stored(b).equals(file)).toBe(true);
          expect(stored(a).equals(file)).toBe(true);
          expect(incomingFiles(b)).toEqual([]);
        },
      ),
      { numRuns: 12, seed: 20260321 },
    );
  });

  it('a chunk at the wrong offset is refused with 409 and the offset to resume at', async () => {
    const file = brp('offset', 40);
    const head = await put(a, 'brp_personen', file.subarray(0, 1000), {
      'x-content-sha256': sha(file),
      'upload-length': String(file.length),
      'upload-offset': '0',
    });
    expect(head.statusCode).toBe(202);
    expect(head.json()).toEqual({ offset: 1000, length: file.length });
    expect(head.headers['upload-offset']).toBe('1000');
    for (const wrong of [0, 999, 1001, 2000]) {
      const res = await put(a, 'brp_personen', file.subarray(wrong, wrong + 100), {
        'x-content-sha256': sha(file),
        'upload-length': String(file.length),
        'upload-offset': String(wrong),
      });
      expect(res.statusCode).toBe(409);
      expect(res.headers['upload-offset']).toBe('1000');
      expect(res.json()).toEqual({
        error: 'conflict',
        offset: 1000,
        message: `upload-offset ${wrong} does not match the 1000 bytes received so far; resume at offset 1000`,
      });
    }
    const s = await status(a, 'brp_personen', file);
    expect(s.statusCode).toBe(200);
    expect(s.json()).toEqual({ offset: 1000, length: file.length });
    // Another provider has no partial upload of it, and may not ask about this dataset at all.
    expect(
      (await status(a, 'brp_personen', file, a.demo.providers.kadaster!.token)).statusCode,
    ).toBe(403);
    const rest = await put(a, 'brp_personen', file.subarray(1000), {
      'x-content-sha256': sha(file),
      'upload-length': String(file.length),
      'upload-offset': '1000',
    });
    expect(rest.statusCode).toBe(201);
    expect((await status(a, 'brp_personen', file)).statusCode).toBe(404);
  });

  it('a request that breaks off keeps the bytes received, and the next request resumes there', async () => {
    await a.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = a.app.server.address() as AddressInfo;
    const file = brp('broken', 400);
    expect(file.length).toBeGreaterThan(35_000);
    const sent = 25_000;
    const req = httpRequest({
      host: '127.0.0.1',
      port,
      method: 'PUT',
      path: '/api/v1/contributions/brp_personen',
      headers: {
        ...auth(a.demo.providers.gemeenten!.token),
        'content-type': 'application/octet-stream',
        'content-length': file.length,
        'x-content-sha256': sha(file),
        'upload-length': file.length,
        'upload-offset': 0,
      },
    });
    req.on('error', () => undefined);
    req.write(file.subarray(0, sent));
    const offset = async () => {
      const r = await status(a, 'brp_personen', file);
      return r.statusCode === 200 ? (r.json() as { offset: number }).offset : -1;
    };
    for (let i = 0; i < 500 && (await offset()) < sent; i++)
      await new Promise((r) => setTimeout(r, 10));
    expect(await offset()).toBe(sent);
    req.destroy();
    // Until the broker has noticed the break, a second request is refused with the same offset.
    let rest;
    for (let i = 0; i < 500; i++) {
      rest = await put(a, 'brp_personen', file.subarray(sent), {
        'x-content-sha256': sha(file),
        'upload-length': String(file.length),
        'upload-offset': String(sent),
      });
      if (rest.statusCode !== 409) break;
      expect(rest.json().offset).toBe(sent);
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(rest!.statusCode).toBe(201);
    expect(rest!.json()).toMatchObject({
      sha256: sha(file),
      rows: 400,
      accepted: 400,
      quarantined: 0,
    });
    expect(
      readFileSync(
        join(a.store.dataDir, 'contributions', 'brp_personen', `${sha(file)}.csv`),
      ).equals(file),
    ).toBe(true);
    expect(incomingFiles(a)).toEqual([]);
  });

  it('a checksum mismatch on completion is 400, discards the partial file and records nothing', async () => {
    const file = brp('mismatch', 30);
    const before = (await a.demo.governance.listContributions()).length;
    const claimed = sha(Buffer.concat([file, Buffer.from('x')]));
    const send = (part: Buffer, offset: number) =>
      put(a, 'brp_personen', part, {
        'x-content-sha256': claimed,
        'upload-length': String(file.length),
        'upload-offset': String(offset),
      });
    expect((await send(file.subarray(0, 500), 0)).statusCode).toBe(202);
    const last = await send(file.subarray(500), 500);
    expect(last.statusCode).toBe(400);
    expect(last.json()).toEqual({
      error: 'invalid',
      message: `checksum mismatch: the request says sha256 ${claimed}, the ${file.length} bytes received hash to ${sha(file)}; the partial upload was discarded, deliver the file again`,
    });
    expect(last.body).not.toContain(a.store.dataDir);
    expect((await a.demo.governance.listContributions()).length).toBe(before);
    expect(incomingFiles(a)).toEqual([]);
  });

  it('refuses a chunk past upload-length, a length beyond the limit, and half a pair of headers', async () => {
    const file = brp('limits', 5);
    const past = await put(a, 'brp_personen', file, {
      'x-content-sha256': sha(file),
      'upload-length': String(file.length - 1),
      'upload-offset': '0',
    });
    expect(past.statusCode).toBe(400);
    expect(past.json().message).toBe(
      `a chunk of ${file.length} bytes at offset 0 runs past upload-length ${file.length - 1}`,
    );
    const big = await put(a, 'brp_personen', file, {
      'x-content-sha256': sha(file),
      'upload-length': '1000001',
      'upload-offset': '0',
    });
    expect(big.statusCode).toBe(413);
    const half = await put(a, 'brp_personen', file, {
      'x-content-sha256': sha(file),
      'upload-length': String(file.length),
    });
    expect(half.statusCode).toBe(400);
    expect(half.json().error).toBe('invalid');
  });

  it('partial files without a byte for 24 h are removed', async () => {
    const file = brp('stale', 20);
    expect(
      (
        await put(a, 'brp_personen', file.subarray(0, 100), {
          'x-content-sha256': sha(file),
          'upload-length': String(file.length),
          'upload-offset': '0',
        })
      ).statusCode,
    ).toBe(202);
    const user = a.demo.providers.gemeenten!.id;
    const part = join(incomingOf(a), `${user}-${sha(file)}.part`);
    expect(incomingFiles(a)).toEqual([
      `${user}-${sha(file)}.part`,
      `${user}-${sha(file)}.part.json`,
    ]);
    const old = new Date(Date.now() - 24 * 3600_000 - 60_000);
    utimesSync(part, old, old);
    expect((await status(a, 'brp_personen', file)).statusCode).toBe(404);
    expect(incomingFiles(a)).toEqual([]);
  });
});

describe('quarantine, period and version of a contribution', () => {
  const BAD_REGION = 'BU31415926';
  const BAD_SEX = 'QZX';
  // A raw BSN is not quarantined but refuses the whole file (test/api/upload-corpus.test.ts).
  const OTHER_KEY = 'ZS1:keyed:k9v1:';

  it('bad rows are quarantined; the CSV report (no values) is for its provider and the broker only', async () => {
    const good = brp('quarantine', 6, [2022, 2023]).toString().trimEnd().split('\n');
    const lines = [
      ...good.slice(0, 3), // header + rows 1, 2
      `2022;${pseudonym('q-bad-1')};${BAD_REGION};01-01-1980;M;Hq1`, // row 3: unknown region
      ...good.slice(3, 6), // rows 4..6
      `2023;${pseudonym('q-bad-2')};${buurten[0]};31-02-1980;V;Hq2`, // row 7: impossible date
      `2023;${pseudonym('q-bad-3')};${buurten[0]};01-01-1980;${BAD_SEX};Hq3`, // row 8: bad value
      `2023;${OTHER_KEY}${'A'.repeat(43)};${buurten[0]};01-01-1980;V;Hq4`, // row 9: another K1 version
      ...good.slice(6), // rows 10..16
      `3021;${pseudonym('q-bad-5')};${buurten[0]};01-01-1980;V;Hq5`, // row 17: impossible year
      good[1]!, // row 18: a duplicate of row 1
    ];
    const file = Buffer.from(`${lines.join('\n')}\n`);
    const answers = await chunked(a, 'brp_personen', file, [200]);
    const res = answers.at(-1)!;
    expect(res.statusCode).toBe(201);
    const c = res.json();
    expect(c).toMatchObject({
      datasetId: 'brp_personen',
      organisationId: 'gemeenten',
      rows: 18,
      accepted: 12,
      quarantined: 6,
      reasons: {
        'impossible year': 1,
        'unknown region code': 1,
        'invalid or impossible date': 1,
        'value not allowed by the contract': 1,
        'not a pseudonym of the agreed scheme': 1,
        'duplicate key (delivered before)': 1,
      },
      period: [2022, 2023],
      quarantineUrl: `/api/v1/contributions/${c.id}/quarantine`,
    });
    expect(c).not.toHaveProperty('storagePath');
    expect(c).not.toHaveProperty('quarantinePath');
    expect(
      existsSync(
        join(a.store.dataDir, 'contributions', 'brp_personen', `${sha(file)}.quarantine.csv`),
      ),
    ).toBe(true);

    const read = (token?: string) =>
      a.app.inject({
        method: 'GET',
        url: c.quarantineUrl,
        headers: token ? auth(token) : {},
      });
    const own = await read(a.demo.providers.gemeenten!.token);
    expect(own.statusCode).toBe(200);
    expect(own.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(own.body).toBe(
      [
        'row;field;reason',
        '3;buurtcode;unknown region code',
        '7;geboortedatum;invalid or impossible date',
        '8;geslacht;value not allowed by the contract',
        '9;bsn_pseudonym;not a pseudonym of the agreed scheme',
        '17;peiljaar;impossible year',
        '18;peiljaar+bsn;duplicate key (delivered before)',
        '',
      ].join('\n'),
    );
    for (const value of [
      BAD_REGION,
      BAD_SEX,
      OTHER_KEY,
      '31-02-1980',
      '3021',
      PSEUDONYM_PREFIX,
      'Hq',
    ])
      expect(own.body).not.toContain(value);
    expect((await read(a.demo.broker.token)).body).toBe(own.body);

    const other = await read(a.demo.providers.kadaster!.token);
    expect(other.statusCode).toBe(403);
    expect(other.json()).toEqual({
      error: 'forbidden',
      message: `steward@kadaster.demo.samenzicht.nl does not belong to gemeenten, which delivered contribution ${c.id}: only its users and the broker read its quarantine report`,
    });
    expect((await read(a.demo.consumer.token)).json().error).toBe('role-forbidden');
    expect((await read(a.demo.board[0]!.token)).json().error).toBe('role-forbidden');
    expect((await read()).statusCode).toBe(401);
    const none = await a.app.inject({
      method: 'GET',
      url: '/api/v1/contributions/no-such-id/quarantine',
      headers: auth(a.demo.broker.token),
    });
    expect(none.statusCode).toBe(404);

    const listed = await a.app.inject({
      method: 'GET',
      url: '/api/v1/contributions',
      headers: auth(a.demo.providers.gemeenten!.token),
    });
    const mine = listed.json().contributions.find((x: { id: string }) => x.id === c.id);
    expect(mine).toEqual(c);
  });

  it('a dataset with a date period has the years of its dates; a register has none; versions count deliveries', async () => {
    const ontmanteling = (tag: string, dates: string[]) =>
      Buffer.from(
        `zaaknummer;ontmantelingsdatum;buurtcode;aantal_planten\n${dates
          .map((d, i) => `Z${tag}${i};${d};${buurten[i % buurten.length]};${100 + i}`)
          .join('\n')}\n`,
      );
    const first = ontmanteling('a', ['15-03-2019', '01-12-2021', '31-12-2019', '32-01-2020']);
    const r1 = await put(b, 'politie_ontmantelingen', first, { 'x-content-sha256': sha(first) });
    expect(r1.statusCode).toBe(201);
    expect(r1.json()).toMatchObject({
      accepted: 3,
      quarantined: 1,
      period: [2019, 2021],
      version: 1,
    });
    const second = ontmanteling('b', ['02-02-2022']);
    const r2 = await put(b, 'politie_ontmantelingen', second, { 'x-content-sha256': sha(second) });
    expect(r2.json()).toMatchObject({
      accepted: 1,
      period: [2022],
      version: 2,
      quarantineUrl: null,
    });

    const woningen = Buffer.from(
      `object_id;buurtcode;bouwjaar\nW1;${buurten[0]};1931\nW2;${buurten[1]};1999\n`,
    );
    const r3 = await put(b, 'kadaster_woningen', woningen, { 'x-content-sha256': sha(woningen) });
    expect(r3.json()).toMatchObject({ accepted: 2, period: null, version: 1 });
  });

  it('a file that does not fit the contract is refused naming the upload and the columns, never a server path', async () => {
    const wrong = Buffer.from(`peiljaar;bsn_pseudonym;buurtcode\n2021;${pseudonym('w')};BU1\n`);
    const res = await put(b, 'brp_personen', wrong, {
      'x-content-sha256': sha(wrong),
      'upload-length': String(wrong.length),
      'upload-offset': '0',
    });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toEqual({
      error: 'unprocessable',
      reason: 'missing-columns',
      field: 'geboortedatum',
      message: `the upload of brp_personen (sha256 ${sha(wrong).slice(0, 12)}): dataset brp_personen lacks column(s) geboortedatum, geslacht, huishoudnummer (found: peiljaar, bsn_pseudonym, buurtcode)`,
    });
    expect(res.body).not.toContain(b.store.dataDir);
    expect(incomingFiles(b)).toEqual([]);
  });
});

describe('dataset contracts: the period column', () => {
  it('every dataset with a period names an INTEGER or DATE column; registers have none', () => {
    expect(Object.fromEntries(DATASETS.map((d) => [d.id, periodExpression(d)]))).toEqual({
      brp_personen: '"peiljaar"',
      bd_inkomen: '"jaar"',
      bd_schulden: '"jaar"',
      politie_verdachten: 'year("pleegdatum")',
      politie_ontmantelingen: 'year("ontmantelingsdatum")',
      om_veroordelingen: 'year("vonnisdatum")',
      kvk_vestigingen: null,
      kvk_bestuurders: null,
      kadaster_transacties: 'year("transactiedatum")',
      kadaster_woningen: null,
      fiu_meldingen: 'year("meldingsdatum")',
      uwv_uitkeringen: null,
    });
  });

  it('the schema refuses an unknown or non-year period column', () => {
    const base = datasetContract('kadaster_woningen');
    expect(() => datasetSchema.parse({ ...base, period: 'bouwjaar' })).not.toThrow();
    expect(() => datasetSchema.parse({ ...base, period: 'nope' })).toThrow(
      'kadaster_woningen: unknown period column nope',
    );
    expect(() => datasetSchema.parse({ ...base, period: 'buurtcode' })).toThrow(
      'kadaster_woningen: period column buurtcode must be INTEGER or DATE, not VARCHAR',
    );
  });
});
