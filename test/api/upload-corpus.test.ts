/**
 * The malformed-file corpus (test/fixtures/uploads, issue #15) through the real upload route
 * (`PUT /api/v1/contributions/:dataset`, validated in the validator process): every refusal is a
 * 4xx with a machine-readable reason and a message that names the file by its label, the row and
 * the field, never a server path; every accepted file counts loaded + quarantined = its rows. A
 * Parquet decompression bomb is refused from its metadata, a raw-BSN delivery is deleted at once
 * and audited without a value, and through it all the server answers and the memory stays bounded.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { openBrokerDatabase } from '../../src/engine/session.js';
import {
  REASONS,
  REFUSALS,
  UPLOAD_LIMITS,
  uploadValidator,
  type RefusalCode,
  type UploadValidatorOptions,
  type ValidatorReport,
} from '../../src/ingest/index.js';
import { filesUnder, findRawIdentifiers } from '../../src/pseudonym/leakscan.js';
import { loadRegionSet, type RegionSet } from '../../src/regions/index.js';
import type { Store } from '../../src/store/index.js';
import { setupDemoGovernance, type DemoGovernance } from '../support/demo-governance.js';
import { backends } from '../store/backends.js';
import { buildApp } from '../governance/helpers.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '../fixtures/uploads');
const fixture = (name: string) => readFileSync(join(FIXTURES, name));
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const label = (dataset: string, b: Buffer) =>
  `the upload of ${dataset} (sha256 ${sha(b).slice(0, 12)})`;
const HEADER = 'peiljaar;bsn_pseudonym;buurtcode;geboortedatum;geslacht;huishoudnummer';
/** The raw BSNs of raw-bsn.csv (rows 4 and 9) and bsn-in-huishoudnummer.csv. */
const BSNS = [
  '100000009', '100079192', '100158389', '100237575', '100316761', '100395958',
  '100475140', '100554337', '100633523', '100791906', '100871094', '100950280',
]; // prettier-ignore

const GiB = 1024 ** 3;
/** The test process may grow by this much over the whole corpus (the validators are children). */
const RSS_BOUND = 1.5 * GiB;

interface Broker {
  store: Store;
  demo: DemoGovernance;
  app: FastifyInstance;
  reports: ValidatorReport[];
}

const backend = backends()[0]!;
let regions: RegionSet;
const brokers: Broker[] = [];
let rssAtStart = 0;
let peakRss = 0;
const sampleRss = () => {
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
};

async function broker(options: UploadValidatorOptions = {}): Promise<Broker> {
  const store = await backend.open();
  const demo = await setupDemoGovernance(store);
  const reports: ValidatorReport[] = [];
  const app = await buildApp({
    store,
    governance: demo.governance,
    validate: uploadValidator(regions, 'keyed', 1, {
      ...options,
      onReport: (r) => reports.push(r),
    }),
  });
  const b = { store, demo, app, reports };
  brokers.push(b);
  return b;
}

beforeAll(async () => {
  rssAtStart = process.memoryUsage.rss();
  regions = await loadRegionSet(null);
});
afterAll(async () => {
  for (const b of brokers) await b.app.close();
  await backend.cleanup();
});

const put = async (b: Broker, dataset: string, body: Buffer, chunkAt?: number) => {
  const headers = {
    authorization: `Bearer ${b.demo.providerUserFor(dataset).token}`,
    'content-type': 'application/octet-stream',
    'x-content-sha256': sha(body),
  };
  let res;
  if (chunkAt === undefined) {
    res = await b.app.inject({
      method: 'PUT',
      url: `/api/v1/contributions/${dataset}`,
      headers,
      payload: body,
    });
  } else {
    // A resumable upload in two chunks: the refusal comes with the last.
    for (const [from, to] of [
      [0, chunkAt],
      [chunkAt, body.length],
    ] as const) {
      res = await b.app.inject({
        method: 'PUT',
        url: `/api/v1/contributions/${dataset}`,
        headers: {
          ...headers,
          'upload-length': String(body.length),
          'upload-offset': String(from),
        },
        payload: body.subarray(from, to),
      });
    }
  }
  sampleRss();
  return res!;
};

const contributionFiles = (b: Broker) => {
  const dir = join(b.store.dataDir, 'contributions');
  return existsSync(dir) ? filesUnder(dir).map((f) => f.slice(dir.length + 1)) : [];
};

