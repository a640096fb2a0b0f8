import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { openBrokerDatabase, queryRows, type BrokerDatabase } from '../../src/engine/session.js';
import {
  ContributionError,
  datasetContract,
  QUARANTINE_TABLE,
  loadContribution,
  REASONS,
} from '../../src/ingest/index.js';

const PATTERN = '^ps1:[a-f0-9]{8}$';
const ctx = { regionTable: 'region_hierarchy', pseudonymPattern: PATTERN };
let db: BrokerDatabase;
let dir: string;

beforeAll(async () => {
  db = await openBrokerDatabase();
  dir = mkdtempSync(join(tmpdir(), 'samenzicht-ingest-'));
  await db.conn.run(`CREATE TABLE region_hierarchy AS SELECT * FROM (VALUES
    ('BU00010001', 'WK000100', 'GM0001', 'VR01'), ('BU00010002', 'WK000100', 'GM0001', 'VR01'))
    t(buurt_code, wijk_code, gemeente_code, veiligheidsregio_code)`);
});
afterAll(() => db.close());

describe('loadContribution', () => {
  it('loads valid rows typed and quarantines each bad row with its field and reason', async () => {
    const file = join(dir, 'brp.csv');
    writeFileSync(
      file,
      [
        'peiljaar;bsn_pseudonym;buurtcode;geboortedatum;geslacht;huishoudnummer',
        '2021;ps1:0000000a;BU00010001;01-02-1980;M;H1', // ok
        '2021;ps1:0000000b;BU00010002;29-02-2020;V;H2', // ok (leap day)
        '2021;ps1:0000000c;BU99999999;01-02-1980;V;H3', // unknown region
        '2021;ps1:0000000d;BU00010001;31-02-1980;V;H4', // impossible date
        '2021;;BU00010001;01-02-1980;V;H5', // missing pseudonym
        '2021;123456782;BU00010001;01-02-1980;V;H6', // a raw BSN: refused
        '2021;ps1:0000000e;BU00010001;01-02-1980;X;H7', // unknown sex code
        'abc;ps1:0000000f;BU00010001;01-02-1980;M;H8', // year not a number
        '2021;ps1:0000000a;BU00010001;01-02-1980;M;H1', // duplicate key
      ].join('\n'),
    );
    const report = await loadContribution(db.conn, datasetContract('brp_personen'), file, ctx);
    expect(report.rowsIn).toBe(9);
    expect(report.loaded).toBe(2);
    expect(report.quarantined).toBe(7);
    expect(report.reasons).toEqual({
      [REASONS.region]: 1,
      [REASONS.date]: 1,
      [REASONS.missing]: 1,
      [REASONS.pseudonym]: 1,
      [REASONS.value]: 1,
      [REASONS.type]: 1,
      [REASONS.duplicate]: 1,
    });
    const q = await queryRows<{ row_number: bigint; field: string; reason: string }>(
      db.conn,
      `SELECT row_number, field, reason FROM quarantine WHERE dataset = 'brp_personen' ORDER BY row_number`,
    );
    expect(q.map((r) => [Number(r.row_number), r.field])).toEqual([
      [3, 'buurtcode'],
      [4, 'geboortedatum'],
      [5, 'bsn_pseudonym'],
      [6, 'bsn_pseudonym'],
      [7, 'geslacht'],
      [8, 'peiljaar'],
      [9, 'peiljaar+bsn'],
    ]);
    const rows = await queryRows<{ peiljaar: number; geboortedatum: Date }>(
      db.conn,
      'SELECT peiljaar, geboortedatum FROM brp_personen ORDER BY bsn_pseudonym',
    );
    expect(rows.map((r) => [r.peiljaar, r.geboortedatum.toISOString().slice(0, 10)])).toEqual([
      [2021, '1980-02-01'],
      [2021, '2020-02-29'],
    ]);
  });

  it('enforces exactly one filled identifier where the contract says so', async () => {
    const file = join(dir, 'kadaster.csv');
    writeFileSync(
      file,
      [
        'transactie_id;object_id;buurtcode;koopsom;transactiedatum;koper_bsn_pseudonym;koper_kvk_nummer_pseudonym;hypotheekbedrag',
        'T1;O1;BU00010001;350000;2021-05-01;ps1:0000000a;;300000',
        'T2;O2;BU00010001;450000;2021-06-01;;ps1:0000000b;0',
        'T3;O3;BU00010001;450000;2021-06-01;ps1:0000000a;ps1:0000000b;0',
        'T4;O4;BU00010002;NaN;2021-06-01;ps1:0000000a;;0',
      ].join('\n'),
    );
    const report = await loadContribution(
      db.conn,
      datasetContract('kadaster_transacties'),
      file,
      ctx,
    );
    expect(report).toMatchObject({ rowsIn: 4, loaded: 2, quarantined: 2 });
    expect(report.reasons).toEqual({ [REASONS.oneOf]: 1, [REASONS.type]: 1 });
    const rows = await queryRows<{
      koper_bsn_pseudonym: string | null;
      koper_kvk_nummer_pseudonym: string | null;
    }>(
      db.conn,
      'SELECT koper_bsn_pseudonym, koper_kvk_nummer_pseudonym FROM kadaster_transacties ORDER BY transactie_id',
    );
    expect(rows).toEqual([
      { koper_bsn_pseudonym: 'ps1:0000000a', koper_kvk_nummer_pseudonym: null },
      { koper_bsn_pseudonym: null, koper_kvk_nummer_pseudonym: 'ps1:0000000b' },
    ]);
  });

  it('refuses a file whose columns differ from the contract, naming file and columns', async () => {
    const file = join(dir, 'bad.csv');
    writeFileSync(file, 'peiljaar;bsn_pseudonym;buurtcode\n2021;ps1:0000000a;BU00010001\n');
    await expect(
      loadContribution(db.conn, datasetContract('brp_personen'), file, ctx),
    ).rejects.toThrow(ContributionError);
    await expect(
      loadContribution(db.conn, datasetContract('brp_personen'), file, ctx),
    ).rejects.toThrow(
      /bad\.csv: dataset brp_personen lacks column\(s\) geboortedatum, geslacht, huishoudnummer \(found: peiljaar, bsn_pseudonym, buurtcode\)$/,
    );
  });
});

