import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DuckDBInstance } from '@duckdb/node-api';
import {
  deliverProvider,
  InProcessKeyholder,
  isValidBsn,
  keyedStage1,
  pseudonymiseFile,
  UndeclaredIdentifierError,
} from '../../src/pseudonym/index.js';
import { inProcessKeyholder, makeBsns, makeKvks, tmp } from './helpers.js';

let khDir: string;
let keys: InProcessKeyholder;
beforeAll(async () => {
  khDir = tmp('kh-file');
  keys = await inProcessKeyholder(khDir, 2);
});

async function query(sql: string): Promise<Record<string, unknown>[]> {
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  try {
    return (await c.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[];
  } finally {
    c.closeSync();
    db.closeSync();
  }
}

describe('pseudonymiseFile: semicolon CSV', () => {
  it('replaces the id column in place, keeps other text exactly, drops direct identifiers, rejects bad ids', async () => {
    const dir = tmp('csv');
    const [b1, b2] = makeBsns(2, 11) as [string, string];
    const input = [
      'peiljaar;bsn;naam;buurtcode;geboortedatum;opmerking',
      `2021;${b1};Jan Jansen;BU03630000;01-02-1980;"a;b"`,
      `2021;${b2};Piet;BU03630001;31-12-1999;007`,
      '2022;;Kees;BU03630001;01-01-2000;x',
      '2022;123456781;Anna;BU03630001;01-01-2000;y',
    ].join('\n');
    writeFileSync(join(dir, 'in.csv'), `${input}\n`);
    const m = await pseudonymiseFile({
      inFile: join(dir, 'in.csv'),
      outFile: join(dir, 'out', 'out.csv'),
      rejectFile: join(dir, 'rejects.csv'),
      scheme: 'keyed',
      idColumns: ['bsn'],
      dropColumns: ['naam'],
      keys,
    });
    const s1 = keyedStage1(await keys.k1());
    const out = readFileSync(join(dir, 'out', 'out.csv'), 'utf8');
    expect(out).toBe(
      [
        'peiljaar;bsn_pseudonym;buurtcode;geboortedatum;opmerking',
        `2021;${s1('bsn', b1)};BU03630000;01-02-1980;"a;b"`,
        `2021;${s1('bsn', b2)};BU03630001;31-12-1999;007`,
        '',
      ].join('\n'),
    );
    expect(readFileSync(join(dir, 'rejects.csv'), 'utf8')).toBe(
      [
        'peiljaar;bsn;naam;buurtcode;geboortedatum;opmerking;reject_reason',
        '2022;;Kees;BU03630001;01-01-2000;x;bsn: missing',
        '2022;123456781;Anna;BU03630001;01-01-2000;y;bsn: fails the 11-proef',
        '',
      ].join('\n'),
    );
    expect(m).toMatchObject({
      scheme: 'keyed',
      keyVersion: 1,
      rowsIn: 4,
      rowsOut: 2,
      rowsRejected: 2,
      rejectReasons: { 'bsn: missing': 1, 'bsn: fails the 11-proef': 1 },
      droppedColumns: ['naam'],
      sha256: createHash('sha256').update(out).digest('hex'),
    });
    const onDisk = JSON.parse(readFileSync(join(dir, 'out', 'out.csv.manifest.json'), 'utf8'));
    expect(onDisk.sha256).toBe(m.sha256);
    expect(out).not.toContain(b1);
  });

  it('refuses to write any output when an undeclared column looks like BSNs, naming it', async () => {
    const dir = tmp('refuse');
    const bsns = makeBsns(10, 12);
    const lines = [
      'jaar;bsn;partner;bedrag',
      ...bsns.map((b, i) => `2021;${b};${bsns[(i + 1) % 10]};${i * 100}`),
    ];
    writeFileSync(join(dir, 'in.csv'), `${lines.join('\n')}\n`);
    const run = pseudonymiseFile({
      inFile: join(dir, 'in.csv'),
      outFile: join(dir, 'out.csv'),
      rejectFile: join(dir, 'rej.csv'),
      scheme: 'keyed',
      idColumns: ['bsn'],
      keys,
    });
    await expect(run).rejects.toThrow(UndeclaredIdentifierError);
    await expect(run).rejects.toThrow(
      /column 'partner' looks like a BSN column \(100% of 10 values\)/,
    );
    expect(existsSync(join(dir, 'out.csv'))).toBe(false);
    expect(existsSync(join(dir, 'out.csv.manifest.json'))).toBe(false);
  });

  it('pseudonymises each distinct value once: repeats, layouts and columns of one kind agree, kinds stay apart', async () => {
    const dir = tmp('distinct');
    const [b1, b2] = makeBsns(2, 14) as [string, string];
    // One raw string under both kinds: a KvK-nummer that, read as a BSN without its leading
    // zero, fails the 11-proef.
    const k = makeKvks(20).find((v) => !isValidBsn(v)) as string;
    const spaced = `${b1.slice(0, 3)} ${b1.slice(3, 6)} ${b1.slice(6)}`;
    writeFileSync(
      join(dir, 'in.csv'),
      [
        'jaar;bsn;partner_bsn;kvk_nummer',
        `2019;${b1};${b2};${k}`,
        `2020;${b1};${b2};${k}`,
        `2021;${spaced};${b1};${k}`,
        `2022;${b2};   ;${k}`,
        `2023;${k};;${k}`,
      ].join('\n') + '\n',
    );
    const m = await pseudonymiseFile({
      inFile: join(dir, 'in.csv'),
      outFile: join(dir, 'out.csv'),
      rejectFile: join(dir, 'rej.csv'),
      scheme: 'keyed',
      idColumns: ['bsn', 'partner_bsn', 'kvk_nummer'],
      nullableColumns: ['partner_bsn'],
      keys,
    });
    const s1 = keyedStage1(await keys.k1());
    const [p1, p2, pk] = [s1('bsn', b1), s1('bsn', b2), s1('kvk', k)];
    expect(readFileSync(join(dir, 'out.csv'), 'utf8')).toBe(
      [
        'jaar;bsn_pseudonym;partner_bsn_pseudonym;kvk_nummer_pseudonym',
        `2019;${p1};${p2};${pk}`,
        `2020;${p1};${p2};${pk}`,
        `2021;${p1};${p1};${pk}`,
        `2022;${p2};;${pk}`,
        '',
      ].join('\n'),
    );
    // bsn: b1, spaced b1, b2, the blank and k (rejected); kvk: k.
    expect(m).toMatchObject({ rowsIn: 5, rowsOut: 4, rowsRejected: 1, distinctIds: 6 });
    expect(Object.keys(m.rejectReasons)).toEqual(['bsn: fails the 11-proef']);
  });

  it('nullable id columns keep empty values empty; invalid values are still rejected', async () => {
    const dir = tmp('nullable');
    const [b] = makeBsns(1, 13) as [string];
    const [k] = makeKvks(1) as [string];
    writeFileSync(
      join(dir, 'in.csv'),
      ['transactie_id;koper_bsn;koper_kvk_nummer', `T1;${b};`, `T2;;${k}`, 'T3;;1234'].join('\n') +
        '\n',
    );
    const m = await pseudonymiseFile({
      inFile: join(dir, 'in.csv'),
      outFile: join(dir, 'out.csv'),
      rejectFile: join(dir, 'rej.csv'),
      scheme: 'keyed',
      idColumns: ['koper_bsn', 'koper_kvk_nummer'],
      nullableColumns: ['koper_bsn', 'koper_kvk_nummer'],
      keys,
    });
    const s1 = keyedStage1(await keys.k1());
    expect(readFileSync(join(dir, 'out.csv'), 'utf8')).toBe(
      `transactie_id;koper_bsn_pseudonym;koper_kvk_nummer_pseudonym\nT1;${s1('bsn', b)};\nT2;;${s1('kvk', k)}\n`,
    );
    expect(m.rejectReasons).toEqual({ 'koper_kvk_nummer: has 4 digits, a KvK-nummer has 8': 1 });
  });
});

describe('pseudonymiseFile: Parquet', () => {
  it('writes Parquet with the same column types, pep scheme', async () => {
    const dir = tmp('parquet');
    const bsns = makeBsns(5, 14);
    const rowsSql = bsns.map(
      (b, i) =>
        `(2020 + ${i % 3}, '${b}', CAST(${i * 1.5} AS DOUBLE), DATE '2021-01-0${i + 1}', ${i % 2 === 0})`,
    );
    await query(
      `COPY (SELECT * FROM (VALUES ${rowsSql.join(', ')}) t(jaar, bsn, bedrag, datum, vlag)) TO '${join(dir, 'in.parquet')}' (FORMAT parquet)`,
    );
    const m = await pseudonymiseFile({
      inFile: join(dir, 'in.parquet'),
      outFile: join(dir, 'out.parquet'),
      rejectFile: join(dir, 'rej.parquet'),
      scheme: 'pep',
      idColumns: ['bsn'],
      keys,
    });
    expect(m).toMatchObject({
      format: 'parquet',
      scheme: 'pep',
      rowsIn: 5,
      rowsOut: 5,
      rowsRejected: 0,
    });
    const types = await query(`DESCRIBE SELECT * FROM '${join(dir, 'out.parquet')}'`);
    expect(types.map((t) => [t.column_name, t.column_type])).toEqual([
      ['jaar', 'INTEGER'],
      ['bsn_pseudonym', 'VARCHAR'],
      ['bedrag', 'DOUBLE'],
      ['datum', 'DATE'],
      ['vlag', 'BOOLEAN'],
    ]);
    const rows = await query(`SELECT * FROM '${join(dir, 'out.parquet')}'`);
    expect(rows.map((r) => r.jaar)).toEqual([2020, 2021, 2022, 2020, 2021]);
    expect(
      rows.every((r) => /^ZS1:pep:g1d1:[A-Za-z0-9_-]{86}==$/.test(String(r.bsn_pseudonym))),
    ).toBe(true);
  });
});

describe('deliverProvider', () => {
  it('pseudonymises every dataset of a provider per its contract, rejects kept apart', async () => {
    const root = tmp('deliver');
    const pdir = join(root, 'providers', 'kvk');
    mkdirSync(pdir, { recursive: true });
    const kvks = makeKvks(6, 21);
    const bsns = makeBsns(6, 22);
    const vest = kvks.map(
      (k, i) =>
        `('${String(100000000000 + i)}', '${k}', '4711', 'bv', 'BU03630000', DATE '2019-01-01', NULL::DATE)`,
    );
    await query(
      `COPY (SELECT * FROM (VALUES ${vest.join(', ')}) t(vestigingsnummer, kvk_nummer, sbi_code, rechtsvorm, buurtcode, startdatum, einddatum)) TO '${join(pdir, 'kvk_vestigingen.parquet')}' (FORMAT parquet)`,
    );
    const best = bsns.map(
      (b, i) =>
        `('${kvks[i]}', '${i === 5 ? '999999999' : b}', 'bestuurder', DATE '2020-01-01', NULL::DATE)`,
    );
    await query(
      `COPY (SELECT * FROM (VALUES ${best.join(', ')}) t(kvk_nummer, bsn, functie, startdatum, einddatum)) TO '${join(pdir, 'kvk_bestuurders.parquet')}' (FORMAT parquet)`,
    );
    const out = join(root, 'delivery', 'kvk');
    const { manifest } = await deliverProvider({
      providerDir: pdir,
      outDir: out,
      provider: 'kvk',
      scheme: 'keyed',
      keys,
    });
    expect(manifest.files.map((f) => [f.dataset, f.file, f.rows, f.rejected])).toEqual([
      ['kvk_vestigingen', 'kvk_vestigingen.parquet', 6, 0],
      ['kvk_bestuurders', 'kvk_bestuurders.parquet', 5, 1],
    ]);
    expect(existsSync(join(pdir, 'rejects', 'kvk_bestuurders.rejects.parquet'))).toBe(true);
    const cols = await query(`DESCRIBE SELECT * FROM '${join(out, 'kvk_bestuurders.parquet')}'`);
    expect(cols.map((c) => c.column_name)).toEqual([
      'kvk_nummer_pseudonym',
      'bsn_pseudonym',
      'functie',
      'startdatum',
      'einddatum',
    ]);
    const delivered = readFileSync(join(out, 'kvk_bestuurders.parquet'));
    for (const id of [...bsns, ...kvks]) expect(delivered.includes(Buffer.from(id))).toBe(false);
  });
});

describe('pseudonymiseFile on a large delivery', () => {
  it('writes every row of a file larger than the appender flush size (no silent truncation)', async () => {
    const dir = tmp('pseudonymise-large');
    const n = 250_000;
    const bsns = makeBsns(20_000, 9);
    const lines = ['bsn;jaar'];
    for (let i = 0; i < n; i++) lines.push(`${bsns[i % bsns.length]};${2019 + (i % 5)}`);
    const inFile = join(dir, 'large.csv');
    writeFileSync(inFile, `${lines.join('\n')}\n`);
    const outFile = join(dir, 'out', 'large.csv');
    const m = await pseudonymiseFile({
      inFile,
      outFile,
      scheme: 'keyed',
      idColumns: ['bsn'],
      rejectFile: join(dir, 'rejects.csv'),
      keys,
    });
    expect([m.rowsIn, m.rowsOut, m.rowsRejected]).toEqual([n, n, 0]);
    const written = readFileSync(outFile, 'utf8').trim().split('\n');
    expect(written).toHaveLength(n + 1);
    expect(written.at(-1)).toMatch(/^ZS1:keyed:k1v1:[A-Za-z0-9_-]{43};2023$/);
  }, 120_000);
});

describe('pseudonymiseFile: within its memory cap', () => {
  it('applies the cap, writes the same file under a small one, and leaves no work files', async () => {
    const dir = tmp('capped');
    const bsns = makeBsns(100_000, 5);
    const lines = ['peiljaar;bsn;buurtcode'];
    for (const y of [2019, 2020, 2021, 2022, 2023])
      for (const b of bsns) lines.push(`${y};${b};BU03630000`);
    writeFileSync(join(dir, 'in.csv'), `${lines.join('\n')}\n`);
    const run = (name: string, memoryLimit?: string) =>
      pseudonymiseFile({
        inFile: join(dir, 'in.csv'),
        outFile: join(dir, name, 'out.csv'),
        rejectFile: join(dir, name, 'rejects.csv'),
        scheme: 'keyed',
        idColumns: ['bsn'],
        keys,
        ...(memoryLimit ? { memoryLimit } : {}),
      });
    const [free, capped] = [await run('free'), await run('capped', '128MB')];
    // A work folder that a killed run left (a database with the tables of that run) is no obstacle.
    mkdirSync(join(dir, 'again', 'out.csv.spill'), { recursive: true });
    writeFileSync(join(dir, 'again', 'out.csv.spill', 'work.duckdb'), 'left by a killed run');
    expect((await run('again')).sha256).toBe(free.sha256);
    expect(capped.rowsOut).toBe(500_000);
    expect(capped.sha256).toBe(free.sha256);
    expect(existsSync(join(dir, 'capped', 'out.csv.spill'))).toBe(false);
    // The cap reaches DuckDB: below its reader's buffer a file cannot be read at all.
    await expect(run('tiny', '16MB')).rejects.toThrow(/in\.csv: .*Out of Memory/);
    expect(existsSync(join(dir, 'tiny', 'out.csv.spill'))).toBe(false);
  });
});