// ------------------------------------------------------------------ the corpus

const base = fixture('valid.csv').toString('utf8').trimEnd().split('\n');
/** valid.csv with row `row` (from 1) replaced by `line`. */
const withRow = (row: number, line: string) =>
  Buffer.from(`${[...base.slice(0, row), line, ...base.slice(row + 1)].join('\n')}\n`);

interface Refusal {
  status: 413 | 422;
  reason: RefusalCode;
  /** The message after `<label>: `. */
  message: string;
  field?: string;
  row?: number;
}

/** Refused deliveries: the corpus file of that name (test/fixtures/uploads/), or `body`. */
const REFUSED: Record<string, { body?: () => Buffer } & Refusal> = {
  'empty.csv': {
    status: 422,
    reason: 'empty-file',
    message: 'the file is empty; a delivery is a header row and at least one data row',
  },
  'header-only.csv': {
    status: 422,
    reason: 'no-rows',
    message: 'the file has a header but no data rows',
  },
  'wrong-delimiter.csv': {
    status: 422,
    reason: 'wrong-delimiter',
    message:
      'the header is one field: the file is separated by commas, not by semicolons (;) as dataset brp_personen is delivered',
  },
  'missing-column.csv': {
    status: 422,
    reason: 'missing-columns',
    field: 'geslacht',
    message:
      'dataset brp_personen lacks column(s) geslacht (found: peiljaar, bsn_pseudonym, buurtcode, geboortedatum, huishoudnummer)',
  },
  'extra-naam-adres.csv': {
    status: 422,
    reason: 'direct-identifier',
    field: 'naam',
    message:
      'column(s) naam (a name), adres (an address) are direct identifiers, which the broker never receives: remove them from the file',
  },
  'binary.csv': {
    status: 422,
    reason: 'binary',
    message: 'the file is binary data, not CSV text (control bytes such as 0x16 from byte 15)',
  },
  'latin1.csv': {
    status: 422,
    reason: 'not-utf8',
    row: 4,
    message:
      'the file is not UTF-8 (it looks like Latin-1 or Windows-1252); export it as UTF-8: line 5 (row 4) has the byte 0xEB, which is not UTF-8 there',
  },
  'utf16le.csv': {
    status: 422,
    reason: 'not-utf8',
    message: 'the file is UTF-16, not UTF-8 (UTF-16LE with a byte-order mark); export it as UTF-8',
  },
  'utf16be-no-bom.csv': {
    status: 422,
    reason: 'not-utf8',
    message: 'the file is UTF-16, not UTF-8 (UTF-16BE); export it as UTF-8',
  },
  'unbalanced-quote.csv': {
    status: 422,
    reason: 'unbalanced-quote',
    field: 'huishoudnummer',
    row: 5,
    message:
      'row 5, field huishoudnummer: the quote that opens the value in line 6 is never closed',
  },
  'raw-bsn.csv': {
    status: 422,
    reason: 'raw-identifier',
    field: 'bsn_pseudonym',
    row: 4,
    message:
      'column bsn_pseudonym holds raw BSNs, not pseudonyms: 2 of 12 rows, the first in row 4; pseudonymise the file before delivery (samenzicht deliver does)',
  },
  'bsn-in-huishoudnummer.csv': {
    status: 422,
    reason: 'raw-identifier',
    field: 'huishoudnummer',
    message:
      'column huishoudnummer looks like BSNs: 100% of 12 sampled values (at least 50% refuses a file); identifiers are delivered only as pseudonyms, in their own columns',
  },
  'a 5 MB field': {
    body: () => withRow(3, base[3]!.replace(/HH\d+$/, 'H'.repeat(5_000_000))),
    status: 413,
    reason: 'field-length-limit',
    field: 'huishoudnummer',
    row: 3,
    message: 'row 3, field huishoudnummer: a value longer than 64 KiB (the field length limit)',
  },
  '20,000 columns': {
    body: () => {
      const extra = Array.from({ length: 20_000 - 6 }, (_, i) => `c${i}`).join(';');
      const pad = ';'.repeat(20_000 - 6);
      return Buffer.from(
        `${[`${HEADER};${extra}`, ...base.slice(1).map((l) => l + pad)].join('\n')}\n`,
      );
    },
    status: 413,
    reason: 'column-limit',
    message: 'the header has more than 256 columns (the column limit)',
  },
  'a line over 1 MiB': {
    // Twenty fields of 60 KiB: each under the field length limit, together over the line limit.
    body: () => withRow(7, Array.from({ length: 20 }, () => 'x'.repeat(60 * 1024)).join(';')),
    status: 413,
    reason: 'line-length-limit',
    row: 7,
    message: 'line 8 (row 7) is longer than 1 MiB (the line length limit)',
  },
  'a field that quotes the rest of the file': {
    // An unbalanced quote before 70 KiB of rows: the field limit speaks, and names the quote.
    body: () =>
      Buffer.from(
        `${[...base.slice(0, 3), base[3]!.replace(/HH/, '"HH'), ...Array.from({ length: 800 }, (_, i) => base[1 + (i % 12)]!)].join('\n')}\n`,
      ),
    status: 413,
    reason: 'field-length-limit',
    field: 'huishoudnummer',
    row: 3,
    message:
      'row 3, field huishoudnummer: a value longer than 64 KiB (the field length limit); the value opens with a quote in line 4 that is not closed: is a quote unbalanced?',
  },
};