describe('loadContribution of a CSV file with rows DuckDB cannot take apart', () => {
  const HEADER = 'peiljaar;bsn_pseudonym;buurtcode;geboortedatum;geslacht;huishoudnummer';
  const row = (i: number, household: string) =>
    `2021;ps1:${i.toString(16).padStart(8, '0')};BU00010001;01-02-1980;M;${household}`;
  type Item = 'ok' | 'quoted-break' | 'short' | 'long' | 'empty';

  it('quarantines each ragged row under its own row number; every other row loads', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom<Item>('ok', 'ok', 'quoted-break', 'short', 'long', 'empty'), {
          minLength: 1,
          maxLength: 15,
        }),
        fc.constantFrom('\n', '\r\n'),
        async (items, eol) => {
          const lines = [HEADER];
          const ragged: number[] = [];
          let r = 0;
          for (const item of items) {
            if (item === 'empty') {
              lines.push('');
              continue;
            }
            r++;
            if (item === 'short') ragged.push(r);
            if (item === 'long') ragged.push(r);
            lines.push(
              item === 'ok'
                ? row(r, `H${r}`)
                : item === 'quoted-break'
                  ? row(r, `"H${eol}${r}"`)
                  : item === 'short'
                    ? row(r, `H${r}`).split(';').slice(0, 4).join(';')
                    : `${row(r, `H${r}`)};extra`,
            );
          }
          const file = join(dir, `ragged-${run++}.csv`);
          writeFileSync(file, `${lines.join(eol)}${eol}`);
          if (r === 0) {
            await expect(
              loadContribution(db.conn, datasetContract('brp_personen'), file, ctx),
            ).rejects.toThrow('the file has a header but no data rows');
            return;
          }
          const report = await loadContribution(
            db.conn,
            datasetContract('brp_personen'),
            file,
            ctx,
          );
          expect(report).toMatchObject({
            rowsIn: r,
            loaded: r - ragged.length,
            quarantined: ragged.length,
          });
          const q = await queryRows<{ row_number: bigint; field: string; reason: string }>(
            db.conn,
            `SELECT row_number, field, reason FROM ${QUARANTINE_TABLE} WHERE dataset = 'brp_personen' ORDER BY row_number`,
          );
          expect(q.map((x) => [Number(x.row_number), x.reason])).toEqual(
            ragged.map((n) => [n, REASONS.fields]),
          );
          // The loaded rows are the others, each with its own values.
          const loaded = await queryRows<{ h: string }>(
            db.conn,
            `SELECT replace(huishoudnummer, chr(13), '') AS h FROM brp_personen ORDER BY bsn_pseudonym`,
          );
          const expected = items
            .filter((i) => i !== 'empty')
            .flatMap((item, k) =>
              item === 'ok' ? [`H${k + 1}`] : item === 'quoted-break' ? [`H\n${k + 1}`] : [],
            );
          expect(loaded.map((x) => x.h)).toEqual(expected);
        },
      ),
      { numRuns: 40, seed: 2015 },
    );
  });
});