/** Accepted deliveries: the corpus file of that name, or `body`. */
interface Accepted {
  body?: () => Buffer;
  rows: number;
  accepted: number;
  reasons: Record<string, number>;
  /** The quarantine report's lines after its header. */
  report: string[];
}

const ACCEPTED: Record<string, Accepted> = {
  'valid.csv': {
    rows: 12,
    accepted: 12,
    reasons: {},
    report: [],
  },
  'utf8-bom.csv': {
    rows: 12,
    accepted: 12,
    reasons: {},
    report: [],
  },
  'crlf.csv': { rows: 12, accepted: 12, reasons: {}, report: [] },
  'formula-values.csv': {
    rows: 12,
    accepted: 12,
    reasons: {},
    report: [],
  },
  'bad-values.csv': {
    rows: 12,
    accepted: 9,
    reasons: { [REASONS.region]: 1, [REASONS.value]: 1, [REASONS.date]: 1 },
    report: [
      '2;buurtcode;unknown region code',
      '6;geslacht;value not allowed by the contract',
      '10;geboortedatum;invalid or impossible date',
    ],
  },
  'ragged-rows.csv': {
    rows: 12,
    accepted: 10,
    reasons: { [REASONS.fields]: 2 },
    report: ['3;geslacht;wrong number of fields', '8;(row);wrong number of fields'],
  },
  'nul-byte.csv': {
    rows: 12,
    accepted: 11,
    reasons: { [REASONS.control]: 1 },
    report: ['6;huishoudnummer;control character (such as NUL) in a value'],
  },
  'ragged rows between empty lines and a quoted line break': {
    // Row numbers count neither the empty lines nor the line break inside a quoted value.
    body: () =>
      Buffer.from(
        [
          HEADER,
          base[1],
          '',
          base[2]!.replace(/;HH(\d+)$/, ';"HH\n$1"'),
          base[3]!.split(';').slice(0, 3).join(';'),
          '',
          '',
          base[4],
          `${base[5]};x;y`,
          base[6],
          '',
        ].join('\r\n'),
      ),
    rows: 6,
    accepted: 4,
    reasons: { [REASONS.fields]: 2 },
    report: ['3;geboortedatum;wrong number of fields', '5;(row);wrong number of fields'],
  },
};

describe('the upload corpus through PUT /contributions/:dataset', () => {
  let b: Broker;
  beforeAll(async () => {
    b = await broker();
  });

  it.each(Object.entries(REFUSED))('%s is refused with its reason', async (name, c) => {
    const body = c.body?.() ?? fixture(name);
    const res = await put(b, 'brp_personen', body);
    expect(res.statusCode).toBe(c.status);
    expect(REFUSALS[c.reason]).toBe(c.status);
    expect(res.json()).toEqual({
      error: c.status === 413 ? 'too_large' : 'unprocessable',
      reason: c.reason,
      message: `${label('brp_personen', body)}: ${c.message}`,
      ...(c.field ? { field: c.field } : {}),
      ...(c.row ? { row: c.row } : {}),
      ...(c.status === 413 ? { limit: expect.any(Object) } : {}),
      ...(c.reason === 'raw-identifier' ? { rows: expect.any(Number) } : {}),
    });
    expect(res.body).not.toContain('/tmp');
    expect(res.body).not.toContain(b.store.dataDir);
    expect(res.body).not.toContain('.part');
    // Nothing of a refused file is left: no upload, no partial file, no spill, no quarantine.
    expect(contributionFiles(b).filter((f) => !f.startsWith('brp_personen/'))).toEqual([]);
  });

  it.each(Object.entries(ACCEPTED))(
    '%s is accepted: loaded + quarantined = its rows',
    async (name, c) => {
      const body = c.body?.() ?? fixture(name);
      const res = await put(b, 'brp_personen', body);
      expect(res.statusCode).toBe(201);
      const got = res.json();
      expect(got).toMatchObject({
        rows: c.rows,
        accepted: c.accepted,
        quarantined: c.rows - c.accepted,
        reasons: c.reasons,
      });
      expect(got.accepted + got.quarantined).toBe(c.rows);
      if (c.report.length === 0) {
        expect(got.quarantineUrl).toBeNull();
        return;
      }
      const report = await b.app.inject({
        method: 'GET',
        url: got.quarantineUrl,
        headers: { authorization: `Bearer ${b.demo.providerUserFor('brp_personen').token}` },
      });
      expect(report.body).toBe(['row;field;reason', ...c.report, ''].join('\n'));
    },
  );

  it('after the corpus the server answers, accepts a good file, and its memory stayed bounded', async () => {
    const list = await b.app.inject({
      method: 'GET',
      url: '/api/v1/contributions',
      headers: { authorization: `Bearer ${b.demo.broker.token}` },
    });
    expect(list.statusCode).toBe(200);
    expect(list.json().contributions).toHaveLength(Object.keys(ACCEPTED).length);
    const again = withRow(1, base[1]!.replace(/HH(\d+)$/, 'HH-again'));
    expect((await put(b, 'brp_personen', again)).statusCode).toBe(201);
    // Only accepted files are kept; nothing waits in .incoming.
    expect(contributionFiles(b).filter((f) => f.startsWith('.incoming'))).toEqual([]);
    sampleRss();
    expect(peakRss - rssAtStart).toBeLessThan(RSS_BOUND);
    // Each validation ran in a validator process, whose peak stayed under the same bound.
    expect(b.reports).toHaveLength(Object.keys(REFUSED).length + Object.keys(ACCEPTED).length + 1);
    for (const r of b.reports) expect(r.maxRssBytes ?? 0).toBeLessThan(RSS_BOUND);
  });
});

describe('a raw-BSN delivery', () => {
  it('is refused, deleted at once (no partial file left), and audited without a value', async () => {
    const b = await broker();
    const body = fixture('raw-bsn.csv');
    const res = await put(b, 'brp_personen', body, 600);
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ reason: 'raw-identifier', field: 'bsn_pseudonym', row: 4 });
    expect(contributionFiles(b)).toEqual([]);
    // No BSN anywhere under the data dir, the state database included.
    expect(findRawIdentifiers(filesUnder(b.store.dataDir), BSNS)).toEqual([]);
    const refused = await b.demo.governance.listAudit({ action: 'contribution.refused' });
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({
      actor: b.demo.providerUserFor('brp_personen').id,
      subject: 'brp_personen',
      details: {
        dataset: 'brp_personen',
        organisation: 'gemeenten',
        sha256: sha(body),
        bytes: body.length,
        reason: 'raw-identifier',
        column: 'bsn_pseudonym',
        row: 4,
        rows: 2,
      },
    });
    const all = JSON.stringify(await b.demo.governance.listAudit());
    for (const bsn of BSNS) expect(all).not.toContain(bsn);
    expect((await b.demo.governance.verifyAuditTrail()).ok).toBe(true);
    expect(await b.demo.governance.listContributions()).toEqual([]);
  });
});

// ------------------------------------------------------------------ Parquet and lowered limits

/** A Parquet file written by DuckDB in this process (small memory, one thread). */
async function parquet(dir: string, name: string, select: string): Promise<Buffer> {
  const db = await openBrokerDatabase(':memory:', { memoryLimit: '256MB', threads: 1 });
  try {
    const file = join(dir, name);
    await db.conn.run(`COPY (${select}) TO '${file}' (FORMAT parquet, COMPRESSION zstd)`);
    return readFileSync(file);
  } finally {
    db.close();
  }
}

describe('Parquet deliveries', () => {
  const dir = mkdtempSync(join(tmpdir(), 'samenzicht-corpus-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const pseudonymSql = `'ZS1:keyed:k1v1:' || rpad(md5(i::VARCHAR), 43, 'A')`;

  it('a decompression bomb (10 M identical rows, zstd) is refused from its metadata, before a row is read', async () => {
    // 10 M rows decode to at least 240 MB; the bytes the pages say they decompress to are only
    // some kilobytes (dictionary and run-length encoding): the decoded size is what counts.
    const b = await broker({ limits: { decompressedBytes: 64 * 1024 ** 2 } });
    const bomb = await parquet(
      dir,
      'bomb.parquet',
      `SELECT 2023 AS jaar, 'ZS1:keyed:k1v1:' || repeat('A', 43) AS bsn_pseudonym, 1.0::DOUBLE AS verzamelinkomen, 2.0::DOUBLE AS vermogen FROM range(10000000)`,
    );
    expect(bomb.length).toBeLessThan(1024 ** 2);
    const started = Date.now();
    const res = await put(b, 'bd_inkomen', bomb);
    expect(res.statusCode).toBe(413);
    const body = res.json();
    expect(body).toMatchObject({
      error: 'too_large',
      reason: 'decompressed-size-limit',
      limit: { name: 'decompressedBytes', value: 64 * 1024 ** 2 },
    });
    expect(body.message).toMatch(
      new RegExp(
        `^${label('bd_inkomen', bomb).replace(/[()]/g, '\\$&')}: the file decompresses to at least [0-9,]+ bytes \\(10,000,000 rows, counted from its metadata; the file itself is ${bomb.length.toLocaleString('en-US')} bytes\\), more than 64 MiB \\(the decompressed size limit\\)$`,
      ),
    );
    const atLeast = Number(/at least ([0-9,]+) bytes/.exec(body.message)![1]!.replaceAll(',', ''));
    expect(atLeast).toBeGreaterThanOrEqual(10_000_000 * (4 + 4 + 8 + 8));
    // Refused from the metadata: quickly, and the validator never held the rows.
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(b.reports.at(-1)!.maxRssBytes!).toBeLessThan(RSS_BOUND);
    sampleRss();
    expect(peakRss - rssAtStart).toBeLessThan(RSS_BOUND);
    expect(contributionFiles(b)).toEqual([]);
  });

  it('raw KvK-nummers, a field over the limit, and a file that is not Parquet are refused; a good file is accepted', async () => {
    const b = await broker({ limits: { fieldBytes: 1000 } });
    const row = (kvk: string, vestiging = `lpad(i::VARCHAR, 12, '0')`) =>
      `SELECT ${vestiging} AS vestigingsnummer, ${kvk} AS kvk_nummer_pseudonym, '6420' AS sbi_code, 'bv' AS rechtsvorm, 'BU90010101' AS buurtcode, DATE '2015-01-01' AS startdatum, NULL::DATE AS einddatum FROM range(1, 21) t(i)`;
    const raw = await parquet(
      dir,
      'raw.parquet',
      row(`CASE WHEN i = 7 THEN lpad((i * 1000003)::VARCHAR, 8, '0') ELSE ${pseudonymSql} END`),
    );
    const r1 = await put(b, 'kvk_vestigingen', raw);
    expect(r1.statusCode).toBe(422);
    expect(r1.json()).toEqual({
      error: 'unprocessable',
      reason: 'raw-identifier',
      field: 'kvk_nummer_pseudonym',
      row: 7,
      rows: 1,
      message: `${label('kvk_vestigingen', raw)}: column kvk_nummer_pseudonym holds raw KvK-nummers, not pseudonyms: 1 of 20 rows, the first in row 7; pseudonymise the file before delivery (samenzicht deliver does)`,
    });
    const long = await parquet(
      dir,
      'long.parquet',
      row(
        pseudonymSql,
        `CASE WHEN i = 12 THEN repeat('9', 1001) ELSE lpad(i::VARCHAR, 12, '0') END`,
      ),
    );
    const r2 = await put(b, 'kvk_vestigingen', long);
    expect(r2.statusCode).toBe(413);
    expect(r2.json()).toEqual({
      error: 'too_large',
      reason: 'field-length-limit',
      field: 'vestigingsnummer',
      row: 12,
      limit: { name: 'fieldBytes', value: 1000 },
      message: `${label('kvk_vestigingen', long)}: row 12, field vestigingsnummer: a value longer than 1,000 bytes (the field length limit)`,
    });
    const csv = fixture('valid.csv');
    const r3 = await put(b, 'kvk_vestigingen', csv);
    expect(r3.statusCode).toBe(422);
    expect(r3.json()).toEqual({
      error: 'unprocessable',
      reason: 'wrong-format',
      message: `${label('kvk_vestigingen', csv)}: the file is text (CSV?); this dataset is delivered as Parquet`,
    });
    const good = await parquet(dir, 'good.parquet', row(pseudonymSql));
    const r4 = await put(b, 'kvk_vestigingen', good);
    expect(r4.statusCode).toBe(201);
    expect(r4.json()).toMatchObject({ rows: 20, accepted: 20, quarantined: 0 });
    expect(contributionFiles(b)).toEqual([`kvk_vestigingen/${sha(good)}.parquet`]);
  });
});

describe('limits lowered through the validator factory', () => {
  it('rows and decompressed size of a CSV file, and the validator’s time and memory, each refused naming the limit', async () => {
    const valid = fixture('valid.csv');
    const rows = await broker({ limits: { rows: 10 } });
    const r1 = await put(rows, 'brp_personen', valid);
    expect(r1.statusCode).toBe(413);
    expect(r1.json()).toEqual({
      error: 'too_large',
      reason: 'row-limit',
      row: 11,
      limit: { name: 'rows', value: 10 },
      message: `${label('brp_personen', valid)}: the file has more than 10 rows (the row limit)`,
    });
    const size = await broker({ limits: { decompressedBytes: 1000 } });
    const r2 = await put(size, 'brp_personen', valid);
    expect(r2.statusCode).toBe(413);
    expect(r2.json()).toEqual({
      error: 'too_large',
      reason: 'decompressed-size-limit',
      limit: { name: 'decompressedBytes', value: 1000 },
      message: `${label('brp_personen', valid)}: the file is ${valid.length.toLocaleString('en-US')} bytes, more than 1,000 bytes (the decompressed size limit)`,
    });
    // A validation past its time is killed; the next one gets a new validator process.
    const slow = await broker({ resources: { timeoutMs: 1 } });
    const r3 = await put(slow, 'brp_personen', valid);
    expect(r3.statusCode).toBe(413);
    expect(r3.json()).toEqual({
      error: 'too_large',
      reason: 'time-limit',
      limit: { name: 'time', value: 1 },
      message: `${label('brp_personen', valid)}: validating the file took longer than 1 ms (the validation time limit)`,
    });
    expect(slow.reports.map((r) => r.outcome)).toEqual(['killed']);
    expect(contributionFiles(slow)).toEqual([]);
    // Out of memory: DuckDB over its limit, and the validator's JavaScript heap over its cap.
    const duck = await broker({ resources: { memoryLimit: '2MB' } });
    const r4 = await put(duck, 'brp_personen', valid);
    expect(r4.statusCode).toBe(413);
    expect(r4.json()).toEqual({
      error: 'too_large',
      reason: 'memory-limit',
      limit: { name: 'memory', value: '2MB' },
      message: `${label('brp_personen', valid)}: validating the file needs more than the validator's memory (2MB) and spill space (40GB)`,
    });
    const heap = await broker({ resources: { heapMb: 8 } });
    const r5 = await put(heap, 'brp_personen', valid);
    expect(r5.statusCode).toBe(413);
    expect(r5.json()).toEqual({
      error: 'too_large',
      reason: 'memory-limit',
      limit: { name: 'memory', value: '1GB' },
      message: `${label('brp_personen', valid)}: validating the file needs more memory than the validator may use (heap 8 MB, DuckDB 1GB)`,
    });
    expect(heap.reports.map((r) => r.outcome)).toEqual(['killed']);
    expect(UPLOAD_LIMITS.rows).toBe(50_000_000);
  });
});
